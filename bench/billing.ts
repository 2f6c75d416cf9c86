/**
 * Issue 15's rating row, in process on a throwaway database: the same calls ingested through
 * `ingestCdrBatch` (batches of CDR_INGEST_BATCH) with no deck anywhere, then with a 25,000-prefix
 * default sell deck and a 25,000-prefix cost deck on each of the calls' four upstreams. Goal: rated
 * ingest at least 0.5x the throughput of unrated ingest.
 *
 * Alone: `BENCH_BILLING_CALLS=20000 npx tsx bench/billing.ts` (both databases; PostgreSQL at
 * DATABASE_URL or the local server). In `npm run bench` through `benchBillingOn`, or alone there with
 * `BENCH_BILLING_ONLY=1`. lib/ is loaded with import() after the server-only hook (see run.ts).
 */
import '../scripts/server-only-outside-next';
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { formatSideBySide, row, type Row } from './table';

const DAY = 86_400_000;
const LOCAL_POSTGRES = 'postgres://postgres@127.0.0.1:5432/postgres';
export const DECK_PREFIXES = 25_000;
const UPSTREAMS = 4;

type Db = import('@/lib/db/client').Db;
type CdrInput = import('@/lib/services/cdr-ingest').CdrInput;

/**
 * 25,000 termination prefixes shaped like a wholesale deck: every NANP area code, NPA-NXX blocks
 * (those the bench calls dial among them, so the longest match is 7 digits deep), and some 120
 * countries with their mobile and city ranges.
 */
export function deckPrefixes(count = DECK_PREFIXES): string[] {
  const prefixes = new Set<string>(['1']);
  for (let npa = 201; npa <= 999; npa++) if (npa % 100 !== 11) prefixes.add(`1${npa}`);
  const countries = ['20', '27', '30', '31', '32', '33', '34', '36', '39', '40', '41', '43', '44', '45', '46', '47', '48', '49', '51', '52', '53', '54', '55', '56', '57', '58', '60', '61', '62', '63', '64', '65', '66', '81', '82', '84', '86', '90', '91', '92', '93', '94', '95', '98', '211', '212', '213', '216', '218', '220', '221', '233', '234', '237', '254', '255', '256', '260', '263', '351', '352', '353', '354', '355', '356', '357', '358', '359', '370', '371', '372', '373', '374', '375', '376', '377', '378', '380', '381', '382', '385', '386', '387', '389', '420', '421', '423', '501', '502', '503', '504', '505', '506', '507', '509', '591', '592', '593', '595', '597', '598', '852', '853', '855', '856', '880', '886', '960', '961', '962', '963', '964', '965', '966', '967', '968', '971', '972', '973', '974', '975', '976', '977', '992', '993', '994', '995', '996', '998'];
  for (const country of countries) {
    prefixes.add(country);
    for (let d = 0; d < 10; d++) prefixes.add(`${country}${d}`);
    for (let d = 10; d < 40; d++) prefixes.add(`${country}${d}`);
  }
  for (const npa of [212, 312, 313, 414, 515, 616, 717, 818]) for (let nxx = 200; nxx <= 999; nxx++) prefixes.add(`1${npa}${nxx}`);
  for (let npa = 201; prefixes.size < count; npa++) {
    for (let nxx = 200; nxx <= 999 && prefixes.size < count; nxx += 7) prefixes.add(`1${npa > 999 ? 200 + (npa % 800) : npa}${nxx}`);
  }
  return [...prefixes].slice(0, count);
}

