import 'server-only';
import { getDb, type Db, type Tx } from '@/lib/db/client';
import { getAuditActionsByAccountSubtree, getAuditEventsByAccountSubtree, insertAuditEvent, type AuditFilter } from '@/lib/db/queries/audit';
import { AppError } from '@/lib/errors';
import type { AccountAccess } from '@/lib/auth/access';

export interface AuditEntry {
  accountId: string;
  action: string;
  targetType: string;
  targetId?: string;
  before?: unknown;
  after?: unknown;
}

/** Written in the same transaction as the change it describes, so neither exists without the other. */
export async function recordAudit(db: Db | Tx, access: Pick<AccountAccess, 'user' | 'actingAsStaff' | 'ip' | 'account'>, entry: AuditEntry) {
  await insertAuditEvent(db, {
    accountId: entry.accountId,
    actorUserId: access.user.id,
    actorEmail: access.user.email,
    actingAsAccountId: access.actingAsStaff ? access.account.id : null,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId,
    before: entry.before ?? null,
    after: entry.after ?? null,
    ip: access.ip ?? null,
  });
}

/** Platform-level changes by operator staff (provider connections, prices): no customer account. */
export async function recordPlatformAudit(db: Db | Tx, actor: { id: string; email: string }, entry: Omit<AuditEntry, 'accountId'> & { ip?: string }) {
  await insertAuditEvent(db, {
    accountId: null,
    actorUserId: actor.id,
    actorEmail: actor.email,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId,
    before: entry.before ?? null,
    after: entry.after ?? null,
    ip: entry.ip ?? null,
  });
}

/** One page of the audit trail of the account and its subtree, newest first, and every action recorded there (for the filter). */
export async function getAuditLog(access: AccountAccess, { filter, beforeId, limit }: { filter: AuditFilter; beforeId?: number; limit: number }) {
  if (!access.permissions.has('audit.read')) throw new AppError('forbidden:role');
  const db = await getDb();
  const [events, actions] = await Promise.all([
    getAuditEventsByAccountSubtree(db, { accountPath: access.account.path, filter, beforeId, limit }),
    getAuditActionsByAccountSubtree(db, { accountPath: access.account.path }),
  ]);
  return { events, actions };
}

/** Operator staff switching into a customer account they are not a member of leave a trace there. */
export async function recordStaffActingAs(access: AccountAccess) {
  if (!access.actingAsStaff) return;
  await recordAudit(await getDb(), access, { accountId: access.account.id, action: 'operator.act_as', targetType: 'account', targetId: access.account.id });
}
