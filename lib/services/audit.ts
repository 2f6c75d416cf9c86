import type { Db, Tx } from '@/lib/db/client';
import { auditEvents } from '@/lib/db/schema';
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
  await db.insert(auditEvents).values({
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
  await db.insert(auditEvents).values({
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
