'use client';

import { useEffect, useId } from 'react';
import { toast } from 'sonner';

type ActionResult = { status: 'idle' } | { status: 'success'; message?: string; tone?: 'partial' | 'failed' } | { status: 'error'; message: string };

/**
 * A successful action's message becomes a toast; the form's next success replaces it rather than
 * stacking; a partial or failed outcome stays until dismissed. Errors are not toasted: they stay beside the fields and in the form's message, where
 * the user fixes them.
 */
export function useActionToast(state: ActionResult) {
  const id = useId();
  useEffect(() => {
    if (state.status !== 'success' || !state.message) return;
    // A change that only partly took (or was saved but did not take upstream) is never a green toast.
    if (state.tone === 'failed') toast.error(state.message, { id, duration: Infinity, closeButton: true });
    else if (state.tone === 'partial') toast.warning(state.message, { id, duration: Infinity, closeButton: true });
    else toast.success(state.message, { id });
  }, [state, id]);
}
