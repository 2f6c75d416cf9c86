'use client';

import { useActionState } from 'react';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import type { ActionState } from '@/lib/auth/action';

/** Shown on every portal page while operator staff act as a customer account, with the way out. */
export function ActingBanner({ accountName, stopAction }: { accountName: string; stopAction: (state: ActionState, formData: FormData) => Promise<ActionState> }) {
  const [state, formAction] = useActionState<ActionState, FormData>(stopAction, { status: 'idle' });
  return (
    <div role="region" aria-label="Acting as a customer account" data-testid="acting-banner" className="border-b border-indigo-300 bg-indigo-100 px-4 py-2 text-sm text-indigo-950 md:px-6">
      <form action={formAction} className="flex flex-wrap items-center gap-x-3 gap-y-1">
        <p>
          You are acting as <strong>{accountName}</strong> — operator staff. Every change is audited.
        </p>
        <SubmitButton variant="secondary" pendingLabel="Stopping…">
          Stop acting
        </SubmitButton>
        <FormMessage state={state} />
      </form>
    </div>
  );
}
