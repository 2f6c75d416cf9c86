'use server';

import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { staffAction } from '@/lib/auth/action';
import { accountCookieOptions } from '@/lib/auth/cookies';
import { CURRENT_ACCOUNT_COOKIE } from '@/lib/auth/guard';
import { startActingAs, stopActingAs } from '@/lib/services/staff-accounts';
import { actAsAccountSchema, stopActingSchema } from '@/lib/validations/staff-accounts';

/** Operator staff start working in a customer account (audited on that account), then land on its dashboard. */
export const actAsAccountAction = staffAction({
  schema: actAsAccountSchema,
  async run({ accountId }, { user, ip }) {
    await startActingAs(user, { accountId }, ip);
    (await cookies()).set(CURRENT_ACCOUNT_COOKIE, accountId, await accountCookieOptions());
    redirect('/dashboard');
  },
});

/** Ends acting as a customer account (audited on it) and goes back to the list of accounts. */
export const stopActingAction = staffAction({
  schema: stopActingSchema,
  async run(_input, { user, ip }) {
    await stopActingAs(user, ip);
    (await cookies()).delete(CURRENT_ACCOUNT_COOKIE);
    redirect('/operator/accounts');
  },
});