/** A deck version of `prefixes` at a rate derived from each prefix (cost decks a little under), in one statement per 5,000 entries. */
async function insertDeck(db: Db, { name, purpose, connectionId, isDefault, prefixes, discount }: { name: string; purpose: 'sell' | 'cost'; connectionId?: string; isDefault: boolean; prefixes: string[]; discount: number }) {
  const deckId = randomUUID();
  const versionId = randomUUID();
  await db.execute(sql`INSERT INTO rate_decks (id, name, purpose, connection_id, is_default) VALUES (${deckId}::uuid, ${name}, ${purpose}::rate_deck_purpose, ${connectionId ?? null}::uuid, ${isDefault})`);
  await db.execute(sql`INSERT INTO rate_deck_versions (id, deck_id, version, effective_from, entry_count) VALUES (${versionId}::uuid, ${deckId}::uuid, 1, now() - interval '400 days', ${prefixes.length})`);
  const entries = prefixes.map((prefix, i) => ({
    kind: 'termination',
    prefix,
    destination: `Destination ${prefix.slice(0, 3)}`,
    rate: ((0.004 + (i % 97) * 0.0005) * (1 - discount)).toFixed(6),
    first: prefix.startsWith('1') ? 6 : 60,
    next: prefix.startsWith('1') ? 6 : 60,
  }));
  for (const origination of ['1', '1800', '1888', '1877']) entries.push({ kind: 'origination', prefix: origination, destination: `Origination ${origination}`, rate: (0.005 * (1 - discount)).toFixed(6), first: 1, next: 1 });
  for (let i = 0; i < entries.length; i += 5000) {
    await db.execute(sql`
      INSERT INTO rate_deck_entries (version_id, kind, prefix, destination, rate, first_increment, next_increment)
      SELECT ${versionId}::uuid, kind::rate_kind, prefix, destination, rate, first, next
      FROM jsonb_to_recordset(${JSON.stringify(entries.slice(i, i + 5000))}::jsonb) AS e(kind text, prefix text, destination text, rate numeric, first int, next int)`);
  }
  return deckId;
}

interface World {
  calls: CdrInput[];
  /** Cost decks move to these connections while unrated, so no call's upstream has one. */
  parked: string[];
  used: string[];
  sellDeckId: string;
  costDeckIds: string[];
}

/** A billing account with three sub-accounts, eight upstream connections, the decks, and `count` calls made before the clock starts. */
async function buildWorld(db: Db, count: number): Promise<World> {
  const { benchCall, seedBenchAccount } = await import('./cdrs');
  const root = await seedBenchAccount(db);
  const accountIds = [root];
  for (let i = 1; i <= 3; i++) {
    const id = randomUUID();
    await db.execute(sql`INSERT INTO accounts (id, name, parent_id, billing_account_id, path, depth) VALUES (${id}::uuid, ${`Bench branch ${i}`}, ${root}::uuid, ${root}::uuid, ${`/${root}/${id}/`}, 1)`);
    accountIds.push(id);
  }
  const connections: string[] = [];
  for (let i = 0; i < 2 * UPSTREAMS; i++) {
    const id = randomUUID();
    await db.execute(sql`INSERT INTO provider_connections (id, provider, name, base_url, credentials_ciphertext) VALUES (${id}::uuid, 'voicetel', ${`Bench upstream ${i}`}, 'http://127.0.0.1:9', 'unused')`);
    connections.push(id);
  }
  const used = connections.slice(0, UPSTREAMS);
  const parked = connections.slice(UPSTREAMS);
  const prefixes = deckPrefixes();
  const sellDeckId = await insertDeck(db, { name: 'Bench default', purpose: 'sell', isDefault: false, prefixes, discount: 0 });
  const costDeckIds: string[] = [];
  for (let i = 0; i < UPSTREAMS; i++) costDeckIds.push(await insertDeck(db, { name: `Bench cost ${i}`, purpose: 'cost', connectionId: parked[i], isDefault: false, prefixes, discount: 0.15 + i * 0.02 }));
  await db.execute(sql`ANALYZE`);

  const end = Date.now() - 3_600_000;
  for (let month = end - 31 * DAY; month <= end + 28 * DAY; month += 28 * DAY) await db.execute(sql`SELECT cdr_ensure_partition(${new Date(month).toISOString()}::timestamptz)`);
  const calls: CdrInput[] = [];
  const date = (value: string | undefined) => (value === undefined ? undefined : new Date(value));
  for (let i = 0; i < count; i++) {
    const call = benchCall(i, { accountId: accountIds[i % accountIds.length]!, end, spanMs: 30 * DAY, count, source: 'bench-billing' });
    calls.push({
      source: call.source,
      sourceId: call.source_id,
      accountId: call.account_id,
      direction: call.direction as 'inbound' | 'outbound',
      from: call.from,
      to: call.to,
      inviteAt: new Date(call.invite_at),
      ringingAt: date(call.ringing_at),
      answerAt: date(call.answer_at),
      endAt: date(call.end_at),
      sipCode: call.sip_code,
      billsec: call.billsec,
      upstreamCost: call.upstream_cost,
      connectionId: used[i % UPSTREAMS],
    });
  }
  return { calls, parked, used, sellDeckId, costDeckIds };
}

