'use client';

import { cn } from './cn';
import { useActionToast } from './use-action-toast';

type State = { status: 'idle' } | { status: 'success'; message?: string } | { status: 'error'; message: string; fieldErrors?: Record<string, string[] | undefined> };

/**
 * The form's outcome. An error stays here, announced as it changes; a success becomes a toast
 * (`success="toast"`), stays here where the result belongs to this spot on the page (`"both"`), or
 * only here where no toaster is mounted (the sign-in pages, `"inline"`).
 */
export function FormMessage({ state, success = 'toast' }: { state: State; success?: 'toast' | 'inline' | 'both' }) {
  useActionToast(success === 'inline' ? { status: 'idle' } : state);
  // A refusal whose message is already shown beside its field is not said twice.
  const besideField = state.status === 'error' && Object.values(state.fieldErrors ?? {}).some((messages) => messages?.includes(state.message));
  const text = (state.status === 'error' && !besideField) || (state.status === 'success' && success !== 'toast') ? (state.message ?? '') : '';
  return (
    <p
      role="status"
      aria-live="polite"
      className={cn('text-sm', state.status === 'error' ? 'text-red-700' : 'text-emerald-800', !text && 'sr-only')}
    >
      {text}
    </p>
  );
}
