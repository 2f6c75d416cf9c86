import 'server-only';

/**
 * Rate decks (issue 15.2). Staff keep the carrier's decks: sell decks price customers (one may be
 * the default; an assignment reaches the account's subtree down to the next assignment), cost decks
 * are what one upstream connection charges. A deck changes only by publishing a new, immutable
 * version from a CSV file, previewed first against the version in force. Customers with billing.read
 * read the deck that prices their calls, on the rates page and from GET /api/v1/rates.
 */
import { can, type AccountAccess, type SessionUser } from '@/lib/auth/access';
import { parseDeckCsv, deckCsvLine, didTierCsvSection, DECK_CSV_HEADER, rateText, moneyText, type DeckEntryInput, type DidTierInput, type DeckCsvProblem } from '@/lib/billing/deck-csv';
import { parseMicros } from '@/lib/billing/money';
import { getDb, type Db, type Tx } from '@/lib/db/client';
import { getAccountById } from '@/lib/db/queries/accounts';
import { getProviderConnectionById } from '@/lib/db/queries/providers';
import {
  deleteAssignment,
  getAssignmentByAccount,
  getAssignmentsByDeck,
  getConnectionsWithCostDecks,
  getCostDeckByConnection,
  getCurrencyMismatches,
  getDeckEntriesAfter,
  getDeckEntriesByVersion,
  getDeckEntriesPage,
  getDeckVersionById,
  getDeckVersionByNumber,
  getDeckVersionInForce,
  getDeckVersionsByDeck,
  getDefaultRateDeck,
  getDidTiersByVersion,
  getInheritingAccounts,
  getLatestDeckVersionNumber,
  getLongestPrefixEntry,
  getRateDeckById,
  getRateDeckByName,
  getRateDeckSummaries,
  getSellDeckResolutions,
  getUpcomingDeckVersion,
  insertDeckEntries,
  insertDeckVersion,
  insertDidTiers,
  insertRateDeck,
  lockRateDeck,
  setDefaultRateDeck,
  upsertAssignment,
  type CurrencyMismatchRow,
  type DeckEntryRow,
  type RateDeckSummaryRow,
  type SellDeckResolution,
} from '@/lib/db/queries/rate-decks';
import type { RateDeck } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { getJobRunner } from '@/lib/jobs';
import { log } from '@/lib/log';
import { createRateDeckSchema, DECK_ENTRIES_PAGE_SIZE, type CreateRateDeckInput, type DeckChangeFilter, type DeckEntryQuery } from '@/lib/validations/rate-decks';
import { recordAudit, recordPlatformAudit } from './audit';
import { RERATE_QUEUE, requestRerating, type RerateRequest } from './rerating';

const CSV_BATCH = 5000;
const PREVIEW_PAGE_SIZE = 50;
const INHERITING_LIMIT = 100;

function assertStaff(user: SessionUser): void {
  if (!user.isOperatorStaff) throw new AppError('forbidden:staff', 'Only the carrier’s operator staff can manage rate decks.');
}

const deckNotFound = () => new AppError('not_found:rate_deck', 'That rate deck does not exist; reload the page.');

async function requireDeck(db: Db | Tx, deckId: string): Promise<RateDeck> {
  const deck = await getRateDeckById(db, { deckId });
  if (!deck) throw deckNotFound();
  return deck;
}

// --- Staff: decks ----------------------------------------------------------------------------------

export interface ConnectionChoice {
  id: string;
  name: string;
  provider: string;
  hasCostDeck: boolean;
}

export async function listRateDecks(staff: SessionUser, { now = new Date() }: { now?: Date } = {}): Promise<{ decks: RateDeckSummaryRow[]; connections: ConnectionChoice[] }> {
  assertStaff(staff);
  const db = await getDb();
  const [decks, connections] = await Promise.all([getRateDeckSummaries(db, { at: now }), getConnectionsWithCostDecks(db)]);
  return { decks, connections: connections.map((connection) => ({ id: connection.id, name: connection.name, provider: connection.provider, hasCostDeck: connection.costDeckId !== null })) };
}

