'use client';

import { useActionState } from 'react';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import type { ActionState } from '@/lib/auth/action';

/** The idempotency key is minted when the page renders: a double click or a retry is one order. */
export function PlaceOrderForm({ idempotencyKey, dueNow, disabled, action }: { idempotencyKey: string; dueNow: string; disabled: boolean; action: (state: ActionState, formData: FormData) => Promise<ActionState> }) {
  const [state, formAction] = useActionState<ActionState, FormData>(action, { status: 'idle' });
  return (
    <form action={formAction} className="space-y-3">
      <input type="hidden" name="idempotencyKey" value={idempotencyKey} />
      <SubmitButton pendingLabel="Placing order…" disabled={disabled}>
        Place order · {dueNow} now
      </SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}
