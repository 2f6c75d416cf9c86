'use client';

import { useRouter } from 'next/navigation';
import { useActionState, useEffect } from 'react';
import { TextField } from '@/components/ui/field';
import { SubmitButton } from '@/components/ui/submit-button';
import type { ActionState } from '@/lib/auth/action';

/**
 * "Confirm it is you": an authenticator code that stamps this session for ten minutes before
 * changes that hand out access (roles, API keys). The action is the security page's stepUpAction.
 */
export function StepUpPrompt({ action, reason }: { action: (state: ActionState, formData: FormData) => Promise<ActionState>; reason: string }) {
  const router = useRouter();
  const [state, submit] = useActionState<ActionState, FormData>(action, { status: 'idle' });
  useEffect(() => {
    if (state.status === 'success') router.refresh();
  }, [state, router]);
  const error = state.status === 'error' ? (state.fieldErrors?.code?.[0] ?? state.message) : undefined;
  return (
    <form action={submit} className="rounded-md border border-indigo-200 bg-indigo-50 p-4" noValidate data-testid="step-up-prompt">
      <p className="mb-3 text-sm text-indigo-900">{reason}</p>
      <div className="flex flex-col gap-3 sm:flex-row sm:items-start">
        <TextField label="Authenticator code" name="code" idPrefix="step-up" inputMode="numeric" autoComplete="one-time-code" required maxLength={32} errors={error ? [error] : undefined} className="sm:w-56" />
        <div className="sm:pt-6">
          <SubmitButton pendingLabel="Checking…">Confirm</SubmitButton>
        </div>
      </div>
    </form>
  );
}
