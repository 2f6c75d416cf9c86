'use server';

import { revalidatePath } from 'next/cache';
import { accountAction } from '@/lib/auth/action';
import { ROLE_LABELS } from '@/lib/auth/permissions';
import { createSubAccount, renameAccount, setAccountStatusFromParent, setRequireE911ForRouting, updateAccountLimits } from '@/lib/services/accounts';
import { setRequireTwoFactor } from '@/lib/services/two-factor';
import { changeMemberRole, inviteUser, removeMembership, revokeInvitation } from '@/lib/services/users';
import {
  changeRoleSchema,
  createSubAccountSchema,
  inviteUserSchema,
  removeMembershipSchema,
  renameAccountSchema,
  revokeInvitationSchema,
  routingPolicySchema,
  setAccountStatusSchema,
  updateLimitsSchema,
} from '@/lib/validations/account';
import { twoFactorPolicySchema } from '@/lib/validations/two-factor';

function refresh() {
  revalidatePath('/account', 'layout');
  revalidatePath('/dashboard');
}

export const createSubAccountAction = accountAction({
  schema: createSubAccountSchema,
  permission: 'subaccounts.manage',
  accountField: 'parentId',
  async run(input, access) {
    const created = await createSubAccount(access, input);
    refresh();
    return { message: `Created ${created.name} under ${access.account.name}.` };
  },
});

export const renameAccountAction = accountAction({
  schema: renameAccountSchema,
  permission: 'subaccounts.manage',
  accountField: 'accountId',
  async run({ name }, access) {
    await renameAccount(access, name);
    refresh();
    return { message: 'Name saved.' };
  },
});

export const updateLimitsAction = accountAction({
  schema: updateLimitsSchema,
  permission: 'subaccounts.manage',
  accountField: 'accountId',
  async run(input, access) {
    // Decided one level up: the service checks the user manages the parent, within its limits.
    await updateAccountLimits(access, input);
    refresh();
    return { message: 'Limits saved.' };
  },
});

export const updateRoutingPolicyAction = accountAction({
  schema: routingPolicySchema,
  permission: 'subaccounts.manage',
  accountField: 'accountId',
  async run({ requireE911ForRouting }, access) {
    await setRequireE911ForRouting(access, requireE911ForRouting);
    refresh();
    return { message: requireE911ForRouting ? 'Numbers now need a registered emergency address before routing.' : 'Saved: numbers can be routed without an emergency address.' };
  },
});

export const updateTwoFactorPolicyAction = accountAction({
  schema: twoFactorPolicySchema,
  permission: 'owners.manage',
  accountField: 'accountId',
  async run({ requireTwoFactor }, access) {
    await setRequireTwoFactor(access, requireTwoFactor);
    refresh();
    return { message: requireTwoFactor ? 'Every member of this account and its sub-accounts must now use two-factor authentication.' : 'Saved: two-factor authentication is up to each member.' };
  },
});

export const setAccountStatusAction = accountAction({
  schema: setAccountStatusSchema,
  permission: 'account.read',
  accountField: 'accountId',
  async run({ status }, access) {
    // Suspension is decided one level up, so a suspended account can still be reactivated.
    await setAccountStatusFromParent(access, status);
    refresh();
    return { message: status === 'suspended' ? `${access.account.name} is suspended.` : `${access.account.name} is active again.` };
  },
});

export const inviteUserAction = accountAction({
  schema: inviteUserSchema,
  permission: 'users.manage',
  accountField: 'accountId',
  async run({ email, role }, access) {
    const { inviteUrl } = await inviteUser(access, { email, role });
    refresh();
    return { message: `Invitation created for ${email}. Copy the link now: it is shown only once.`, data: { inviteUrl } };
  },
});

export const changeRoleAction = accountAction({
  schema: changeRoleSchema,
  permission: 'users.manage',
  accountField: 'accountId',
  async run({ membershipId, role }, access) {
    const { changed, email } = await changeMemberRole(access, { membershipId, role });
    refresh();
    return { message: changed ? `${email}’s role is now ${ROLE_LABELS[role]}.` : `Nothing changed: ${email} already has that role.` };
  },
});

export const removeMembershipAction = accountAction({
  schema: removeMembershipSchema,
  permission: 'users.manage',
  accountField: 'accountId',
  async run({ membershipId }, access) {
    await removeMembership(access, { membershipId });
    refresh();
    return { message: 'Removed from the account.' };
  },
});

export const revokeInvitationAction = accountAction({
  schema: revokeInvitationSchema,
  permission: 'users.manage',
  accountField: 'accountId',
  async run({ invitationId }, access) {
    await revokeInvitation(access, invitationId);
    refresh();
    return { message: 'Invitation revoked.' };
  },
});
