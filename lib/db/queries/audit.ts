import 'server-only';
import { and, desc, eq, gte, ilike, lt, sql, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '@/lib/db/client';
import { accounts, auditEvents } from '@/lib/db/schema';

type Executor = Db | Tx;

export interface AuditFilter {
  action?: string;
  actor?: string;
  from?: Date;
  to?: Date;
}

/** What the user typed, matched literally: `%` and `_` are LIKE wildcards, and backslash its escape character. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

/** Events of an account and its subtree, newest first, keyset-paged on id. */
export async function getAuditEventsByAccountSubtree(
  db: Executor,
  { accountPath, filter = {}, limit = 50, beforeId }: { accountPath: string; filter?: AuditFilter; limit?: number; beforeId?: number },
) {
  const conditions: SQL[] = [sql`${accounts.path} like ${accountPath + '%'}`];
  if (filter.action) conditions.push(ilike(auditEvents.action, `${escapeLike(filter.action)}%`));
  if (filter.actor) conditions.push(ilike(auditEvents.actorEmail, `%${escapeLike(filter.actor)}%`));
  if (filter.from) conditions.push(gte(auditEvents.createdAt, filter.from));
  if (filter.to) conditions.push(lt(auditEvents.createdAt, filter.to));
  if (beforeId) conditions.push(lt(auditEvents.id, beforeId));
  return db
    .select({ event: auditEvents, accountName: accounts.name })
    .from(auditEvents)
    .innerJoin(accounts, eq(accounts.id, auditEvents.accountId))
    .where(and(...conditions))
    .orderBy(desc(auditEvents.id))
    .limit(limit);
}

export async function getAuditActionsByAccountSubtree(db: Executor, { accountPath }: { accountPath: string }) {
  const rows = await db
    .selectDistinct({ action: auditEvents.action })
    .from(auditEvents)
    .innerJoin(accounts, eq(accounts.id, auditEvents.accountId))
    .where(sql`${accounts.path} like ${accountPath + '%'}`)
    .orderBy(auditEvents.action);
  return rows.map((row) => row.action);
}


export async function insertAuditEvent(db: Executor, event: typeof auditEvents.$inferInsert) {
  await db.insert(auditEvents).values(event);
}
