'use server';

import { revalidatePath } from 'next/cache';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { staffAction } from '@/lib/auth/action';
import { accountCookieOptions } from '@/lib/auth/cookies';
import { CURRENT_ACCOUNT_COOKIE } from '@/lib/auth/guard';
import { setAccountStatusAsStaff, startActingAs, stopActingAs } from '@/lib/services/staff-accounts';
import { actAsAccountSchema, setAccountStatusAsStaffSchema, stopActingSchema } from '@/lib/validations/staff-accounts';

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

/** Suspends or reactivates any customer account, top-level ones included, with a reason (audited on that account). */
export const setAccountStatusAsStaffAction = staffAction({
  schema: setAccountStatusAsStaffSchema,
  async run({ accountId, status, reason }, { user, ip }) {
    const { account, changed, suspendedAbove } = await setAccountStatusAsStaff(user, { accountId, status, reason }, ip);
    revalidatePath('/operator/accounts');
    revalidatePath('/account', 'layout');
    const stillReadOnly = suspendedAbove ? ` It stays read-only while ${suspendedAbove} is suspended.` : '';
    if (status === 'suspended') return { message: changed ? `${account.name} is suspended: it and its sub-accounts are read-only and their API keys are refused.` : `${account.name} was already suspended.` };
    return { message: `${changed ? `${account.name} is active again.` : `${account.name} was not suspended itself.`}${stillReadOnly}` };
  },
});
