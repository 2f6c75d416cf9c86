/**
 * VoiceTel lists calls by start time but logs each when it ends: a call still running when its
 * window was read must come in with a later window, not be lost (and so never billed).
 */
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { cdrPullCursors, phoneNumbers } from '@/lib/db/schema';
import { rowsOf } from '@/lib/db/rows';
import { resetBreakers } from '@/lib/providers/http';
import { requireCapability, type ProviderId } from '@/lib/providers/types';
import { CDR_PULL_SETTLE_MS, cdrSourceOf, pullConnectionCdrs } from '@/lib/services/cdr-pull';
import { getEnabledAdapters } from '@/lib/services/providers';
import { useTestDatabase } from '../support/db';
import { seedTwoTenants } from '../support/fixtures';
import { useSandboxes } from '../support/sandboxes';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('VoiceTel CDR pulls and calls that end after their window was read', () => {
  const test = useTestDatabase();
  const sandboxes = useSandboxes();

  it('brings a long call in with the next window, and stores each call once', async () => {
    const tenants = await seedTwoTenants(test.db);
    await sandboxes.connect(test.db);
    resetBreakers();
    const found = (await getEnabledAdapters('cdrs')).find(({ connection }) => connection.provider === 'voicetel')!;
    const connection = { id: found.connection.id, provider: 'voicetel' as ProviderId };
    const cdrs = requireCapability(found.adapter, 'cdrs');
    const owned = (await found.adapter.numbers!.list({ limit: 1000 })).items;
    await test.db
      .insert(phoneNumbers)
      // Held since before the calls the sandbox logs: a call belongs to whoever held its number when it was made.
      .values(owned.map((number) => ({ accountId: tenants.acme.id, e164: number.e164, kind: number.kind, npa: number.e164.slice(2, 5), connectionId: connection.id, monthly: '1.0000', activatedAt: new Date(Date.now() - 90 * 86_400_000) })))
      .onConflictDoNothing();
    const stored = async () =>
      rowsOf<{ source_id: string }>(await test.db.execute(sql`SELECT source_id FROM cdrs WHERE source = ${cdrSourceOf(connection.id)}`)).map((r) => r.source_id);

    // Two days on, every call of the past week has ended: find one that lasted over 15 minutes.
    const sandbox = sandboxes.get('voicetel');
    let offset = 2 * DAY;
    sandbox.advanceClock(offset);
    const week = (await cdrs.pull({ since: new Date(Date.now() - 6 * DAY), until: new Date(Date.now() - HOUR) })).items;
    const long = week.find((cdr) => cdr.durationSec >= 15 * 60);
    expect(long, 'the sandbox has a call of over 15 minutes in the past week').toBeDefined();
    const started = long!.startedAt.getTime();

    // The scheduled pull runs 7 minutes after the call started: its window ends 2 minutes after the start, the call still running.
    const firstRun = started + CDR_PULL_SETTLE_MS + 2 * MINUTE;
    sandbox.advanceClock(firstRun - Date.now() - offset);
    offset = firstRun - Date.now();
    const first = await pullConnectionCdrs(test.db, connection, cdrs, { now: new Date(firstRun) });
    expect(first.error).toBeUndefined();
    expect(first.imported).toBeGreaterThan(0);
    expect(await stored()).not.toContain(long!.providerCallId);

    // Two hours later the call has ended and been logged under its start time, inside the window already read.
    // (The cursor keeps the wall-clock time of its last run; this run happened at `firstRun`.)
    await test.db.update(cdrPullCursors).set({ lastRunAt: new Date(firstRun) }).where(eq(cdrPullCursors.connectionId, connection.id));
    sandbox.advanceClock(2 * HOUR);
    const second = await pullConnectionCdrs(test.db, connection, cdrs, { now: new Date(firstRun + 2 * HOUR) });
    expect(second.error).toBeUndefined();
    expect(second.duplicates).toBeGreaterThan(0);
    const ids = await stored();
    expect(ids).toContain(long!.providerCallId);
    expect(new Set(ids).size).toBe(ids.length);

    // Nothing the upstream logged up to the second window's end is missing.
    const [cursor] = await test.db.select().from(cdrPullCursors).where(eq(cdrPullCursors.connectionId, connection.id));
    const logged = (await cdrs.pull({ since: new Date(firstRun - DAY), until: cursor!.pulledUntil })).items;
    expect(logged.length).toBeGreaterThan(100);
    for (const cdr of logged) expect(ids).toContain(cdr.providerCallId);
  });
});
