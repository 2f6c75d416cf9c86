'use client';

import Link from 'next/link';
import type { ColumnDef } from '@tanstack/react-table';
import { Badge } from '@/components/ui/card';
import { DataTable } from '@/components/ui/data-table';

/** An effective limit as shown: its value, and the account it comes from when not the row's own. */
export interface LimitView {
  value: string;
  from?: string;
}

export interface AccountTreeRow {
  id: string;
  name: string;
  /** Levels below the account the tree starts at. */
  level: number;
  active: boolean;
  subAccounts: string;
  users: string;
  concurrentCalls: LimitView;
  /** Only for roles that see money. */
  spendCap?: LimitView;
}

function Limit({ limit }: { limit: LimitView }) {
  return (
    <>
      {limit.value}
      {limit.from ? <span className="block text-xs text-slate-600">from {limit.from}</span> : null}
    </>
  );
}

export function AccountTreeTable({ rows, caption, showMoney }: { rows: AccountTreeRow[]; caption: string; showMoney: boolean }) {
  const columns: ColumnDef<AccountTreeRow>[] = [
    {
      id: 'account',
      header: 'Account',
      cell: ({ row: { original: account } }) => (
        <span className="block" style={{ paddingLeft: `${Math.min(account.level, 6) * 1}rem` }}>
          <Link href={`/account/${account.id}`} className="font-medium text-indigo-800 hover:underline">
            {account.name}
          </Link>
        </span>
      ),
    },
    { id: 'status', header: 'Status', cell: ({ row }) => (row.original.active ? <Badge tone="green">Active</Badge> : <Badge tone="amber">Suspended</Badge>) },
    { id: 'subAccounts', header: 'Sub-accounts', meta: { numeric: true }, cell: ({ row }) => row.original.subAccounts },
    { id: 'users', header: 'Users', meta: { numeric: true }, cell: ({ row }) => row.original.users },
    { id: 'concurrentCalls', header: 'Concurrent calls', meta: { numeric: true }, cell: ({ row }) => <Limit limit={row.original.concurrentCalls} /> },
  ];
  if (showMoney) columns.push({ id: 'spendCap', header: 'Spend cap', meta: { numeric: true }, cell: ({ row }) => (row.original.spendCap ? <Limit limit={row.original.spendCap} /> : null) });
  return <DataTable rows={rows} columns={columns} getRowId={(row) => row.id} caption={caption} rowHeader="account" />;
}
