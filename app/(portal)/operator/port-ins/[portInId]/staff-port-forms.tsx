'use client';

import { RefreshCw } from 'lucide-react';
import { useActionState, useState } from 'react';
import { CheckboxField, SelectField, TextAreaField, TextField } from '@/components/ui/field';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import { useActionToast } from '@/components/ui/use-action-toast';
import type { ActionState } from '@/lib/auth/action';

type Action = (state: ActionState, formData: FormData) => Promise<ActionState>;

/** Move the port to a state the state machine allows from here; an exception needs its code, FOC its date. */
export function TransitionForm({ portInId, targets, exceptionCodes, action }: { portInId: string; targets: { value: string; label: string }[]; exceptionCodes: { value: string; label: string }[]; action: Action }) {
  const [state, formAction] = useActionState<ActionState, FormData>(action, { status: 'idle' });
  useActionToast(state);
  const echoed = state.status === 'error' ? state.values : undefined;
  const [to, setTo] = useState(echoed?.to ?? targets[0]?.value ?? '');
  const errors = state.status === 'error' ? state.fieldErrors : undefined;
  if (!targets.length) return <p className="text-sm text-slate-700">This port is final: no state can follow.</p>;
  return (
    <form action={formAction} className="space-y-3" noValidate>
      <input type="hidden" name="portInId" value={portInId} />
      <SelectField idPrefix="transition" label="New state" name="to" value={to} onChange={(event) => setTo(event.target.value)} errors={errors?.to}>
        {targets.map((target) => (
          <option key={target.value} value={target.value}>
            {target.label}
          </option>
        ))}
      </SelectField>
      {to === 'exception' ? (
        <SelectField idPrefix="transition" label="Exception" name="exceptionCode" defaultValue={echoed?.exceptionCode ?? ''} errors={errors?.exceptionCode}>
          <option value="">Choose…</option>
          {exceptionCodes.map((code) => (
            <option key={code.value} value={code.value}>
              {code.label}
            </option>
          ))}
        </SelectField>
      ) : null}
      {to === 'foc_scheduled' ? <TextField idPrefix="transition" type="date" label="FOC date" name="focDate" defaultValue={echoed?.focDate ?? ''} errors={errors?.focDate} hint="The date the losing carrier committed to." /> : null}
      <TextAreaField idPrefix="transition" label="Comment (optional)" name="comment" rows={3} maxLength={4000} defaultValue={echoed?.comment ?? ''} errors={errors?.comment} />
      <CheckboxField idPrefix="transition" label="Internal: staff only" name="internal" defaultChecked={echoed?.internal === 'on'} />
      <SubmitButton pendingLabel="Moving…">Move the port</SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}

export function CommentForm({ portInId, action }: { portInId: string; action: Action }) {
  const [state, formAction] = useActionState<ActionState, FormData>(action, { status: 'idle' });
  useActionToast(state);
  const errors = state.status === 'error' ? state.fieldErrors : undefined;
  const echoed = state.status === 'error' ? state.values : undefined;
  return (
    <form action={formAction} className="space-y-3" noValidate>
      <input type="hidden" name="portInId" value={portInId} />
      <TextAreaField idPrefix="comment" label="Comment" name="body" rows={3} maxLength={4000} defaultValue={echoed?.body ?? ''} errors={errors?.body} />
      <CheckboxField idPrefix="comment" label="Internal: staff only" name="internal" defaultChecked={echoed?.internal === 'on'} />
      <SubmitButton pendingLabel="Adding…">Add comment</SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}

export function PollNowForm({ portInId, action }: { portInId: string; action: Action }) {
  const [state, formAction] = useActionState<ActionState, FormData>(action, { status: 'idle' });
  useActionToast(state);
  return (
    <form action={formAction} className="space-y-2">
      <input type="hidden" name="portInId" value={portInId} />
      <SubmitButton pendingLabel="Asking the carrier…">
        <RefreshCw aria-hidden="true" className="size-4" />
        Poll carrier now
      </SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}
