'use client';

import Link from 'next/link';
import type { ReactNode } from 'react';
import { flexRender, getCoreRowModel, useReactTable, type Cell, type ColumnDef, type Header, type Row as TableRow, type RowData, type RowSelectionState, type Updater } from '@tanstack/react-table';
import { cn } from './cn';

declare module '@tanstack/react-table' {
  // Type parameters must match the library's declaration to merge with it.
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface ColumnMeta<TData extends RowData, TValue> {
    /** The column's name where the header is not plain text (the card label, the sort link). */
    label?: string;
    /** Right-aligned figures. */
    numeric?: boolean;
    /** Extra classes for this column's cells, in both layouts. */
    className?: string;
    /** Buttons or forms for the row: no card label, at the foot of the card. */
    actions?: boolean;
    /** Left out of the card, e.g. when the title already says it. */
    hideInCard?: boolean;
    /** Too wide for the card's value column (a nested table): its label goes above it instead. */
    wideInCard?: boolean;
  }
}

export type SortDirection = 'asc' | 'desc';

/** The server's sort order and, per sortable column, the URL of each order (other params kept). */
export interface DataTableSort {
  column: string;
  dir: SortDirection;
  hrefs: Partial<Record<string, Record<SortDirection, string>>>;
}

interface SelectionBase<Row> {
  /** The checkbox's accessible name, e.g. "Select +1 312-555-0100". */
  label: (row: Row) => string;
  canSelect?: (row: Row) => boolean;
  disabled?: boolean;
}

/** Ticks held in React state by the caller, which submits them itself. */
export interface StateSelection<Row> extends SelectionBase<Row> {
  selected: ReadonlySet<string>;
  onChange: (selected: Set<string>) => void;
  allLabel: string;
}

/**
 * Plain checkboxes that belong to a form elsewhere on the page (`name`, `value` = row id, `form`);
 * the form reads the ticked boxes itself, so the same id may be ticked in both layouts.
 */
export interface FormSelection<Row> extends SelectionBase<Row> {
  form: string;
  name: string;
  /** The header cell, e.g. a "select every row" box that knows the form. */
  header?: ReactNode;
}

export type DataTableSelection<Row> = StateSelection<Row> | FormSelection<Row>;

export interface DataTableProps<Row> {
  rows: readonly Row[];
  columns: ColumnDef<Row, unknown>[];
  getRowId: (row: Row) => string;
  caption: string;
  captionVisible?: boolean;
  /** The column that names a row: a row header in the table, the title of its card. */
  rowHeader?: string;
  /** The column that titles a card, when the table has no row header; defaults to `rowHeader`. */
  cardTitle?: string;
  sort?: DataTableSort;
  selection?: DataTableSelection<Row>;
  /** Shown instead of the table when there are no rows. */
  empty?: ReactNode;
  /** The rows are being refreshed (aria-busy). */
  busy?: boolean;
  /** Replaces the "…, scrollable" name of the table's scroll region. */
  regionLabel?: string;
  className?: string;
}

const isStateSelection = <Row,>(selection: DataTableSelection<Row>): selection is StateSelection<Row> => 'selected' in selection;

const columnLabel = <Row,>(header: Header<Row, unknown>) => header.column.columnDef.meta?.label ?? (typeof header.column.columnDef.header === 'string' ? header.column.columnDef.header : header.column.id);

