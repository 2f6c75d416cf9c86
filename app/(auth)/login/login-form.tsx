'use client';

import { useActionState } from 'react';
import { TextField } from '@/components/ui/field';
import { SubmitButton } from '@/components/ui/submit-button';
import type { ActionState } from '@/lib/auth/action';
import { signInAction } from './actions';

export function LoginForm({ callbackUrl }: { callbackUrl?: string }) {
  const [state, action] = useActionState<ActionState, FormData>(signInAction, { status: 'idle' });
  const fieldErrors = state.status === 'error' ? state.fieldErrors : undefined;
  const typed = state.status === 'error' ? state.values : undefined;
  return (
    <form action={action} className="space-y-4" noValidate>
      <input type="hidden" name="callbackUrl" value={callbackUrl ?? ''} />
      <TextField label="Email" name="email" type="email" autoComplete="username" required defaultValue={typed?.email} errors={fieldErrors?.email} />
      <TextField label="Password" name="password" type="password" autoComplete="current-password" required errors={fieldErrors?.password} />
      <p role="alert" aria-live="assertive" className="min-h-5 text-sm text-red-700" data-testid="login-error">
        {state.status === 'error' && !fieldErrors ? state.message : ''}
      </p>
      <SubmitButton pendingLabel="Signing in…">Sign in</SubmitButton>
    </form>
  );
}
