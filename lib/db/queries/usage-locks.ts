import 'server-only';
import { sql, type SQL } from 'drizzle-orm';
import type { Tx } from '@/lib/db/client';
import { rowsOf } from '@/lib/db/rows';

/**
 * Storing calls and issuing an invoice take turns per billing account, ordered by commit: a batch
 * of calls holds this lock shared from before its insert to its commit, an issue holds it
 * exclusively from before it reads the usage to its commit. So every call is either committed
 * before an issue reads the usage, or stored (`ingested_at`) after the issue's cutoff: billed by
 * that invoice, or late and billed by the next, never by neither. Transaction locks: both sides must
 * run in a transaction.
 */
function usageLockKey(billingAccountId: SQL): SQL {
  return sql`hashtextextended('carrier-portal:usage:' || ${billingAccountId}::text, 0)`;
}

/** Shared, for the billing accounts paying for these accounts; batches of one account never wait for each other. */
export async function lockUsageOfAccounts(tx: Tx, { accountIds }: { accountIds: string[] }): Promise<void> {
  if (accountIds.length === 0) return;
  await tx.execute(sql`
    SELECT pg_advisory_xact_lock_shared(k) FROM (
      SELECT DISTINCT ${usageLockKey(sql.raw('billing_account_id'))} AS k FROM accounts
      WHERE id IN (SELECT jsonb_array_elements_text(${JSON.stringify([...new Set(accountIds)])}::jsonb)::uuid)
      ORDER BY 1
    ) AS keys`);
}

/**
 * Exclusive, for issuing: waits for every batch of the account's calls being stored to commit, and
 * answers the cutoff, the database's clock once they have (to the millisecond `ingested_at` keeps,
 * rounded as it rounds, so a call stored before compares at or before it).
 */
export async function lockUsageForIssue(tx: Tx, { billingAccountId }: { billingAccountId: string }): Promise<Date> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(${usageLockKey(sql`${billingAccountId}::uuid`)})`);
  const [row] = rowsOf<{ ms: string }>(await tx.execute(sql`SELECT (extract(epoch FROM clock_timestamp()::timestamptz(3)) * 1000)::bigint::text AS ms`));
  return new Date(Number(row!.ms));
}

/**
 * Called last before an issue commits: a call stored once the lock is free must read as after the
 * cutoff, so the cutoff's millisecond must be over (this waits at most that long).
 */
export async function awaitUsageCutoffPassed(tx: Tx, { cutoff }: { cutoff: Date }): Promise<void> {
  await tx.execute(sql`SELECT pg_sleep(greatest(0, extract(epoch FROM ${cutoff.toISOString()}::timestamptz + interval '1 millisecond' - clock_timestamp())::float8))`);
}