const ariaSort = (sorted: false | SortDirection) => (sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none');

function SortLink<Row>({ header, sort, children }: { header: Header<Row, unknown>; sort: DataTableSort; children: ReactNode }) {
  const sorted = header.column.getIsSorted();
  const next: SortDirection = sorted === 'asc' ? 'desc' : 'asc';
  const href = sort.hrefs[header.column.id]![next];
  return (
    <Link href={href} className="inline-flex items-center gap-1 hover:text-slate-900 hover:underline" aria-label={`${columnLabel(header)}: sort ${next === 'asc' ? 'ascending' : 'descending'}`}>
      {children}
      <span aria-hidden="true">{sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : '↕'}</span>
    </Link>
  );
}

/**
 * A table read one page at a time from the server: sorting and paging live in the URL, so the
 * table only links to the other order. Every row is rendered once, as a real <table> row; below md
 * CSS lays each row out as a card of label–value pairs.
 */
export function DataTable<Row>({ rows, columns, getRowId, caption, captionVisible, rowHeader, cardTitle = rowHeader, sort, selection, empty, busy, regionLabel, className }: DataTableProps<Row>) {
  const rowSelection: RowSelectionState | undefined = selection && isStateSelection(selection) ? Object.fromEntries([...selection.selected].map((id) => [id, true])) : undefined;
  // The project does not use the React Compiler, so nothing memoizes the table's functions.
  // eslint-disable-next-line react-hooks/incompatible-library
  const table = useReactTable<Row>({
    data: rows as Row[],
    columns,
    getRowId: (row) => getRowId(row),
    getCoreRowModel: getCoreRowModel(),
    manualSorting: true,
    manualPagination: true,
    enableSorting: Boolean(sort),
    enableSortingRemoval: false,
    enableRowSelection: selection ? (row) => (selection.canSelect ? selection.canSelect(row.original) : true) : false,
    state: {
      sorting: sort ? [{ id: sort.column, desc: sort.dir === 'desc' }] : [],
      ...(rowSelection ? { rowSelection } : {}),
    },
    onRowSelectionChange: (updater: Updater<RowSelectionState>) => {
      if (!selection || !isStateSelection(selection) || !rowSelection) return;
      const next = typeof updater === 'function' ? updater(rowSelection) : updater;
      selection.onChange(new Set(Object.keys(next).filter((id) => next[id])));
    },
  });

  if (rows.length === 0) return <>{empty ?? <p className="text-sm text-slate-600">Nothing to show.</p>}</>;

  const headers = table.getHeaderGroups()[0]?.headers ?? [];
  const footers = table.getFooterGroups()[0]?.headers ?? [];
  const hasFooter = footers.some((footer) => footer.column.columnDef.footer);
  const sortable = (header: Header<Row, unknown>) => Boolean(sort?.hrefs[header.column.id]);

  const checkbox = (row: TableRow<Row>) => {
    if (!selection || !row.getCanSelect()) return null;
    const label = selection.label(row.original);
    return isStateSelection(selection) ? (
      <input type="checkbox" aria-label={label} checked={row.getIsSelected()} disabled={selection.disabled} onChange={row.getToggleSelectedHandler()} className="size-4" />
    ) : (
      <input type="checkbox" name={selection.name} value={row.id} form={selection.form} aria-label={label} disabled={selection.disabled} className="size-4" />
    );
  };
  // Both the header cell and the cards' "Select all" show this box.
  const headerCheckbox = (key: string) =>
    selection ? (
      isStateSelection(selection) ? (
        <input key={key} type="checkbox" aria-label={selection.allLabel} checked={table.getIsAllRowsSelected()} disabled={selection.disabled} onChange={table.getToggleAllRowsSelectedHandler()} className="size-4" />
      ) : (
        (selection.header ?? null)
      )
    ) : null;

  const desktopCell = (meta: ColumnDef<Row, unknown>['meta']) => cn('dt-cell', meta?.numeric && 'dt-numeric', meta?.actions && 'md:text-right', meta?.className);
  const cardRole = (columnId: string, meta: ColumnDef<Row, unknown>['meta']) => {
    if (columnId === cardTitle) return 'dt-title';
    if (meta?.actions) return 'dt-actions';
    if (meta?.hideInCard) return 'max-md:hidden';
    if (meta?.wideInCard) return 'dt-wide';
    return 'dt-pair';
  };

  // Worked out once per column, not per cell: the same classes and label for every row.
  const cellLayouts = new Map<string, { classes: string; valueClass?: string; label?: string }>();
  const cellLayout = (cell: Cell<Row, unknown>) => {
    const known = cellLayouts.get(cell.column.id);
    if (known) return known;
    const meta = cell.column.columnDef.meta;
    // A pair's label is CSS generated content from data-label: outside the cell's text (what
    // copy, tests and the table layout read) and absent from md up.
    const pair = cell.column.id !== cardTitle && !meta?.actions && !meta?.hideInCard;
    const layout = {
      classes: cn(desktopCell(meta), cardRole(cell.column.id, meta), pair && 'dt-label', cell.column.id === rowHeader && 'md:font-normal'),
      valueClass: pair ? cn('dt-value', meta?.numeric && 'tabular-nums') : undefined,
      label: pair ? (meta?.label ?? (typeof cell.column.columnDef.header === 'string' ? cell.column.columnDef.header : cell.column.id)) : undefined,
    };
    cellLayouts.set(cell.column.id, layout);
    return layout;
  };

  const renderCell = (cell: Cell<Row, unknown>) => {
    const content = flexRender(cell.column.columnDef.cell, cell.getContext());
    const { classes, valueClass, label } = cellLayout(cell);
    const body = valueClass ? <div className={valueClass}>{content}</div> : content;
    return cell.column.id === rowHeader ? (
      <th key={cell.id} scope="row" className={classes} data-label={label}>
        {body}
      </th>
    ) : (
      <td key={cell.id} className={classes} data-label={label}>
        {body}
      </td>
    );
  };

  const cardControls =
    sort || (selection && (isStateSelection(selection) || selection.header)) ? (
      <div className="mb-2 space-y-2 text-xs text-slate-600 md:hidden">
        {sort ? (
          <p className="flex flex-wrap items-center gap-x-3 gap-y-1">
            <span>Sort:</span>
            {headers.filter(sortable).map((header) => (
              <span key={header.id} aria-current={header.column.getIsSorted() ? 'true' : undefined} className={header.column.getIsSorted() ? 'font-semibold text-slate-900' : undefined}>
                <SortLink header={header} sort={sort}>
                  {columnLabel(header)}
                </SortLink>
              </span>
            ))}
          </p>
        ) : null}
        {selection ? (
          <div className="flex items-center gap-2 text-sm text-slate-700">
            {headerCheckbox('card')}
            <span aria-hidden="true">Select all</span>
          </div>
        ) : null}
      </div>
    ) : null;

  return (
    <div className={className}>
      {cardControls}
      <div className="overflow-x-auto" tabIndex={0} role="region" aria-label={regionLabel ?? `${caption}, scrollable`}>
        <table className="w-full text-left text-sm max-md:block" aria-busy={busy || undefined}>
          <caption className={captionVisible ? 'mb-2 text-left text-sm font-medium text-slate-800 max-md:block' : 'sr-only'}>{caption}</caption>
          <thead className="border-b border-slate-200 text-xs uppercase text-slate-600 max-md:hidden">
            <tr>
              {selection ? (
                <th scope="col" className="w-8 py-2 pr-2">
                  {headerCheckbox('table') ?? <span className="sr-only">Select</span>}
                </th>
              ) : null}
              {headers.map((header) => {
                const content = header.column.columnDef.meta?.actions ? <span className="sr-only">{columnLabel(header)}</span> : flexRender(header.column.columnDef.header, header.getContext());
                return (
                  <th key={header.id} scope="col" className={cn('py-2 pr-3 last:pr-0', desktopCell(header.column.columnDef.meta))} aria-sort={sortable(header) ? ariaSort(header.column.getIsSorted()) : undefined}>
                    {sortable(header) && sort ? (
                      <SortLink header={header} sort={sort}>
                        {content}
                      </SortLink>
                    ) : (
                      content
                    )}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody className="max-md:block max-md:space-y-3">
            {table.getRowModel().rows.map((row) => (
              <tr key={row.id} className="dt-row">
                {selection ? <td className="dt-select">{checkbox(row)}</td> : null}
                {row.getVisibleCells().map(renderCell)}
              </tr>
            ))}
          </tbody>
          {hasFooter ? (
            <tfoot className="max-md:mt-3 max-md:block max-md:rounded-md max-md:bg-slate-50 max-md:p-3">
              <tr className="font-medium max-md:block">
                {selection ? <td className="max-md:hidden" /> : null}
                {footers.map((footer) => {
                  const content = footer.column.columnDef.footer ? flexRender(footer.column.columnDef.footer, footer.getContext()) : null;
                  const title = footer.column.id === cardTitle;
                  return (
                    <td
                      key={footer.id}
                      className={cn(desktopCell(footer.column.columnDef.meta), 'md:pt-3', !content ? 'max-md:hidden' : title ? 'max-md:mb-1 max-md:block' : 'max-md:grid max-md:grid-cols-[minmax(0,2fr)_minmax(0,3fr)] max-md:gap-x-3 dt-label')}
                      data-label={content && !title ? columnLabel(footer) : undefined}
                    >
                      {content && !title ? <div className="min-w-0 tabular-nums md:contents">{content}</div> : content}
                    </td>
                  );
                })}
              </tr>
            </tfoot>
          ) : null}
        </table>
      </div>
    </div>
  );
}
