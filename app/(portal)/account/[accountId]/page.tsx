import type { Metadata } from 'next';
import Link from 'next/link';
import { MemberTable } from '@/components/account/member-table';
import { AccountStatusForm, ConfirmActionForm, InviteUserForm, LimitsForm, RenameAccountForm, RoutingPolicyForm, type EffectiveLimitView } from '@/components/account/forms';
import { Badge, Card, EmptyState, PageHeader } from '@/components/ui/card';
import { can } from '@/lib/auth/access';
import { requireAccessToAccount } from '@/lib/auth/guard';
import { assignableRoles, ROLE_LABELS, type Role } from '@/lib/auth/permissions';
import { formatCount, formatDate, formatMoney } from '@/lib/format';
import { StepUpPrompt } from '@/components/auth/step-up-prompt';
import { effectiveLimitsOf, getAccountSettings, type EffectiveLimits } from '@/lib/services/accounts';
import { hasRecentSecondFactor } from '@/lib/services/two-factor';
import { stepUpAction } from '../../profile/security/actions';
import { TwoFactorPolicyForm } from './two-factor-policy-form';
import { changeRoleAction, inviteUserAction, removeMembershipAction, renameAccountAction, revokeInvitationAction, setAccountStatusAction, updateLimitsAction, updateRoutingPolicyAction, updateTwoFactorPolicyAction } from '../actions';

export const metadata: Metadata = { title: 'Account settings' };

/** The effective limits as rows; the spend cap only for roles that see money. */
function effectiveView(effective: EffectiveLimits, accountId: string, showMoney: boolean): EffectiveLimitView[] {
  const by = (limit: { setBy?: { id: string; name: string } }) => (limit.setBy && limit.setBy.id !== accountId ? limit.setBy.name : undefined);
  const rows: EffectiveLimitView[] = [
    { label: 'Concurrent calls', value: typeof effective.maxConcurrentCalls.value === 'number' ? formatCount(effective.maxConcurrentCalls.value) : 'No limit', setBy: by(effective.maxConcurrentCalls) },
    { label: 'Calls per second', value: typeof effective.maxCallsPerSecond.value === 'number' ? formatCount(effective.maxCallsPerSecond.value) : 'No limit', setBy: by(effective.maxCallsPerSecond) },
  ];
  if (showMoney) rows.push({ label: 'Monthly spend cap', value: effective.monthlySpendCap.value ? formatMoney(effective.monthlySpendCap.value) : 'No cap', setBy: by(effective.monthlySpendCap) });
  rows.push({ label: 'International calls', value: effective.internationalAllowed.value ? 'Allowed' : 'Not allowed', setBy: by(effective.internationalAllowed) });
  return rows;
}

