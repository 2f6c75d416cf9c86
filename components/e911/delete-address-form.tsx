'use client';

import { useActionState, useEffect, useId, useRef, useState } from 'react';
import { Button, buttonClass } from '@/components/ui/button';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import type { ActionState } from '@/lib/auth/action';

type Action = (state: ActionState, formData: FormData) => Promise<ActionState>;

/** Delete with a confirmation that names the address and what happens to its numbers. */
export function DeleteE911AddressForm({ addressId, address, numberCount, action, disabled }: { addressId: string; address: string; numberCount: number; action: Action; disabled?: boolean }) {
  const [state, formAction] = useActionState<ActionState, FormData>(action, { status: 'idle' });
  const [confirming, setConfirming] = useState(false);
  const [answered, setAnswered] = useState<ActionState>(state);
  if (answered !== state) {
    setAnswered(state);
    setConfirming(false);
  }
  const id = useId();
  const panel = useRef<HTMLDivElement>(null);
  const opener = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (confirming) panel.current?.querySelector<HTMLButtonElement>('button[type="submit"]')?.focus();
  }, [confirming]);

  const cancel = () => {
    setConfirming(false);
    queueMicrotask(() => opener.current?.focus());
  };

  return (
    <form action={formAction} className="space-y-3">
      <input type="hidden" name="addressId" value={addressId} />
      {confirming ? (
        <div ref={panel} role="group" aria-labelledby={`${id}-question`} className="space-y-2 rounded-md border border-red-200 bg-red-50 p-3 text-red-900" onKeyDown={(event) => event.key === 'Escape' && cancel()}>
          <p id={`${id}-question`} className="text-sm font-medium">
            Delete {address}?
          </p>
          <p className="text-sm">
            {numberCount > 0
              ? `Its ${numberCount} number${numberCount === 1 ? ' is' : 's are'} unassigned from it first and left without an emergency address: 911 calls from ${numberCount === 1 ? 'it' : 'them'} carry no address until you register another.`
              : 'No number uses it. This cannot be undone.'}
          </p>
          <div className="flex flex-wrap gap-2">
            <SubmitButton variant="danger" pendingLabel="Deleting…">
              Yes, delete this address
            </SubmitButton>
            <Button type="button" variant="secondary" onClick={cancel}>
              Cancel
            </Button>
          </div>
        </div>
      ) : (
        <button ref={opener} type="button" className={buttonClass('danger')} disabled={disabled} onClick={() => setConfirming(true)}>
          Delete address…
        </button>
      )}
      <FormMessage state={state} />
    </form>
  );
}
