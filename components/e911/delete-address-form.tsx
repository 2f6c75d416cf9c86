'use client';

import { Trash2 } from 'lucide-react';
import { useActionState, useId } from 'react';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { FormMessage } from '@/components/ui/form-message';
import type { ActionState } from '@/lib/auth/action';

type Action = (state: ActionState, formData: FormData) => Promise<ActionState>;

/** Delete behind a confirmation that names the address and what happens to its numbers. */
export function DeleteE911AddressForm({ addressId, address, numberCount, action, disabled }: { addressId: string; address: string; numberCount: number; action: Action; disabled?: boolean }) {
  const [state, formAction, pending] = useActionState<ActionState, FormData>(action, { status: 'idle' });
  const formId = useId();
  return (
    <form id={formId} action={formAction} className="space-y-3">
      <input type="hidden" name="addressId" value={addressId} />
      <ConfirmDialog
        trigger={{ label: <><Trash2 aria-hidden="true" className="size-4" />Delete address…</>, disabled }}
        title={`Delete ${address}?`}
        description="The address is removed from your address book and from the carriers."
        consequence={
          numberCount > 0
            ? `Its ${numberCount} number${numberCount === 1 ? ' is' : 's are'} unassigned from it first and left without an emergency address: 911 calls from ${numberCount === 1 ? 'it' : 'them'} carry no address until you register another.`
            : 'No number uses it. This cannot be undone.'
        }
        confirmLabel="Yes, delete this address"
        pendingLabel="Deleting…"
        pending={pending}
        form={formId}
        closeOn={state}
      />
      <FormMessage state={state} />
    </form>
  );
}
