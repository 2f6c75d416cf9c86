'use client';

import type { ColumnDef } from '@tanstack/react-table';
import { DataTable } from '@/components/ui/data-table';
import type { ActionState } from '@/lib/auth/action';
import { ConfirmActionForm, MemberRoleForm } from './forms';

type Action = (state: ActionState, formData: FormData) => Promise<ActionState>;

export interface MemberRow {
  membershipId: string;
  name: string;
  email: string;
  role: string;
  /** The roles this row may be given (an owner's row lists every role). */
  roles: { value: string; label: string }[];
  mayEdit: boolean;
}

/** The members of one account, each with a role picker and a Remove button. */
export function MemberTable({ rows, account, changeRoleAction, removeMembershipAction }: { rows: MemberRow[]; account: { id: string; name: string }; changeRoleAction: Action; removeMembershipAction: Action }) {
  const columns: ColumnDef<MemberRow>[] = [
    {
      id: 'user',
      header: 'User',
      cell: ({ row: { original: member } }) => (
        <>
          <p className="break-words font-medium">{member.name}</p>
          <p className="break-all text-xs font-normal text-slate-600">{member.email}</p>
        </>
      ),
    },
    {
      id: 'role',
      header: 'Role',
      cell: ({ row: { original: member } }) => (
        <MemberRoleForm accountId={account.id} membershipId={member.membershipId} role={member.role} roles={member.roles} action={changeRoleAction} label={member.email} disabled={!member.mayEdit} />
      ),
    },
    {
      id: 'actions',
      header: 'Actions',
      meta: { actions: true },
      cell: ({ row: { original: member } }) => (
        <ConfirmActionForm
          hidden={{ accountId: account.id, membershipId: member.membershipId }}
          action={removeMembershipAction}
          label="Remove"
          confirmText={`Remove ${member.email} from ${account.name}?`}
          consequence={`${member.name} loses access to ${account.name} and its sub-accounts at once; you can invite them again later.`}
          confirmLabel={`Yes, remove ${member.email}`}
          pendingLabel="Removing…"
          disabled={!member.mayEdit}
        />
      ),
    },
  ];
  return <DataTable rows={rows} columns={columns} getRowId={(row) => row.membershipId} caption={`Members of ${account.name}`} rowHeader="user" />;
}
