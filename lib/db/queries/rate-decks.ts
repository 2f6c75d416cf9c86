import 'server-only';
import { and, asc, desc, eq, gt, lte, sql } from 'drizzle-orm';
import type { Db, Tx } from '@/lib/db/client';
import { rowsOf } from '@/lib/db/rows';
import { accounts, providerConnections, rateDeckAssignments, rateDeckDidTiers, rateDeckEntries, rateDecks, rateDeckVersions, users } from '@/lib/db/schema';
import { isUuid } from './accounts';

type Executor = Db | Tx;

/** Rows per INSERT of a version's entries: 25,000 prefixes are five statements. */
const ENTRY_INSERT_CHUNK = 5000;

const toDate = (value: string | Date) => (value instanceof Date ? value : new Date(value));

export interface RateDeckSummaryRow {
  id: string;
  name: string;
  purpose: 'sell' | 'cost';
  currency: string;
  connectionId: string | null;
  connectionName: string | null;
  isDefault: boolean;
  createdAt: Date;
  versionCount: number;
  assignedCount: number;
  current: { id: string; version: number; effectiveFrom: Date; entryCount: number } | null;
  upcoming: { id: string; version: number; effectiveFrom: Date } | null;
}

/** Every deck (platform-wide: decks belong to the carrier) with its version in force at `at` and the next one to come. */
export async function getRateDeckSummaries(db: Executor, { at, deckId }: { at: Date; deckId?: string }): Promise<RateDeckSummaryRow[]> {
  if (deckId !== undefined && !isUuid(deckId)) return [];
  const result = await db.execute(sql`
    SELECT d.id::text, d.name, d.purpose::text, d.currency, d.connection_id::text, c.name AS connection_name, d.is_default, d.created_at,
      (SELECT count(*) FROM rate_deck_versions v WHERE v.deck_id = d.id)::int AS version_count,
      (SELECT count(*) FROM rate_deck_assignments ra WHERE ra.deck_id = d.id)::int AS assigned_count,
      cur.id::text AS current_id, cur.version AS current_version, cur.effective_from AS current_effective_from, cur.entry_count AS current_entry_count,
      nxt.id::text AS next_id, nxt.version AS next_version, nxt.effective_from AS next_effective_from
    FROM rate_decks d
    LEFT JOIN provider_connections c ON c.id = d.connection_id
    LEFT JOIN LATERAL (SELECT v.id, v.version, v.effective_from, v.entry_count FROM rate_deck_versions v
      WHERE v.deck_id = d.id AND v.effective_from <= ${at.toISOString()}::timestamptz ORDER BY v.effective_from DESC, v.version DESC LIMIT 1) cur ON true
    LEFT JOIN LATERAL (SELECT v.id, v.version, v.effective_from FROM rate_deck_versions v
      WHERE v.deck_id = d.id AND v.effective_from > ${at.toISOString()}::timestamptz ORDER BY v.effective_from ASC, v.version DESC LIMIT 1) nxt ON true
    ${deckId === undefined ? sql`` : sql`WHERE d.id = ${deckId}::uuid`}
    ORDER BY d.purpose, d.is_default DESC, lower(d.name)`);
  return rowsOf<Record<string, unknown>>(result).map((row) => ({
    id: row.id as string,
    name: row.name as string,
    purpose: row.purpose as 'sell' | 'cost',
    currency: row.currency as string,
    connectionId: (row.connection_id as string | null) ?? null,
    connectionName: (row.connection_name as string | null) ?? null,
    isDefault: Boolean(row.is_default),
    createdAt: toDate(row.created_at as string),
    versionCount: Number(row.version_count),
    assignedCount: Number(row.assigned_count),
    current: row.current_id
      ? { id: row.current_id as string, version: Number(row.current_version), effectiveFrom: toDate(row.current_effective_from as string), entryCount: Number(row.current_entry_count) }
      : null,
    upcoming: row.next_id ? { id: row.next_id as string, version: Number(row.next_version), effectiveFrom: toDate(row.next_effective_from as string) } : null,
  }));
}

