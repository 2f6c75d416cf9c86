'use client';

import type { ColumnDef } from '@tanstack/react-table';
import { useActionState, useState } from 'react';
import { DataTable } from '@/components/ui/data-table';
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
  const rowErrorsOf = (row: PreferenceRow) =>
    Object.entries(errors ?? {})
      .filter(([field]) => field === row.key || field.startsWith(`${row.key}.`))
      .flatMap(([, messages]) => messages ?? []);
  const columns: ColumnDef<PreferenceRow>[] = [
    {
      id: 'event',
      header: 'What happened',
      cell: ({ row: { original: row } }) => {
        const rowErrors = rowErrorsOf(row);
        return (
          <>
            <span className="block font-medium text-slate-900">{row.label}</span>
            <span className="block text-slate-600">{row.description}</span>
            {rowErrors.length > 0 ? (
              <span id={`pref-${row.key}-error`} className="mt-1 block text-red-700">
                {rowErrors.join(' ')}
              </span>
            ) : null}
          </>
        );
      },
    },
    ...CHANNELS.map(({ channel, label }): ColumnDef<PreferenceRow> => ({
      id: channel,
      header: label,
      cell: ({ row: { original: row } }) => {
        const name = `${row.key}.${channel}`;
        return (
          <>
            <input type="hidden" name={name} value="off" />
            <input
              type="checkbox"
              name={name}
              checked={Boolean(ticked[name])}
              onChange={(event) => setTicked((current) => ({ ...current, [name]: event.target.checked }))}
              aria-label={`${row.label}: ${label.toLowerCase()}`}
              aria-describedby={rowErrorsOf(row).length > 0 ? `pref-${row.key}-error` : undefined}
              className="h-5 w-5 rounded border-slate-400 text-indigo-700"
            />
          </>
        );
      },
    })),
  ];
  return (
    <form action={formAction} className="space-y-4" noValidate>
      <DataTable rows={rows} columns={columns} getRowId={(row) => row.key} caption="Which notifications reach you, and how" rowHeader="event" />
      <FormMessage state={state} />
      <SubmitButton pendingLabel="Saving…">Save notification settings</SubmitButton>
    </form>
  );
}
