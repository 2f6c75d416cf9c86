'use client';

import type { ColumnDef } from '@tanstack/react-table';
import { Badge } from '@/components/ui/card';
import { DataTable } from '@/components/ui/data-table';

/** One destination's or upstream's line, formatted on the server. */
export interface MarginTableRow {
  id: string;
  label: string;
  calls: string;
  billedMinutes: string;
  revenue: string;
  cost: string;
  margin: string;
  marginPercent: string;
  negative: boolean;
  unrated: string;
  /** Upstreams without a cost deck: their calls count no cost. */
  noCostDeck?: boolean;
}

const numeric = { numeric: true } as const;

const columns: ColumnDef<MarginTableRow>[] = [
  {
    id: 'label',
    header: 'Name',
    cell: ({ row }) => (
      <span className="font-medium">
        {row.original.label}
        {row.original.noCostDeck ? (
          <span className="ml-2">
            <Badge tone="amber">no cost deck</Badge>
          </span>
        ) : null}
      </span>
    ),
  },
  { id: 'calls', header: 'Calls', meta: numeric, cell: ({ row }) => row.original.calls },
  { id: 'billedMinutes', header: 'Billed min', meta: numeric, cell: ({ row }) => row.original.billedMinutes },
  { id: 'revenue', header: 'Revenue', meta: numeric, cell: ({ row }) => row.original.revenue },
  { id: 'cost', header: 'Cost', meta: numeric, cell: ({ row }) => row.original.cost },
  { id: 'margin', header: 'Margin', meta: numeric, cell: ({ row }) => <span className={row.original.negative ? 'font-semibold text-red-800' : undefined}>{row.original.margin}</span> },
  { id: 'marginPercent', header: 'Margin %', meta: numeric, cell: ({ row }) => <span className={row.original.negative ? 'font-semibold text-red-800' : undefined}>{row.original.marginPercent}</span> },
  { id: 'unrated', header: 'Unrated calls', meta: numeric, cell: ({ row }) => row.original.unrated },
];

export function MarginTable({ rows, caption }: { rows: MarginTableRow[]; caption: string }) {
  return <DataTable rows={rows} columns={columns} getRowId={(row) => row.id} caption={caption} rowHeader="label" regionLabel={`${caption}, scrollable`} />;
}
