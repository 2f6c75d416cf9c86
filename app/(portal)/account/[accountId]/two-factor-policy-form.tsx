'use client';

import { useActionState } from 'react';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import type { ActionState } from '@/lib/auth/action';

export function TwoFactorPolicyForm({ accountId, required, action }: { accountId: string; required: boolean; action: (state: ActionState, formData: FormData) => Promise<ActionState> }) {
  const [state, formAction] = useActionState<ActionState, FormData>(action, { status: 'idle' });
  return (
    <form action={formAction} className="space-y-3" noValidate>
      <input type="hidden" name="accountId" value={accountId} />
      <input type="hidden" name="requireTwoFactor" value="off" />
      <label className="flex items-start gap-2 text-sm text-slate-800">
        <input type="checkbox" name="requireTwoFactor" value="on" defaultChecked={required} className="mt-0.5 h-4 w-4" />
        Require two-factor authentication for every member
      </label>
      <p className="text-xs text-slate-600">Applies to members of this account and of every sub-account under it: those without it set it up at their next page.</p>
      <FormMessage state={state} />
      <SubmitButton>Save</SubmitButton>
    </form>
  );
}
