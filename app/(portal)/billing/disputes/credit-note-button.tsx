'use client';

import { FileText } from 'lucide-react';
import { useActionState } from 'react';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import type { ActionState } from '@/lib/auth/action';

type Action = (state: ActionState, formData: FormData) => Promise<ActionState>;

/** "Open the December 2026 invoice": the month's invoice, or its draft computed on the spot. */
export function CreditNoteInvoiceButton({ disputeId, label, action }: { disputeId: string; label: string; action: Action }) {
  const [state, formAction] = useActionState<ActionState, FormData>(action, { status: 'idle' });
  return (
    <form action={formAction} className="space-y-1">
      <input type="hidden" name="disputeId" value={disputeId} />
      <SubmitButton variant="secondary" pendingLabel="Computing the invoice…">
        <FileText aria-hidden="true" className="size-4" />
        {label}
      </SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}