export async function createRateDeck(staff: SessionUser, input: CreateRateDeckInput, ip?: string): Promise<RateDeck> {
  assertStaff(staff);
  const parsed = createRateDeckSchema.parse(input);
  const db = await getDb();
  return db.transaction(async (tx) => {
    if (await getRateDeckByName(tx, { name: parsed.name })) throw new AppError('conflict:rate_deck_name', `A deck named “${parsed.name}” exists already.`, { fieldErrors: { name: ['Another deck has this name: choose another'] } });
    let connectionName: string | null = null;
    if (parsed.purpose === 'cost') {
      const connection = await getProviderConnectionById(tx, { connectionId: parsed.connectionId! });
      if (!connection) throw new AppError('not_found:connection', 'That provider connection no longer exists; reload the page.', { fieldErrors: { connectionId: ['That connection no longer exists'] } });
      const existing = await getCostDeckByConnection(tx, { connectionId: connection.id });
      if (existing) throw new AppError('conflict:cost_deck', `${connection.name} has a cost deck already (“${existing.name}”): publish a new version of it instead.`, { fieldErrors: { connectionId: [`Has a cost deck already: “${existing.name}”`] } });
      connectionName = connection.name;
    }
    const deck = await insertRateDeck(tx, { name: parsed.name, purpose: parsed.purpose, currency: parsed.currency, connectionId: parsed.purpose === 'cost' ? parsed.connectionId! : null });
    if (!deck) throw new AppError('conflict:rate_deck_name', 'That name or connection was just taken; reload the page.');
    await recordPlatformAudit(tx, staff, { action: 'rate_deck.create', targetType: 'rate_deck', targetId: deck.id, after: { name: deck.name, purpose: deck.purpose, currency: deck.currency, connection: connectionName }, ip });
    return deck;
  });
}

function mismatchMessage(mismatches: CurrencyMismatchRow[], deck: Pick<RateDeck, 'name' | 'currency'>, verb: string): string {
  const first = mismatches[0]!;
  const others = mismatches.length > 1 ? ` (and ${mismatches.length - 1 === 1 ? 'one more account' : 'more accounts'})` : '';
  return `${first.name} bills in ${first.currency}${others}, but “${deck.name}” is in ${deck.currency}: ${verb}. A deck's currency must match the billing currency of every account it prices.`;
}

/** The default sell deck prices every account without an assignment on its path; they must all bill in its currency. */
export async function makeDefaultRateDeck(staff: SessionUser, deckId: string, ip?: string): Promise<RateDeck & { rerating?: ReratingState }> {
  assertStaff(staff);
  const db = await getDb();
  const deck = await db.transaction(async (tx) => {
    const deck = await lockRateDeck(tx, { deckId });
    if (!deck) throw deckNotFound();
    if (deck.purpose !== 'sell') throw new AppError('invalid:rate_deck_default', 'Only a sell deck can be the default: a cost deck prices one upstream, not customers.');
    if (deck.isDefault) return deck;
    const mismatches = await getCurrencyMismatches(tx, { scope: 'unassigned', currency: deck.currency });
    if (mismatches.length) throw new AppError('invalid:rate_deck_currency', mismatchMessage(mismatches, deck, 'it cannot be their default deck; assign those accounts a deck in their currency first'));
    const previous = await getDefaultRateDeck(tx);
    const updated = await setDefaultRateDeck(tx, { deckId: deck.id });
    await recordPlatformAudit(tx, staff, { action: 'rate_deck.default', targetType: 'rate_deck', targetId: deck.id, before: { defaultDeck: previous?.name ?? null }, after: { defaultDeck: deck.name }, ip });
    return { ...(updated ?? deck), changed: true };
  });
  // The accounts without an assigned deck are now priced by this one: their calls not yet invoiced are priced again.
  if ('changed' in deck) return { ...deck, rerating: await rerate({ deckId: deck.id, from: new Date(0) }) };
  return deck;
}

export type VersionStatus = 'in_force' | 'scheduled' | 'superseded';

export interface RateDeckOverview {
  deck: RateDeckSummaryRow;
  versions: { id: string; version: number; effectiveFrom: Date; note: string | null; entryCount: number; createdAt: Date; createdBy: string | null; status: VersionStatus }[];
  assignments: { accountId: string; name: string; depth: number; assignedAt: Date; assignedBy: string | null }[];
  inheriting: { rows: { accountId: string; name: string; fromAccountName: string | null }[]; total: number };
}

export async function getRateDeckOverview(staff: SessionUser, deckId: string, { now = new Date() }: { now?: Date } = {}): Promise<RateDeckOverview> {
  assertStaff(staff);
  const db = await getDb();
  const [deck] = await getRateDeckSummaries(db, { at: now, deckId });
  if (!deck) throw deckNotFound();
  const [versions, assignments, inheriting] = await Promise.all([
    getDeckVersionsByDeck(db, { deckId }),
    deck.purpose === 'sell' ? getAssignmentsByDeck(db, { deckId }) : Promise.resolve([]),
    deck.purpose === 'sell' ? getInheritingAccounts(db, { deckId, isDefault: deck.isDefault, limit: INHERITING_LIMIT }) : Promise.resolve({ rows: [], total: 0 }),
  ]);
  return {
    deck,
    versions: versions.map((version) => ({
      ...version,
      status: version.id === deck.current?.id ? 'in_force' : version.effectiveFrom.getTime() > now.getTime() ? 'scheduled' : 'superseded',
    })),
    assignments: assignments.map((row) => ({ accountId: row.accountId, name: row.name, depth: row.depth, assignedAt: row.assignedAt, assignedBy: row.assignedBy })),
    inheriting: { rows: inheriting.rows.map((row) => ({ accountId: row.accountId, name: row.name, fromAccountName: row.fromAccountName })), total: inheriting.total },
  };
}

