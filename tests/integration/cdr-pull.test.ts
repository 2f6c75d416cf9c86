/**
 * Issue 14.2, upstream pulls: the `pull-cdrs` job over HTTP against the four sandboxes. Calls land
 * with the account holding their DID, a re-read adds only duplicates, a saved mid-window cursor is
 * resumed, a page of unknown shape is recorded and skips nothing, and VoiceTel's rows are read as
 * inbound or international where they are.
 */
import { eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { cdrPullCursors, phoneNumbers } from '@/lib/db/schema';
import { rowsOf } from '@/lib/db/rows';
import { resetBreakers } from '@/lib/providers/http';
import { requireCapability, type ProviderId } from '@/lib/providers/types';
import { CDR_PULL_FIRST_LOOKBACK_MS, cdrSourceOf, getCdrPullStatuses, pullAllCdrs, pullConnectionCdrs } from '@/lib/services/cdr-pull';
import { getEnabledAdapters } from '@/lib/services/providers';
import { useTestDatabase } from '../support/db';
import { seedTwoTenants, sessionUser } from '../support/fixtures';
import { useSandboxes } from '../support/sandboxes';

interface StoredCall {
  account_id: string;
  source_id: string;
  direction: 'inbound' | 'outbound';
  from_e164: string;
  to_e164: string;
  destination_country: string;
}

describe('CDR pulls from the upstreams', () => {
  const test = useTestDatabase();
  const sandboxes = useSandboxes();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  const connections = new Map<ProviderId, string>();

  const storedCalls = async (connectionId: string) =>
    rowsOf<StoredCall>(
      await test.db.execute(
        sql`SELECT account_id::text, source_id, direction::text AS direction, from_e164, to_e164, destination_country FROM cdrs WHERE source = ${cdrSourceOf(connectionId)} ORDER BY source_id`,
      ),
    );
  const cursorOf = async (connectionId: string) => (await test.db.select().from(cdrPullCursors).where(eq(cdrPullCursors.connectionId, connectionId)))[0]!;
  const adapterOf = async (provider: ProviderId) => {
    const found = (await getEnabledAdapters('cdrs')).find(({ connection }) => connection.provider === provider)!;
    return { connection: { id: found.connection.id, provider }, cdrs: requireCapability(found.adapter, 'cdrs'), numbers: found.adapter.numbers };
  };

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    await sandboxes.connect(test.db);
    resetBreakers();
    // Each upstream's numbers go to the portal's accounts, alternately Acme and Globex, so attribution has two tenants to choose from.
    for (const { connection, adapter } of await getEnabledAdapters('cdrs')) {
      connections.set(connection.provider as ProviderId, connection.id);
      const owned = adapter.numbers ? (await adapter.numbers.list({ limit: 1000 })).items : [];
      await test.db
        .insert(phoneNumbers)
        .values(
          owned.map((number, index) => ({
            accountId: index % 2 === 0 ? tenants.acme.id : tenants.globex.id,
            e164: number.e164,
            kind: number.kind,
            npa: number.e164.slice(2, 5),
            connectionId: connection.id,
            monthly: '1.0000',
            // Held since before the calls the sandboxes log: a call belongs to whoever held its number when it was made.
            activatedAt: new Date(Date.now() - 90 * 86_400_000),
          })),
        )
        .onConflictDoNothing();
    }
  });

  it('lands every upstream\'s calls with the account holding the DID, and counts the rest as unattributed', async () => {
    const outcomes = await pullAllCdrs();
    expect(outcomes.map((o) => o.provider).sort()).toEqual(['carrierx', 'vitcom', 'voicemeup', 'voicetel']);
    const owners = new Map(
      rowsOf<{ e164: string; account_id: string }>(await test.db.execute(sql`SELECT e164, account_id::text FROM phone_numbers WHERE status <> 'released'`)).map((r) => [r.e164, r.account_id]),
    );
    for (const outcome of outcomes) {
      expect(outcome.error, outcome.provider).toBeUndefined();
      const calls = await storedCalls(outcome.connectionId);
      expect(calls.length, outcome.provider).toBeGreaterThan(0);
      expect(calls.length).toBe(outcome.imported);
      for (const call of calls) expect(call.account_id).toBe(owners.get(call.direction === 'inbound' ? call.to_e164 : call.from_e164));
      const accounts = new Set(calls.map((c) => c.account_id));
      expect(accounts.has(tenants.acme.id) || accounts.has(tenants.globex.id)).toBe(true);
      const cursor = await cursorOf(outcome.connectionId);
      expect([cursor.imported, cursor.duplicates, cursor.unattributed]).toEqual([outcome.imported, outcome.duplicates, outcome.unattributed]);
      expect(cursor.lastError).toBeNull();
      expect(cursor.lastSuccessAt).not.toBeNull();
      expect(cursor.cursor).toBeNull();
      // Caught up to a few minutes ago, from 24 hours back.
      expect(Date.now() - cursor.pulledUntil.getTime()).toBeLessThan(CDR_PULL_FIRST_LOOKBACK_MS);
    }
  });

  it('reads VoiceTel rows as inbound when they call the account\'s own numbers, and keeps international numbers international', async () => {
    const calls = await storedCalls(connections.get('voicetel')!);
    const inbound = calls.filter((c) => c.direction === 'inbound');
    const international = calls.filter((c) => c.destination_country !== 'US' && c.destination_country !== 'CA');
    expect(inbound.length).toBeGreaterThan(0);
    expect(calls.some((c) => c.direction === 'outbound')).toBe(true);
    // The sandbox logs abroad calls as 011 + country code: London, Mexico City, Berlin.
    expect(international.length).toBeGreaterThan(0);
    for (const call of international) {
      expect(call.to_e164).toMatch(/^\+(44207946|52551234|49301234)\d{4}$/);
      expect(['GB', 'MX', 'DE']).toContain(call.destination_country);
      expect(call.direction).toBe('outbound');
    }
    expect(calls.every((c) => !c.to_e164.startsWith('+1011'))).toBe(true);
  });

  it('waits between VoiceTel windows: at most two CDR reads an hour from the scheduled pull', async () => {
    const { connection, cdrs } = await adapterOf('voicetel');
    const again = await pullConnectionCdrs(test.db, connection, cdrs, { now: new Date(Date.now() + 10 * 60_000) });
    expect(again).toMatchObject({ pages: 0, stopped: 'waiting' });
  });

  it('re-reading a window adds only duplicates', async () => {
    for (const provider of ['carrierx', 'voicemeup', 'vitcom', 'voicetel'] as ProviderId[]) {
      const { connection, cdrs } = await adapterOf(provider);
      const before = await cursorOf(connection.id);
      const stored = (await storedCalls(connection.id)).length;
      await test.db
        .update(cdrPullCursors)
        .set({ pulledUntil: new Date(Date.now() - CDR_PULL_FIRST_LOOKBACK_MS - 60_000), lastRunAt: null, windowEnd: before.pulledUntil })
        .where(eq(cdrPullCursors.connectionId, connection.id));
      const outcome = await pullConnectionCdrs(test.db, connection, cdrs, { maxPages: 1000 });
      expect(outcome.error, provider).toBeUndefined();
      // Upstreams that log a call when it ends are read again from a little before each window, so the window
      // opened after this one re-reads some of it: more duplicates, still nothing new.
      if (cdrs.pullPolicy?.lateLogMs) expect(outcome.duplicates, provider).toBeGreaterThanOrEqual(stored);
      else expect(outcome.duplicates, provider).toBe(stored);
      // VITCOM's day files, VoiceMeUp's call log and VoiceTel's CDRs list a call once it has ended and been
      // logged: one logged since the first read (the sandboxes run on real time), or one that started in the
      // minute this read starts earlier, is new, not a duplicate.
      expect(outcome.imported, provider).toBeLessThanOrEqual(provider === 'carrierx' ? 0 : 3);
      expect((await storedCalls(connection.id)).length).toBe(stored + outcome.imported);
    }
  });

  it('resumes from a cursor saved mid-window, and a page of unknown shape is recorded without moving on', async () => {
    const { connection, cdrs } = await adapterOf('carrierx');
    const since = new Date(Date.now() - 3 * CDR_PULL_FIRST_LOOKBACK_MS);
    await test.db.execute(sql`DELETE FROM cdrs WHERE source = ${cdrSourceOf(connection.id)}`);
    await test.db.update(cdrPullCursors).set({ pulledUntil: since, windowEnd: null, cursor: null, lastRunAt: null }).where(eq(cdrPullCursors.connectionId, connection.id));

    // One page of 5, as if the process then stopped.
    const first = await pullConnectionCdrs(test.db, connection, cdrs, { maxPages: 1, pageLimit: 5 });
    expect(first).toMatchObject({ pages: 1, imported: 5, stopped: 'page_limit' });
    const mid = await cursorOf(connection.id);
    expect(mid.cursor).not.toBeNull();
    expect(mid.pulledUntil).toEqual(since);
    const windowEnd = mid.windowEnd!;

    // The upstream answers garbage: the error is kept in words, the position is not touched.
    sandboxes.get('carrierx').setKnobs({ malformedRate: 1 });
    const broken = await pullConnectionCdrs(test.db, connection, cdrs, { pageLimit: 5 });
    sandboxes.get('carrierx').setKnobs({ malformedRate: 0 });
    resetBreakers();
    expect(broken).toMatchObject({ pages: 0, imported: 0, stopped: 'error' });
    const failed = await cursorOf(connection.id);
    expect(failed.lastError).toMatch(/CarrierX answered with something we could not read/);
    expect(failed.lastErrorAt).not.toBeNull();
    expect([failed.cursor, failed.windowEnd, failed.pulledUntil]).toEqual([mid.cursor, windowEnd, since]);

    // Resumed: the rest of the same window, then on to the next; nothing read twice, nothing skipped.
    const rest = await pullConnectionCdrs(test.db, connection, cdrs, { maxPages: 1000, pageLimit: 5 });
    expect(rest.error).toBeUndefined();
    expect(rest.duplicates).toBe(0);
    const expected: string[] = [];
    const owners = new Set(rowsOf<{ e164: string }>(await test.db.execute(sql`SELECT e164 FROM phone_numbers WHERE status <> 'released'`)).map((r) => r.e164));
    for (let cursor: string | undefined, first = true; first || cursor; first = false) {
      const page = await cdrs.pull({ since, until: windowEnd, cursor, limit: 1000 });
      for (const cdr of page.items) if (owners.has(cdr.direction === 'inbound' ? cdr.to : cdr.from)) expected.push(cdr.providerCallId);
      cursor = page.nextCursor;
    }
    const storedInWindow = rowsOf<{ source_id: string }>(
      await test.db.execute(sql`SELECT source_id FROM cdrs WHERE source = ${cdrSourceOf(connection.id)} AND invite_at < ${windowEnd.toISOString()}::timestamptz`),
    ).map((r) => r.source_id);
    expect(expected.length).toBeGreaterThan(5);
    expect(storedInWindow.sort()).toEqual(expected.sort());
    const after = await cursorOf(connection.id);
    expect(after.cursor).toBeNull();
    expect(after.pulledUntil.getTime()).toBeGreaterThan(windowEnd.getTime());
    expect(after.lastSuccessAt!.getTime()).toBeGreaterThan(failed.lastErrorAt!.getTime());

    // The Providers page's status: staff see the error in words and the counters; customers get nothing.
    const status = (await getCdrPullStatuses(tenants.staff)).get(connection.id)!;
    expect(status).toMatchObject({ lastError: failed.lastError, imported: after.imported, unattributed: after.unattributed, midWindow: false });
    await expect(getCdrPullStatuses(await sessionUser(test.db, 'owner@acme.example'))).rejects.toMatchObject({ code: 'forbidden:staff' });
  });
});
