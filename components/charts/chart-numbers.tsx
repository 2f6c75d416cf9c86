import type { ReactNode } from 'react';

export interface ChartNumbersRow {
  key: string | number;
  /** The period, as a person reads it (a link to its calls where there are any). */
  period: ReactNode;
  /** Text per column key. */
  text: Record<string, string>;
  /** A last column of notes (events at that time), when `notes` is given. */
  note?: string;
}

/** A chart's figures as a table under "Show the numbers": the chart's text alternative. */
export function ChartNumbers({ title, columns, rows, notes, maxHeight = false }: { title: string; columns: { key: string; label: string }[]; rows: ChartNumbersRow[]; notes?: string; maxHeight?: boolean }) {
  return (
    <details className="mt-3 text-sm">
      <summary className="cursor-pointer text-indigo-800 underline">Show the numbers</summary>
      <div className={maxHeight ? 'mt-2 max-h-80 overflow-auto' : 'mt-2 overflow-x-auto'} tabIndex={0} role="region" aria-label={`${title}, table, scrollable`}>
        <table className="w-full text-left text-sm">
          <caption className="sr-only">{title}</caption>
          <thead className="border-b border-slate-200 text-xs uppercase text-slate-600">
            <tr>
              <th scope="col" className="py-1.5 pr-3">Period</th>
              {columns.map((column) => (
                <th key={column.key} scope="col" className="py-1.5 pr-3 text-right">
                  {column.label}
                </th>
              ))}
              {notes ? <th scope="col" className="py-1.5 pr-3">{notes}</th> : null}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.key} className="border-b border-slate-100 last:border-0">
                <th scope="row" className="py-1.5 pr-3 font-normal">
                  {row.period}
                </th>
                {columns.map((column) => (
                  <td key={column.key} className="py-1.5 pr-3 text-right tabular-nums">
                    {row.text[column.key]}
                  </td>
                ))}
                {notes ? <td className="py-1.5 pr-3 text-xs">{row.note}</td> : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}
