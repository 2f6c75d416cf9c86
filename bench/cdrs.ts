/**
 * Issue 14's rows, in process on a throwaway database: CDR ingest through the push path against a
 * raw COPY of the same rows, 90-day charts over many calls from the rollups against a naive GROUP BY
 * over the raw table, a large CSV export's memory, and the live feed's delay from commit to
 * subscriber. Sizes: PostgreSQL 1M pushed / 10M charted; PGlite 1M charted and fewer pushed.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { getRollupBreakdown, getRollupSeries, rebuildCdrRollups } from '@/lib/db/queries/cdrs';
import { rowsOf } from '@/lib/db/rows';
import { createDatabase } from './numbers';
import { row, type Row } from './table';

const DAY = 86_400_000;
const COLUMNS = [
  'account_id', 'invite_at', 'source', 'source_id', 'direction', 'from_e164', 'to_e164', 'destination_country', 'destination_prefix',
  'trunk_group_id', 'connection_id', 'ringing_at', 'answer_at', 'end_at', 'sip_code', 'q850_cause', 'billsec', 'mos', 'upstream_cost',
] as const;

/** A deterministic, realistic-looking call number `i` of `count` spread over `spanMs` before `end`. */
export function benchCall(i: number, { accountId, end, spanMs, count, source }: { accountId: string; end: number; spanMs: number; count: number; source: string }) {
  let seed = (i * 2654435761) >>> 0;
  const next = () => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const invite = end - spanMs + Math.floor((i / count) * spanMs);
  const outcome = next();
  const answered = outcome < 0.65;
  const code = answered ? 200 : outcome < 0.8 ? 486 : outcome < 0.9 ? 487 : outcome < 0.96 ? 480 : 503;
  const pdd = next() < 0.9 ? 600 + Math.floor(next() * 2400) : undefined;
  const billsec = answered ? Math.floor(-Math.log(1 - next()) * 120) : 0;
  const inbound = next() < 0.4;
  const did = `+1312555${String(1000 + (i % 200)).padStart(4, '0')}`;
  const far = `+1${212 + (i % 7) * 101}555${String(i % 10000).padStart(4, '0')}`;
  const answerAt = answered ? invite + (pdd ?? 1000) + 2000 : undefined;
  return {
    account_id: accountId,
    invite_at: new Date(invite).toISOString(),
    source,
    source_id: `bench-${i}`,
    direction: inbound ? 'inbound' : 'outbound',
    from: inbound ? far : did,
    to: inbound ? did : far,
    ringing_at: pdd === undefined ? undefined : new Date(invite + pdd).toISOString(),
    answer_at: answerAt === undefined ? undefined : new Date(answerAt).toISOString(),
    end_at: new Date((answerAt ?? invite + 20_000) + billsec * 1000).toISOString(),
    sip_code: code,
    billsec,
    upstream_cost: answered ? (billsec * 0.0001).toFixed(6) : undefined,
  };
}

async function seedAccount(db: Db): Promise<string> {
  const id = randomUUID();
  await db.execute(sql`INSERT INTO accounts (id, name, billing_account_id, path, depth) VALUES (${id}::uuid, 'Bench CDRs', ${id}::uuid, ${`/${id}/`}, 0)`);
  return id;
}

const p95 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * 0.95))]!;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * `count` calls over 90 days written by one INSERT … SELECT (the fastest way in), then the rollups
 * rebuilt day by day with the ingest's own definition; the 90-day chart from rollups against a
 * naive GROUP BY over the raw calls.
 */
