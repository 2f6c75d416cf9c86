'use client';

import { useEffect, useId } from 'react';
import { toast } from 'sonner';

type ActionResult = { status: 'idle' } | { status: 'success'; message?: string } | { status: 'error'; message: string };

/**
 * A successful action's message becomes a toast; the form's next success replaces it rather than
 * stacking. Errors are not toasted: they stay beside the fields and in the form's message, where
 * the user fixes them.
 */
export function useActionToast(state: ActionResult) {
  const id = useId();
  useEffect(() => {
    if (state.status === 'success' && state.message) toast.success(state.message, { id });
  }, [state, id]);
}
