import 'server-only';
import { sql, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '@/lib/db/client';
import { RATING_COLUMNS, type CdrRating } from '@/lib/db/queries/cdrs';
import { rowsOf } from '@/lib/db/rows';

type Executor = Db | Tx;

export interface RerateAccount {
  accountId: string;
  billingAccountId: string;
}

export interface RateDeckTarget {
  id: string;
  purpose: 'sell' | 'cost';
  connectionId: string | null;
}

export async function getRateDeckTargetById(db: Executor, { deckId }: { deckId: string }): Promise<RateDeckTarget | undefined> {
  const result = await db.execute(sql`SELECT id::text AS id, purpose::text AS purpose, connection_id::text AS connection_id FROM rate_decks WHERE id = ${deckId}::uuid`);
  const [row] = rowsOf<{ id: string; purpose: 'sell' | 'cost'; connection_id: string | null }>(result);
  return row ? { id: row.id, purpose: row.purpose, connectionId: row.connection_id } : undefined;
}

const accountRows = (result: unknown) => rowsOf<{ id: string; billing_account_id: string }>(result).map((row) => ({ accountId: row.id, billingAccountId: row.billing_account_id }));

/** Every account whose calls a sell deck prices: assigned to it, inheriting it from the nearest ancestor with an assignment, or on the default deck. */
export async function getAccountsBySellDeck(db: Executor, { deckId }: { deckId: string }): Promise<RerateAccount[]> {
  const result = await db.execute(sql`
    SELECT a.id::text AS id, a.billing_account_id::text AS billing_account_id FROM accounts a
    WHERE coalesce(
      (SELECT ra.deck_id FROM rate_deck_assignments ra JOIN accounts anc ON anc.id = ra.account_id
        WHERE starts_with(a.path, anc.path) ORDER BY anc.depth DESC LIMIT 1),
      (SELECT d.id FROM rate_decks d WHERE d.is_default)) = ${deckId}::uuid
    ORDER BY a.id`);
  return accountRows(result);
}

/** An account and every account below it (an assignment there changes what they all inherit). */
export async function getSubtreeAccountsForRerating(db: Executor, { accountId }: { accountId: string }): Promise<RerateAccount[]> {
  const result = await db.execute(sql`
    SELECT a.id::text AS id, a.billing_account_id::text AS billing_account_id FROM accounts a
    WHERE starts_with(a.path, (SELECT path FROM accounts WHERE id = ${accountId}::uuid))
    ORDER BY a.id`);
  return accountRows(result);
}

/** Every account (a cost deck prices the calls of any account routed over its connection). */
export async function getAllAccountsForRerating(db: Executor): Promise<RerateAccount[]> {
  return accountRows(await db.execute(sql`SELECT id::text AS id, billing_account_id::text AS billing_account_id FROM accounts ORDER BY id`));
}

/**
 * Billing account → the end of its latest issued or paid invoice's period: calls before it are on
 * an invoice that never changes. A voided invoice protects nothing.
 */
export async function getInvoicedUntilByBillingAccounts(db: Executor, { billingAccountIds }: { billingAccountIds: string[] }): Promise<Map<string, Date>> {
  if (billingAccountIds.length === 0) return new Map();
  const result = await db.execute(sql`
    SELECT billing_account_id::text AS billing_account_id, max(period_end) AS invoiced_until FROM invoices
    WHERE status IN ('issued', 'paid')
      AND billing_account_id IN (SELECT jsonb_array_elements_text(${JSON.stringify([...new Set(billingAccountIds)])}::jsonb)::uuid)
    GROUP BY 1`);
  return new Map(rowsOf<{ billing_account_id: string; invoiced_until: string | Date }>(result).map((row) => [row.billing_account_id, new Date(row.invoiced_until)]));
}

/** A stored call as re-rating reads it: what rating needs, and what rating wrote last time. */
export interface StoredRatedCall {
  accountId: string;
  inviteAt: Date;
  id: number;
  connectionId: string | null;
  direction: 'inbound' | 'outbound';
  toE164: string;
  answerAt: Date | null;
  billsec: number;
  rating: CdrRating;
}

interface RawStoredCall {
  account_id: string;
  invite_at: string | Date;
  id: string | number;
  connection_id: string | null;
  direction: 'inbound' | 'outbound';
  to_e164: string;
  answer_at: string | Date | null;
  billsec: number | string;
  billed_seconds: number | string | null;
  rate_version_id: string | null;
  rate_prefix: string | null;
  rate_destination: string | null;
  rate: string | null;
  connection_fee: string | null;
  charge: string | null;
  cost_version_id: string | null;
  cost_rate: string | null;
  cost: string | null;
  rating_error: string | null;
}

export interface CallPosition {
  inviteAt: Date;
  id: number;
}

/**
 * The next `limit` calls of one account in [from, to), oldest first after `after` (keyset on the
 * primary key's invite time and id, the range always in the WHERE so other months are never read);
 * only those over `connectionId` when given.
 */
export async function getCallsForRerating(
  db: Executor,
  { accountId, from, to, connectionId, after, limit }: { accountId: string; from: Date; to: Date; connectionId?: string; after?: CallPosition; limit: number },
): Promise<StoredRatedCall[]> {
  const parts: SQL[] = [sql`account_id = ${accountId}::uuid`, sql`invite_at >= ${from.toISOString()}::timestamptz`, sql`invite_at < ${to.toISOString()}::timestamptz`];
  if (connectionId) parts.push(sql`connection_id = ${connectionId}::uuid`);
  if (after) {
    const at = after.inviteAt.toISOString();
    parts.push(sql`invite_at >= ${at}::timestamptz`, sql`(invite_at > ${at}::timestamptz OR id > ${after.id})`);
  }
  const result = await db.execute(sql`
    SELECT account_id::text AS account_id, invite_at, id, connection_id::text AS connection_id, direction, to_e164, answer_at, billsec,
      billed_seconds, rate_version_id::text AS rate_version_id, rate_prefix, rate_destination, rate::text AS rate, connection_fee::text AS connection_fee,
      charge::text AS charge, cost_version_id::text AS cost_version_id, cost_rate::text AS cost_rate, cost::text AS cost, rating_error
    FROM cdrs WHERE ${sql.join(parts, sql` AND `)}
    ORDER BY invite_at, id LIMIT ${limit}`);
  return rowsOf<RawStoredCall>(result).map((row) => ({
    accountId: row.account_id,
    inviteAt: new Date(row.invite_at),
    id: Number(row.id),
    connectionId: row.connection_id,
    direction: row.direction,
    toE164: row.to_e164,
    answerAt: row.answer_at === null ? null : new Date(row.answer_at),
    billsec: Number(row.billsec),
    rating: {
      billedSeconds: row.billed_seconds === null ? null : Number(row.billed_seconds),
      rateVersionId: row.rate_version_id,
      ratePrefix: row.rate_prefix,
      rateDestination: row.rate_destination,
      rate: row.rate,
      connectionFee: row.connection_fee,
      charge: row.charge,
      costVersionId: row.cost_version_id,
      costRate: row.cost_rate,
      cost: row.cost,
      ratingError: row.rating_error,
    },
  }));
}

/**
 * Writes new ratings over stored calls in one statement, touching only the rating columns. The
 * right-hand side reads the columns by the same names from the payload row, so the list is
 * RATING_COLUMNS on both sides.
 */
export async function updateCallRatings(db: Executor, calls: { accountId: string; inviteAt: Date; id: number; rating: CdrRating }[]): Promise<number> {
  if (calls.length === 0) return 0;
  let earliest = calls[0]!.inviteAt;
  let latest = calls[0]!.inviteAt;
  for (const call of calls) {
    if (call.inviteAt < earliest) earliest = call.inviteAt;
    if (call.inviteAt > latest) latest = call.inviteAt;
  }
  const payload = JSON.stringify(
    calls.map(({ accountId, inviteAt, id, rating }) => ({
      account_id: accountId,
      invite_at: inviteAt.toISOString(),
      id,
      billed_seconds: rating.billedSeconds,
      rate_version_id: rating.rateVersionId,
      rate_prefix: rating.ratePrefix,
      rate_destination: rating.rateDestination,
      rate: rating.rate,
      connection_fee: rating.connectionFee,
      charge: rating.charge,
      cost_version_id: rating.costVersionId,
      cost_rate: rating.costRate,
      cost: rating.cost,
      rating_error: rating.ratingError,
    })),
  );
  const result = await db.execute(sql`
    WITH updated AS (
      UPDATE cdrs AS c SET (${RATING_COLUMNS}) = (SELECT ${RATING_COLUMNS} FROM (SELECT r.*) AS rated)
      FROM jsonb_to_recordset(${payload}::jsonb) AS r(
        account_id uuid, invite_at timestamptz, id bigint,
        billed_seconds integer, rate_version_id uuid, rate_prefix text, rate_destination text, rate numeric, connection_fee numeric,
        charge numeric, cost_version_id uuid, cost_rate numeric, cost numeric, rating_error text)
      WHERE c.account_id = r.account_id AND c.invite_at = r.invite_at AND c.id = r.id
        AND c.invite_at >= ${earliest.toISOString()}::timestamptz AND c.invite_at <= ${latest.toISOString()}::timestamptz
      RETURNING 1
    )
    SELECT count(*)::int AS updated FROM updated`);
  return Number(rowsOf<{ updated: number }>(result)[0]?.updated ?? 0);
}
