'use client';

import type { ColumnDef } from '@tanstack/react-table';
import { Flag } from 'lucide-react';
import Link from 'next/link';
import { useActionState, useState } from 'react';
import { Badge } from '@/components/ui/card';
import { DataTable } from '@/components/ui/data-table';
import { TextAreaField } from '@/components/ui/field';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import type { ActionState } from '@/lib/auth/action';
import { centsToDecimal, microsToCents, parseMicros } from '@/lib/billing/money';
import { formatMoney } from '@/lib/format';
import { DISPUTE_REASON_MAX, DISPUTE_REASON_MIN } from '@/lib/validations/disputes';

/** One rated call of the line, formatted on the server. */
export interface LineCallRow {
  id: string;
  time: string;
  from: string;
  to: string;
  result: string;
  billed: string;
  charge: string;
  /** The charge as stored (six places), summed here for the selection's total. */
  chargeDecimal: string;
  dispute: { href: string; label: string; tone: 'slate' | 'green' | 'amber' | 'red' | 'indigo' } | null;
  /** In no open or credited dispute, charged something, on an issued invoice. */
  selectable: boolean;
}

type Action = (state: ActionState, formData: FormData) => Promise<ActionState>;

const columns: ColumnDef<LineCallRow>[] = [
  { id: 'time', header: 'Time (UTC)', meta: { className: 'tabular-nums md:whitespace-nowrap' }, cell: ({ row }) => row.original.time },
  { id: 'from', header: 'From', meta: { className: 'tabular-nums md:whitespace-nowrap' }, cell: ({ row }) => row.original.from },
  { id: 'to', header: 'To', meta: { className: 'tabular-nums md:whitespace-nowrap' }, cell: ({ row }) => row.original.to },
  { id: 'result', header: 'Result', cell: ({ row }) => row.original.result },
  { id: 'billed', header: 'Billed', meta: { numeric: true }, cell: ({ row }) => row.original.billed },
  { id: 'charge', header: 'Charge', meta: { numeric: true }, cell: ({ row }) => row.original.charge },
  {
    id: 'dispute',
    header: 'Dispute',
    cell: ({ row }) =>
      row.original.dispute ? (
        <Link href={row.original.dispute.href} className="inline-flex">
          <Badge tone={row.original.dispute.tone}>{row.original.dispute.label}</Badge>
        </Link>
      ) : (
        <span className="text-slate-600">—</span>
      ),
  },
];

/**
 * The line's calls with a box to tick each disputable one, and the dispute form: the ticked calls'
 * total (summed exactly, rounded once to the cent, as the dispute will be) and the reason.
 */
export function LineCallsDispute({ rows, caption, invoiceId, lineId, currency, disputable, action }: { rows: LineCallRow[]; caption: string; invoiceId: string; lineId: string; currency: string; disputable: boolean; action: Action }) {
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [state, formAction] = useActionState<ActionState, FormData>(action, { status: 'idle' });
  const chosen = rows.filter((row) => row.selectable && selected.has(row.id));
  const totalCents = microsToCents(chosen.reduce((sum, row) => sum + parseMicros(row.chargeDecimal), 0n));
  const errors = state.status === 'error' ? state.fieldErrors : undefined;
  const echoed = state.status === 'error' ? state.values : undefined;
  const callsError = errors?.callIds?.[0];

  return (
    <div className="space-y-4">
      <DataTable
        rows={rows}
        columns={columns}
        getRowId={(row) => row.id}
        caption={caption}
        cardTitle="time"
        regionLabel={`${caption}, scrollable`}
        selection={
          disputable
            ? {
                selected,
                onChange: (next) => setSelected(next),
                allLabel: 'Select every disputable call on this page',
                label: (row) => `Select the call to ${row.to} at ${row.time}`,
                canSelect: (row) => row.selectable,
              }
            : undefined
        }
        empty={<p className="text-sm text-slate-600">No calls on this page.</p>}
      />
      {disputable ? (
        <form action={formAction} className="space-y-3 rounded-md border border-slate-200 bg-slate-50 p-4" noValidate>
          <input type="hidden" name="invoiceId" value={invoiceId} />
          <input type="hidden" name="lineId" value={lineId} />
          <input type="hidden" name="callIds" value={chosen.map((row) => row.id).join(',')} />
          <p className="text-sm text-slate-800" aria-live="polite">
            {chosen.length === 0
              ? 'Tick the calls you dispute on this page (a dispute covers calls of one page; dispute others separately).'
              : `${chosen.length} ${chosen.length === 1 ? 'call' : 'calls'} selected: ${formatMoney(centsToDecimal(totalCents), currency)} disputed (their charges summed, rounded once to the cent).`}
          </p>
          {callsError ? (
            <p className="text-sm text-red-700" role="alert">
              {callsError}
            </p>
          ) : null}
          <TextAreaField
            idPrefix="dispute"
            label="Reason"
            name="reason"
            rows={3}
            maxLength={DISPUTE_REASON_MAX}
            defaultValue={echoed?.reason ?? ''}
            errors={errors?.reason}
            hint={`What is wrong with these calls (${DISPUTE_REASON_MIN}–${DISPUTE_REASON_MAX} characters): we read it when we decide.`}
          />
          <SubmitButton pendingLabel="Sending the dispute…" disabled={chosen.length === 0}>
            <Flag aria-hidden="true" className="size-4" />
            Dispute selected
          </SubmitButton>
          <FormMessage state={state} />
        </form>
      ) : null}
    </div>
  );
}