// --- Entries ---------------------------------------------------------------------------------------

export interface DeckEntryView {
  kind: 'termination' | 'origination';
  prefix: string;
  destination: string;
  /** Four places at least ("0.0100"). */
  rate: string;
  connectionFee: string;
  firstIncrement: number;
  nextIncrement: number;
  minimumDuration: number;
}

function entryView(row: DeckEntryRow): DeckEntryView {
  return { kind: row.kind, prefix: row.prefix, destination: row.destination, rate: rateText(row.rate), connectionFee: rateText(row.connectionFee), firstIncrement: row.firstIncrement, nextIncrement: row.nextIncrement, minimumDuration: row.minimumDuration };
}

function tierView(tier: { tier: string; label: string; countries: string[]; monthly: string; oneTime: string }) {
  return { tier: tier.tier, label: tier.label, countries: tier.countries, monthly: moneyText(tier.monthly), oneTime: moneyText(tier.oneTime) };
}
export type DidTierView = ReturnType<typeof tierView>;

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

/** A two-letter code also finds its country by name ("MX" → Mexico), as destinations are named. */
function searchWords(words: string[] | undefined): string[] | undefined {
  if (!words) return undefined;
  return words.flatMap((word) => {
    if (!/^[A-Za-z]{2}$/.test(word)) return [word];
    let name: string | undefined;
    try {
      name = regionNames.of(word.toUpperCase());
    } catch {
      name = undefined;
    }
    return name && name.toUpperCase() !== word.toUpperCase() ? [word, name] : [word];
  });
}

export interface DeckEntriesPage {
  rows: DeckEntryView[];
  total: number;
  page: number;
  pageSize: number;
  /** For a number-like search: the entry that prices a call to it (its longest prefix), if any. */
  match: DeckEntryView | null;
}

async function entriesPage(db: Db, versionId: string, query: DeckEntryQuery): Promise<DeckEntriesPage> {
  const pageSize = DECK_ENTRIES_PAGE_SIZE;
  const [page, match] = await Promise.all([
    getDeckEntriesPage(db, { versionId, kind: query.kind, digits: query.digits, words: searchWords(query.words), limit: pageSize, offset: (query.page - 1) * pageSize }),
    query.digits ? getLongestPrefixEntry(db, { versionId, kind: query.kind ?? 'termination', digits: query.digits }) : Promise.resolve(undefined),
  ]);
  return { rows: page.rows.map(entryView), total: page.total, page: query.page, pageSize, match: match ? entryView(match) : null };
}

export async function getRateDeckVersionEntries(staff: SessionUser, { deckId, versionId, query, now = new Date() }: { deckId: string; versionId: string; query: DeckEntryQuery; now?: Date }) {
  assertStaff(staff);
  const db = await getDb();
  const deck = await requireDeck(db, deckId);
  const version = await getDeckVersionById(db, { deckId, versionId });
  if (!version) throw new AppError('not_found:rate_deck_version', 'That version does not exist; reload the page.');
  const [page, didTiers, inForce] = await Promise.all([entriesPage(db, version.id, query), getDidTiersByVersion(db, { versionId: version.id }), getDeckVersionInForce(db, { deckId, at: now })]);
  const status: VersionStatus = inForce?.id === version.id ? 'in_force' : version.effectiveFrom.getTime() > now.getTime() ? 'scheduled' : 'superseded';
  return { deck, version, status, page, didTiers: didTiers.map(tierView) };
}

// --- CSV export ------------------------------------------------------------------------------------

/** A version as CSV, read a batch at a time along the primary key; the DID tier section last when asked for. */
export function deckVersionCsvStream(versionId: string, { didTiers = [] }: { didTiers?: readonly DidTierInput[] } = {}): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let after: { kind: string; prefix: string } | undefined;
  let started = false;
  let finished = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          if (!started) {
            started = true;
            controller.enqueue(encoder.encode(DECK_CSV_HEADER));
            return;
          }
          if (finished) {
            const section = didTierCsvSection(didTiers);
            if (section) controller.enqueue(encoder.encode(section));
            controller.close();
            return;
          }
          const rows = await getDeckEntriesAfter(await getDb(), { versionId, after, limit: CSV_BATCH });
          if (rows.length > 0) controller.enqueue(encoder.encode(rows.map(deckCsvLine).join('')));
          const last = rows.at(-1);
          if (rows.length < CSV_BATCH || !last) finished = true;
          else after = { kind: last.kind, prefix: last.prefix };
        } catch (error) {
          log.error('rate_deck.csv_failed', { versionId, error });
          controller.error(error);
        }
      },
    },
    { highWaterMark: 0 },
  );
}

