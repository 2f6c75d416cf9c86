'use client';

import { useActionState } from 'react';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import type { ActionState } from '@/lib/auth/action';

export function RemoveItemForm({ itemId, label, action }: { itemId: string; label: string; action: (state: ActionState, formData: FormData) => Promise<ActionState> }) {
  const [state, formAction] = useActionState<ActionState, FormData>(action, { status: 'idle' });
  return (
    <form action={formAction} className="flex items-center justify-end gap-2">
      <input type="hidden" name="itemId" value={itemId} />
      <FormMessage state={state} />
      <SubmitButton variant="ghost" pendingLabel="Removing…">
        <span className="sr-only">Remove {label}</span>
        <span aria-hidden="true">Remove</span>
      </SubmitButton>
    </form>
  );
}
