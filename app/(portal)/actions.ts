'use server';

import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { signOut } from '@/lib/auth/config';
import { accountCookieOptions } from '@/lib/auth/cookies';
import { authorize, CURRENT_ACCOUNT_COOKIE } from '@/lib/auth/guard';
import { errorState, formToObject, type ActionState } from '@/lib/auth/action';
import { recordStaffActingAs } from '@/lib/services/audit';
import { switchAccountSchema } from '@/lib/validations/account';

/** Changes the account the user works in; checked again on every request after this. */
export async function switchAccountAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  try {
    const { accountId } = switchAccountSchema.parse(formToObject(formData));
    const access = await authorize('account.read', accountId);
    await recordStaffActingAs(access);
    (await cookies()).set(CURRENT_ACCOUNT_COOKIE, accountId, await accountCookieOptions());
  } catch (error) {
    return errorState(error);
  }
  redirect('/dashboard');
}

/** Ends the session on the server (Auth.js's signOut event revokes its row), then the cookies. */
export async function signOutAction() {
  (await cookies()).delete(CURRENT_ACCOUNT_COOKIE);
  await signOut({ redirectTo: '/login' });
}
