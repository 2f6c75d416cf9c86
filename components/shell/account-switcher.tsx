'use client';

import { useActionState, useRef } from 'react';
import type { ActionState } from '@/lib/auth/action';

export interface SwitcherOption {
  id: string;
  name: string;
  role: string;
  staff: boolean;
  depth: number;
}

export function AccountSwitcher({
  options,
  currentId,
  action,
}: {
  options: SwitcherOption[];
  currentId: string;
  action: (state: ActionState, formData: FormData) => Promise<ActionState>;
}) {
  const [state, formAction, pending] = useActionState<ActionState, FormData>(action, { status: 'idle' });
  const formRef = useRef<HTMLFormElement>(null);
  const hasCurrent = options.some((option) => option.id === currentId);
  return (
    <form ref={formRef} action={formAction} className="flex items-center gap-2">
      <label htmlFor="account-switcher" className="sr-only">
        Current account
      </label>
      <select
        id="account-switcher"
        name="accountId"
        defaultValue={hasCurrent ? currentId : ''}
        disabled={pending}
        onChange={() => formRef.current?.requestSubmit()}
        className="max-w-64 rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm"
      >
        {!hasCurrent ? <option value="">(other account)</option> : null}
        {options.map((option) => (
          <option key={option.id} value={option.id}>
            {'\u00a0\u00a0'.repeat(option.depth)}
            {option.name}
            {option.staff ? ' (as staff)' : option.depth === 0 ? ` · ${option.role}` : ''}
          </option>
        ))}
      </select>
      <noscript>
        <button type="submit" className="rounded-md border px-2 py-1 text-sm">
          Switch
        </button>
      </noscript>
      {state.status === 'error' ? (
        <span role="status" className="text-xs text-red-700">
          {state.message}
        </span>
      ) : null}
    </form>
  );
}