function csvFilename(deckName: string, version: number): string {
  const slug = deckName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'rate-deck';
  return `${slug}-v${version}.csv`;
}

/** Staff: any version of any deck, with its DID tier section, in the import format (it imports back as is). */
export async function openRateDeckVersionCsv(staff: SessionUser, { deckId, versionId }: { deckId: string; versionId: string }) {
  assertStaff(staff);
  const db = await getDb();
  const deck = await requireDeck(db, deckId);
  const version = await getDeckVersionById(db, { deckId, versionId });
  if (!version) throw new AppError('not_found:rate_deck_version', 'That version does not exist.');
  const didTiers = await getDidTiersByVersion(db, { versionId: version.id });
  return { filename: csvFilename(deck.name, version.version), body: deckVersionCsvStream(version.id, { didTiers }) };
}

// --- Import: preview and publish ---------------------------------------------------------------------

export type DeckChange = 'added' | 'removed' | 'up' | 'down' | 'terms' | 'unchanged';

export interface DeckTermsView {
  destination: string;
  rate: string;
  connectionFee: string;
  increment: string;
  minimumDuration: number;
}

export interface DeckChangeRow {
  change: Exclude<DeckChange, 'unchanged'>;
  kind: 'termination' | 'origination';
  prefix: string;
  before: DeckTermsView | null;
  after: DeckTermsView | null;
}

export type DeckChangeCounts = Record<DeckChange, number>;

function termsOf(entry: Pick<DeckEntryRow, 'destination' | 'rate' | 'connectionFee' | 'firstIncrement' | 'nextIncrement' | 'minimumDuration'>): DeckTermsView {
  return { destination: entry.destination, rate: rateText(entry.rate), connectionFee: rateText(entry.connectionFee), increment: `${entry.firstIncrement}/${entry.nextIncrement}`, minimumDuration: entry.minimumDuration };
}

/**
 * What `next` changes against `current`, keyed by (kind, prefix) in one Map: O(n), whatever the size.
 * A rate that moves is up or down; same rate with another destination, fee, increment or minimum is
 * `terms`. Changed rows come in (kind, prefix) order.
 */
export function diffDeckEntries(current: readonly DeckEntryRow[], next: readonly DeckEntryInput[]): { counts: DeckChangeCounts; changes: DeckChangeRow[] } {
  const counts: DeckChangeCounts = { added: 0, removed: 0, up: 0, down: 0, terms: 0, unchanged: 0 };
  const changes: DeckChangeRow[] = [];
  const before = new Map(current.map((entry) => [`${entry.kind}:${entry.prefix}`, entry]));
  for (const entry of next) {
    const key = `${entry.kind}:${entry.prefix}`;
    const old = before.get(key);
    if (!old) {
      counts.added += 1;
      changes.push({ change: 'added', kind: entry.kind, prefix: entry.prefix, before: null, after: termsOf(entry) });
      continue;
    }
    before.delete(key);
    const oldRate = parseMicros(old.rate);
    const newRate = parseMicros(entry.rate);
    const change: DeckChange =
      newRate > oldRate
        ? 'up'
        : newRate < oldRate
          ? 'down'
          : old.destination !== entry.destination || parseMicros(old.connectionFee) !== parseMicros(entry.connectionFee) || old.firstIncrement !== entry.firstIncrement || old.nextIncrement !== entry.nextIncrement || old.minimumDuration !== entry.minimumDuration
            ? 'terms'
            : 'unchanged';
    counts[change] += 1;
    if (change !== 'unchanged') changes.push({ change, kind: entry.kind, prefix: entry.prefix, before: termsOf(old), after: termsOf(entry) });
  }
  for (const old of before.values()) {
    counts.removed += 1;
    changes.push({ change: 'removed', kind: old.kind, prefix: old.prefix, before: termsOf(old), after: null });
  }
  const kindOrder = { termination: 0, origination: 1 };
  changes.sort((a, b) => kindOrder[a.kind] - kindOrder[b.kind] || (a.prefix < b.prefix ? -1 : a.prefix > b.prefix ? 1 : 0));
  return { counts, changes };
}