export async function getRateDeckById(db: Executor, { deckId }: { deckId: string }) {
  if (!isUuid(deckId)) return undefined;
  const [row] = await db.select().from(rateDecks).where(eq(rateDecks.id, deckId)).limit(1);
  return row;
}

/** Locks the deck for the caller's transaction: versions of one deck are numbered one at a time. */
export async function lockRateDeck(tx: Executor, { deckId }: { deckId: string }) {
  if (!isUuid(deckId)) return undefined;
  const [row] = await tx.select().from(rateDecks).where(eq(rateDecks.id, deckId)).for('update').limit(1);
  return row;
}

export async function getRateDeckByName(db: Executor, { name }: { name: string }) {
  const [row] = await db
    .select()
    .from(rateDecks)
    .where(sql`lower(${rateDecks.name}) = lower(${name})`)
    .limit(1);
  return row;
}

export async function getCostDeckByConnection(db: Executor, { connectionId }: { connectionId: string }) {
  const [row] = await db.select().from(rateDecks).where(eq(rateDecks.connectionId, connectionId)).limit(1);
  return row;
}

export async function getDefaultRateDeck(db: Executor) {
  const [row] = await db.select().from(rateDecks).where(eq(rateDecks.isDefault, true)).limit(1);
  return row;
}

/** Undefined when the name or the connection already has a deck (the unique indexes decide). */
export async function insertRateDeck(db: Executor, deck: typeof rateDecks.$inferInsert) {
  const [row] = await db.insert(rateDecks).values(deck).onConflictDoNothing().returning();
  return row;
}

/**
 * Makes `deckId` the one default sell deck (the previous default, if any, stops being it). Changes of
 * the default take turns, so two at once cannot both set one and trip the unique index.
 */
