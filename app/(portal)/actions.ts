'use server';

import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { signOut } from '@/lib/auth/config';
import { accountCookieOptions } from '@/lib/auth/cookies';
import { accountAction } from '@/lib/auth/action';
import { CURRENT_ACCOUNT_COOKIE } from '@/lib/auth/guard';
import { startActingAs } from '@/lib/services/staff-accounts';
import { switchAccountSchema } from '@/lib/validations/account';

/** Changes the account the user works in; checked again on every request after this. */
export const switchAccountAction = accountAction({
  schema: switchAccountSchema,
  permission: 'account.read',
  accountField: 'accountId',
  run: async ({ accountId }, access) => {
    // Staff moving into a customer account act as it (audited there); into their own, they stop acting.
    if (access.user.isOperatorStaff) await startActingAs(access.user, { accountId }, access.ip);
    (await cookies()).set(CURRENT_ACCOUNT_COOKIE, accountId, await accountCookieOptions());
    redirect('/dashboard');
  },
});

/** Ends the session on the server (Auth.js's signOut event revokes its row), then the cookies. */
export async function signOutAction() {
  (await cookies()).delete(CURRENT_ACCOUNT_COOKIE);
  await signOut({ redirectTo: '/login' });
}