export async function benchCharts(db: Db, { count, runs }: { count: number; runs: number }): Promise<{ rows: Row[]; notes: string[] }> {
  const accountId = await seedAccount(db);
  const end = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
  const start = end - 90 * DAY;
  for (let month = start; month <= end; month += 28 * DAY) await db.execute(sql`SELECT cdr_ensure_partition(${new Date(month).toISOString()}::timestamptz)`);
  const tgs = [randomUUID(), randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  const conns = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  const loadStarted = performance.now();
  const chunk = 1_000_000;
  for (let offset = 0; offset < count; offset += chunk) {
    const n = Math.min(chunk, count - offset);
    await db.execute(sql`
      INSERT INTO cdrs (account_id, invite_at, source, source_id, direction, from_e164, to_e164, destination_country, destination_prefix,
        trunk_group_id, connection_id, ringing_at, answer_at, end_at, sip_code, billsec, mos, upstream_cost)
      SELECT ${accountId}::uuid, t.invite, 'bench', 'c' || g, CASE WHEN g % 5 < 2 THEN 'inbound'::cdr_direction ELSE 'outbound'::cdr_direction END,
        '+13125550100', '+1415555' || lpad((g % 10000)::text, 4, '0'),
        (ARRAY['US','US','US','US','CA','MX','GB','BR','US','US','DE','FR'])[1 + g % 12], '1415',
        (${JSON.stringify(tgs)}::jsonb ->> (g % 5)::int)::uuid, (${JSON.stringify(conns)}::jsonb ->> (g % 4)::int)::uuid,
        CASE WHEN g % 10 = 0 THEN NULL ELSE t.invite + ((400 + (g * 7919) % 2600) || ' milliseconds')::interval END,
        CASE WHEN t.answered THEN t.invite + interval '4 seconds' END,
        t.invite + interval '60 seconds',
        CASE WHEN t.answered THEN 200 WHEN g % 7 < 3 THEN 486 WHEN g % 7 < 5 THEN 480 ELSE 503 END,
        CASE WHEN t.answered THEN (g * 31) % 300 ELSE 0 END,
        CASE WHEN g % 3 = 0 THEN 3.5 + (g % 10) / 10.0 END,
        CASE WHEN t.answered THEN ((g * 31) % 300) * 0.0001 END
      FROM generate_series(${offset + 1}::bigint, ${offset + n}::bigint) AS g,
        LATERAL (SELECT ${new Date(start).toISOString()}::timestamptz + (g * (${90 * DAY}::double precision / ${count})) * interval '1 millisecond' AS invite,
          (g * 2654435761) % 100 < 65 AS answered) AS t`);
  }
  const loadMs = performance.now() - loadStarted;
  const rollupStarted = performance.now();
  for (let day = start; day < end; day += DAY) await rebuildCdrRollups(db, { accountId, from: new Date(day), to: new Date(day + DAY) });
  const rollupMs = performance.now() - rollupStarted;
  await db.execute(sql`ANALYZE cdrs`);
  await db.execute(sql`ANALYZE cdr_rollups`);
  const rollupRows = Number(rowsOf<{ n: string }>(await db.execute(sql`SELECT count(*) AS n FROM cdr_rollups WHERE account_id = ${accountId}::uuid AND grain = '1d'`))[0]!.n);

  const filter = { accountIds: [accountId], grain: '1d' as const, from: new Date(start), to: new Date(end) };
  const chart = async () => {
    await getRollupSeries(db, filter);
  };
  const overview = async () => {
    const previous = { ...filter, from: new Date(start - 90 * DAY), to: new Date(start) };
    await Promise.all([
      getRollupSeries(db, filter),
      getRollupBreakdown(db, filter, 'trunk_group_id'),
      getRollupBreakdown(db, filter, 'destination'),
      getRollupBreakdown(db, filter, 'connection_id'),
      getRollupSeries(db, previous),
    ]);
  };
  const naive = async () => {
    await db.execute(sql`
      SELECT date_trunc('day', invite_at) AS day, count(*) AS attempts, count(answer_at) AS answered,
        count(*) FILTER (WHERE answer_at IS NOT NULL OR sip_code IN (404, 480, 484, 486, 487, 600, 603)) AS ner_ok,
        sum(billsec) FILTER (WHERE answer_at IS NOT NULL) AS billsec,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY ringing_at - invite_at) AS pdd_p50,
        percentile_cont(0.95) WITHIN GROUP (ORDER BY ringing_at - invite_at) AS pdd_p95
      FROM cdrs WHERE account_id = ${accountId}::uuid AND invite_at >= ${new Date(start).toISOString()}::timestamptz AND invite_at < ${new Date(end).toISOString()}::timestamptz
      GROUP BY 1 ORDER BY 1`);
  };
  const time = async (work: () => Promise<void>, times: number) => {
    await work();
    const samples: number[] = [];
    for (let i = 0; i < times; i++) {
      const started = performance.now();
      await work();
      samples.push(performance.now() - started);
    }
    return samples;
  };
  const chartMs = await time(chart, runs);
  const overviewMs = await time(overview, runs);
  const naiveMs = await time(naive, 3);
  const label = count >= 1_000_000 ? `${count / 1_000_000}M` : `${count / 1000}k`;
  return {
    rows: [
      row('chart_90d.series_p95', p95(chartMs), 'ms'),
      row('chart_90d.overview_p95', p95(overviewMs), 'ms'),
      row('chart_90d.naive_group_by', median(naiveMs), 'ms'),
      row('chart_90d.speedup', median(naiveMs) / median(chartMs), 'x'),
    ],
    notes: [
      `charts ${label}: ${count.toLocaleString('en-US')} calls loaded by INSERT…SELECT in ${(loadMs / 1000).toFixed(1)} s, rollups rebuilt by day in ${(rollupMs / 1000).toFixed(1)} s (${rollupRows.toLocaleString('en-US')} daily rollup rows over 5 trunk groups × 4 upstreams × 8 countries × 2 directions); ` +
        `chart = the 90-day daily series (goal p95 ≤ 50 ms, ≥ 100x the naive GROUP BY: ${(median(naiveMs) / median(chartMs)).toFixed(0)}x); overview = series + previous period + three breakdowns, concurrently.`,
    ],
  };
}

/** Raw COPY of `count` calls into `cdrs`: the baseline the push path is measured against. */
export async function copyCalls(db: Db, driver: 'pglite' | 'postgres', { accountId, count, end }: { accountId: string; count: number; end: number }): Promise<number> {
  const lines: string[] = [];
  const csv = (value: unknown) => (value === undefined || value === null ? '' : String(value));
  const spanMs = 30 * DAY;
  for (let i = 0; i < count; i++) {
    const call = benchCall(i, { accountId, end, spanMs, count, source: 'copy' });
    const to = call.to;
    lines.push(
      [call.account_id, call.invite_at, call.source, call.source_id, call.direction, call.from, to, 'US', to.slice(1, 5), '', '', csv(call.ringing_at), csv(call.answer_at), call.end_at, call.sip_code, '', call.billsec, '', csv(call.upstream_cost)].join(','),
    );
  }
  const started = performance.now();
  const copy = `COPY cdrs (${COLUMNS.join(', ')}) FROM STDIN WITH (FORMAT csv)`;
  const client = (db as unknown as { $client: unknown }).$client;
  if (driver === 'postgres') {
    const writable = await (client as { unsafe(query: string): { writable(): Promise<NodeJS.WritableStream> } }).unsafe(copy).writable();
    await new Promise<void>((resolve, reject) => {
      writable.on('error', reject);
      writable.on('finish', () => resolve());
      const chunk = 10_000;
      for (let i = 0; i < lines.length; i += chunk) writable.write(`${lines.slice(i, i + chunk).join('\n')}\n`);
      writable.end();
    });
  } else {
    await (client as { query(q: string, p: unknown[], o: { blob: Blob }): Promise<unknown> }).query(copy.replace('STDIN', "'/dev/blob'"), [], { blob: new Blob([`${lines.join('\n')}\n`]) });
  }
  return performance.now() - started;
}

/** `serverUrl` null: in-memory PGlite. */
export async function withBenchDatabase<T>(serverUrl: string | null, work: (db: Db, driver: 'pglite' | 'postgres') => Promise<T>): Promise<T> {
  const handle = await createDatabase(serverUrl);
  try {
    return await work(handle.db, handle.driver);
  } finally {
    await handle.drop();
  }
}

export { seedAccount as seedBenchAccount };

function pushAccess(account: { id: string; path: string; name: string }) {
  const apiKey = { id: randomUUID(), name: 'bench switch', prefix: 'cp_live_bench', role: 'admin' as const, scopes: ['cdr:write'], accountId: account.id, createdByUserId: null };
  return {
    actor: { kind: 'api_key' as const, apiKey },
    user: { id: randomUUID(), email: 'bench@example.invalid', name: 'bench switch', isOperatorStaff: false },
    account,
    role: 'admin' as const,
    permissions: new Set(['usage.read', 'technical.read', 'technical.write']),
    readOnly: false,
    actingAsStaff: false,
  } as unknown as import('@/lib/auth/access').AccountAccess;
}

/** NDJSON of calls [first, first + count) of `total`, made before the clock starts (a switch has its file ready). */
function ndjsonChunks(options: { accountId: string; end: number; total: number; first: number; count: number }): Uint8Array[] {
  const encoder = new TextEncoder();
  const chunks: Uint8Array[] = [];
  for (let next = options.first, last = options.first + options.count; next < last; ) {
    let chunk = '';
    for (let n = 0; n < 1000 && next < last; n++, next++) {
      chunk += `${JSON.stringify(benchCall(next, { accountId: options.accountId, end: options.end, spanMs: 30 * DAY, count: options.total, source: 'push' }))}\n`;
    }
    chunks.push(encoder.encode(chunk));
  }
  return chunks;
}

/** The chunks as a request body, handed over as the reader pulls. */
function streamOf(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  let index = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (index >= chunks.length) controller.close();
      else controller.enqueue(chunks[index++]!);
    },
  });
}

