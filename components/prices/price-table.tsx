'use client';

import type { ColumnDef } from '@tanstack/react-table';
import { Badge } from '@/components/ui/card';
import { cn } from '@/components/ui/cn';
import { DataTable } from '@/components/ui/data-table';
import type { ActionState } from '@/lib/auth/action';
import { KIND_LABELS } from '@/lib/validations/prices';
import { formatPriceScope, formatRate, isNegativeAmount } from '@/lib/format';
import { PriceRowActions, type ConnectionOption, type PriceRowFacts } from './price-forms';

type Action = (state: ActionState, formData: FormData) => Promise<ActionState>;

interface MarginFigure {
  amount: string;
  percent: string | null;
}

export interface PriceTableRow extends PriceRowFacts {
  scope: 'default' | 'state' | 'npa';
  margins: { connectionId: string; cost: { monthly: string; setup: string } | null; margin: { monthly: MarginFigure; setup: MarginFigure } | null }[];
}

function Margin({ figure }: { figure: MarginFigure }) {
  const loss = isNegativeAmount(figure.amount);
  return (
    <span className={cn('tabular-nums', loss ? 'font-medium text-red-800' : 'text-emerald-900')}>
      {formatRate(figure.amount)} {figure.percent === null ? '(price is 0)' : `(${figure.percent.replace('-', '−')}%)`}
      {loss ? <span className="ml-1">loss</span> : null}
    </span>
  );
}

function CostCell({ entry }: { entry: PriceTableRow['margins'][number] }) {
  if (!entry.cost || !entry.margin) return <Badge tone="amber">no cost on file</Badge>;
  return (
    <dl className="grid grid-cols-[auto_1fr] gap-x-2 gap-y-0.5 text-xs">
      <dt className="text-slate-600">MRC cost</dt>
      <dd className="tabular-nums">{formatRate(entry.cost.monthly)}</dd>
      <dt className="text-slate-600">MRC margin</dt>
      <dd>
        <Margin figure={entry.margin.monthly} />
      </dd>
      <dt className="text-slate-600">NRC cost</dt>
      <dd className="tabular-nums">{formatRate(entry.cost.setup)}</dd>
      <dt className="text-slate-600">NRC margin</dt>
      <dd>
        <Margin figure={entry.margin.setup} />
      </dd>
    </dl>
  );
}

export function PriceTable({
  rows,
  connections,
  actions,
}: {
  rows: PriceTableRow[];
  connections: ConnectionOption[];
  actions: { saveOverride: Action; setDefault: Action; deleteOverride: Action };
}) {
  const costColumns: ColumnDef<PriceTableRow>[] =
    connections.length === 0
      ? [{ id: 'cost', header: 'Upstream cost', meta: { className: 'text-xs text-slate-600' }, cell: () => 'No enabled connection' }]
      : connections.map((connection, index) => ({
          id: `cost-${connection.id}`,
          header: () => (
            <>
              {connection.name}
              <span className="block font-normal normal-case">{connection.providerName}</span>
            </>
          ),
          meta: { label: `${connection.name} (${connection.providerName})` },
          cell: ({ row }) => {
            const entry = row.original.margins[index];
            return entry ? <CostCell entry={entry} /> : null;
          },
        }));
  const columns: ColumnDef<PriceTableRow>[] = [
    { id: 'kind', header: 'Number type', cell: ({ row }) => KIND_LABELS[row.original.kind] },
    { id: 'scope', header: 'Applies to', cell: ({ row }) => (row.original.scope === 'default' ? <Badge tone="indigo">Default</Badge> : formatPriceScope(row.original)) },
    { id: 'monthly', header: 'MRC', meta: { numeric: true }, cell: ({ row }) => formatRate(row.original.monthly) },
    { id: 'setup', header: 'NRC', meta: { numeric: true }, cell: ({ row }) => formatRate(row.original.setup) },
    ...costColumns,
    {
      id: 'actions',
      header: 'Actions',
      meta: { actions: true },
      cell: ({ row: { original: row } }) => <PriceRowActions row={row} label={`${KIND_LABELS[row.kind].toLowerCase()} ${row.scope === 'default' ? 'default price' : formatPriceScope(row)}`} {...actions} />,
    },
  ];
  return (
    <DataTable
      rows={rows}
      columns={columns}
      getRowId={(row) => row.id}
      caption="Sell prices by number type and where they apply, with each enabled connection's cost and margin"
      regionLabel="Price list, scrollable"
      cardTitle="kind"
    />
  );
}