export default async function AccountSettingsPage({ params }: { params: Promise<{ accountId: string }> }) {
  const { accountId } = await params;
  const access = await requireAccessToAccount(accountId, 'subaccounts.manage');
  const { account } = access;
  const { members, invitations, chain, authority, statusAuthority } = await getAccountSettings(access);
  const parent = account.parentId ? chain.at(-2) : undefined;
  const limitsIntro = authority.editable
    ? parent
      ? `You set these as a manager of ${parent.name}. They cannot exceed ${parent.name}'s effective limits.`
      : 'A top-level account’s limits are set by the carrier.'
    : access.readOnly
      ? `${access.suspendedAccountName ?? account.name} is suspended: limits can change once it is active again.`
      : `Set by ${authority.setBy}. Ask an owner or admin of ${authority.setBy} to change them.`;
  const statusIntro = !parent
    ? access.user.isOperatorStaff
      ? (
          <>
            A top-level account is suspended and reactivated by the carrier’s staff, from{' '}
            <Link href={`/operator/accounts?q=${account.id}`} className="text-indigo-800 underline">
              Customer accounts
            </Link>
            .
          </>
        )
      : 'Set by the carrier: a top-level account is suspended and reactivated by the carrier, not from here.'
    : statusAuthority.waitsFor
      ? `${statusAuthority.waitsFor} is suspended: this status can change once it is active again.`
      : `Set by ${statusAuthority.setBy}. Ask an owner or admin of ${statusAuthority.setBy} to ${account.status === 'active' ? 'suspend' : 'reactivate'} it.`;
  const writable = can(access, 'subaccounts.manage');
  const manageUsers = can(access, 'users.manage');
  const roleOptions = assignableRoles(access.permissions).map((role) => ({ value: role, label: ROLE_LABELS[role] }));
  const steppedUp = manageUsers ? await hasRecentSecondFactor(access) : true;
  const allRoles = (Object.keys(ROLE_LABELS) as Role[]).map((role) => ({ value: role, label: ROLE_LABELS[role] }));

  return (
    <>
      <PageHeader
        title={account.name}
        description={parent ? `Sub-account of ${parent.name}` : 'Top-level account'}
        actions={account.status === 'active' ? <Badge tone="green">Active</Badge> : <Badge tone="amber">Suspended</Badge>}
      />
      <p className="mb-6 text-sm">
        <Link href="/account" className="text-indigo-800 underline">
          ← Account tree
        </Link>
      </p>
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Name">
          <RenameAccountForm accountId={account.id} name={account.name} action={renameAccountAction} disabled={!writable} />
        </Card>
        <Card title="Status" description="A suspended account and its sub-accounts become read-only.">
          {statusAuthority.editable ? (
            <AccountStatusForm accountId={account.id} name={account.name} status={account.status} action={setAccountStatusAction} />
          ) : (
            <p className="text-sm text-slate-700">{statusIntro}</p>
          )}
        </Card>
        <Card title="Limits" className="lg:col-span-2">
          <LimitsForm
            accountId={account.id}
            values={{
              maxConcurrentCalls: account.maxConcurrentCalls,
              maxCallsPerSecond: account.maxCallsPerSecond,
              monthlySpendCap: account.monthlySpendCap,
              internationalAllowed: account.internationalAllowed,
            }}
            effective={effectiveView(effectiveLimitsOf(chain), account.id, access.permissions.has('billing.read'))}
            intro={limitsIntro}
            setBy={authority.setBy}
            editable={authority.editable}
            action={updateLimitsAction}
          />
        </Card>
        <Card title="Emergency routing" className="lg:col-span-2">
          <RoutingPolicyForm accountId={account.id} required={account.requireE911ForRouting} action={updateRoutingPolicyAction} disabled={!writable} />
        </Card>
        {can(access, 'owners.manage') ? (
          <Card title="Two-factor authentication" className="lg:col-span-2">
            <TwoFactorPolicyForm accountId={account.id} required={account.requireTwoFactor} action={updateTwoFactorPolicyAction} />
          </Card>
        ) : null}
        <Card title="Users" description="Members of this account. Roles held on a parent account also reach here." className="lg:col-span-2">
          {steppedUp ? null : (
            <div className="mb-4">
              <StepUpPrompt action={stepUpAction} reason="Changing a role, inviting an admin or owner, removing an owner or lifting the 2FA policy needs your authenticator code from the last 10 minutes. Without two-factor authentication, set it up in Profile → Security first." />
            </div>
          )}
          {members.length === 0 ? (
            <EmptyState title="No members of this sub-account yet">Invite someone below, or manage access from the parent account.</EmptyState>
          ) : (
            <MemberTable
              account={{ id: account.id, name: account.name }}
              changeRoleAction={changeRoleAction}
              removeMembershipAction={removeMembershipAction}
              rows={members.map(({ membership, user }) => {
                const ownerRow = membership.role === 'owner';
                return {
                  membershipId: membership.id,
                  name: user.name,
                  email: user.email,
                  role: membership.role,
                  roles: ownerRow ? allRoles : roleOptions,
                  mayEdit: manageUsers && (!ownerRow || access.permissions.has('owners.manage')),
                };
              })}
            />
          )}
          {invitations.length > 0 ? (
            <div className="mt-6">
              <h3 className="mb-2 text-sm font-semibold">Pending invitations</h3>
              <ul className="divide-y divide-slate-100 text-sm">
                {invitations.map((invitation) => (
                  <li key={invitation.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                    <span>
                      {invitation.email} · {ROLE_LABELS[invitation.role as Role]} · expires {formatDate(invitation.expiresAt)}
                    </span>
                    <ConfirmActionForm hidden={{ accountId: account.id, invitationId: invitation.id }} action={revokeInvitationAction} label="Revoke" confirmText={`Revoke the invitation for ${invitation.email}?`} consequence="The link stops working; you can send a new invitation later." confirmLabel="Yes, revoke the invitation" pendingLabel="Revoking…" disabled={!manageUsers} />
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          <div className="mt-6 border-t border-slate-100 pt-4">
            <h3 className="mb-2 text-sm font-semibold">Invite a user</h3>
            <InviteUserForm accountId={account.id} roles={roleOptions} action={inviteUserAction} disabled={!manageUsers} />
          </div>
        </Card>
      </div>
    </>
  );
}