export type DeckImportPreview =
  | { status: 'invalid'; problems: DeckCsvProblem[]; problemCount: number }
  | {
      status: 'ok';
      deck: { id: string; name: string; currency: string };
      /** The version in force now, which the file is compared with (null: the deck has none yet). */
      basedOn: { id: string; version: number; effectiveFrom: string } | null;
      nextVersion: number;
      entryCount: number;
      counts: DeckChangeCounts;
      changes: { filter: DeckChangeFilter; page: number; pageSize: number; total: number; rows: DeckChangeRow[] };
      /** `replace`: the file's DID tiers; `keep`: the file has none, the version in force's are kept; `none`: neither has any. */
      didTiers: { action: 'replace' | 'keep' | 'none'; tiers: DidTierView[] };
    };

function invalidFile(problems: DeckCsvProblem[], problemCount: number): AppError {
  const listed = problems.slice(0, 3).map((problem) => `line ${problem.line}: ${problem.reason}`);
  return new AppError('invalid:rate_deck_file', `The file has ${problemCount === 1 ? 'a bad row' : `${problemCount.toLocaleString('en-US')} bad rows`} and nothing was published: ${listed.join('; ')}${problemCount > listed.length ? '; …' : ''}`, {
    fieldErrors: { file: problems.map((problem) => `line ${problem.line}: ${problem.reason}`) },
  });
}

/** What publishing `csv` would change against the version in force now; nothing is written. */
export async function previewRateDeckImport(
  staff: SessionUser,
  { deckId, csv, change = 'changed', page = 1, now = new Date() }: { deckId: string; csv: string; change?: DeckChangeFilter; page?: number; now?: Date },
): Promise<DeckImportPreview> {
  assertStaff(staff);
  const db = await getDb();
  const deck = await requireDeck(db, deckId);
  const parsed = parseDeckCsv(csv);
  if (!parsed.ok) return { status: 'invalid', problems: parsed.problems, problemCount: parsed.problemCount };
  const basedOn = await getDeckVersionInForce(db, { deckId, at: now });
  const [current, currentTiers, latest] = await Promise.all([
    basedOn ? getDeckEntriesByVersion(db, { versionId: basedOn.id }) : Promise.resolve([]),
    basedOn ? getDidTiersByVersion(db, { versionId: basedOn.id }) : Promise.resolve([]),
    getLatestDeckVersionNumber(db, { deckId }),
  ]);
  const { counts, changes } = diffDeckEntries(current, parsed.entries);
  const filtered = change === 'changed' ? changes : changes.filter((row) => row.change === change);
  const lastPage = Math.max(1, Math.ceil(filtered.length / PREVIEW_PAGE_SIZE));
  const shownPage = Math.min(Math.max(1, page), lastPage);
  return {
    status: 'ok',
    deck: { id: deck.id, name: deck.name, currency: deck.currency },
    basedOn: basedOn ? { id: basedOn.id, version: basedOn.version, effectiveFrom: basedOn.effectiveFrom.toISOString() } : null,
    nextVersion: latest + 1,
    entryCount: parsed.entries.length,
    counts,
    changes: { filter: change, page: shownPage, pageSize: PREVIEW_PAGE_SIZE, total: filtered.length, rows: filtered.slice((shownPage - 1) * PREVIEW_PAGE_SIZE, shownPage * PREVIEW_PAGE_SIZE) },
    didTiers: parsed.didTiers ? { action: 'replace', tiers: parsed.didTiers.map(tierView) } : currentTiers.length ? { action: 'keep', tiers: currentTiers.map(tierView) } : { action: 'none', tiers: [] },
  };
}

export interface PublishedVersion {
  deckId: string;
  deckName: string;
  versionId: string;
  version: number;
  effectiveFrom: Date;
  entryCount: number;
  counts: DeckChangeCounts;
  rerating: ReratingState;
}

/**
 * Publishes `csv` as the deck's next version, effective from `effectiveFrom` (now by default; the
 * future schedules it): the version, its entries and DID tiers in one transaction, numbered under
 * the deck's lock. `basedOnVersionId` is the version the preview compared with: if another version
 * came into force since, nothing is written and the preview must be looked at again. A file without
 * a DID tier section keeps the DID tiers of the version in force.
 */
