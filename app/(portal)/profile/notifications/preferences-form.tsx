'use client';

import { useActionState, useState } from 'react';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import type { ActionState } from '@/lib/auth/action';

export interface PreferenceRow {
  /** The form name of the event type (`order_completed`). */
  key: string;
  label: string;
  description: string;
  inApp: boolean;
  email: boolean;
}

type Channel = 'inApp' | 'email';

const CHANNELS: { channel: Channel; label: string }[] = [
  { channel: 'inApp', label: 'In the portal' },
  { channel: 'email', label: 'By e-mail' },
];

/**
 * Event types × channels in one form. The boxes are controlled, so a refused save keeps what the
 * user ticked; each box follows a hidden `off` so a clear box is sent too.
 */
export function NotificationPreferencesForm({ rows, action }: { rows: PreferenceRow[]; action: (state: ActionState, formData: FormData) => Promise<ActionState> }) {
  const [state, formAction] = useActionState<ActionState, FormData>(action, { status: 'idle' });
  const [ticked, setTicked] = useState(() => Object.fromEntries(rows.flatMap((row) => CHANNELS.map(({ channel }) => [`${row.key}.${channel}`, row[channel]]))));
  const errors = state.status === 'error' ? state.fieldErrors : undefined;
  return (
    <form action={formAction} className="space-y-4" noValidate>
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Which notifications reach you, and how</caption>
        <thead>
          <tr className="border-b border-slate-200 text-slate-600">
            <th scope="col" className="py-2 pr-3 font-medium">
              What happened
            </th>
            {CHANNELS.map(({ channel, label }) => (
              <th key={channel} scope="col" className="w-20 px-2 py-2 text-center font-medium sm:w-32">
                {label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const rowErrors = Object.entries(errors ?? {}).filter(([field]) => field === row.key || field.startsWith(`${row.key}.`));
            return (
              <tr key={row.key} className="border-b border-slate-100 align-top">
                <th scope="row" className="py-3 pr-3 font-normal">
                  <span id={`pref-${row.key}`} className="block font-medium text-slate-900">
                    {row.label}
                  </span>
                  <span className="block text-slate-600">{row.description}</span>
                  {rowErrors.length > 0 ? (
                    <span id={`pref-${row.key}-error`} className="mt-1 block text-red-700">
                      {rowErrors.flatMap(([, messages]) => messages).join(' ')}
                    </span>
                  ) : null}
                </th>
                {CHANNELS.map(({ channel, label }) => {
                  const name = `${row.key}.${channel}`;
                  return (
                    <td key={channel} className="px-2 py-3 text-center">
                      <input type="hidden" name={name} value="off" />
                      <input
                        type="checkbox"
                        name={name}
                        checked={Boolean(ticked[name])}
                        onChange={(event) => setTicked((current) => ({ ...current, [name]: event.target.checked }))}
                        aria-label={`${row.label}: ${label.toLowerCase()}`}
                        aria-describedby={rowErrors.length > 0 ? `pref-${row.key}-error` : undefined}
                        className="h-5 w-5 rounded border-slate-400 text-indigo-700"
                      />
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
      <FormMessage state={state} />
      <SubmitButton pendingLabel="Saving…">Save notification settings</SubmitButton>
    </form>
  );
}