/**
 * 1. `count` calls by raw COPY, then the same calls through the push path (`pushCdrs`, requests of
 * 100,000 NDJSON rows as a switch would send them; HTTP and the key lookup aside, a fixed cost per
 * request). 2. The pushed calls exported as one streamed CSV, the process's RSS sampled. 3. The live
 * feed: single-call batches ingested while subscribed, delay from commit to the subscriber.
 */
export async function benchIngestExportLive(
  handle: { db: Db; driver: 'pglite' | 'postgres' },
  { count, liveCalls }: { count: number; liveCalls: number },
): Promise<{ rows: Row[]; notes: string[] }> {
  const { db, driver } = handle;
  const { setDbHandle } = await import('@/lib/db/client');
  setDbHandle(handle as never);
  const { pushCdrs } = await import('@/lib/services/cdr-push');
  const { cdrCsvStream } = await import('@/lib/services/cdr-search');
  const { subscribeToLiveCalls } = await import('@/lib/services/cdr-live');
  const { ingestCdrBatch } = await import('@/lib/services/cdr-ingest');
  const accountId = await seedAccount(db);
  const account = { id: accountId, path: `/${accountId}/`, name: 'Bench CDRs' };
  const end = Date.now() - 3_600_000;
  for (let month = end - 31 * DAY; month <= end + 28 * DAY; month += 28 * DAY) await db.execute(sql`SELECT cdr_ensure_partition(${new Date(month).toISOString()}::timestamptz)`);
  const label = count >= 1_000_000 ? `${count / 1_000_000}M` : `${count / 1000}k`;

  const copyMs = await copyCalls(db, driver, { accountId, count, end });
  await db.execute(sql`TRUNCATE cdrs, cdr_rollups`);
  await db.execute(sql`VACUUM ANALYZE cdrs`);
  const perRequest = 100_000;
  let pushMs = 0;
  let accepted = 0;
  for (let first = 0; first < count; first += perRequest) {
    const body = ndjsonChunks({ accountId, end, total: count, first, count: Math.min(perRequest, count - first) });
    const started = performance.now();
    const result = await pushCdrs(pushAccess(account), streamOf(body), 'application/x-ndjson');
    pushMs += performance.now() - started;
    accepted += result.accepted;
    if (result.rejectedCount > 0) throw new Error(`push rejected ${result.rejectedCount} rows, first: ${JSON.stringify(result.rejected[0])}`);
  }
  if (accepted !== count) throw new Error(`push stored ${accepted} of ${count}`);

  // Export: every pushed call, one CSV stream read to its end as a download would be.
  const search = { from: new Date(end - 31 * DAY), to: new Date(end + 60_000) };
  (globalThis as { gc?: () => void }).gc?.();
  const rssBefore = process.memoryUsage.rss();
  let rssPeak = rssBefore;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
  }, 20);
  const exportStarted = performance.now();
  let bytes = 0;
  let lines = 0;
  const reader = cdrCsvStream({ accountIds: [accountId], staff: false }, search).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    for (const byte of value) if (byte === 10) lines++;
    rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
  }
  clearInterval(sampler);
  const exportMs = performance.now() - exportStarted;
  if (lines !== count + 1) throw new Error(`export wrote ${lines - 1} rows of ${count}`);

  // Live: one call per batch, a few ms apart, as calls end on a switch.
  const delays: number[] = [];
  const subscription = await subscribeToLiveCalls(pushAccess(account), (batch) => {
    for (const call of batch.calls) delays.push(batch.sentAt - call.committedAt);
  });
  try {
    for (let i = 0; i < liveCalls; i++) {
      const invite = Date.now() - 60_000;
      await ingestCdrBatch(db, [{ line: 1, input: { source: 'live', sourceId: `live-${i}`, accountId, direction: 'outbound', from: '+13125550100', to: '+14155551212', inviteAt: new Date(invite), answerAt: new Date(invite + 3000), endAt: new Date(invite + 33_000), sipCode: 200 } }]);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const deadline = Date.now() + 5000;
    while (delays.length < liveCalls && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  } finally {
    await subscription.close();
  }
  setDbHandle(undefined);
  return {
    rows: [
      row('ingest.push', pushMs / 1000, 's', copyMs / 1000),
      row('ingest.throughput_vs_copy', copyMs / pushMs, 'x'),
      row('export.rss_growth', (rssPeak - rssBefore) / 1e6, 'MB'),
      row('export.duration', exportMs / 1000, 's'),
      row('live_feed.delay_p50', median(delays), 'ms'),
      row('live_feed.delay_p95', p95(delays), 'ms'),
    ],
    notes: [
      `ingest ${label}: push ${Math.round(count / (pushMs / 1000)).toLocaleString('en-US')} calls/s (rows checked, attributed, stored, rolled up into 3 grains) vs raw COPY ${Math.round(count / (copyMs / 1000)).toLocaleString('en-US')} calls/s into the same table and indexes (goal ≥ 0.5x).`,
      `export ${label}: ${(bytes / 1e6).toFixed(0)} MB of CSV streamed in ${(exportMs / 1000).toFixed(1)} s; RSS grew ${((rssPeak - rssBefore) / 1e6).toFixed(0)} MB (goal ≤ 100 MB).`,
      `live feed: ${delays.length} of ${liveCalls} single-call batches delivered; delay from ingest commit to the subscriber p50 ${median(delays).toFixed(1)} ms, p95 ${p95(delays).toFixed(1)} ms (goal p50 ≤ 100 ms; the page adds the browser's frame).`,
    ],
  };
}

/** The CDR rows on PGlite (1M) and, when reachable, PostgreSQL (1M pushed and exported, 10M charted). */
export async function benchCdrsOn(postgresUrl: string | undefined, notes: string[]): Promise<{ pglite: Row[]; postgres?: Row[] }> {
  const sizes = { pglite: { push: 1_000_000, chart: 1_000_000 }, postgres: { push: 1_000_000, chart: 10_000_000 } };
  const run = async (serverUrl: string | null, size: { push: number; chart: number }) => {
    const where = serverUrl ? 'PostgreSQL' : 'PGlite';
    console.log(`CDRs (${where}): ${size.push.toLocaleString('en-US')} calls by COPY and by push, export and live feed…`);
    let handle = await createDatabase(serverUrl);
    const first = await benchIngestExportLive(handle, { count: size.push, liveCalls: 200 }).finally(() => handle.drop());
    console.log(`CDRs (${where}): 90-day charts over ${size.chart.toLocaleString('en-US')} calls…`);
    handle = await createDatabase(serverUrl);
    const charts = await benchCharts(handle.db, { count: size.chart, runs: 50 }).finally(() => handle.drop());
    for (const note of [...first.notes, ...charts.notes]) notes.push(`${where}: ${note}`);
    return [...first.rows, ...charts.rows];
  };
  const pglite = await run(null, sizes.pglite);
  const postgres = postgresUrl ? await run(postgresUrl, sizes.postgres) : undefined;
  return { pglite, postgres };
}
