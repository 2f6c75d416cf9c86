'use client';

import { useActionState } from 'react';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import type { ActionState } from '@/lib/auth/action';

type Action = (state: ActionState, formData: FormData) => Promise<ActionState>;

export function MarkAllReadButton({ action }: { action: Action }) {
  const [state, formAction] = useActionState<ActionState, FormData>(action, { status: 'idle' });
  return (
    <form action={formAction} className="flex flex-col items-end gap-1">
      <SubmitButton variant="secondary" pendingLabel="Marking…">
        Mark all read
      </SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}

export function MarkReadButton({ action, notificationId, title }: { action: Action; notificationId: string; title: string }) {
  const [state, formAction] = useActionState<ActionState, FormData>(action, { status: 'idle' });
  return (
    <form action={formAction}>
      <input type="hidden" name="notificationId" value={notificationId} />
      <button type="submit" aria-label={`Mark “${title}” read`} className="text-sm font-medium text-indigo-800 underline hover:text-indigo-950">
        Mark read
      </button>
      {state.status === 'error' ? <FormMessage state={state} /> : null}
    </form>
  );
}
