'use client';

import { Gavel } from 'lucide-react';
import { useActionState, useState } from 'react';
import { TextAreaField, TextField } from '@/components/ui/field';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import type { ActionState } from '@/lib/auth/action';
import type { DisputeDecision } from '@/lib/validations/disputes';

type Action = (state: ActionState, formData: FormData) => Promise<ActionState>;

const CHOICES: { value: DisputeDecision; label: string; hint: string }[] = [
  { value: 'accept', label: 'Accept', hint: 'Credit the whole disputed amount.' },
  { value: 'partial', label: 'Partial credit', hint: 'Credit part of it; say why.' },
  { value: 'reject', label: 'Reject', hint: 'Credit nothing; say why.' },
];

/** Accept, credit part, or reject: final once recorded. */
export function DecisionForm({ disputeId, disputed, action }: { disputeId: string; disputed: string; action: Action }) {
  const [state, formAction] = useActionState<ActionState, FormData>(action, { status: 'idle' });
  const echoed = state.status === 'error' ? state.values : undefined;
  const [decision, setDecision] = useState<DisputeDecision>((echoed?.decision as DisputeDecision | undefined) ?? 'accept');
  const errors = state.status === 'error' ? state.fieldErrors : undefined;
  return (
    <form action={formAction} className="space-y-4" noValidate>
      <input type="hidden" name="disputeId" value={disputeId} />
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-slate-800">Decision</legend>
        {CHOICES.map((choice) => (
          <div key={choice.value} className="flex items-start gap-2">
            <input
              id={`decision-${choice.value}`}
              type="radio"
              name="decision"
              value={choice.value}
              checked={decision === choice.value}
              onChange={() => setDecision(choice.value)}
              className="mt-0.5 size-4"
            />
            <label htmlFor={`decision-${choice.value}`} className="text-sm text-slate-800">
              {choice.label} <span className="text-slate-600">— {choice.value === 'accept' ? `credit ${disputed}.` : choice.hint}</span>
            </label>
          </div>
        ))}
      </fieldset>
      {decision === 'partial' ? (
        <TextField idPrefix="decision" label="Credit amount" name="creditAmount" inputMode="decimal" defaultValue={echoed?.creditAmount ?? ''} errors={errors?.creditAmount} hint={`More than zero, at most ${disputed}.`} />
      ) : null}
      <TextAreaField
        idPrefix="decision"
        label={decision === 'accept' ? 'Note (optional)' : 'Note'}
        name="note"
        rows={3}
        maxLength={2000}
        defaultValue={echoed?.note ?? ''}
        errors={errors?.note}
        hint="The customer reads it on the dispute’s page."
      />
      <p className="text-sm text-slate-700">A decision is final: a decided dispute never changes. A credit is posted to the ledger now and shows on the customer’s next invoice.</p>
      <SubmitButton pendingLabel="Recording…">
        <Gavel aria-hidden="true" className="size-4" />
        Record decision
      </SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}
