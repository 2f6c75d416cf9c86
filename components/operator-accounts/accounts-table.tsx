'use client';

import type { ColumnDef } from '@tanstack/react-table';
import Link from 'next/link';
import { useActionState } from 'react';
import { Badge } from '@/components/ui/card';
import { DataTable, type DataTableSort } from '@/components/ui/data-table';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import type { ActionState } from '@/lib/auth/action';

type Action = (state: ActionState, formData: FormData) => Promise<ActionState>;

/** One customer account as the staff list shows it, formatted on the server. */
export interface StaffAccountRow {
  id: string;
  name: string;
  /** Indentation under its parent when the list is in tree order. */
  level: number;
  /** The accounts above it, top-level first ("Acme Telecom › Acme East"); empty for a top-level account. */
  above: string[];
  subAccounts: number;
  /** Live numbers of the account and its sub-accounts, and of the account alone. */
  numbers: string;
  ownNumbers?: string;
  /** The billing account's balance; a sub-account names the account it is billed to instead. */
  balance: { amount: string; negative: boolean } | { billedTo: string };
  status: { suspended: false } | { suspended: true; by?: string };
  /** The staff member is acting as this account right now. */
  current: boolean;
  /** Suspend or reactivate, rendered by the page (which holds the action). */
  statusControl?: React.ReactNode;
}

function ActAsForm({ row, action }: { row: StaffAccountRow; action: Action }) {
  const [state, formAction] = useActionState<ActionState, FormData>(action, { status: 'idle' });
  if (row.current) return <span className="text-sm font-medium text-indigo-800">Acting as it now</span>;
  return (
    <form action={formAction} className="flex flex-col items-end gap-1">
      <input type="hidden" name="accountId" value={row.id} />
      <SubmitButton variant="secondary" pendingLabel="Switching…">
        Act as<span className="sr-only"> {row.name}</span>
      </SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}

export function StaffAccountsTable({ rows, caption, sort, actAs, empty }: { rows: StaffAccountRow[]; caption: string; sort: DataTableSort; actAs: Action; empty: React.ReactNode }) {
  const columns: ColumnDef<StaffAccountRow>[] = [
    {
      id: 'name',
      header: 'Account',
      cell: ({ row: { original: account } }) => (
        <div style={{ paddingLeft: `${account.level * 1.25}rem` }}>
          <p className="break-words font-medium text-slate-900">{account.name}</p>
          <p className="text-xs text-slate-600">
            {account.above.length > 0 ? `Sub-account of ${account.above.join(' › ')}` : 'Top-level (billing) account'}
            {account.subAccounts > 0 ? ` · ${account.subAccounts} sub-account${account.subAccounts === 1 ? '' : 's'}` : ''}
          </p>
          <p className="break-all font-mono text-[11px] text-slate-500">{account.id}</p>
          {account.above.length === 0 ? (
            <Link href={`/operator/accounts/${account.id}/billing`} className="text-xs font-medium text-indigo-800 underline">
              Ledger, payments and limits<span className="sr-only"> of {account.name}</span>
            </Link>
          ) : null}
        </div>
      ),
    },
    {
      id: 'status',
      header: 'Status',
      cell: ({ row: { original: account } }) =>
        account.status.suspended ? (
          <span className="space-y-1">
            <Badge tone="amber">Suspended</Badge>
            {account.status.by ? <span className="block text-xs text-slate-600">with {account.status.by}</span> : null}
          </span>
        ) : (
          <Badge tone="green">Active</Badge>
        ),
    },
    {
      id: 'numbers',
      header: 'Live numbers',
      meta: { numeric: true },
      cell: ({ row: { original: account } }) => (
        <>
          {account.numbers}
          {account.ownNumbers !== undefined ? <span className="block text-xs text-slate-600">{account.ownNumbers} its own</span> : null}
        </>
      ),
    },
    {
      id: 'balance',
      header: 'Balance',
      meta: { numeric: true },
      cell: ({ row: { original: account } }) =>
        'billedTo' in account.balance ? (
          <span className="text-xs text-slate-600">Billed to {account.balance.billedTo}</span>
        ) : (
          <span className={account.balance.negative ? 'text-red-700' : undefined}>{account.balance.amount}</span>
        ),
    },
    {
      id: 'actions',
      header: 'Actions',
      meta: { actions: true },
      cell: ({ row: { original: account } }) => (
        <div className="flex flex-col items-end gap-2">
          <ActAsForm row={account} action={actAs} />
          {account.statusControl}
        </div>
      ),
    },
  ];
  return <DataTable rows={rows} columns={columns} getRowId={(row) => row.id} caption={caption} rowHeader="name" sort={sort} empty={empty} regionLabel="Customer accounts, scrollable" />;
}
