'use client';

import Link from 'next/link';
import type { ColumnDef } from '@tanstack/react-table';
import type { ReactNode } from 'react';
import { Badge } from '@/components/ui/card';
import { DataTable } from '@/components/ui/data-table';
import type { ActionState } from '@/lib/auth/action';
import type { ApiKeyStatus } from '@/lib/views/api-keys';
import { RevokeApiKeyForm } from './api-key-forms';

export interface ApiKeyRow {
  id: string;
  name: string;
  prefix: string;
  role: string;
  status: ApiKeyStatus;
  statusLabel: string;
  statusDetail: string | null;
  createdBy: string;
  createdAt: string;
  expires: string;
  lastUsed: string;
  lastUsedIp: string;
}

const STATUS_TONES: Record<ApiKeyStatus, 'green' | 'slate' | 'amber' | 'red'> = { active: 'green', expired: 'slate', revoked: 'red', stopped: 'amber' };

export function ApiKeyStatusBadge({ status, label, detail }: { status: ApiKeyStatus; label: string; detail?: string | null }) {
  return (
    <span title={detail ?? undefined}>
      <Badge tone={STATUS_TONES[status]}>{label}</Badge>
    </span>
  );
}

export function ApiKeyTable({ rows, caption, revokeAction, canRevoke, empty }: { rows: ApiKeyRow[]; caption: string; revokeAction: (state: ActionState, formData: FormData) => Promise<ActionState>; canRevoke: boolean; empty: ReactNode }) {
  const columns: ColumnDef<ApiKeyRow>[] = [
    {
      id: 'name',
      header: 'Name',
      cell: ({ row }) => (
        <Link href={`/developers/api-keys/${row.original.id}`} className="font-medium text-indigo-800 hover:underline">
          {row.original.name}
        </Link>
      ),
    },
    { id: 'prefix', header: 'Key', cell: ({ row }) => <code className="font-mono text-xs">{row.original.prefix}…</code> },
    { id: 'role', header: 'Role', cell: ({ row }) => row.original.role },
    {
      id: 'status',
      header: 'Status',
      cell: ({ row }) => (
        <div className="space-y-0.5">
          <ApiKeyStatusBadge status={row.original.status} label={row.original.statusLabel} detail={row.original.statusDetail} />
          {row.original.status === 'stopped' && row.original.statusDetail ? <p className="text-xs text-slate-600">{row.original.statusDetail}</p> : null}
        </div>
      ),
    },
    { id: 'createdBy', header: 'Created by', cell: ({ row }) => <span className="break-all">{row.original.createdBy}</span> },
    { id: 'createdAt', header: 'Created', cell: ({ row }) => row.original.createdAt },
    { id: 'expires', header: 'Expires', cell: ({ row }) => row.original.expires },
    {
      id: 'lastUsed',
      header: 'Last used',
      cell: ({ row }) => (
        <span>
          {row.original.lastUsed}
          {row.original.lastUsedIp ? <span className="block text-xs text-slate-600">from {row.original.lastUsedIp}</span> : null}
        </span>
      ),
    },
    {
      id: 'actions',
      header: () => <span className="sr-only">Actions</span>,
      meta: { actions: true, label: 'Actions' },
      cell: ({ row }) =>
        canRevoke && row.original.status !== 'revoked' ? <RevokeApiKeyForm keyId={row.original.id} name={row.original.name} action={revokeAction} compact /> : null,
    },
  ];
  return <DataTable rows={rows} columns={columns} getRowId={(row) => row.id} caption={caption} empty={empty} regionLabel="API keys, scrollable" rowHeader="name" />;
}