/** Decks in reach of the calls (the sell deck the default, the cost decks on the calls' upstreams) or out of it. */
async function setDecks(db: Db, world: World, rated: boolean) {
  await db.execute(sql`UPDATE rate_decks SET is_default = ${rated} WHERE id = ${world.sellDeckId}::uuid`);
  for (let i = 0; i < world.costDeckIds.length; i++) {
    await db.execute(sql`UPDATE rate_decks SET connection_id = ${(rated ? world.used : world.parked)[i]!}::uuid WHERE id = ${world.costDeckIds[i]!}::uuid`);
  }
}

/** Ingests `calls` from empty tables and answers the milliseconds, checking every call was stored and rated (or not) as expected. */
async function ingestPass(db: Db, calls: CdrInput[], rated: boolean): Promise<number> {
  const { CDR_INGEST_BATCH, ingestCdrBatch } = await import('@/lib/services/cdr-ingest');
  const { rowsOf } = await import('@/lib/db/rows');
  await db.execute(sql`TRUNCATE cdrs, cdr_rollups`);
  await db.execute(sql`VACUUM ANALYZE cdrs`);
  const started = performance.now();
  let accepted = 0;
  for (let i = 0; i < calls.length; i += CDR_INGEST_BATCH) {
    const batch = calls.slice(i, i + CDR_INGEST_BATCH).map((input, n) => ({ line: i + n + 1, input }));
    const result = await ingestCdrBatch(db, batch);
    if (result.rejected.length > 0) throw new Error(`ingest rejected ${result.rejected.length} calls, first: ${JSON.stringify(result.rejected[0])}`);
    accepted += result.accepted;
  }
  const ms = performance.now() - started;
  if (accepted !== calls.length) throw new Error(`stored ${accepted} of ${calls.length} calls`);
  const [check] = rowsOf<{ priced: string; costed: string; no_deck: string }>(
    await db.execute(sql`SELECT count(*) FILTER (WHERE charge IS NOT NULL) AS priced, count(*) FILTER (WHERE cost IS NOT NULL) AS costed, count(*) FILTER (WHERE rating_error = 'no_deck') AS no_deck FROM cdrs`),
  );
  const expected = rated ? { priced: calls.length, costed: calls.length, no_deck: 0 } : { priced: 0, costed: 0, no_deck: calls.length };
  const found = { priced: Number(check!.priced), costed: Number(check!.costed), no_deck: Number(check!.no_deck) };
  if (JSON.stringify(found) !== JSON.stringify(expected)) throw new Error(`${rated ? 'rated' : 'unrated'} pass: expected ${JSON.stringify(expected)}, found ${JSON.stringify(found)}`);
  return ms;
}

/**
 * Both passes over the same calls, after an untimed warm-up of each (JIT, the deck versions'
 * prefix indexes loaded once per process as in the app); unrated and rated alternate twice so a
 * drift on the shared machine weighs on both.
 */