export async function publishRateDeckVersion(
  staff: SessionUser,
  { deckId, csv, effectiveFrom, basedOnVersionId, note, now = new Date() }: { deckId: string; csv: string; effectiveFrom?: Date; basedOnVersionId?: string | null; note?: string; now?: Date },
  ip?: string,
): Promise<PublishedVersion> {
  assertStaff(staff);
  const parsed = parseDeckCsv(csv);
  if (!parsed.ok) throw invalidFile(parsed.problems, parsed.problemCount);
  const from = effectiveFrom ?? now;
  const db = await getDb();
  const published = await db.transaction(async (tx) => {
    const deck = await lockRateDeck(tx, { deckId });
    if (!deck) throw deckNotFound();
    const inForce = await getDeckVersionInForce(tx, { deckId, at: now });
    if (basedOnVersionId !== undefined && (inForce?.id ?? null) !== (basedOnVersionId ?? null)) {
      throw new AppError('conflict:rate_deck_version', `Another version of “${deck.name}” ${inForce ? `(version ${inForce.version})` : ''} came into force since this preview: nothing was published. Preview the file again.`.replace('  ', ' '));
    }
    const current = inForce ? await getDeckEntriesByVersion(tx, { versionId: inForce.id }) : [];
    const { counts } = diffDeckEntries(current, parsed.entries);
    const tiers = parsed.didTiers ?? (inForce ? (await getDidTiersByVersion(tx, { versionId: inForce.id })).map((tier) => ({ ...tier, countries: [...tier.countries] })) : []);
    const number = (await getLatestDeckVersionNumber(tx, { deckId })) + 1;
    const version = await insertDeckVersion(tx, { deckId, version: number, effectiveFrom: from, note: note ?? null, entryCount: parsed.entries.length, createdByUserId: staff.id });
    await insertDeckEntries(tx, { versionId: version.id, entries: parsed.entries });
    await insertDidTiers(tx, { versionId: version.id, tiers });
    await recordPlatformAudit(tx, staff, {
      action: 'rate_deck.publish',
      targetType: 'rate_deck',
      targetId: deck.id,
      after: { deck: deck.name, version: number, effectiveFrom: from.toISOString(), rates: parsed.entries.length, added: counts.added, removed: counts.removed, rateUp: counts.up, rateDown: counts.down, termsChanged: counts.terms, didTiers: tiers.length, note: note ?? null },
      ip,
    });
    return { deckId: deck.id, deckName: deck.name, versionId: version.id, version: number, effectiveFrom: from, entryCount: parsed.entries.length, counts };
  });
  return { ...published, rerating: await rerate({ deckId: published.deckId, from: published.effectiveFrom }) };
}

/**
 * What became of the re-pricing a change asked for: done before the answer, queued on pg-boss (a
 * background job, on the staff jobs page), or neither (logged: the calls keep their prices for now).
 */
export type ReratingState = 'done' | 'queued' | 'not_requested';

/** How a staff answer ends, so a queued re-pricing is not taken for a finished one. */
export function reratingNote(state: ReratingState | undefined): string {
  if (state === 'done') return 'Stored calls not yet invoiced were priced again.';
  if (state === 'queued') return 'Stored calls not yet invoiced are being priced again in the background (rerate-cdrs on the Jobs page); until then they keep their old prices.';
  if (state === 'not_requested') return 'Stored calls could not be priced again and keep their old prices (see rate_deck.rerating_not_requested in the server log).';
  return '';
}

/**
 * Calls already stored that a change prices differently are priced again (never those of an issued
 * invoice: the re-rating stops at its period's end). The change is committed by then: a re-rating
 * run here that fails is queued instead, to be retried with backoff and shown to staff when it
 * keeps failing, not reported as a failed change.
 */
async function rerate(request: RerateRequest): Promise<ReratingState> {
  const context = { deckId: request.deckId, accountId: request.accountId, from: request.from.toISOString() };
  try {
    return (await requestRerating(request)).queued ? 'queued' : 'done';
  } catch (error) {
    log.error('rate_deck.rerating_failed', { ...context, error });
  }
  try {
    const data = request.deckId ? { deckId: request.deckId, from: context.from } : { accountId: request.accountId, from: context.from };
    const jobId = await (await getJobRunner()).boss.send(RERATE_QUEUE, data);
    log.info('rate_deck.rerating_queued', { ...context, jobId });
    return 'queued';
  } catch (error) {
    log.error('rate_deck.rerating_not_requested', { ...context, error });
    return 'not_requested';
  }
}


// --- Assignments -------------------------------------------------------------------------------------

export interface AccountDeckChoice {
  id: string;
  name: string;
  path: string[];
  deck: { id: string | null; name: string | null; source: SellDeckResolution['source']; fromAccountName: string | null };
}

/** Accounts found by name or id, each with the sell deck that prices it now and why. */
export async function describeAccountDecks(staff: SessionUser, accounts: { id: string; name: string; namePath: string[] }[]): Promise<AccountDeckChoice[]> {
  assertStaff(staff);
  if (accounts.length === 0) return [];
  const db = await getDb();
  const [resolutions, { decks }] = await Promise.all([getSellDeckResolutions(db, { accountIds: accounts.map((account) => account.id) }), listRateDecks(staff)]);
  const names = new Map(decks.map((deck) => [deck.id, deck.name]));
  return accounts.map((account) => {
    const resolution = resolutions.get(account.id);
    return {
      id: account.id,
      name: account.name,
      path: account.namePath,
      deck: { id: resolution?.deckId ?? null, name: resolution?.deckId ? (names.get(resolution.deckId) ?? null) : null, source: resolution?.source ?? 'none', fromAccountName: resolution?.fromAccountName ?? null },
    };
  });
}

