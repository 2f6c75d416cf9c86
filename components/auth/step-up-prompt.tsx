'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useActionState, useEffect, useState } from 'react';
import { twoFactorStandingAction } from '@/app/(portal)/profile/security/actions';
import { TextField } from '@/components/ui/field';
import { SubmitButton } from '@/components/ui/submit-button';
import type { ActionState } from '@/lib/auth/action';

type StepUpAction = (state: ActionState, formData: FormData) => Promise<ActionState>;

const SECURITY_PAGE_HREF = '/profile/security';

/**
 * "Confirm it is you": an authenticator code that stamps this session for ten minutes before
 * changes that hand out access (roles, API keys). The action is the security page's stepUpAction.
 * A user without 2FA gets a link to set it up instead of a code field they cannot fill in.
 * `twoFactorEnabled`, when the page knows it, saves asking the server.
 */
export function StepUpPrompt({ action, reason, twoFactorEnabled }: { action: StepUpAction; reason: string; twoFactorEnabled?: boolean }) {
  const [asked, setAsked] = useState<boolean | undefined>(undefined);
  useEffect(() => {
    if (twoFactorEnabled !== undefined) return;
    let live = true;
    // Unknown after a failed check: the code field, whose refusal says how to turn 2FA on.
    twoFactorStandingAction().then(
      ({ enabled }) => live && setAsked(enabled),
      () => live && setAsked(true),
    );
    return () => {
      live = false;
    };
  }, [twoFactorEnabled]);
  const enabled = twoFactorEnabled ?? asked;
  if (enabled === undefined) {
    return (
      <p role="status" className="rounded-md border border-indigo-200 bg-indigo-50 p-4 text-sm text-indigo-900" data-testid="step-up-prompt">
        Checking your two-factor authentication…
      </p>
    );
  }
  return enabled ? <StepUpCodeForm action={action} reason={reason} /> : <SetUpTwoFactorFirst />;
}

/** For those without 2FA: where to turn it on, since these changes need a code from it. */
export function SetUpTwoFactorFirst() {
  return (
    <div className="rounded-md border border-amber-300 bg-amber-50 p-4 text-sm text-amber-950" data-testid="step-up-prompt">
      <p>
        This change needs a code from an authenticator app, and two-factor authentication is not on for you yet.{' '}
        <Link href={SECURITY_PAGE_HREF} className="font-medium underline">
          Set up two-factor authentication
        </Link>{' '}
        (Profile → Security), then come back here and confirm with your code.
      </p>
    </div>
  );
}

function StepUpCodeForm({ action, reason }: { action: StepUpAction; reason: string }) {
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