export async function benchRating(handle: { db: Db }, { count }: { count: number }): Promise<{ rows: Row[]; notes: string[] }> {
  const { db } = handle;
  const { setDbHandle } = await import('@/lib/db/client');
  setDbHandle(handle as never);
  try {
    const world = await buildWorld(db, count);
    const warmUp = world.calls.slice(0, Math.min(count, 10_000));
    await setDecks(db, world, false);
    await ingestPass(db, warmUp, false);
    await setDecks(db, world, true);
    await ingestPass(db, warmUp, true);
    const half = Math.ceil(count / 2);
    const rounds = [world.calls.slice(0, half), world.calls.slice(half)].filter((calls) => calls.length > 0);
    let unratedMs = 0;
    let ratedMs = 0;
    for (const calls of rounds) {
      await setDecks(db, world, false);
      unratedMs += await ingestPass(db, calls, false);
      await setDecks(db, world, true);
      ratedMs += await ingestPass(db, calls, true);
    }
    const label = count >= 1_000_000 ? `${count / 1_000_000}M` : `${count / 1000}k`;
    return {
      rows: [row('rating.ingest_rated', ratedMs / 1000, 's', unratedMs / 1000), row('rating.throughput_vs_unrated', unratedMs / ratedMs, 'x')],
      notes: [
        `rating ${label}: ingest with a ${DECK_PREFIXES.toLocaleString('en-US')}-prefix default deck and a ${DECK_PREFIXES.toLocaleString('en-US')}-prefix cost deck on each of ${UPSTREAMS} upstreams ` +
          `${Math.round(count / (ratedMs / 1000)).toLocaleString('en-US')} calls/s vs ${Math.round(count / (unratedMs / 1000)).toLocaleString('en-US')} calls/s with no deck anywhere (goal ≥ 0.5x: ${(unratedMs / ratedMs).toFixed(2)}x).`,
      ],
    };
  } finally {
    setDbHandle(undefined);
  }
}

/**
 * The rating rows on PGlite and, when reachable, PostgreSQL: `count` calls each; then the invoice
 * run over `invoiceCalls` rated calls (PGlite 1M, PostgreSQL 5M by default).
 */
export async function benchBillingOn(
  postgresUrl: string | undefined,
  notes: string[],
  { count = 200_000, invoiceCalls = { pglite: 1_000_000, postgres: 5_000_000 } }: { count?: number; invoiceCalls?: { pglite: number; postgres: number } } = {},
): Promise<{ pglite: Row[]; postgres?: Row[] }> {
  const { createDatabase } = await import('./numbers');
  const { benchInvoiceRun } = await import('./invoices');
  const run = async (serverUrl: string | null) => {
    const where = serverUrl ? 'PostgreSQL' : 'PGlite';
    console.log(`Billing (${where}): ${count.toLocaleString('en-US')} calls ingested unrated and rated…`);
    const handle = await createDatabase(serverUrl);
    const result = await benchRating(handle, { count }).finally(() => handle.drop());
    for (const note of result.notes) notes.push(`${where}: ${note}`);
    const invoiceCount = serverUrl ? invoiceCalls.postgres : invoiceCalls.pglite;
    console.log(`Billing (${where}): an invoice run over ${invoiceCount.toLocaleString('en-US')} rated calls…`);
    return [...result.rows, ...(await benchInvoiceRun(serverUrl, { count: invoiceCount, runs: 3 }))];
  };
  const pglite = await run(null);
  const postgresRows = postgresUrl ? await run(postgresUrl) : undefined;
  return { pglite, postgres: postgresRows };
}

async function postgresReachable(url: string): Promise<boolean> {
  const client = postgres(url, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await client`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await client.end({ timeout: 1 }).catch(() => {});
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const raw = process.env.BENCH_BILLING_CALLS;
  const count = raw ? Number(raw) : 200_000;
  if (!Number.isInteger(count) || count <= 0) throw new Error(`BENCH_BILLING_CALLS must be a positive whole number, got "${raw}"`);
  const url = process.env.DATABASE_URL ?? LOCAL_POSTGRES;
  const notes: string[] = [];
  const { runCleanups } = await import('./cleanup');
  try {
    const reachable = await postgresReachable(url);
    if (!reachable) console.log(`PostgreSQL at ${new URL(url).host} is not reachable: its rows are skipped.`);
    const rows = await benchBillingOn(reachable ? url : undefined, notes, { count, invoiceCalls: { pglite: Math.min(1_000_000, count * 5), postgres: Math.min(5_000_000, count * 25) } });
    console.log(`\nRating at ingest (issue 15; ${count.toLocaleString('en-US')} calls):\n`);
    console.log(formatSideBySide([
      { title: 'PGlite', rows: rows.pglite },
      { title: rows.postgres ? 'PostgreSQL' : 'PostgreSQL (skipped: not reachable)', rows: rows.postgres },
    ]));
    console.log('');
    for (const note of notes) console.log(`Note: ${note}`);
  } catch (error) {
    console.error(`\nBench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  } finally {
    await runCleanups();
  }
}