const accountAudit = (staff: SessionUser, ip: string | undefined, accountId: string) => ({ actor: { kind: 'user' as const, user: staff }, actingAsStaff: true, ip, account: { id: accountId } as AccountAccess['account'] });

/**
 * Assigns a sell deck to an account: it and the part of its subtree without an assignment of their
 * own are priced by it. Every account it would price must bill in the deck's currency.
 */
export async function assignRateDeck(staff: SessionUser, { deckId, accountId }: { deckId: string; accountId: string }, ip?: string) {
  assertStaff(staff);
  const db = await getDb();
  const outcome = await db.transaction(async (tx) => {
    const deck = await lockRateDeck(tx, { deckId });
    if (!deck) throw deckNotFound();
    if (deck.purpose !== 'sell') throw new AppError('invalid:rate_deck_purpose', `“${deck.name}” is a cost deck (what an upstream charges): only sell decks are assigned to accounts.`);
    const account = await getAccountById(tx, { accountId });
    if (!account) throw new AppError('not_found:account', 'That account does not exist; reload the page.');
    const mismatches = await getCurrencyMismatches(tx, { scope: { accountPath: account.path, accountDepth: account.depth }, currency: deck.currency });
    if (mismatches.length) throw new AppError('invalid:rate_deck_currency', mismatchMessage(mismatches, deck, 'it cannot be assigned here; use a deck in their currency'));
    const before = await getAssignmentByAccount(tx, { accountId: account.id });
    if (before?.deckId === deck.id) return { account, deck, changed: false };
    const previous = before ? await getRateDeckById(tx, { deckId: before.deckId }) : undefined;
    await upsertAssignment(tx, { accountId: account.id, deckId: deck.id, userId: staff.id });
    await recordAudit(tx, accountAudit(staff, ip, account.id), { accountId: account.id, action: 'rate_deck.assign', targetType: 'account', targetId: account.id, before: previous ? { rateDeck: previous.name } : undefined, after: { rateDeck: deck.name } });
    return { account, deck, changed: true };
  });
  // Assignments have no effective date: every call of the subtree not yet invoiced moves to the new deck.
  if (outcome.changed) return { ...outcome, rerating: await rerate({ accountId: outcome.account.id, from: new Date(0) }) };
  return { ...outcome, rerating: undefined };
}

/** Removes an account's own assignment: it inherits again (its nearest assigned ancestor's deck, else the default). */
export async function unassignRateDeck(staff: SessionUser, { accountId }: { accountId: string }, ip?: string) {
  assertStaff(staff);
  const db = await getDb();
  const outcome = await db.transaction(async (tx) => {
    const account = await getAccountById(tx, { accountId });
    if (!account) throw new AppError('not_found:account', 'That account does not exist; reload the page.');
    const assignment = await getAssignmentByAccount(tx, { accountId: account.id });
    if (!assignment) throw new AppError('not_found:rate_deck_assignment', `${account.name} has no deck of its own: it already inherits one.`);
    const deck = await getRateDeckById(tx, { deckId: assignment.deckId });
    const fallbackId = account.parentId ? (await getSellDeckResolutions(tx, { accountIds: [account.parentId] })).get(account.parentId)?.deckId : (await getDefaultRateDeck(tx))?.id;
    const fallback = fallbackId ? await getRateDeckById(tx, { deckId: fallbackId }) : undefined;
    if (fallback) {
      const mismatches = await getCurrencyMismatches(tx, { scope: { accountPath: account.path, accountDepth: account.depth }, currency: fallback.currency });
      if (mismatches.length) throw new AppError('invalid:rate_deck_currency', mismatchMessage(mismatches, fallback, 'without a deck of its own it would inherit that one, so the assignment stays; assign a deck in their currency instead'));
    }
    await deleteAssignment(tx, { accountId: account.id });
    await recordAudit(tx, accountAudit(staff, ip, account.id), { accountId: account.id, action: 'rate_deck.unassign', targetType: 'account', targetId: account.id, before: { rateDeck: deck?.name ?? null }, after: { rateDeck: fallback ? `${fallback.name} (inherited)` : null } });
    return { account, deck, fallback };
  });
  return { ...outcome, rerating: await rerate({ accountId: outcome.account.id, from: new Date(0) }) };
}

// --- Customers: the deck that prices their calls -----------------------------------------------------

