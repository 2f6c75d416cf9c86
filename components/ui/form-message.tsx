import { cn } from './cn';

type State = { status: 'idle' } | { status: 'success'; message?: string } | { status: 'error'; message: string };

/** The form's outcome, announced to screen readers as it changes. */
export function FormMessage({ state }: { state: State }) {
  const text = state.status === 'idle' ? '' : (state.message ?? '');
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
