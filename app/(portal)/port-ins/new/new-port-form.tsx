'use client';

import { useActionState } from 'react';
import { TextField } from '@/components/ui/field';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import type { ActionState } from '@/lib/auth/action';

export function NewPortForm({ action }: { action: (state: ActionState, formData: FormData) => Promise<ActionState> }) {
  const [state, formAction] = useActionState<ActionState, FormData>(action, { status: 'idle' });
  const echoed = state.status === 'error' ? state.values : undefined;
  return (
    <form action={formAction} className="space-y-4" noValidate aria-label="New port-in">
      <TextField
        name="label"
        idPrefix="port"
        label="Label"
        hint="Optional: a name for this port you will recognise, like “Chicago office”."
        maxLength={80}
        defaultValue={echoed?.label ?? ''}
        errors={state.status === 'error' ? state.fieldErrors?.label : undefined}
        className="max-w-md"
      />
      <FormMessage state={state} />
      <SubmitButton pendingLabel="Starting…">Start the draft</SubmitButton>
    </form>
  );
}
