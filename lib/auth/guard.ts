/**
 * Session helpers for pages, actions and route handlers. Every one of them resolves the user from
 * the session and the account access from the database on each request; nothing is trusted from
 * the URL or a form alone. proxy.ts only redirects anonymous users and is never the only check.
 */
import { cookies, headers } from 'next/headers';
import { forbidden, notFound, redirect } from 'next/navigation';
import { cache } from 'react';
import { getDb } from '@/lib/db/client';
import { getAccountById } from '@/lib/db/queries/accounts';
import { getActingAsBySession } from '@/lib/db/queries/sessions';
import { getUserById } from '@/lib/db/queries/users';
import { AppError, isAppError } from '@/lib/errors';
import { mustEnrolTwoFactor, SECURITY_PAGE } from '@/lib/services/two-factor';
import { assertCan, getActingTreeOptions, getSwitchableAccounts, resolveAccess, type AccountAccess, type SessionUser } from './access';
import { clientIp } from './client-ip';
import { auth } from './config';
import type { Permission } from './permissions';

export const CURRENT_ACCOUNT_COOKIE = 'cp_account';

export const getSessionUser = cache(async (): Promise<SessionUser | null> => {
  const session = await auth();
  const userId = session?.user?.id;
  if (!userId) return null;
  // The session callback has just read the user with the session row; no second query.
  if (session.sessionId && session.user.email && session.user.name) {
    return { id: userId, email: session.user.email, name: session.user.name, isOperatorStaff: Boolean(session.user.isOperatorStaff), sessionId: session.sessionId, owesTwoFactor: session.user.owesTwoFactor };
  }
  const user = await getUserById(await getDb(), { userId });
  if (!user || user.disabledAt) return null;
  return { id: user.id, email: user.email, name: user.name, isOperatorStaff: user.isOperatorStaff };
});

/**
 * The signed-in user, or a redirect to the sign-in page, whether or not they still owe the 2FA
 * set-up: for the portal shell and the security page where they set it up.
 */
export async function requireSignedInUser(): Promise<SessionUser> {
  const user = await getSessionUser();
  if (!user) redirect('/login');
  return user;
}

/** Operator staff, and members of an account whose policy requires it, set up 2FA before anything else. */
const mustEnrolFirst = cache(async (): Promise<boolean> => {
  const user = await getSessionUser();
  if (!user) return false;
  return user.owesTwoFactor ?? mustEnrolTwoFactor(user);
});

const ENROL_FIRST = 'Set up two-factor authentication first (Profile → Security): it is required for your account.';

/** For pages: the signed-in user, or a redirect to the sign-in page (or to the 2FA set-up they owe). */
export async function requireUser(): Promise<SessionUser> {
  const user = await requireSignedInUser();
  if (await mustEnrolFirst()) redirect(SECURITY_PAGE);
  return user;
}

async function requestIp() {
  return clientIp(await headers());
}

/** The accounts the user belongs to (and their sub-accounts), once per request. */
const getMemberAccounts = cache(async () => {
  const user = await getSessionUser();
  return user ? getSwitchableAccounts(await getDb(), user) : [];
});

/**
 * The accounts the switcher offers: the user's own, and for operator staff acting as a customer,
 * that customer's tree (each marked as staff).
 */
export const getCurrentSwitchableAccounts = cache(async () => {
  const [user, own, access] = await Promise.all([getSessionUser(), getMemberAccounts(), getCurrentAccess()]);
  if (!user?.isOperatorStaff || !access?.actingAsStaff) return own;
  return [...own, ...(await getActingTreeOptions(await getDb(), access.account, new Set(own.map((option) => option.id))))];
});

async function resolveIfReachable(db: Awaited<ReturnType<typeof getDb>>, user: SessionUser, accountId: string, ip?: string): Promise<AccountAccess | null> {
  try {
    return await resolveAccess(db, user, accountId, ip);
  } catch (error) {
    if (!isAppError(error) || error.kind !== 'not_found') throw error;
    return null;
  }
}

/**
 * The account the user is working in. Operator staff acting as a customer account: that account
 * (held by the sign-in session, set only by the audited act-as action). Otherwise the switcher's
 * cookie if the user still reaches it as a member, else their first account; staff who act as
 * nobody and belong to no account have none (they start from the customer accounts page).
 */