export async function setDefaultRateDeck(tx: Executor, { deckId }: { deckId: string }) {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext('rate_decks.default'))`);
  await tx.update(rateDecks).set({ isDefault: false }).where(and(eq(rateDecks.isDefault, true), sql`${rateDecks.id} <> ${deckId}`));
  const [row] = await tx.update(rateDecks).set({ isDefault: true }).where(eq(rateDecks.id, deckId)).returning();
  return row;
}

export async function getDeckVersionsByDeck(db: Executor, { deckId }: { deckId: string }) {
  return db
    .select({
      id: rateDeckVersions.id,
      version: rateDeckVersions.version,
      effectiveFrom: rateDeckVersions.effectiveFrom,
      note: rateDeckVersions.note,
      entryCount: rateDeckVersions.entryCount,
      createdAt: rateDeckVersions.createdAt,
      createdBy: users.email,
    })
    .from(rateDeckVersions)
    .leftJoin(users, eq(users.id, rateDeckVersions.createdByUserId))
    .where(eq(rateDeckVersions.deckId, deckId))
    .orderBy(desc(rateDeckVersions.version));
}

export async function getDeckVersionById(db: Executor, { deckId, versionId }: { deckId: string; versionId: string }) {
  if (!isUuid(versionId) || !isUuid(deckId)) return undefined;
  const [row] = await db
    .select()
    .from(rateDeckVersions)
    .where(and(eq(rateDeckVersions.id, versionId), eq(rateDeckVersions.deckId, deckId)))
    .limit(1);
  return row;
}

export async function getDeckVersionByNumber(db: Executor, { deckId, version }: { deckId: string; version: number }) {
  const [row] = await db
    .select()
    .from(rateDeckVersions)
    .where(and(eq(rateDeckVersions.deckId, deckId), eq(rateDeckVersions.version, version)))
    .limit(1);
  return row;
}

/** The version that prices a call at `at`: the latest effective at or before it (the later number on a tie), as rating picks it. */
export async function getDeckVersionInForce(db: Executor, { deckId, at }: { deckId: string; at: Date }) {
  const [row] = await db
    .select()
    .from(rateDeckVersions)
    .where(and(eq(rateDeckVersions.deckId, deckId), lte(rateDeckVersions.effectiveFrom, at)))
    .orderBy(desc(rateDeckVersions.effectiveFrom), desc(rateDeckVersions.version))
    .limit(1);
  return row;
}

/** The next version to come into force after `at`, if one is scheduled. */
export async function getUpcomingDeckVersion(db: Executor, { deckId, after }: { deckId: string; after: Date }) {
  const [row] = await db
    .select()
    .from(rateDeckVersions)
    .where(and(eq(rateDeckVersions.deckId, deckId), gt(rateDeckVersions.effectiveFrom, after)))
    .orderBy(asc(rateDeckVersions.effectiveFrom), desc(rateDeckVersions.version))
    .limit(1);
  return row;
}

export async function getLatestDeckVersionNumber(db: Executor, { deckId }: { deckId: string }): Promise<number> {
  const [row] = await db
    .select({ latest: sql<number>`coalesce(max(${rateDeckVersions.version}), 0)::int` })
    .from(rateDeckVersions)
    .where(eq(rateDeckVersions.deckId, deckId));
  return Number(row?.latest ?? 0);
}

export async function insertDeckVersion(tx: Executor, version: typeof rateDeckVersions.$inferInsert) {
  const [row] = await tx.insert(rateDeckVersions).values(version).returning();
  if (!row) throw new Error('the deck version was not inserted');
  return row;
}

export interface DeckEntryRow {
  kind: 'termination' | 'origination';
  prefix: string;
  destination: string;
  rate: string;
  connectionFee: string;
  firstIncrement: number;
  nextIncrement: number;
  minimumDuration: number;
}

/** A version's entries, a few thousand rows per statement (one jsonb document each, not a parameter per value). */
export async function insertDeckEntries(tx: Executor, { versionId, entries }: { versionId: string; entries: readonly DeckEntryRow[] }) {
  for (let start = 0; start < entries.length; start += ENTRY_INSERT_CHUNK) {
    const chunk = entries.slice(start, start + ENTRY_INSERT_CHUNK).map((entry) => ({
      kind: entry.kind,
      prefix: entry.prefix,
      destination: entry.destination,
      rate: entry.rate,
      connection_fee: entry.connectionFee,
      first_increment: entry.firstIncrement,
      next_increment: entry.nextIncrement,
      minimum_duration: entry.minimumDuration,
    }));
    await tx.execute(sql`
      INSERT INTO rate_deck_entries (version_id, kind, prefix, destination, rate, connection_fee, first_increment, next_increment, minimum_duration)
      SELECT ${versionId}::uuid, e.kind::rate_kind, e.prefix, e.destination, e.rate::numeric, e.connection_fee::numeric, e.first_increment, e.next_increment, e.minimum_duration
      FROM jsonb_to_recordset(${JSON.stringify(chunk)}::jsonb)
        AS e(kind text, prefix text, destination text, rate text, connection_fee text, first_increment int, next_increment int, minimum_duration int)`);
  }
}

export async function insertDidTiers(tx: Executor, { versionId, tiers }: { versionId: string; tiers: readonly { tier: string; label: string; countries: string[]; monthly: string; oneTime: string }[] }) {
  if (tiers.length === 0) return;
  await tx.insert(rateDeckDidTiers).values(tiers.map((tier) => ({ versionId, tier: tier.tier, label: tier.label, countries: tier.countries, monthly: tier.monthly, oneTime: tier.oneTime })));
}

export async function getDidTiersByVersion(db: Executor, { versionId }: { versionId: string }) {
  return db
    .select({ tier: rateDeckDidTiers.tier, label: rateDeckDidTiers.label, countries: rateDeckDidTiers.countries, monthly: rateDeckDidTiers.monthly, oneTime: rateDeckDidTiers.oneTime })
    .from(rateDeckDidTiers)
    .where(eq(rateDeckDidTiers.versionId, versionId))
    .orderBy(asc(rateDeckDidTiers.tier));
}

const entryColumns = {
  kind: rateDeckEntries.kind,
  prefix: rateDeckEntries.prefix,
  destination: rateDeckEntries.destination,
  rate: rateDeckEntries.rate,
  connectionFee: rateDeckEntries.connectionFee,
  firstIncrement: rateDeckEntries.firstIncrement,
  nextIncrement: rateDeckEntries.nextIncrement,
  minimumDuration: rateDeckEntries.minimumDuration,
};

/** Every entry of a version, in (kind, prefix) order: the preview diff reads them into a Map. */
export async function getDeckEntriesByVersion(db: Executor, { versionId }: { versionId: string }): Promise<DeckEntryRow[]> {
  return db.select(entryColumns).from(rateDeckEntries).where(eq(rateDeckEntries.versionId, versionId)).orderBy(asc(rateDeckEntries.kind), asc(rateDeckEntries.prefix));
}

/** The next `limit` entries after `after` in (kind, prefix) order, along the primary key: a CSV streams a batch at a time. */
export async function getDeckEntriesAfter(db: Executor, { versionId, after, limit }: { versionId: string; after?: { kind: string; prefix: string }; limit: number }): Promise<DeckEntryRow[]> {
  return db
    .select(entryColumns)
    .from(rateDeckEntries)
    .where(and(eq(rateDeckEntries.versionId, versionId), after ? sql`(${rateDeckEntries.kind}, ${rateDeckEntries.prefix}) > (${after.kind}::rate_kind, ${after.prefix})` : undefined))
    .orderBy(asc(rateDeckEntries.kind), asc(rateDeckEntries.prefix))
    .limit(limit);
}

export interface DeckEntrySearch {
  versionId: string;
  kind?: 'termination' | 'origination';
  /** Digits: entries whose prefix starts with them, or that are a prefix of them (what would price that number). */
  digits?: string;
  /** Words: entries whose destination contains any of them (a country code is looked up by its name too). */
  words?: string[];
  limit: number;
  offset: number;
}

function entrySearchFilter({ versionId, kind, digits, words }: DeckEntrySearch) {
  const escape = (text: string) => text.replace(/[\\%_]/g, (char) => `\\${char}`);
  return and(
    eq(rateDeckEntries.versionId, versionId),
    kind ? eq(rateDeckEntries.kind, kind) : undefined,
    digits ? sql`(${rateDeckEntries.prefix} LIKE ${`${digits}%`} OR starts_with(${digits}, ${rateDeckEntries.prefix}))` : undefined,
    words && words.length ? sql`(${sql.join(words.map((word) => sql`${rateDeckEntries.destination} ILIKE ${`%${escape(word)}%`}`), sql` OR `)})` : undefined,
  );
}

/** One page of a version's entries, searched, by (kind, prefix), with the number that match. */
export async function getDeckEntriesPage(db: Executor, search: DeckEntrySearch): Promise<{ rows: DeckEntryRow[]; total: number }> {
  const where = entrySearchFilter(search);
  const [rows, [count]] = await Promise.all([
    db.select(entryColumns).from(rateDeckEntries).where(where).orderBy(asc(rateDeckEntries.kind), asc(rateDeckEntries.prefix)).limit(search.limit).offset(search.offset),
    db.select({ total: sql<number>`count(*)::int` }).from(rateDeckEntries).where(where),
  ]);
  return { rows, total: Number(count?.total ?? 0) };
}

/** The entry that prices a call to `digits`: its longest prefix in the version (at most 15 index probes). */
export async function getLongestPrefixEntry(db: Executor, { versionId, kind, digits }: { versionId: string; kind: 'termination' | 'origination'; digits: string }): Promise<DeckEntryRow | undefined> {
  const prefixes = Array.from({ length: Math.min(15, digits.length) }, (_, index) => digits.slice(0, index + 1));
  if (prefixes.length === 0) return undefined;
  const [row] = await db
    .select(entryColumns)
    .from(rateDeckEntries)
    .where(and(eq(rateDeckEntries.versionId, versionId), eq(rateDeckEntries.kind, kind), sql`${rateDeckEntries.prefix} IN (${sql.join(prefixes.map((prefix) => sql`${prefix}`), sql`, `)})`))
    .orderBy(desc(sql`length(${rateDeckEntries.prefix})`))
    .limit(1);
  return row;
}

// --- Assignments ---------------------------------------------------------------------------------

export interface SellDeckResolution {
  accountId: string;
  deckId: string | null;
  /** own: the account's assignment; inherited: an ancestor's; default: the default deck; none: no deck applies. */
  source: 'own' | 'inherited' | 'default' | 'none';
  fromAccountId: string | null;
  fromAccountName: string | null;
}

/** The sell deck of each account as rating resolves it: its own assignment, the nearest ancestor's, else the default deck. */
export async function getSellDeckResolutions(db: Executor, { accountIds }: { accountIds: string[] }): Promise<Map<string, SellDeckResolution>> {
  const ids = accountIds.filter(isUuid);
  if (ids.length === 0) return new Map();
  const result = await db.execute(sql`
    SELECT a.id::text AS account_id, near.deck_id::text AS near_deck, near.account_id::text AS from_id, near.name AS from_name,
      (SELECT d.id::text FROM rate_decks d WHERE d.is_default) AS default_deck
    FROM accounts a
    LEFT JOIN LATERAL (SELECT ra.deck_id, anc.id AS account_id, anc.name FROM rate_deck_assignments ra JOIN accounts anc ON anc.id = ra.account_id
      WHERE starts_with(a.path, anc.path) ORDER BY anc.depth DESC LIMIT 1) near ON true
    WHERE a.id IN (SELECT jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb)::uuid)`);
  const resolutions = new Map<string, SellDeckResolution>();
  for (const row of rowsOf<{ account_id: string; near_deck: string | null; from_id: string | null; from_name: string | null; default_deck: string | null }>(result)) {
    if (row.near_deck) {
      resolutions.set(row.account_id, { accountId: row.account_id, deckId: row.near_deck, source: row.from_id === row.account_id ? 'own' : 'inherited', fromAccountId: row.from_id, fromAccountName: row.from_name });
    } else {
      resolutions.set(row.account_id, { accountId: row.account_id, deckId: row.default_deck, source: row.default_deck ? 'default' : 'none', fromAccountId: null, fromAccountName: null });
    }
  }
  return resolutions;
}

export async function getAssignmentByAccount(db: Executor, { accountId }: { accountId: string }) {
  if (!isUuid(accountId)) return undefined;
  const [row] = await db.select().from(rateDeckAssignments).where(eq(rateDeckAssignments.accountId, accountId)).limit(1);
  return row;
}

export async function upsertAssignment(tx: Executor, { accountId, deckId, userId }: { accountId: string; deckId: string; userId: string | null }) {
  const [row] = await tx
    .insert(rateDeckAssignments)
    .values({ accountId, deckId, assignedByUserId: userId })
    .onConflictDoUpdate({ target: rateDeckAssignments.accountId, set: { deckId, assignedByUserId: userId, assignedAt: new Date() } })
    .returning();
  return row;
}

export async function deleteAssignment(tx: Executor, { accountId }: { accountId: string }) {
  const [row] = await tx.delete(rateDeckAssignments).where(eq(rateDeckAssignments.accountId, accountId)).returning();
  return row;
}

/** The accounts a deck is assigned to directly, top of the tree first. */
export async function getAssignmentsByDeck(db: Executor, { deckId }: { deckId: string }) {
  return db
    .select({ accountId: accounts.id, name: accounts.name, path: accounts.path, depth: accounts.depth, assignedAt: rateDeckAssignments.assignedAt, assignedBy: users.email })
    .from(rateDeckAssignments)
    .innerJoin(accounts, eq(accounts.id, rateDeckAssignments.accountId))
    .leftJoin(users, eq(users.id, rateDeckAssignments.assignedByUserId))
    .where(eq(rateDeckAssignments.deckId, deckId))
    .orderBy(asc(accounts.depth), asc(accounts.name));
}

export interface InheritingAccountRow {
  accountId: string;
  name: string;
  depth: number;
  /** The account whose assignment it inherits; null when it falls back to the default deck. */
  fromAccountId: string | null;
  fromAccountName: string | null;
}

/**
 * Accounts whose sell deck is `deckId` without an assignment of their own: the subtrees below its
 * assignments (down to the next assignment), and, for the default deck, every account with no
 * assignment on its path. At most `limit` of them, with how many there are.
 */
export async function getInheritingAccounts(db: Executor, { deckId, isDefault, limit }: { deckId: string; isDefault: boolean; limit: number }): Promise<{ rows: InheritingAccountRow[]; total: number }> {
  const result = await db.execute(sql`
    WITH below AS (
      SELECT a.id, a.name, a.depth, a.path, root.id AS from_id, root.name AS from_name
      FROM rate_deck_assignments r
      JOIN accounts root ON root.id = r.account_id
      JOIN accounts a ON a.path LIKE root.path || '%' AND a.id <> root.id
      WHERE r.deck_id = ${deckId}::uuid
        AND NOT EXISTS (SELECT 1 FROM rate_deck_assignments r2 JOIN accounts anc ON anc.id = r2.account_id
          WHERE a.path LIKE anc.path || '%' AND anc.depth > root.depth)
      ${
        isDefault
          ? sql`UNION ALL
      SELECT a.id, a.name, a.depth, a.path, NULL, NULL FROM accounts a
      WHERE NOT EXISTS (SELECT 1 FROM rate_deck_assignments r2 JOIN accounts anc ON anc.id = r2.account_id WHERE a.path LIKE anc.path || '%')`
          : sql``
      }
    )
    SELECT id::text, name, depth, from_id::text, from_name, count(*) OVER ()::int AS total FROM below ORDER BY path LIMIT ${limit}`);
  const rows = rowsOf<{ id: string; name: string; depth: number; from_id: string | null; from_name: string | null; total: number }>(result);
  return {
    rows: rows.map((row) => ({ accountId: row.id, name: row.name, depth: Number(row.depth), fromAccountId: row.from_id, fromAccountName: row.from_name })),
    total: Number(rows[0]?.total ?? 0),
  };
}

export interface CurrencyMismatchRow {
  accountId: string;
  name: string;
  currency: string;
}

/**
 * Accounts that would be priced by a deck of `currency` but bill in another currency (their billing
 * account's profile; none means USD). `scope`: the account and the part of its subtree that inherits
 * from it (below it, down to the next assignment), or every account without an assignment on its
 * path (the default deck's).
 */
export async function getCurrencyMismatches(db: Executor, { scope, currency, limit = 5 }: { scope: { accountPath: string; accountDepth: number } | 'unassigned'; currency: string; limit?: number }): Promise<CurrencyMismatchRow[]> {
  const where =
    scope === 'unassigned'
      ? sql`NOT EXISTS (SELECT 1 FROM rate_deck_assignments r JOIN accounts anc ON anc.id = r.account_id WHERE a.path LIKE anc.path || '%')`
      : sql`a.path LIKE ${`${scope.accountPath}%`}
        AND NOT EXISTS (SELECT 1 FROM rate_deck_assignments r JOIN accounts anc ON anc.id = r.account_id WHERE a.path LIKE anc.path || '%' AND anc.depth > ${scope.accountDepth})`;
  const result = await db.execute(sql`
    SELECT a.id::text, a.name, coalesce(bp.currency, 'USD') AS currency
    FROM accounts a LEFT JOIN billing_profiles bp ON bp.account_id = a.billing_account_id
    WHERE ${where} AND coalesce(bp.currency, 'USD') <> ${currency}
    ORDER BY a.depth, a.name LIMIT ${limit}`);
  return rowsOf<{ id: string; name: string; currency: string }>(result).map((row) => ({ accountId: row.id, name: row.name, currency: row.currency }));
}

/** What an account bills in: its billing account's profile, USD without one. */
export async function getBillingCurrencyByAccount(db: Executor, { accountId }: { accountId: string }): Promise<string> {
  const result = await db.execute(sql`
    SELECT coalesce(bp.currency, 'USD') AS currency FROM accounts a LEFT JOIN billing_profiles bp ON bp.account_id = a.billing_account_id WHERE a.id = ${accountId}::uuid`);
  return rowsOf<{ currency: string }>(result)[0]?.currency ?? 'USD';
}

/** Provider connections and the cost deck each has, if any (for the create form). */
export async function getConnectionsWithCostDecks(db: Executor) {
  return db
    .select({ id: providerConnections.id, name: providerConnections.name, provider: providerConnections.provider, costDeckId: rateDecks.id })
    .from(providerConnections)
    .leftJoin(rateDecks, eq(rateDecks.connectionId, providerConnections.id))
    .orderBy(asc(providerConnections.provider), asc(providerConnections.name));
}
