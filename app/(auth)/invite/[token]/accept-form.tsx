'use client';

import { useActionState } from 'react';
import { FormMessage } from '@/components/ui/form-message';
import { TextField } from '@/components/ui/field';
import { SubmitButton } from '@/components/ui/submit-button';
import type { ActionState } from '@/lib/auth/action';
import { acceptInvitationAsNewUserAction, acceptInvitationAsUserAction } from './actions';

/** For someone not signed in: the same form whether or not the email already has a user. */
export function NewUserForm({ token, email }: { token: string; email: string }) {
  const [state, action] = useActionState<ActionState, FormData>(acceptInvitationAsNewUserAction, { status: 'idle' });
  const errors = state.status === 'error' ? state.fieldErrors : undefined;
  const values = state.status === 'error' ? state.values : undefined;
  return (
    <form action={action} className="space-y-4" noValidate>
      <input type="hidden" name="token" value={token} />
      <TextField label="Email" name="email-display" value={email} readOnly disabled />
      <TextField label="Your name" name="name" autoComplete="name" required defaultValue={values?.name} errors={errors?.name} />
      <TextField
        label="Choose a password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        errors={errors?.password}
        hint="At least 12 characters, and not a common password or a simple pattern: three or four unrelated words work well."
      />
      <TextField label="Repeat the password" name="confirmPassword" type="password" autoComplete="new-password" required errors={errors?.confirmPassword} />
      <FormMessage state={state} success="inline" />
      <SubmitButton pendingLabel="Joining…">Create my user and join</SubmitButton>
    </form>
  );
}

/** For the invited person, already signed in: one click. */
export function AcceptAsUserForm({ token }: { token: string }) {
  const [state, action] = useActionState<ActionState, FormData>(acceptInvitationAsUserAction, { status: 'idle' });
  return (
    <form action={action} className="space-y-4">
      <input type="hidden" name="token" value={token} />
      <FormMessage state={state} success="inline" />
      <SubmitButton pendingLabel="Joining…">Accept the invitation</SubmitButton>
    </form>
  );
}
