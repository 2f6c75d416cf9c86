'use client';

import { useActionState, useEffect, useRef, useState } from 'react';
import { Button, buttonClass } from '@/components/ui/button';
import { SelectField } from '@/components/ui/field';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import type { ActionState } from '@/lib/auth/action';

type Action = (state: ActionState, formData: FormData) => Promise<ActionState>;

/**
 * Release with a confirmation that names the number. It stays mounted after the release so the
 * outcome (and the billing date) is still announced once the page has re-rendered.
 */
export function ReleaseNumberForm({ numberId, formatted, released, billingNote, action, disabled }: { numberId: string; formatted: string; released: boolean; billingNote: string; action: Action; disabled?: boolean }) {
  const [state, formAction] = useActionState<ActionState, FormData>(action, { status: 'idle' });
  const [confirming, setConfirming] = useState(false);
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
      <input type="hidden" name="numberId" value={numberId} />
      {released ? null : confirming ? (
        <div ref={panel} role="group" aria-labelledby={`release-${numberId}-question`} className="space-y-2 rounded-md border border-red-200 bg-red-50 p-3" onKeyDown={(event) => event.key === 'Escape' && cancel()}>
          <p id={`release-${numberId}-question`} className="text-sm font-medium text-red-900">
            Release {formatted}?
          </p>
          <p className="text-sm text-red-900">{billingNote}</p>
          <div className="flex flex-wrap gap-2">
            <SubmitButton variant="danger" pendingLabel="Releasing…">
              Yes, release {formatted}
            </SubmitButton>
            <Button type="button" variant="secondary" onClick={cancel}>
              Cancel
            </Button>
          </div>
        </div>
      ) : (
        <button ref={opener} type="button" className={buttonClass('danger')} disabled={disabled} onClick={() => setConfirming(true)}>
          Release {formatted}…
        </button>
      )}
      <FormMessage state={state} />
      {released && state.status !== 'success' ? <p className="text-sm text-slate-700">This number has been released.</p> : null}
    </form>
  );
}

export function MoveNumberForm({ numberId, targets, action, disabled }: { numberId: string; targets: { id: string; label: string }[]; action: Action; disabled?: boolean }) {
  const [state, formAction] = useActionState<ActionState, FormData>(action, { status: 'idle' });
  const errors = state.status === 'error' ? state.fieldErrors : undefined;
  const echoed = state.status === 'error' ? state.values?.targetAccountId : undefined;
  return (
    <form action={formAction} className="space-y-3" noValidate>
      <input type="hidden" name="numberId" value={numberId} />
      <SelectField idPrefix="move" label="Move to account" name="targetAccountId" defaultValue={echoed ?? ''} errors={errors?.targetAccountId} disabled={disabled} required>
        <option value="" disabled>
          Choose an account
        </option>
        {targets.map((target) => (
          <option key={target.id} value={target.id}>
            {target.label}
          </option>
        ))}
      </SelectField>
      <FormMessage state={state} />
      <SubmitButton pendingLabel="Moving…" disabled={disabled}>
        Move number
      </SubmitButton>
    </form>
  );
}
