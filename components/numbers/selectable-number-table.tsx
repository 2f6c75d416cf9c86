'use client';

import Link from 'next/link';
import { useState, type ReactNode } from 'react';

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
  };
}

export interface NumberColumn<Row> {
  header: string;
  cell: (row: Row) => ReactNode;
}

/** A scrollable table of numbers with a checkbox each and one for all; extra columns after the number. */
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
  return (
    <div className={`${maxHeight} overflow-auto`} tabIndex={0} role="region" aria-label={`${caption}, scrollable`}>
      <table className="w-full text-left text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="border-b border-slate-200 text-xs uppercase text-slate-600">
          <tr>
            <th scope="col" className="w-10 py-2">
              <input type="checkbox" aria-label={`Select every number in ${caption.toLowerCase()}`} checked={selection.allSelected} disabled={disabled} onChange={selection.toggleAll} />
            </th>
            <th scope="col" className="py-2 pr-3">
              Number
            </th>
            {columns.map((column) => (
              <th key={column.header} scope="col" className="py-2 pr-3">
                {column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id} className="border-b border-slate-100 align-top last:border-0">
              <td className="py-2">
                <input type="checkbox" aria-label={`Select ${row.number}`} checked={selection.selected.has(row.id)} disabled={disabled} onChange={() => selection.toggle(row.id)} />
              </td>
              <th scope="row" className="py-2 pr-3 font-normal">
                {linkNumbers ? (
                  <Link href={`/numbers/${row.id}`} className="whitespace-nowrap tabular-nums text-indigo-800 hover:underline">
                    {row.number}
                  </Link>
                ) : (
                  <span className="whitespace-nowrap tabular-nums">{row.number}</span>
                )}
              </th>
              {columns.map((column) => (
                <td key={column.header} className="py-2 pr-3 text-slate-700">
                  {column.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
