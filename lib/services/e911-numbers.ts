/**
 * The account's numbers with their emergency-address status, one page at a time, as the E911
 * pages show them. Scoped to the session's account, like lib/services/e911.ts.
 */
import { and, asc, eq, inArray, isNotNull, isNull, ne, or, sql, type SQL } from 'drizzle-orm';
import { assertCan, type AccountAccess } from '@/lib/auth/access';
import { getDb } from '@/lib/db/client';
import { phoneNumbers } from '@/lib/db/schema';
import { isUuid } from '@/lib/db/queries/accounts';
import type { E911Status } from '@/lib/services/e911';
import { formatE164 } from '@/lib/format';
import { scrubProviderNames } from './carrier-labels';

export const E911_LIST_LIMIT = 100;

export interface E911NumberRow {
  id: string;
  e164: string;
  /** As shown: +1 312-555-0100. */
  number: string;
  state: string | null;
  status: E911Status;
  /** Why registration failed, in words the viewer may see (no upstream names for customers). */
  detail?: string;
  addressId: string | null;
}

const live = sql`${phoneNumbers.status} <> 'released'`;

const E911_STATUSES: readonly E911Status[] = ['none', 'pending', 'registered', 'failed', 'unsupported'];
const statusOf = (value: string): E911Status => (E911_STATUSES.includes(value as E911Status) ? (value as E911Status) : 'none');

function detailFor(status: E911Status, detail: string | null, staff: boolean): string | undefined {
  if (!detail) return undefined;
  if (staff) return detail;
  // "Not supported" says it all; the stored text may name the carrier when staff assigned it.
  if (status !== 'failed') return undefined;
  return scrubProviderNames(detail, false, 'the carrier');
}

async function numbersWhere(access: AccountAccess, condition: SQL | undefined, { limit, offset }: { limit: number; offset: number }) {
  assertCan(access, 'technical.read');
  const db = await getDb();
  const where = and(eq(phoneNumbers.accountId, access.account.id), live, condition);
  const [rows, [count]] = await Promise.all([
    db
      .select({ id: phoneNumbers.id, e164: phoneNumbers.e164, state: phoneNumbers.state, status: phoneNumbers.e911Status, detail: phoneNumbers.e911Detail, addressId: phoneNumbers.e911AddressId })
      .from(phoneNumbers)
      .where(where)
      .orderBy(asc(phoneNumbers.e164), asc(phoneNumbers.id))
      .limit(limit)
      .offset(offset),
    db.select({ total: sql<number>`count(*)::int` }).from(phoneNumbers).where(where),
  ]);
  const staff = access.user.isOperatorStaff;
  return {
    total: count?.total ?? 0,
    rows: rows.map((row): E911NumberRow => {
      const status = statusOf(row.status);
      return { id: row.id, e164: row.e164, number: formatE164(row.e164), state: row.state, status, detail: detailFor(status, row.detail, staff), addressId: row.addressId };
    }),
  };
}

/** Live numbers of the account without a registered emergency address (what the coverage counts). */
export function getUnregisteredNumbers(access: AccountAccess, page = { limit: E911_LIST_LIMIT, offset: 0 }) {
  return numbersWhere(access, ne(phoneNumbers.e911Status, 'registered'), page);
}

/** Numbers that use the address, whatever their registration status. */
export function getNumbersOfAddress(access: AccountAccess, addressId: string, page = { limit: E911_LIST_LIMIT, offset: 0 }) {
  return numbersWhere(access, eq(phoneNumbers.e911AddressId, addressId), page);
}

/**
 * Numbers that could take the address: those without a registered address, including this
 * address's own failed or pending ones (to try again); not the ones whose carrier cannot register.
 */
export function getAssignableNumbers(access: AccountAccess, addressId: string, page = { limit: E911_LIST_LIMIT, offset: 0 }) {
  return numbersWhere(
    access,
    and(ne(phoneNumbers.e911Status, 'registered'), or(isNull(phoneNumbers.e911AddressId), ne(phoneNumbers.e911AddressId, addressId), ne(phoneNumbers.e911Status, 'unsupported'))),
    page,
  );
}

/** How many live numbers use each address of the account. */
export async function countNumbersByAddress(access: AccountAccess): Promise<Map<string, number>> {
  assertCan(access, 'technical.read');
  const db = await getDb();
  const rows = await db
    .select({ addressId: phoneNumbers.e911AddressId, count: sql<number>`count(*)::int` })
    .from(phoneNumbers)
    .where(and(eq(phoneNumbers.accountId, access.account.id), live, isNotNull(phoneNumbers.e911AddressId)))
    .groupBy(phoneNumbers.e911AddressId);
  return new Map(rows.map((row) => [row.addressId as string, row.count]));
}

/** The named numbers of the account (live), for checks before a bulk change. */
export async function getNumbersByIds(access: AccountAccess, numberIds: string[]) {
  assertCan(access, 'technical.read');
  const ids = numberIds.filter(isUuid);
  if (ids.length === 0) return [];
  const db = await getDb();
  return db
    .select({ id: phoneNumbers.id, e164: phoneNumbers.e164, addressId: phoneNumbers.e911AddressId })
    .from(phoneNumbers)
    .where(and(eq(phoneNumbers.accountId, access.account.id), inArray(phoneNumbers.id, ids), live));
}
