'use server';

import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { echoValues, errorState, formToObject, type ActionState } from '@/lib/auth/action';
import { clientIp } from '@/lib/auth/client-ip';
import { signIn } from '@/lib/auth/config';
import { accountCookieOptions } from '@/lib/auth/cookies';
import { CURRENT_ACCOUNT_COOKIE, getSessionUser } from '@/lib/auth/guard';
import { mintSignInTicket } from '@/lib/auth/sign-in-tickets';
import { AppError } from '@/lib/errors';
import { acceptInvitationAsNewUser, acceptInvitationAsUser } from '@/lib/services/users';
import { acceptInvitationAsNewUserSchema, acceptInvitationAsUserSchema } from '@/lib/validations/auth';

/** A new person joins: the user is created and signed in without a second password check. */
export async function acceptInvitationAsNewUserAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  let accepted: { userId: string; accountId: string };
  const raw = formToObject(formData);
  try {
    const input = acceptInvitationAsNewUserSchema.parse(raw);
    accepted = await acceptInvitationAsNewUser(input, clientIp(await headers()));
  } catch (error) {
    const state = errorState(error);
    // The name survives a refused password; the passwords are never echoed.
    return state.status === 'error' ? { ...state, values: echoValues(raw) } : state;
  }
  (await cookies()).set(CURRENT_ACCOUNT_COOKIE, accepted.accountId, await accountCookieOptions());
  await signIn('sign-in-ticket', { ticket: mintSignInTicket(accepted.userId), redirectTo: '/dashboard' });
  return { status: 'success' };
}

/** Someone already signed in accepts an invitation sent to their own email. */
export async function acceptInvitationAsUserAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  let accountId: string;
  try {
    const viewer = await getSessionUser();
    if (!viewer) throw new AppError('unauthorized:session', 'Sign in as the invited person to accept.');
    const input = acceptInvitationAsUserSchema.parse(formToObject(formData));
    ({ accountId } = await acceptInvitationAsUser(viewer, input, clientIp(await headers())));
  } catch (error) {
    return errorState(error);
  }
  (await cookies()).set(CURRENT_ACCOUNT_COOKIE, accountId, await accountCookieOptions());
  redirect('/dashboard');
}
