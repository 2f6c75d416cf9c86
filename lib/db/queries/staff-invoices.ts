import 'server-only';
import { and, asc, count, desc, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '@/lib/db/client';
import { accounts, invoices, type Invoice } from '@/lib/db/schema';

type Executor = Db | Tx;

export interface StaffInvoiceFilter {
  status?: Invoice['status'];
  periodStart?: Date;
  /** Part of the billing account's name, case-insensitive. */
  accountName?: string;
}

/** `%` and `_` typed by staff are letters, not wildcards. */
const likeEscaped = (text: string) => text.replace(/[\\%_]/g, (character) => `\\${character}`);

function filterOf({ status, periodStart, accountName }: StaffInvoiceFilter): SQL | undefined {
  return and(
    status ? eq(invoices.status, status) : undefined,
    periodStart ? sql`${invoices.periodStart} = ${periodStart.toISOString()}::timestamptz` : undefined,
    accountName ? sql`${accounts.name} ILIKE ${`%${likeEscaped(accountName)}%`}` : undefined,
  );
}

/** Every invoice of every billing account (operator staff), newest period first, with its account's name. */
export async function listInvoicesAcrossAccounts(db: Executor, { filter, limit, offset }: { filter: StaffInvoiceFilter; limit: number; offset: number }) {
  const where = filterOf(filter);
  const [rows, [counted]] = await Promise.all([
    db
      .select({ invoice: invoices, accountName: accounts.name })
      .from(invoices)
      .innerJoin(accounts, eq(accounts.id, invoices.billingAccountId))
      .where(where)
      .orderBy(desc(invoices.periodStart), asc(accounts.name), desc(invoices.createdAt))
      .limit(limit)
      .offset(offset),
    db.select({ total: count() }).from(invoices).innerJoin(accounts, eq(accounts.id, invoices.billingAccountId)).where(where),
  ]);
  return { rows, total: Number(counted?.total ?? 0) };
}

/** Accounts that are invoiced (top-level: each pays for its subtree), by name. */
export async function listBillingAccounts(db: Executor) {
  return db
    .select({ id: accounts.id, name: accounts.name })
    .from(accounts)
    .where(and(isNull(accounts.parentId), eq(accounts.id, accounts.billingAccountId)))
    .orderBy(asc(accounts.name), asc(accounts.id));
}

export async function getBillingAccountById(db: Executor, { accountId }: { accountId: string }) {
  const [row] = await db
    .select({ id: accounts.id, name: accounts.name })
    .from(accounts)
    .where(and(eq(accounts.id, accountId), isNull(accounts.parentId), eq(accounts.id, accounts.billingAccountId)));
  return row;
}
