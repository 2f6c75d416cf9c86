'use client';

import { useActionState } from 'react';
import { TextField } from '@/components/ui/field';
import { SubmitButton } from '@/components/ui/submit-button';
import { signInAction, type LoginState } from './actions';

export function LoginForm({ callbackUrl }: { callbackUrl?: string }) {
  const [state, action] = useActionState<LoginState, FormData>(signInAction, { status: 'idle' });
  if (state.status === 'second_factor') {
    return (
      <form action={action} className="space-y-4" noValidate>
        <input type="hidden" name="callbackUrl" value={callbackUrl ?? ''} />
        <input type="hidden" name="step" value="code" />
        <input type="hidden" name="challenge" value={state.challenge} />
        <p className="text-sm text-slate-700">Open your authenticator app and enter the 6-digit code it shows for Carrier Portal. Lost your phone? Enter one of your recovery codes.</p>
        {state.demoCode ? (
          <p className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="demo-code">
            Demo only: the code for this demo user right now is <strong className="font-mono">{state.demoCode}</strong>.
          </p>
        ) : null}
        <TextField label="Authentication code" name="code" inputMode="numeric" autoComplete="one-time-code" autoFocus required maxLength={32} />
        <p role="alert" aria-live="assertive" className="min-h-5 text-sm text-red-700" data-testid="login-error">
          {state.message ?? ''}
        </p>
        <SubmitButton pendingLabel="Checking…">Verify</SubmitButton>
      </form>
    );
  }
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
