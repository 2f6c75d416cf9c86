'use client';

import { useActionState } from 'react';
import { TextField } from '@/components/ui/field';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import type { ActionState } from '@/lib/auth/action';

export function ChangePasswordForm({ action }: { action: (state: ActionState, formData: FormData) => Promise<ActionState> }) {
  const [state, formAction] = useActionState<ActionState, FormData>(action, { status: 'idle' });
  const errors = state.status === 'error' ? state.fieldErrors : undefined;
  return (
    <form action={formAction} className="max-w-md space-y-4" noValidate>
      <TextField label="Current password" name="currentPassword" type="password" autoComplete="current-password" required errors={errors?.currentPassword} />
      <TextField
        label="New password"
        name="newPassword"
        type="password"
        autoComplete="new-password"
        required
        errors={errors?.newPassword}
        hint="At least 12 characters, and not a common password or a simple pattern: three or four unrelated words work well."
      />
      <TextField label="Repeat the new password" name="confirmPassword" type="password" autoComplete="new-password" required errors={errors?.confirmPassword} />
      <FormMessage state={state} />
      <SubmitButton pendingLabel="Changing…">Change password</SubmitButton>
    </form>
  );
}
