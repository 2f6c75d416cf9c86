import 'server-only';
/**
 * Operator staff and customer accounts: the list of every account, and acting as one. Acting as an
 * account is held by the staff member's sign-in session (never by a cookie alone), and starting or
 * stopping it is written to that account's audit trail. While acting, staff have exactly the access
 * `resolveAccess` gives staff in an account they do not belong to; acting adds nothing to it.
 */
import { resolveAccess, type AccountAccess, type SessionUser } from '@/lib/auth/access';
import { getDb, type Tx } from '@/lib/db/client';
import { getAccountById, getAccountsOnPath, getAccountsPageForStaff, updateAccountStatusIfChanged } from '@/lib/db/queries/accounts';
import type { Account } from '@/lib/db/schema';
import { getActingAsBySession, setActingAsBySession } from '@/lib/db/queries/sessions';
import { AppError } from '@/lib/errors';
import { STAFF_ACCOUNTS_PAGE_SIZE, type StaffAccountsQuery } from '@/lib/validations/staff-accounts';
import { recordAudit, recordStaffAccountAudit } from './audit';

export const ACTING_AS_ACTION = 'staff.acting_as';
export const ACTING_AS_STOP_ACTION = 'staff.acting_as.stop';

function assertStaff(user: SessionUser): void {
  if (!user.isOperatorStaff) throw new AppError('forbidden:staff', 'Only the carrier’s operator staff can do that.');
}

/** One page of every customer account for the staff page, with its live numbers and balance. */
export async function listCustomerAccounts(staff: SessionUser, query: StaffAccountsQuery) {
  assertStaff(staff);
  const { rows, total } = await getAccountsPageForStaff(await getDb(), {
    search: query.q || undefined,
    status: query.status,
    sort: query.sort,
    dir: query.dir,
    limit: STAFF_ACCOUNTS_PAGE_SIZE,
    offset: (query.page - 1) * STAFF_ACCOUNTS_PAGE_SIZE,
  });
  return { rows, total, page: query.page, pageSize: STAFF_ACCOUNTS_PAGE_SIZE };
}

async function auditActing(tx: Tx, staff: SessionUser, ip: string | undefined, account: { id: string; name: string }, action: string) {
  await recordAudit(tx, { actor: { kind: 'user', user: staff }, actingAsStaff: true, ip, account: { id: account.id } as AccountAccess['account'] }, {
    accountId: account.id,
    action,
    targetType: 'account',
    targetId: account.id,
    after: { staff: staff.email, account: account.name },
  });
}

/** Ends acting in `tx`, auditing it on the account acted as; answers that account, if there was one. */
async function endActing(tx: Tx, staff: SessionUser, sessionId: string | undefined, ip: string | undefined) {
  const previousId = sessionId ? await getActingAsBySession(tx, { sessionId }) : undefined;
  if (!previousId || !sessionId) return undefined;
  await setActingAsBySession(tx, { sessionId, userId: staff.id, accountId: null });
  const previous = await getAccountById(tx, { accountId: previousId });
  if (previous) await auditActing(tx, staff, ip, previous, ACTING_AS_STOP_ACTION);
  return previous;
}

/**
 * Makes `accountId` the account this staff session works in. In an account the staff member holds
 * no membership in, that is acting as it (audited; the banner shows it); in one they belong to it
 * is a plain switch, under their own role. A caller without a sign-in session (a script calling
 * the app directly) keeps nothing here: it names its account with the account cookie.
 */
export async function startActingAs(staff: SessionUser, { accountId }: { accountId: string }, ip?: string): Promise<AccountAccess> {
  assertStaff(staff);
  const { sessionId } = staff;
  const db = await getDb();
  const access = await resolveAccess(db, staff, accountId, ip);
  await db.transaction(async (tx) => {
    const currentId = sessionId ? await getActingAsBySession(tx, { sessionId }) : undefined;
    if (access.actingAsStaff && currentId === accountId) return;
    await endActing(tx, staff, sessionId, ip);
    if (!access.actingAsStaff) return;
    if (sessionId && !(await setActingAsBySession(tx, { sessionId, userId: staff.id, accountId }))) throw new AppError('unauthorized:session');
    await auditActing(tx, staff, ip, access.account, ACTING_AS_ACTION);
  });
  return access;
}

/** Stops acting as a customer account; answers the account acted as, or undefined when there was none. */
export async function stopActingAs(staff: SessionUser, ip?: string): Promise<{ id: string; name: string } | undefined> {
  assertStaff(staff);
  const db = await getDb();
  return db.transaction((tx) => endActing(tx, staff, staff.sessionId, ip));
}

/**
 * Operator staff suspend or reactivate any account, a top-level one included (customers can only
 * suspend a sub-account, from its parent). The same status as a parent's suspension: the account and
 * its subtree turn read-only and their API keys answer 403. The reason is kept in the account's own
 * audit log, marked as staff. Asking for the status it already has changes and records nothing.
 */
export async function setAccountStatusAsStaff(
  staff: SessionUser,
  { accountId, status, reason }: { accountId: string; status: Account['status']; reason: string },
  ip?: string,
): Promise<{ account: Account; changed: boolean; suspendedAbove?: string }> {
  assertStaff(staff);
  const db = await getDb();
  return db.transaction(async (tx) => {
    const current = await getAccountById(tx, { accountId });
    if (!current) throw new AppError('not_found:account');
    const updated = await updateAccountStatusIfChanged(tx, { accountId: current.id, status });
    // Reactivated, it is still read-only while an account above it is suspended: the answer says so.
    const suspendedAbove = (await getAccountsOnPath(tx, { path: current.path })).find((account) => account.id !== current.id && account.status === 'suspended')?.name;
    if (!updated) return { account: current, changed: false, suspendedAbove };
    await recordStaffAccountAudit(tx, staff, {
      accountId: current.id,
      action: status === 'suspended' ? 'account.suspend' : 'account.reactivate',
      targetType: 'account',
      targetId: current.id,
      before: { status: status === 'suspended' ? 'active' : 'suspended' },
      after: { status, reason },
      ip,
    });
    return { account: updated, changed: true, suspendedAbove };
  });
}
