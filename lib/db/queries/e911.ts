import 'server-only';
import { and, asc, eq, inArray, isNotNull, isNull, lt, ne, notInArray, or, sql, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '@/lib/db/client';
import { accountNumberCounts, e911AddressUpstreams, e911Addresses, phoneNumbers, type E911AddressRow, type E911ValidationRecord, type PhoneNumber } from '@/lib/db/schema';
import { isUuid } from './accounts';

type Executor = Db | Tx;

const live = sql`${phoneNumbers.status} <> 'released'`;

export async function getE911AddressById(db: Executor, { addressId, accountId }: { addressId: string; accountId: string }) {
  if (!isUuid(addressId)) return undefined;
  const [row] = await db.select().from(e911Addresses).where(and(eq(e911Addresses.id, addressId), eq(e911Addresses.accountId, accountId)));
  return row;
}

/** The account's addresses, each with how many live numbers use it. */
export async function getE911AddressesByAccount(db: Executor, { accountId }: { accountId: string }) {
  return (
    db
      // Spelled out: inside a subquery Drizzle leaves columns unqualified, and "id" would mean the number's.
      .select({ address: e911Addresses, numbers: sql<number>`(select count(*)::int from phone_numbers pn where pn.e911_address_id = e911_addresses.id and pn.status <> 'released')` })
      .from(e911Addresses)
      .where(eq(e911Addresses.accountId, accountId))
      .orderBy(e911Addresses.street)
  );
}

/** One page of the account's addresses by (street, id), each with how many live numbers use it. */
export async function getE911AddressesPageByAccount(db: Executor, { accountId, after, limit }: { accountId: string; after?: { street: string; id: string }; limit: number }) {
  return db
    .select({ address: e911Addresses, numbers: sql<number>`(select count(*)::int from phone_numbers pn where pn.e911_address_id = e911_addresses.id and pn.status <> 'released')` })
    .from(e911Addresses)
    .where(and(eq(e911Addresses.accountId, accountId), after ? sql`(${e911Addresses.street}, ${e911Addresses.id}) > (${after.street}, ${after.id}::uuid)` : undefined))
    .orderBy(asc(e911Addresses.street), asc(e911Addresses.id))
    .limit(limit);
}

/** The account's address that reads the same (normalized fields), if it has one. */
export async function getSameE911AddressInAccount(db: Executor, { accountId, address }: { accountId: string; address: Pick<E911AddressRow, 'street' | 'unit' | 'city' | 'state' | 'postalCode'> }) {
  const [row] = await db
    .select()
    .from(e911Addresses)
    .where(
      and(
        eq(e911Addresses.accountId, accountId),
        eq(e911Addresses.street, address.street),
        address.unit ? eq(e911Addresses.unit, address.unit) : isNull(e911Addresses.unit),
        eq(e911Addresses.city, address.city),
        eq(e911Addresses.state, address.state),
        eq(e911Addresses.postalCode, address.postalCode),
      ),
    )
    .limit(1);
  return row;
}

export async function getE911AddressUpstreams(db: Executor, { addressId }: { addressId: string }) {
  return db.select().from(e911AddressUpstreams).where(eq(e911AddressUpstreams.addressId, addressId));
}

/** Each upstream's own id for the address (null where the upstream keeps none), by connection. */
export async function getE911AddressUpstreamRefs(db: Executor, { addressId }: { addressId: string }): Promise<Map<string, string | null>> {
  const rows = await db.select({ connectionId: e911AddressUpstreams.connectionId, ref: e911AddressUpstreams.upstreamAddressId }).from(e911AddressUpstreams).where(eq(e911AddressUpstreams.addressId, addressId));
  return new Map(rows.map((row) => [row.connectionId, row.ref]));
}

/** Live numbers that use the address, whatever their registration status. */
export async function getLiveNumbersByE911Address(db: Executor, { addressId }: { addressId: string }) {
  return db.select().from(phoneNumbers).where(and(eq(phoneNumbers.e911AddressId, addressId), live));
}

/** The named live numbers of the account; ids that are not uuids are left out. */
export async function getLiveNumbersByIds(db: Executor, { accountId, numberIds }: { accountId: string; numberIds: string[] }) {
  const ids = numberIds.filter(isUuid);
  if (ids.length === 0) return [];
  return db.select().from(phoneNumbers).where(and(eq(phoneNumbers.accountId, accountId), inArray(phoneNumbers.id, ids), live));
}

export async function countE911CoverageByAccount(db: Executor, { accountId }: { accountId: string }) {
  // Kept by the phone_numbers triggers (account_number_counts): no count over the inventory.
  const [row] = await db
    .select({ total: accountNumberCounts.live, unregistered: accountNumberCounts.liveWithoutE911 })
    .from(accountNumberCounts)
    .where(eq(accountNumberCounts.accountId, accountId));
  return { total: row?.total ?? 0, unregistered: row?.unregistered ?? 0 };
}

/**
 * Which numbers an E911 list shows: those without a registered address; those using an address;
 * those that could take an address (not registered elsewhere, and not this address's own
 * unsupported ones, whose carrier cannot register it anyway); or those on the connections named,
 * whose carrier cannot register any. `without` leaves out numbers on those connections.
 */
export type E911NumberSelection =
  | { kind: 'unregistered'; without?: string[] }
  | { kind: 'using'; addressId: string }
  | { kind: 'assignable'; addressId: string; without?: string[] }
  | { kind: 'uncoverable'; connectionIds: string[] };

const notOn = (connectionIds: string[] | undefined) => (connectionIds?.length ? notInArray(phoneNumbers.connectionId, connectionIds) : undefined);

function selectionCondition(selection: E911NumberSelection): SQL | undefined {
  switch (selection.kind) {
    case 'unregistered':
      return and(ne(phoneNumbers.e911Status, 'registered'), notOn(selection.without));
    case 'using':
      return eq(phoneNumbers.e911AddressId, selection.addressId);
    case 'assignable':
      return and(
        ne(phoneNumbers.e911Status, 'registered'),
        or(isNull(phoneNumbers.e911AddressId), ne(phoneNumbers.e911AddressId, selection.addressId), ne(phoneNumbers.e911Status, 'unsupported')),
        notOn(selection.without),
      );
    case 'uncoverable':
      return selection.connectionIds.length ? inArray(phoneNumbers.connectionId, selection.connectionIds) : sql`false`;
  }
}

/** One page of the account's live numbers in `selection`, with their emergency-address columns. */
export async function getE911NumbersPage(db: Executor, { accountId, selection, limit, offset }: { accountId: string; selection: E911NumberSelection; limit: number; offset: number }) {
  const where = and(eq(phoneNumbers.accountId, accountId), live, selectionCondition(selection));
  const [rows, [count]] = await Promise.all([
    db
      .select({ id: phoneNumbers.id, e164: phoneNumbers.e164, state: phoneNumbers.state, status: phoneNumbers.e911Status, detail: phoneNumbers.e911Detail, upstreamDetail: phoneNumbers.e911UpstreamDetail, addressId: phoneNumbers.e911AddressId })
      .from(phoneNumbers)
      .where(where)
      .orderBy(asc(phoneNumbers.e164), asc(phoneNumbers.id))
      .limit(limit)
      .offset(offset),
    db.select({ total: sql<number>`count(*)::int` }).from(phoneNumbers).where(where),
  ]);
  return { rows, total: count?.total ?? 0 };
}

export async function countNumbersByE911Address(db: Executor, { accountId }: { accountId: string }): Promise<Map<string, number>> {
  const rows = await db
    .select({ addressId: phoneNumbers.e911AddressId, count: sql<number>`count(*)::int` })
    .from(phoneNumbers)
    .where(and(eq(phoneNumbers.accountId, accountId), live, isNotNull(phoneNumbers.e911AddressId)))
    .groupBy(phoneNumbers.e911AddressId);
  return new Map(rows.map((row) => [row.addressId as string, row.count]));
}

/**
 * Every account's numbers whose registration the reconcile job compares with the upstreams:
 * registered or failed ones, and pending ones left pending since `pendingBefore` (a crash between
 * recording the intent and hearing the upstream's answer).
 */
export async function getNumbersToReconcileE911(db: Executor, { pendingBefore }: { pendingBefore: Date }) {
  return db
    .select()
    .from(phoneNumbers)
    .where(
      and(
        isNotNull(phoneNumbers.e911AddressId),
        live,
        sql`(${inArray(phoneNumbers.e911Status, ['registered', 'failed'])} or (${eq(phoneNumbers.e911Status, 'pending')} and (${phoneNumbers.e911UpdatedAt} is null or ${lt(phoneNumbers.e911UpdatedAt, pendingBefore)})))`,
      ),
    );
}

export async function getE911AddressesByIds(db: Executor, { addressIds }: { addressIds: string[] }) {
  if (addressIds.length === 0) return [];
  return db.select().from(e911Addresses).where(inArray(e911Addresses.id, addressIds));
}

type E911AddressValues = Omit<typeof e911Addresses.$inferInsert, 'id' | 'accountId' | 'createdAt'>;

export async function insertE911Address(db: Executor, address: E911AddressValues & { accountId: string }) {
  const [row] = await db.insert(e911Addresses).values(address).returning();
  return row;
}

export async function updateE911Address(db: Executor, { addressId, values }: { addressId: string; values: E911AddressValues }) {
  const [row] = await db.update(e911Addresses).set(values).where(eq(e911Addresses.id, addressId)).returning();
  return row;
}

export async function deleteE911Address(db: Executor, { addressId }: { addressId: string }) {
  await db.delete(e911Addresses).where(eq(e911Addresses.id, addressId));
}

export async function deleteE911AddressUpstreams(db: Executor, { addressId }: { addressId: string }) {
  await db.delete(e911AddressUpstreams).where(eq(e911AddressUpstreams.addressId, addressId));
}

/** What one upstream calls the address once it has validated it. */
export async function upsertE911AddressUpstream(
  db: Executor,
  { addressId, connectionId, upstreamAddressId, normalized }: { addressId: string; connectionId: string; upstreamAddressId: string | null; normalized: unknown },
) {
  await db
    .insert(e911AddressUpstreams)
    .values({ addressId, connectionId, upstreamAddressId, normalized })
    .onConflictDoUpdate({ target: [e911AddressUpstreams.addressId, e911AddressUpstreams.connectionId], set: { upstreamAddressId, normalized, validatedAt: new Date() } });
}

export async function insertE911AddressUpstreams(db: Executor, upstreams: (typeof e911AddressUpstreams.$inferInsert)[]) {
  if (upstreams.length === 0) return;
  await db.insert(e911AddressUpstreams).values(upstreams);
}

/** A number's registration status, the upstream's words, and the address it is (or is being) registered at. */
export async function setNumberE911Registration(
  db: Executor,
  { numberId, status, detail, upstreamDetail = null, addressId }: { numberId: string; status: PhoneNumber['e911Status']; detail: string | null; upstreamDetail?: string | null; addressId: string | null },
) {
  await db.update(phoneNumbers).set({ e911Status: status, e911Detail: detail, e911UpstreamDetail: upstreamDetail, e911AddressId: addressId, e911UpdatedAt: new Date() }).where(eq(phoneNumbers.id, numberId));
}

export async function setNumberE911Address(db: Executor, { numberId, addressId }: { numberId: string; addressId: string }) {
  await db.update(phoneNumbers).set({ e911AddressId: addressId }).where(eq(phoneNumbers.id, numberId));
}

/** The account's live numbers per upstream connection: which upstreams an address must suit. */
export async function countLiveNumbersByConnection(db: Executor, { accountId }: { accountId: string }): Promise<Map<string, number>> {
  const rows = await db
    .select({ connectionId: phoneNumbers.connectionId, count: sql<number>`count(*)::int` })
    .from(phoneNumbers)
    .where(and(eq(phoneNumbers.accountId, accountId), live))
    .groupBy(phoneNumbers.connectionId);
  return new Map(rows.map((row) => [row.connectionId, row.count]));
}

/** A fresh check of the address by the upstreams (the address itself unchanged). */
export async function updateE911AddressValidation(db: Executor, { addressId, accountId, validation, validatedAt }: { addressId: string; accountId: string; validation: E911ValidationRecord; validatedAt: Date }) {
  await db.update(e911Addresses).set({ validation, validatedAt }).where(and(eq(e911Addresses.id, addressId), eq(e911Addresses.accountId, accountId)));
}
