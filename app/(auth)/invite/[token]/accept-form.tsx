'use client';

import { useActionState } from 'react';
import { FormMessage } from '@/components/ui/form-message';
import { TextField } from '@/components/ui/field';
import { SubmitButton } from '@/components/ui/submit-button';
import type { ActionState } from '@/lib/auth/action';
import { acceptInvitationAction } from './actions';

export function AcceptInvitationForm({ token, email, existingUser }: { token: string; email: string; existingUser: boolean }) {
  const [state, action] = useActionState<ActionState, FormData>(acceptInvitationAction, { status: 'idle' });
  const errors = state.status === 'error' ? state.fieldErrors : undefined;
  return (
    <form action={action} className="space-y-4" noValidate>
      <input type="hidden" name="token" value={token} />
      <TextField label="Email" name="email-display" value={email} readOnly disabled />
      {existingUser ? (
        <TextField label="Your current password" name="password" type="password" autoComplete="current-password" required errors={errors?.password} hint="You already have a user here; confirm it is you." />
      ) : (
        <>
          <TextField label="Your name" name="name" autoComplete="name" required errors={errors?.name} />
          <TextField label="Choose a password" name="password" type="password" autoComplete="new-password" required errors={errors?.password} hint="At least 12 characters." />
          <TextField label="Repeat the password" name="confirmPassword" type="password" autoComplete="new-password" required errors={errors?.confirmPassword} />
        </>
      )}
      <FormMessage state={state} />
      <SubmitButton pendingLabel="Joining…">Accept and sign in</SubmitButton>
    </form>
  );
}