export interface AccountRateDeck {
  deck: { id: string; name: string; currency: string };
  /** own: assigned to this account; inherited: from an account above it; default: the carrier's default deck. */
  source: 'own' | 'inherited' | 'default';
  version: { id: string; number: number; effectiveFrom: Date; entryCount: number; status: VersionStatus };
  /** The next version to take effect after the one shown, if one is scheduled. */
  upcoming: { number: number; effectiveFrom: Date } | null;
}

function assertBillingRead(access: AccountAccess) {
  if (!can(access, 'billing.read')) throw new AppError('forbidden:role', 'Rates are for the account’s owners, admins and finance.');
}

/**
 * The sell deck that prices the account's calls (its own, an ancestor's or the default) and its
 * version in force at `at` (now by default), or version number `version`. Only ever the caller's
 * own account's deck: the account comes from the access, never from the request.
 */
export async function getAccountRateDeck(access: AccountAccess, { at, version, now = new Date() }: { at?: Date; version?: number; now?: Date } = {}): Promise<AccountRateDeck> {
  assertBillingRead(access);
  const db = await getDb();
  const resolution = (await getSellDeckResolutions(db, { accountIds: [access.account.id] })).get(access.account.id);
  if (!resolution?.deckId || resolution.source === 'none') throw new AppError('not_found:rate_deck', 'No rate deck applies to this account yet: the carrier has not assigned one.');
  const deck = await requireDeck(db, resolution.deckId);
  const chosen =
    version !== undefined ? await getDeckVersionByNumber(db, { deckId: deck.id, version }) : await getDeckVersionInForce(db, { deckId: deck.id, at: at ?? now });
  if (!chosen) {
    throw version !== undefined
      ? new AppError('not_found:rate_deck_version', `“${deck.name}” has no version ${version}.`)
      : new AppError('not_found:rate_deck_version', `No version of “${deck.name}” was in force at ${(at ?? now).toISOString()}.`);
  }
  const [upcoming, inForce] = await Promise.all([getUpcomingDeckVersion(db, { deckId: deck.id, after: version !== undefined ? chosen.effectiveFrom : (at ?? now) }), getDeckVersionInForce(db, { deckId: deck.id, at: now })]);
  const status: VersionStatus = inForce?.id === chosen.id ? 'in_force' : chosen.effectiveFrom.getTime() > now.getTime() ? 'scheduled' : 'superseded';
  return {
    deck: { id: deck.id, name: deck.name, currency: deck.currency },
    source: resolution.source,
    version: { id: chosen.id, number: chosen.version, effectiveFrom: chosen.effectiveFrom, entryCount: chosen.entryCount, status },
    upcoming: upcoming && upcoming.id !== chosen.id ? { number: upcoming.version, effectiveFrom: upcoming.effectiveFrom } : null,
  };
}

export interface AccountRatesView extends AccountRateDeck {
  page: DeckEntriesPage;
  didTiers: DidTierView[];
}

/** The rates page: the deck in force (or version `version`), one page of its entries searched, and its DID tiers. */
export async function getAccountRates(access: AccountAccess, { query, version }: { query: DeckEntryQuery; version?: number }): Promise<AccountRatesView> {
  const deck = await getAccountRateDeck(access, { version });
  const db = await getDb();
  const [page, didTiers] = await Promise.all([entriesPage(db, deck.version.id, query), getDidTiersByVersion(db, { versionId: deck.version.id })]);
  return { ...deck, page, didTiers: didTiers.map(tierView) };
}

/** GET /api/v1/rates as JSON, for a deck read with getAccountRateDeck: the whole version in one document (25,000 rates are a few MB). */
export async function rateDeckDocument(deck: AccountRateDeck) {
  const db = await getDb();
  const [entries, didTiers] = await Promise.all([getDeckEntriesByVersion(db, { versionId: deck.version.id }), getDidTiersByVersion(db, { versionId: deck.version.id })]);
  return {
    deck: { name: deck.deck.name, currency: deck.deck.currency },
    version: { number: deck.version.number, effectiveFrom: deck.version.effectiveFrom.toISOString() },
    rates: entries.map((entry) => ({
      prefix: entry.prefix,
      destination: entry.destination,
      kind: entry.kind,
      rate: rateText(entry.rate),
      connectionFee: rateText(entry.connectionFee),
      increment: { first: entry.firstIncrement, next: entry.nextIncrement },
      minimumDuration: entry.minimumDuration,
    })),
    didTiers: didTiers.map(tierView),
  };
}

/** GET /api/v1/rates as CSV: the version's rates in the import's columns, streamed a batch at a time. */
export function rateDeckCsv(deck: AccountRateDeck) {
  return { filename: csvFilename(deck.deck.name, deck.version.number), body: deckVersionCsvStream(deck.version.id) };
}
