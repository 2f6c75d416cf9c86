'use client';

import { useActionState, useId, useState } from 'react';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { TextAreaField } from '@/components/ui/field';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import type { ActionState } from '@/lib/auth/action';

type Action = (state: ActionState, formData: FormData) => Promise<ActionState>;

export function PortCommentForm({ portInId, action }: { portInId: string; action: Action }) {
  const [state, formAction] = useActionState<ActionState, FormData>(action, { status: 'idle' });
  const errors = state.status === 'error' ? state.fieldErrors : undefined;
  // A comment that was added clears the box; a refused one stays to be corrected.
  const [round, setRound] = useState(0);
  const [seen, setSeen] = useState<unknown>(state);
  if (seen !== state) {
    setSeen(state);
    if (state.status === 'success') setRound(round + 1);
  }
  return (
    <form action={formAction} className="space-y-3" noValidate aria-label="Add a comment">
      <input type="hidden" name="portInId" value={portInId} />
      <TextAreaField
        key={round}
        name="body"
        idPrefix="port-comment"
        label="Comment to our porting team"
        rows={3}
        maxLength={4000}
        errors={errors?.body}
        defaultValue={state.status === 'error' ? (state.values?.body ?? '') : ''}
      />
      <FormMessage state={state} />
      <SubmitButton pendingLabel="Adding…" variant="secondary">
        Add comment
      </SubmitButton>
    </form>
  );
}

export function CancelPortButton({ portInId, draft, withCarrier, reference, action }: { portInId: string; draft: boolean; withCarrier: boolean; reference: string; action: Action }) {
  const [state, formAction, pending] = useActionState<ActionState, FormData>(action, { status: 'idle' });
  const formId = useId();
  return (
    <form id={formId} action={formAction} className="space-y-2">
      <input type="hidden" name="portInId" value={portInId} />
      <ConfirmDialog
        title={draft ? `Discard draft ${reference}?` : `Cancel port ${reference}?`}
        description={
          draft
            ? 'The draft and what was entered in it are closed; nothing was sent to any carrier.'
            : withCarrier
              ? 'The carrier already has this order. Our porting team asks it to withdraw the order; until it does, the numbers may still move. Numbers already moved stay with us.'
              : 'The order has not reached the carrier yet, so it is stopped here. Numbers already moved stay with us.'
        }
        consequence={draft ? undefined : 'A cancelled port cannot be reopened: to move these numbers later, start a new port-in.'}
        confirmLabel={draft ? 'Discard the draft' : 'Cancel the port'}
        pendingLabel={draft ? 'Discarding…' : 'Cancelling…'}
        pending={pending}
        form={formId}
        closeOn={state}
        trigger={{ label: draft ? 'Discard draft' : 'Cancel port', variant: 'danger' }}
      />
      <FormMessage state={state} />
    </form>
  );
}
