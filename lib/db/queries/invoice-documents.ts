import 'server-only';
import { and, desc, eq, isNull, ne, sql } from 'drizzle-orm';
import type { Db, Tx } from '@/lib/db/client';
import { rowsOf } from '@/lib/db/rows';
import { accountEvents, invoices } from '@/lib/db/schema';
import { callArrivedInTime, callArrivedLate } from './invoices';

type Executor = Db | Tx;

/** Where a page of rated calls ended: the oldest-first keyset (invite time, id) of its last row. */
export interface RatedCallPosition {
  inviteAt: Date;
  id: number;
}

/**
 * The calls a usage line sums: its account and direction, and for a line of its period's calls the
 * price (destination, deck version, rate); `price` is null for the line of calls from earlier
 * periods received late, which sums every price of its direction.
 */
export interface UsageLineKey {
  accountId: string;
  direction: 'inbound' | 'outbound';
  price: { destination: string; rateVersionId: string; rate: string } | null;
}

/**
 * Which calls an invoice of [from, to) bills (lib/db/queries/invoices.ts): `period`, the calls made
 * in it and stored before it was closed; `late`, calls of earlier months stored in it after their
 * month was closed.
 */
export type RatedCallsPart = 'period' | 'late';

export interface RatedCallsFilter {
  billingAccountId: string;
  accountIds: string[];
  from: Date;
  to: Date;
  part: RatedCallsPart;
  /** Only calls stored by then (an issued invoice's calls: not those that arrived after it was computed). */
  ingestedBy?: Date;
  line?: UsageLineKey;
}

interface RawRatedCall {
  id: string | number;
  account_id: string;
  invite_at: string | Date;
  direction: 'inbound' | 'outbound';
  from_e164: string;
  to_e164: string;
  rate_destination: string;
  rate_prefix: string | null;
  billsec: number | string;
  billed_seconds: number | string | null;
  rate: string;
  connection_fee: string | null;
  charge: string;
}

function ratedWhere(filter: RatedCallsFilter, after?: RatedCallPosition) {
  const from = filter.from.toISOString();
  const to = filter.to.toISOString();
  const parts = [sql`c.account_id = a.id`, sql`c.charge IS NOT NULL`];
  if (filter.part === 'late') {
    parts.push(sql`c.invite_at < ${from}::timestamptz`);
    parts.push(sql`c.ingested_at >= ${from}::timestamptz`);
    parts.push(sql`c.ingested_at < ${to}::timestamptz`);
    parts.push(callArrivedLate(filter.billingAccountId, { inviteAt: sql.raw('c.invite_at'), ingestedAt: sql.raw('c.ingested_at') }));
  } else {
    parts.push(sql`c.invite_at >= ${from}::timestamptz`);
    parts.push(sql`c.invite_at < ${to}::timestamptz`);
    parts.push(callArrivedInTime(filter.billingAccountId, { periodStart: filter.from, ingestedAt: sql.raw('c.ingested_at') }));
  }
  if (filter.ingestedBy) parts.push(sql`c.ingested_at <= ${filter.ingestedBy.toISOString()}::timestamptz`);
  if (filter.line) {
    parts.push(sql`c.direction = ${filter.line.direction}::cdr_direction`);
    if (filter.line.price) {
      parts.push(sql`c.rate_destination = ${filter.line.price.destination}`);
      parts.push(sql`c.rate_version_id = ${filter.line.price.rateVersionId}::uuid`);
      parts.push(sql`c.rate = ${filter.line.price.rate}::numeric`);
    }
  }
  if (after) {
    const at = after.inviteAt.toISOString();
    // Spelled out (not a row comparison) so the lower bound on invite_at also prunes partitions.
    parts.push(sql`c.invite_at >= ${at}::timestamptz`);
    parts.push(sql`(c.invite_at > ${at}::timestamptz OR c.id > ${after.id})`);
  }
  return sql.join(parts, sql` AND `);
}

/**
 * Up to `limit` rated calls of the accounts in the filter's part of an invoice, oldest first, after
 * `after`: each account read on its own and the pages merged (as the CDR search does), so a page of
 * the period's calls costs the same however deep. No cost column is read.
 */
export async function getRatedCallsByAccounts(db: Executor, { filter, after, limit }: { filter: RatedCallsFilter; after?: RatedCallPosition; limit: number }) {
  const accountIds = filter.line ? filter.accountIds.filter((id) => id === filter.line!.accountId) : filter.accountIds;
  if (accountIds.length === 0) return [];
  const values = sql.join(accountIds.map((id) => sql`(${id}::uuid)`), sql`, `);
  const result = await db.transaction(async (tx) => {
    // The period's calls along the primary key even on a month not analyzed yet (as the CDR search
    // reads); the penalty that puts on a sort makes the plan look costly enough for PostgreSQL to
    // JIT-compile it (~0.7 s a page): not for this. Late calls are found by when they were stored,
    // across every earlier month, and the few found sorted.
    if (filter.part === 'period') await tx.execute(sql`SELECT set_config('enable_bitmapscan', 'off', true), set_config('enable_sort', 'off', true), set_config('jit', 'off', true)`);
    else await tx.execute(sql`SELECT set_config('jit', 'off', true)`);
    return tx.execute(sql`
      SELECT c.id, c.account_id, c.invite_at, c.direction, c.from_e164, c.to_e164, c.rate_destination, c.rate_prefix,
        c.billsec, c.billed_seconds, c.rate::text AS rate, c.connection_fee::text AS connection_fee, c.charge::text AS charge
      FROM (VALUES ${values}) AS a(id)
      CROSS JOIN LATERAL (
        SELECT * FROM cdrs c WHERE ${ratedWhere({ ...filter, accountIds }, after)}
        ORDER BY c.invite_at ASC, c.id ASC
        LIMIT ${limit}
      ) c
      ORDER BY c.invite_at ASC, c.id ASC
      LIMIT ${limit}`);
  });
  return rowsOf<RawRatedCall>(result).map((raw) => ({
    id: Number(raw.id),
    accountId: raw.account_id,
    inviteAt: new Date(raw.invite_at),
    direction: raw.direction,
    fromE164: raw.from_e164,
    toE164: raw.to_e164,
    rateDestination: raw.rate_destination,
    ratePrefix: raw.rate_prefix,
    billsec: Number(raw.billsec),
    billedSeconds: Number(raw.billed_seconds ?? 0),
    rate: raw.rate,
    connectionFee: raw.connection_fee ?? '0',
    charge: raw.charge,
  }));
}

/** Records where an issued invoice's PDF is stored: once (the database refuses a second, different key). */
export async function setInvoicePdfStorageKey(db: Executor, { invoiceId, key }: { invoiceId: string; key: string }): Promise<boolean> {
  const rows = await db
    .update(invoices)
    .set({ pdfStorageKey: key })
    .where(and(eq(invoices.id, invoiceId), isNull(invoices.pdfStorageKey), ne(invoices.status, 'draft')))
    .returning({ id: invoices.id });
  return rows.length > 0;
}

/** The public id of the `invoice.issued` event an invoice's issue published. */
export async function getInvoiceIssuedEventId(db: Executor, { billingAccountId, invoiceId }: { billingAccountId: string; invoiceId: string }): Promise<string | undefined> {
  const [row] = await db
    .select({ publicId: accountEvents.publicId })
    .from(accountEvents)
    .where(and(eq(accountEvents.accountId, billingAccountId), eq(accountEvents.type, 'invoice.issued'), sql`${accountEvents.data}->>'invoiceId' = ${invoiceId}`))
    .orderBy(desc(accountEvents.id))
    .limit(1);
  return row?.publicId;
}