export const getCurrentAccess = cache(async (): Promise<AccountAccess | null> => {
  const user = await getSessionUser();
  if (!user) return null;
  const db = await getDb();
  const ip = await requestIp();
  if (user.isOperatorStaff && user.sessionId) {
    const actingAs = await getActingAsBySession(db, { sessionId: user.sessionId });
    const acting = actingAs ? await resolveIfReachable(db, user, actingAs, ip) : null;
    if (acting) return acting;
  }
  const chosen = (await cookies()).get(CURRENT_ACCOUNT_COOKIE)?.value;
  if (chosen) {
    const access = await resolveIfReachable(db, user, chosen, ip);
    // A cookie alone never makes staff act as a customer; a caller without a sign-in session (a test
    // or a script calling the app directly) has no act-as to go through and names its account so.
    if (access && (!access.actingAsStaff || !user.sessionId)) return access;
  }
  const [first] = await getMemberAccounts();
  return first ? resolveAccess(db, user, first.id, ip) : null;
});

function interruptFor(error: unknown): never {
  if (isAppError(error) && error.kind === 'not_found') notFound();
  if (isAppError(error) && error.kind === 'forbidden') forbidden();
  throw error;
}

/**
 * Access to an account the request names. Staff reach an account they are no member of only through
 * the audited act-as: an account of the customer tree they act in (the switcher moves the act-as
 * within it, audited); any other is unknown to them. (A caller without a sign-in session, a test or a
 * script, names its account directly.)
 */
async function resolveNamedAccess(user: SessionUser, accountId: string): Promise<AccountAccess> {
  const db = await getDb();
  const access = await resolveAccess(db, user, accountId, await requestIp());
  if (access.actingAsStaff && user.sessionId) {
    const actingAsId = await getActingAsBySession(db, { sessionId: user.sessionId });
    const actingAs = actingAsId ? await getAccountById(db, { accountId: actingAsId }) : undefined;
    const rootOf = (path: string) => path.split('/')[1];
    if (!actingAs || rootOf(actingAs.path) !== rootOf(access.account.path)) throw new AppError('not_found:account');
  }
  return access;
}

/** For pages: access to the current account with a permission, or 403/404. */
export async function requireAccountAccess(permission: Permission = 'account.read'): Promise<AccountAccess> {
  const user = await requireUser();
  const access = await getCurrentAccess();
  if (!access) redirect(user.isOperatorStaff ? '/operator/accounts' : '/no-account');
  if (!access.permissions.has(permission)) forbidden();
  return access;
}

/** For pages about a specific account (a sub-account's page): 404 unless the user reaches it. */
export async function requireAccessToAccount(accountId: string, permission: Permission = 'account.read'): Promise<AccountAccess> {
  const user = await requireUser();
  try {
    const access = await resolveNamedAccess(user, accountId);
    if (!access.permissions.has(permission)) forbidden();
    return access;
  } catch (error) {
    interruptFor(error);
  }
}

/**
 * For actions and route handlers about the person rather than an account (their notifications):
 * the signed-in user, or `unauthorized:session`, or `forbidden:two_factor_setup` while they owe it.
 */
export async function authorizeUser(): Promise<SessionUser> {
  const user = await getSessionUser();
  if (!user) throw new AppError('unauthorized:session');
  if (await mustEnrolFirst()) throw new AppError('forbidden:two_factor_setup', ENROL_FIRST);
  return user;
}

/**
 * For actions and route handlers: throws AppError (`unauthorized:session`, `not_found:account`,
 * `forbidden:role`, `forbidden:suspended`) instead of redirecting.
 */
export async function authorize(permission: Permission, accountId?: string): Promise<AccountAccess> {
  const user = await getSessionUser();
  if (!user) throw new AppError('unauthorized:session');
  if (await mustEnrolFirst()) throw new AppError('forbidden:two_factor_setup', ENROL_FIRST);
  const access = accountId ? await resolveNamedAccess(user, accountId) : await getCurrentAccess();
  if (!access) throw new AppError('not_found:account');
  assertCan(access, permission);
  return access;
}

/** For operator pages: the signed-in staff member, or 403. */
export async function requireStaff(): Promise<SessionUser> {
  const user = await requireUser();
  if (!user.isOperatorStaff) forbidden();
  return user;
}

/** For operator actions and route handlers: throws unless the session is operator staff. */
export async function authorizeStaff(): Promise<{ user: SessionUser; ip?: string }> {
  const user = await getSessionUser();
  if (!user) throw new AppError('unauthorized:session');
  if (!user.isOperatorStaff) throw new AppError('forbidden:staff', 'Only the carrier’s operator staff can do that.');
  if (await mustEnrolFirst()) throw new AppError('forbidden:two_factor_setup', ENROL_FIRST);
  return { user, ip: await requestIp() };
}
