'use client';

import { useActionState } from 'react';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import type { ActionState } from '@/lib/auth/action';

type Action = (state: ActionState, formData: FormData) => Promise<ActionState>;

/** Asks every carrier about the address again; the page then shows their answers. */
export function E911RecheckForm({ addressId, action, disabled }: { addressId: string; action: Action; disabled?: boolean }) {
  const [state, formAction] = useActionState<ActionState, FormData>(action, { status: 'idle' });
  return (
    <form action={formAction} className="flex flex-wrap items-center gap-3">
      <input type="hidden" name="addressId" value={addressId} />
      <SubmitButton variant="secondary" pendingLabel="Checking with every carrier…" disabled={disabled}>
        Check again with every carrier
      </SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}
