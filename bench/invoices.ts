/**
 * Issue 15's invoice row, in process on a throwaway database: the monthly invoice run of one billing
 * account with millions of rated calls (generateDraftInvoice: the usage aggregation, the numbers, the
 * ledger, the lines written) against one SQL aggregation over the same rows. PostgreSQL 5M calls,
 * PGlite 1M.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { rowsOf } from '@/lib/db/rows';
import { generateDraftInvoice } from '@/lib/services/invoices';
import { withBenchDatabase } from './cdrs';
import { row, type Row } from './table';

const MONTH = '2026-10';
const MONTH_START = '2026-10-01T00:00:00Z';
const MONTH_MS = 31 * 86_400_000;
const DESTINATIONS = [
  ['1', 'United States', '0.010000'],
  ['1416', 'Canada - Toronto', '0.011000'],
  ['52', 'Mexico', '0.016000'],
  ['5255', 'Mexico - Mexico City', '0.014000'],
  ['44', 'United Kingdom', '0.020000'],
  ['4479', 'United Kingdom - Mobile', '0.045000'],
  ['49', 'Germany', '0.021000'],
  ['33', 'France', '0.019000'],
  ['55', 'Brazil', '0.030000'],
  ['5511', 'Brazil - Sao Paulo', '0.026000'],
] as const;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** One billing account with `count` rated calls in one month, written by INSERT … SELECT as ingest would have rated them. */
async function seedRatedMonth(db: Db, count: number): Promise<string> {
  const accountId = randomUUID();
  await db.execute(sql`INSERT INTO accounts (id, name, billing_account_id, path, depth) VALUES (${accountId}::uuid, 'Bench invoices', ${accountId}::uuid, ${`/${accountId}/`}, 0)`);
  const deckId = rowsOf<{ id: string }>(await db.execute(sql`INSERT INTO rate_decks (name, purpose) VALUES ('Bench deck', 'sell') RETURNING id`))[0]!.id;
  const versionId = randomUUID();
  await db.execute(sql`INSERT INTO rate_deck_versions (id, deck_id, version, effective_from, entry_count) VALUES (${versionId}::uuid, ${deckId}::uuid, 1, '2026-01-01T00:00:00Z', ${DESTINATIONS.length})`);
  await db.execute(sql`
    INSERT INTO rate_deck_entries (version_id, kind, prefix, destination, rate, first_increment, next_increment)
    SELECT ${versionId}::uuid, 'termination', e->>0, e->>1, (e->>2)::numeric, 6, 6 FROM jsonb_array_elements(${JSON.stringify(DESTINATIONS)}::jsonb) AS e`);
  await db.execute(sql`INSERT INTO rate_deck_assignments (account_id, deck_id) VALUES (${accountId}::uuid, ${deckId}::uuid)`);
  await db.execute(sql`SELECT cdr_ensure_partition(${MONTH_START}::timestamptz)`);
  const destinations = JSON.stringify(DESTINATIONS);
  const chunk = 1_000_000;
  for (let offset = 0; offset < count; offset += chunk) {
    const n = Math.min(chunk, count - offset);
    await db.execute(sql`
      INSERT INTO cdrs (account_id, invite_at, source, source_id, direction, from_e164, to_e164, destination_country, destination_prefix,
        answer_at, end_at, sip_code, billsec, billed_seconds, rate_version_id, rate_prefix, rate_destination, rate, connection_fee, charge)
      SELECT ${accountId}::uuid, t.invite, 'bench', 'i' || g, 'outbound', '+13125550100', '+' || d.prefix || lpad((g % 100000)::text, 7, '0'),
        'US', d.prefix, CASE WHEN t.answered THEN t.invite + interval '3 seconds' END, t.invite + interval '60 seconds',
        CASE WHEN t.answered THEN 200 ELSE 486 END, t.billsec, t.billed, ${versionId}::uuid, d.prefix, d.destination, d.rate::numeric, 0,
        round(t.billed * d.rate::numeric / 60, 6)
      FROM generate_series(${offset + 1}::bigint, ${offset + n}::bigint) AS g,
        LATERAL (SELECT ${MONTH_START}::timestamptz + (g * (${MONTH_MS}::double precision / ${count})) * interval '1 millisecond' AS invite,
          (g * 2654435761) % 100 < 65 AS answered, CASE WHEN (g * 2654435761) % 100 < 65 THEN (g * 31) % 600 ELSE 0 END AS billsec) AS t0,
        LATERAL (SELECT t0.*, CASE WHEN t0.answered AND t0.billsec > 0 THEN ceil(t0.billsec / 6.0)::int * 6 ELSE 0 END AS billed) AS t,
        LATERAL (SELECT e->>0 AS prefix, e->>1 AS destination, e->>2 AS rate FROM jsonb_array_elements(${destinations}::jsonb) WITH ORDINALITY AS x(e, i) WHERE i = 1 + g % ${DESTINATIONS.length}) AS d`);
  }
  await db.execute(sql`ANALYZE cdrs`);
  return accountId;
}

export async function benchInvoiceRun(serverUrl: string | null, { count, runs }: { count: number; runs: number }): Promise<Row[]> {
  return withBenchDatabase(serverUrl, async (db, driver) => {
    const accountId = await seedRatedMonth(db, count);
    const aggregation = async () => {
      await db.execute(sql`
        SELECT count(*), sum(billed_seconds), sum(charge) FROM cdrs
        WHERE account_id = ${accountId}::uuid AND invite_at >= ${MONTH_START}::timestamptz AND invite_at < '2026-11-01T00:00:00Z'::timestamptz AND charge IS NOT NULL`);
    };
    const invoiceRun = async () => {
      await generateDraftInvoice(db, { billingAccountId: accountId, month: MONTH });
    };
    await aggregation();
    await invoiceRun();
    const aggregationMs: number[] = [];
    const invoiceMs: number[] = [];
    for (let i = 0; i < runs; i++) {
      let started = performance.now();
      await aggregation();
      aggregationMs.push(performance.now() - started);
      started = performance.now();
      await invoiceRun();
      invoiceMs.push(performance.now() - started);
    }
    const calls = `${(count / 1_000_000).toLocaleString('en-US')}M`;
    return [
      row(`${driver}: one SQL aggregation over ${calls} rated calls (median)`, median(aggregationMs), 'ms'),
      row(`${driver}: invoice run over the same ${calls} calls (median; goal ≤ 2x)`, median(invoiceMs), 'ms', median(aggregationMs)),
    ];
  });
}
