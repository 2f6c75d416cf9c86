'use client';

import Link from 'next/link';
import { useState, type ReactNode } from 'react';
import type { ColumnDef } from '@tanstack/react-table';
import { DataTable } from '@/components/ui/data-table';

export interface SelectableNumber {
  id: string;
  /** As shown: +1 312-555-0100. */
  number: string;
}

/**
 * The ticked numbers of a list. Numbers that leave the list (after a change) drop out of the
 * selection, so a submit never carries a number the user can no longer see.
 */
export function useNumberSelection(rows: readonly SelectableNumber[]) {
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const ids = new Set(rows.map((row) => row.id));
  const chosen = [...selected].filter((id) => ids.has(id));
  const allSelected = rows.length > 0 && rows.every((row) => selected.has(row.id));
  return {
    selected,
    chosen,
    allSelected,
    toggle: (id: string) =>
      setSelected((current) => {
        const next = new Set(current);
        if (next.has(id)) next.delete(id);
        else next.add(id);
        return next;
      }),
    toggleAll: () => setSelected(allSelected ? new Set() : new Set(rows.map((row) => row.id))),
    replace: (next: ReadonlySet<string>) => setSelected(next),
  };
}

export interface NumberColumn<Row> {
  header: string;
  cell: (row: Row) => ReactNode;
}

/** A table of numbers with a checkbox each and one for all; extra columns after the number. */
export function SelectableNumberTable<Row extends SelectableNumber>({
  rows,
  caption,
  selection,
  columns,
  disabled,
  linkNumbers,
  maxHeight = 'max-h-96',
}: {
  rows: readonly Row[];
  caption: string;
  selection: ReturnType<typeof useNumberSelection>;
  columns: readonly NumberColumn<Row>[];
  disabled?: boolean;
  /** Link each number to its detail page. */
  linkNumbers?: boolean;
  maxHeight?: string;
}) {
  const tableColumns: ColumnDef<Row>[] = [
    {
      id: 'number',
      header: 'Number',
      cell: ({ row }) =>
        linkNumbers ? (
          <Link href={`/numbers/${row.original.id}`} className="whitespace-nowrap tabular-nums text-indigo-800 hover:underline">
            {row.original.number}
          </Link>
        ) : (
          <span className="whitespace-nowrap tabular-nums">{row.original.number}</span>
        ),
    },
    ...columns.map((column): ColumnDef<Row> => ({ id: column.header, header: column.header, meta: { className: 'text-slate-700' }, cell: ({ row }) => column.cell(row.original) })),
  ];
  return (
    <div className={`${maxHeight} overflow-y-auto`}>
      <DataTable
        rows={rows}
        columns={tableColumns}
        getRowId={(row) => row.id}
        caption={caption}
        rowHeader="number"
        selection={{
          selected: selection.selected,
          onChange: selection.replace,
          allLabel: `Select every number in ${caption.toLowerCase()}`,
          label: (row) => `Select ${row.number}`,
          disabled,
        }}
      />
    </div>
  );
}
