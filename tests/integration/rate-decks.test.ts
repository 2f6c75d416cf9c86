/**
 * Rate decks end to end (issue 15.2): the demo deck that prices the demo's calls, staff creating
 * decks, the import preview against the version in force, publishing numbered versions in one
 * transaction (25,000 prefixes too), assignments inherited down the tree with currencies that must
 * match, and GET /api/v1/rates (JSON, CSV, `at`, `version`) for billing roles of the caller's own
 * account only.
 */
import { and, eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { getRates } from '@/lib/api/contracts/rates';
import { formatDeckCsv, parseDeckCsv, type DeckEntryInput } from '@/lib/billing/deck-csv';
import { seedDemo } from '@/lib/db/seed-demo';
import { auditEvents, billingProfiles, cdrs, providerConnections, rateDeckAssignments, rateDeckEntries, rateDecks, rateDeckVersions } from '@/lib/db/schema';
import { resetEnvCache } from '@/lib/env';
import { ingestCdrBatch } from '@/lib/services/cdr-ingest';
import { DEMO_SELL_DECK, seedDemoRateDecks } from '@/lib/services/demo-rate-decks';
import { ensureDefaultConnections } from '@/lib/services/providers';
import {
  assignRateDeck,
  createRateDeck,
  diffDeckEntries,
  getAccountRateDeck,
  getAccountRates,
  getRateDeckOverview,
  getRateDeckVersionEntries,
  listRateDecks,
  makeDefaultRateDeck,
  previewRateDeckImport,
  publishRateDeckVersion,
  unassignRateDeck,
} from '@/lib/services/rate-decks';
import { parseDeckEntryQuery } from '@/lib/validations/rate-decks';
import { GET } from '@/app/api/v1/rates/route';
import { callApi, createTestApiKey, type TestApiKey } from '../support/api';
import { textOf } from '../support/render-text';
import { useTestDatabase } from '../support/db';
import { accessAs, seedTwoTenants, sessionUser } from '../support/fixtures';

const session = vi.hoisted(() => ({ userId: undefined as string | undefined, accountCookie: undefined as string | undefined }));
vi.mock('@/lib/auth/config', async () => (await import('../support/next-mocks')).authConfigMock(session));
vi.mock('next/headers', async () => (await import('../support/next-mocks')).nextHeadersMock(session));
vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));
vi.mock('next/navigation', async (original) => ({ ...(await original<typeof import('next/navigation')>()), useRouter: () => ({ push: () => undefined, refresh: () => undefined }) }));

// As next.config.ts enables it: forbidden() answers 403.
process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS = 'true';

type Tenants = Awaited<ReturnType<typeof seedTwoTenants>>;

function parseDeckCsvStrict(text: string) {
  const result = parseDeckCsv(text);
  if (!result.ok) throw new Error(result.problems.map((problem) => `line ${problem.line}: ${problem.reason}`).join('\n'));
  return result;
}

const row = (prefix: string, destination: string, rate: string, extra: Partial<DeckEntryInput> = {}): DeckEntryInput => ({
  kind: 'termination',
  prefix,
  destination,
  rate,
  connectionFee: '0.000000',
  firstIncrement: 60,
  nextIncrement: 60,
  minimumDuration: 0,
  ...extra,
});

describe('rate decks', () => {
  const test = useTestDatabase();
  let tenants: Tenants;
  let staff: Awaited<ReturnType<typeof sessionUser>>;
  const keys = {} as Record<'admin' | 'finance' | 'technical' | 'viewer' | 'globex', TestApiKey>;

  beforeAll(async () => {
    process.env.API_KEY_RATE_BURST = '100000';
    resetEnvCache();
    tenants = await seedTwoTenants(test.db);
    staff = await sessionUser(test.db, 'staff@carrier.example');
    for (const role of ['admin', 'finance', 'technical', 'viewer'] as const) keys[role] = await createTestApiKey(test.db, { accountId: tenants.acme.id, role, createdBy: 'owner@acme.example' });
    keys.globex = await createTestApiKey(test.db, { accountId: tenants.globex.id, role: 'admin', createdBy: 'owner@globex.example' });
  });

  describe('the demo deck', () => {
    it('is the default sell deck, with seed 000’s US and MX rates and DID tiers, seeded once however often the demo is', async () => {
      await seedDemo(test.db);
      await seedDemoRateDecks(test.db);
      const decks = await test.db.select().from(rateDecks).where(eq(rateDecks.name, DEMO_SELL_DECK));
      expect(decks).toHaveLength(1);
      expect(decks[0]).toMatchObject({ purpose: 'sell', currency: 'USD', isDefault: true });
      const versions = await test.db.select().from(rateDeckVersions).where(eq(rateDeckVersions.deckId, decks[0]!.id));
      expect(versions).toHaveLength(1);
      const acme = await getAccountRates(await accessAs(test.db, 'finance@acme.example', tenants.acme.id), { query: parseDeckEntryQuery({ q: '+525555123456' }) });
      expect(acme.deck.name).toBe(DEMO_SELL_DECK);
      expect(acme.source).toBe('default');
      expect(acme.page.match).toMatchObject({ prefix: '5255', destination: 'Mexico - Mexico City', rate: '0.0160', firstIncrement: 60, nextIncrement: 60 });
      expect(acme.didTiers).toEqual([
        { tier: 'A', label: 'Tier A', countries: ['US', 'CA'], monthly: '5.00', oneTime: '0.00' },
        { tier: 'B', label: 'Tier B', countries: ['MX', 'BR'], monthly: '10.00', oneTime: '0.00' },
      ]);
      const us = await getAccountRates(await accessAs(test.db, 'finance@acme.example', tenants.acme.id), { query: parseDeckEntryQuery({ q: '+1 (212) 555-0100' }) });
      expect(us.page.match).toMatchObject({ prefix: '1', rate: '0.0100', firstIncrement: 6, nextIncrement: 6 });
    });

    it('gives each provider connection a cost deck a little below the sell price, and the demo calls are rated at ingest', async () => {
      // As `npm start` connects the sandboxes after seeding the demo; a connection staff add themselves gets no demo costs.
      await ensureDefaultConnections(test.db, [{ provider: 'voicetel', name: 'Demo VoiceTel', baseUrl: 'http://127.0.0.1:1', credentials: { username: 'u', password: 'p' } }]);
      const [own] = await test.db.insert(providerConnections).values({ provider: 'vitcom', name: 'Staff VITCOM', baseUrl: 'http://127.0.0.1:2', credentialsCiphertext: 'x' }).returning();
      await seedDemoRateDecks(test.db);
      await seedDemoRateDecks(test.db);
      const [connection] = await test.db.select().from(providerConnections).where(eq(providerConnections.name, 'Demo VoiceTel'));
      const cost = await test.db.select().from(rateDecks).where(eq(rateDecks.connectionId, connection!.id));
      expect(cost).toHaveLength(1);
      expect(cost[0]).toMatchObject({ purpose: 'cost', name: 'Demo VoiceTel cost' });
      expect(await test.db.select().from(rateDecks).where(eq(rateDecks.connectionId, own!.id))).toEqual([]);
      const inviteAt = new Date(Date.now() - 3_600_000);
      const outcome = await ingestCdrBatch(test.db, [
        {
          line: 1,
          input: { source: 'demo-test', sourceId: 'mx-1', accountId: tenants.east.id, direction: 'outbound', from: '+16175550110', to: '+525555123456', inviteAt, answerAt: new Date(inviteAt.getTime() + 3000), endAt: new Date(inviteAt.getTime() + 3000 + 61_000), sipCode: 200, connectionId: connection!.id },
        },
      ]);
      expect(outcome.accepted).toBe(1);
      const [rated] = await test.db.select().from(cdrs).where(eq(cdrs.sourceId, 'mx-1'));
      // 61 s on 60/60 is two minutes at $0.0160; the upstream charges 80 % of it.
      expect(rated).toMatchObject({ billedSeconds: 120, ratePrefix: '5255', rate: '0.016000', charge: '0.032000', costRate: '0.012800', cost: '0.025600', ratingError: null });
    });
  });

  describe('staff manage decks', () => {
    it('creates sell and cost decks: one cost deck per connection, names unique, only staff', async () => {
      const deck = await createRateDeck(staff, { name: 'Wholesale A', purpose: 'sell', currency: 'USD' });
      expect(deck).toMatchObject({ purpose: 'sell', currency: 'USD', isDefault: false, connectionId: null });
      await expect(createRateDeck(staff, { name: 'wholesale a', purpose: 'sell', currency: 'USD' })).rejects.toMatchObject({ code: 'conflict:rate_deck_name' });
      await expect(createRateDeck(staff, { name: 'No link', purpose: 'cost', currency: 'USD' })).rejects.toMatchObject({ name: 'ZodError' });
      const [connection] = await test.db.select().from(providerConnections).where(eq(providerConnections.name, 'Demo VoiceTel'));
      await expect(createRateDeck(staff, { name: 'Second cost', purpose: 'cost', currency: 'USD', connectionId: connection!.id })).rejects.toMatchObject({ code: 'conflict:cost_deck' });
      await expect(createRateDeck(await sessionUser(test.db, 'owner@acme.example'), { name: 'Mine', purpose: 'sell', currency: 'USD' })).rejects.toMatchObject({ code: 'forbidden:staff' });
      const [audit] = await test.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'rate_deck.create'), eq(auditEvents.targetId, deck.id)));
      expect(audit).toMatchObject({ actorEmail: 'staff@carrier.example', accountId: null });
      const { decks, connections } = await listRateDecks(staff);
      expect(decks.map((d) => d.name)).toContain('Wholesale A');
      expect(connections.find((c) => c.id === connection!.id)?.hasCostDeck).toBe(true);
    });

    it('previews a file against the version in force: counts by change and the changed rows, paged, without writing anything', async () => {
      const deck = await createRateDeck(staff, { name: 'Preview deck', purpose: 'sell', currency: 'USD' });
      const first = await previewRateDeckImport(staff, { deckId: deck.id, csv: formatDeckCsv([row('1', 'US', '0.010000'), row('44', 'UK', '0.012000')]) });
      expect(first).toMatchObject({ status: 'ok', basedOn: null, nextVersion: 1, entryCount: 2, counts: { added: 2, removed: 0, up: 0, down: 0, terms: 0, unchanged: 0 } });
      const v1 = await publishRateDeckVersion(staff, { deckId: deck.id, csv: formatDeckCsv([row('1', 'US', '0.010000'), row('44', 'UK', '0.012000'), row('33', 'France', '0.013000'), row('49', 'Germany', '0.014000'), row('52', 'Mexico', '0.016000')]), basedOnVersionId: null });
      expect(v1.version).toBe(1);
      const next = formatDeckCsv([
        row('1', 'US', '0.010000'),
        row('44', 'UK', '0.011000'),
        row('33', 'France', '0.015000'),
        row('49', 'Germany', '0.014000', { firstIncrement: 1, nextIncrement: 1 }),
        ...Array.from({ length: 60 }, (_, i) => row(`8${String(i).padStart(2, '0')}`, `Added ${i}`, '0.100000')),
      ]);
      const preview = await previewRateDeckImport(staff, { deckId: deck.id, csv: next });
      expect(preview).toMatchObject({ status: 'ok', basedOn: { id: v1.versionId, version: 1 }, nextVersion: 2, entryCount: 64, counts: { added: 60, removed: 1, up: 1, down: 1, terms: 1, unchanged: 1 } });
      if (preview.status !== 'ok') throw new Error('not ok');
      expect(preview.changes).toMatchObject({ filter: 'changed', page: 1, pageSize: 50, total: 64 });
      expect(preview.changes.rows).toHaveLength(50);
      const secondPage = await previewRateDeckImport(staff, { deckId: deck.id, csv: next, page: 2 });
      expect(secondPage.status === 'ok' && secondPage.changes.rows).toHaveLength(14);
      const down = await previewRateDeckImport(staff, { deckId: deck.id, csv: next, change: 'down' });
      expect(down.status === 'ok' && down.changes.rows).toEqual([{ change: 'down', kind: 'termination', prefix: '44', before: { destination: 'UK', rate: '0.0120', connectionFee: '0.0000', increment: '60/60', minimumDuration: 0 }, after: { destination: 'UK', rate: '0.0110', connectionFee: '0.0000', increment: '60/60', minimumDuration: 0 } }]);
      const removed = await previewRateDeckImport(staff, { deckId: deck.id, csv: next, change: 'removed' });
      expect(removed.status === 'ok' && removed.changes.rows.map((r) => [r.prefix, r.after])).toEqual([['52', null]]);
      const versions = await test.db.select().from(rateDeckVersions).where(eq(rateDeckVersions.deckId, deck.id));
      expect(versions).toHaveLength(1);

      const bad = await previewRateDeckImport(staff, { deckId: deck.id, csv: 'prefix,destination,rate\n1,US,0.01\n1,US,0.02\nx,Bad,0.01\n' });
      expect(bad).toEqual({ status: 'invalid', problemCount: 2, problems: [{ line: 3, reason: 'prefix 1 (termination) is already on line 2' }, { line: 4, reason: 'prefix "x" is not 1–15 digits (an E.164 prefix such as 44 or +5255)' }] });
    });

    it('diffs in one pass over a Map, however large the decks', () => {
      const current = Array.from({ length: 30_000 }, (_, i) => ({ ...row(String(100000 + i), `D${i}`, '0.010000') }));
      const next = current.map((entry, i) => (i % 1000 === 0 ? { ...entry, rate: '0.020000' } : entry));
      const { counts, changes } = diffDeckEntries(current, next);
      expect(counts).toEqual({ added: 0, removed: 0, up: 30, down: 0, terms: 0, unchanged: 29_970 });
      expect(changes).toHaveLength(30);
    });

    it('publishes numbered versions in one transaction; a bad file or a stale preview writes nothing; DID tiers are kept when the file has none', async () => {
      const deck = await createRateDeck(staff, { name: 'Versioned', purpose: 'sell', currency: 'USD' });
      const withTiers = `${formatDeckCsv([row('1', 'US', '0.010000')])}\r\ntier,label,countries,monthly,one_time\r\nA,Tier A,US CA,5,1\r\n`;
      const v1 = await publishRateDeckVersion(staff, { deckId: deck.id, csv: withTiers, effectiveFrom: new Date('2026-01-01T00:00:00Z'), note: 'first' }, '203.0.113.9');
      const future = new Date(Date.now() + 30 * 86_400_000);
      const v2 = await publishRateDeckVersion(staff, { deckId: deck.id, csv: formatDeckCsv([row('1', 'US', '0.009000')]), effectiveFrom: future, basedOnVersionId: v1.versionId });
      expect([v1.version, v2.version]).toEqual([1, 2]);
      expect(v2.counts).toMatchObject({ down: 1 });
      // v2 is scheduled, so v1 is still in force: a preview based on v1 is still current.
      await expect(publishRateDeckVersion(staff, { deckId: deck.id, csv: 'prefix,destination,rate\n1,US,abc\n', basedOnVersionId: v1.versionId })).rejects.toMatchObject({ code: 'invalid:rate_deck_file', fieldErrors: { file: ['line 2: rate "abc" is not an amount like 0.0125'] } });
      const v3 = await publishRateDeckVersion(staff, { deckId: deck.id, csv: formatDeckCsv([row('1', 'US', '0.011000')]), basedOnVersionId: v1.versionId });
      expect(v3.version).toBe(3);
      await expect(publishRateDeckVersion(staff, { deckId: deck.id, csv: formatDeckCsv([row('1', 'US', '0.012000')]), basedOnVersionId: v1.versionId })).rejects.toMatchObject({ code: 'conflict:rate_deck_version' });
      const versions = await test.db.select().from(rateDeckVersions).where(eq(rateDeckVersions.deckId, deck.id));
      expect(versions.map((v) => v.version).sort()).toEqual([1, 2, 3]);

      const overview = await getRateDeckOverview(staff, deck.id);
      expect(overview.versions.map((v) => [v.version, v.status, v.entryCount])).toEqual([
        [3, 'in_force', 1],
        [2, 'scheduled', 1],
        [1, 'superseded', 1],
      ]);
      expect(overview.deck.upcoming).toMatchObject({ version: 2 });
      const v3Entries = await getRateDeckVersionEntries(staff, { deckId: deck.id, versionId: v3.versionId, query: parseDeckEntryQuery({}) });
      expect(v3Entries.didTiers).toEqual([{ tier: 'A', label: 'Tier A', countries: ['US', 'CA'], monthly: '5.00', oneTime: '1.00' }]);
      const [audit] = await test.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'rate_deck.publish'), eq(auditEvents.targetId, deck.id), eq(auditEvents.ip, '203.0.113.9')));
      expect(audit?.after).toMatchObject({ deck: 'Versioned', version: 1, rates: 1, added: 1, didTiers: 1, note: 'first' });
    });

    it('imports and publishes a deck of 25,000 prefixes, and previews the next one against it', async () => {
      const deck = await createRateDeck(staff, { name: 'Big deck', purpose: 'sell', currency: 'USD' });
      const entries = Array.from({ length: 25_000 }, (_, i) => row(String(1_000_000 + i * 7), `Destination ${i % 400}`, `0.${String(1000 + (i % 9000)).padStart(6, '0')}`, { firstIncrement: 6, nextIncrement: 6 }));
      const v1 = await publishRateDeckVersion(staff, { deckId: deck.id, csv: formatDeckCsv(entries) });
      expect(v1.entryCount).toBe(25_000);
      const [{ count }] = (await test.db.select({ count: sql<number>`count(*)::int` }).from(rateDeckEntries).where(eq(rateDeckEntries.versionId, v1.versionId))) as [{ count: number }];
      expect(Number(count)).toBe(25_000);
      const changed = entries.map((entry, i) => (i % 250 === 0 ? { ...entry, rate: '0.500000' } : entry)).slice(0, 24_990);
      const preview = await previewRateDeckImport(staff, { deckId: deck.id, csv: formatDeckCsv(changed) });
      expect(preview).toMatchObject({ status: 'ok', counts: { up: 100, removed: 10, added: 0, unchanged: 24_890 } });
      const found = await getRateDeckVersionEntries(staff, { deckId: deck.id, versionId: v1.versionId, query: parseDeckEntryQuery({ q: '1000007999' }) });
      expect(found.page.match).toMatchObject({ prefix: '1000007' });
    });
  });

  describe('assignments', () => {
    it('an account’s deck reaches its sub-accounts until one has its own; removing it inherits again; every change audited', async () => {
      const special = await createRateDeck(staff, { name: 'Acme special', purpose: 'sell', currency: 'USD' });
      await publishRateDeckVersion(staff, { deckId: special.id, csv: formatDeckCsv([row('1', 'US', '0.008000')]), effectiveFrom: new Date('2026-01-01T00:00:00Z') });
      const east = await createRateDeck(staff, { name: 'East deal', purpose: 'sell', currency: 'USD' });
      await publishRateDeckVersion(staff, { deckId: east.id, csv: formatDeckCsv([row('1', 'US', '0.007000')]), effectiveFrom: new Date('2026-01-01T00:00:00Z') });

      await assignRateDeck(staff, { deckId: special.id, accountId: tenants.acme.id }, '198.51.100.1');
      const west = await getAccountRateDeck(await accessAs(test.db, 'finance@acme.example', tenants.west.id));
      expect(west).toMatchObject({ deck: { name: 'Acme special' }, source: 'inherited' });
      let overview = await getRateDeckOverview(staff, special.id);
      expect(overview.assignments.map((a) => a.name)).toEqual(['Acme Telecom']);
      expect(overview.inheriting.rows.map((a) => a.name).sort()).toEqual(['Acme East', 'Acme West']);

      // East's call to Mexico was re-priced on the deck it inherits now, which has no rate for Mexico.
      const mexicoCall = async () => (await test.db.select().from(cdrs).where(eq(cdrs.sourceId, 'mx-1')))[0]!;
      expect(await mexicoCall()).toMatchObject({ ratingError: 'no_rate', charge: null, ratePrefix: null });

      await assignRateDeck(staff, { deckId: east.id, accountId: tenants.east.id });
      expect(await getAccountRateDeck(await accessAs(test.db, 'finance@acme.example', tenants.east.id))).toMatchObject({ deck: { name: 'East deal' }, source: 'own' });
      overview = await getRateDeckOverview(staff, special.id);
      expect(overview.inheriting.rows.map((a) => a.name)).toEqual(['Acme West']);
      // A version effective in the past prices the calls since then again (none is on an issued invoice).
      const v2 = await publishRateDeckVersion(staff, { deckId: east.id, csv: formatDeckCsv([row('1', 'US', '0.007000'), row('52', 'Mexico', '0.020000')]), effectiveFrom: new Date('2026-01-02T00:00:00Z') });
      expect(await mexicoCall()).toMatchObject({ ratingError: null, rateVersionId: v2.versionId, ratePrefix: '52', rate: '0.020000', billedSeconds: 120, charge: '0.040000' });

      await unassignRateDeck(staff, { accountId: tenants.east.id });
      expect(await mexicoCall()).toMatchObject({ ratingError: 'no_rate', charge: null });
      expect(await getAccountRateDeck(await accessAs(test.db, 'finance@acme.example', tenants.east.id))).toMatchObject({ deck: { name: 'Acme special' }, source: 'inherited' });
      await expect(unassignRateDeck(staff, { accountId: tenants.east.id })).rejects.toMatchObject({ code: 'not_found:rate_deck_assignment' });
      const trail = await test.db.select().from(auditEvents).where(and(eq(auditEvents.accountId, tenants.east.id), sql`${auditEvents.action} LIKE 'rate_deck.%'`));
      expect(trail.map((event) => [event.action, event.before, event.after])).toEqual([
        ['rate_deck.assign', null, { rateDeck: 'East deal' }],
        ['rate_deck.unassign', { rateDeck: 'East deal' }, { rateDeck: 'Acme special (inherited)' }],
      ]);
      const [acmeTrail] = await test.db.select().from(auditEvents).where(and(eq(auditEvents.accountId, tenants.acme.id), eq(auditEvents.action, 'rate_deck.assign')));
      expect(acmeTrail).toMatchObject({ actorEmail: 'staff@carrier.example', actingAsAccountId: tenants.acme.id, ip: '198.51.100.1' });
      // Globex never sees Acme's deck: it is priced by the default.
      expect(await getAccountRateDeck(await accessAs(test.db, 'owner@globex.example', tenants.globex.id))).toMatchObject({ deck: { name: DEMO_SELL_DECK }, source: 'default' });
      await expect(assignRateDeck(staff, { deckId: (await test.db.select().from(rateDecks).where(eq(rateDecks.purpose, 'cost')))[0]!.id, accountId: tenants.globex.id })).rejects.toMatchObject({ code: 'invalid:rate_deck_purpose' });
    });

    it('refuses a deck whose currency is not the account’s billing currency, for the account and whoever would inherit it', async () => {
      const euro = await createRateDeck(staff, { name: 'Euro deck', purpose: 'sell', currency: 'eur' });
      expect(euro.currency).toBe('EUR');
      await publishRateDeckVersion(staff, { deckId: euro.id, csv: formatDeckCsv([row('49', 'Deutschland', '0.010000')]), effectiveFrom: new Date('2026-01-01T00:00:00Z') });
      // Globex has no deck of its own: the default prices it, so the default must be in its currency.
      await expect(makeDefaultRateDeck(staff, euro.id)).rejects.toMatchObject({
        code: 'invalid:rate_deck_currency',
        message: 'Globex bills in USD (and one more account), but “Euro deck” is in EUR: it cannot be their default deck; assign those accounts a deck in their currency first. A deck\'s currency must match the billing currency of every account it prices.',
      });
      await expect(assignRateDeck(staff, { deckId: euro.id, accountId: tenants.globexBranch.id })).rejects.toMatchObject({
        code: 'invalid:rate_deck_currency',
        message: 'Globex Branch bills in USD, but “Euro deck” is in EUR: it cannot be assigned here; use a deck in their currency. A deck\'s currency must match the billing currency of every account it prices.',
      });
      await test.db.insert(billingProfiles).values({ accountId: tenants.globex.id, currency: 'EUR' });
      // Globex (and its branch, which it bills) now bill in EUR: the euro deck may price them, the USD deck may not.
      await assignRateDeck(staff, { deckId: euro.id, accountId: tenants.globex.id });
      expect(await getAccountRateDeck(await accessAs(test.db, 'owner@globex.example', tenants.globexBranch.id))).toMatchObject({ deck: { name: 'Euro deck', currency: 'EUR' }, source: 'inherited' });
      const usd = (await test.db.select().from(rateDecks).where(eq(rateDecks.name, DEMO_SELL_DECK)))[0]!;
      await expect(assignRateDeck(staff, { deckId: usd.id, accountId: tenants.globexBranch.id })).rejects.toMatchObject({ code: 'invalid:rate_deck_currency' });
      // Without its own deck Globex would fall back on the USD default: the assignment stays.
      await expect(unassignRateDeck(staff, { accountId: tenants.globex.id })).rejects.toMatchObject({ code: 'invalid:rate_deck_currency' });
      expect((await test.db.select().from(rateDeckAssignments).where(eq(rateDeckAssignments.accountId, tenants.globex.id)))[0]?.deckId).toBe(euro.id);
    });

    it('makes another sell deck the default (only one is), never a cost deck', async () => {
      const other = await createRateDeck(staff, { name: 'Other default', purpose: 'sell', currency: 'USD' });
      // Globex bills in EUR (previous test) but has its own deck, so it is not priced by the default.
      await makeDefaultRateDeck(staff, other.id);
      const defaults = await test.db.select().from(rateDecks).where(eq(rateDecks.isDefault, true));
      expect(defaults.map((d) => d.name)).toEqual(['Other default']);
      const cost = (await test.db.select().from(rateDecks).where(eq(rateDecks.purpose, 'cost')))[0]!;
      await expect(makeDefaultRateDeck(staff, cost.id)).rejects.toMatchObject({ code: 'invalid:rate_deck_default' });
      const demo = (await test.db.select().from(rateDecks).where(eq(rateDecks.name, DEMO_SELL_DECK)))[0]!;
      await makeDefaultRateDeck(staff, demo.id);
      const [event] = await test.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'rate_deck.default'), eq(auditEvents.targetId, demo.id)));
      expect(event).toMatchObject({ before: { defaultDeck: 'Other default' }, after: { defaultDeck: DEMO_SELL_DECK } });
    });
  });

  describe('GET /api/v1/rates', () => {
    it('answers the caller’s deck in force as one JSON document', async () => {
      const answer = await callApi(GET, { url: '/api/v1/rates', key: keys.finance, endpoint: getRates });
      expect(answer.status).toBe(200);
      expect(answer.body.deck).toEqual({ name: 'Acme special', currency: 'USD' });
      expect(answer.body.version).toEqual({ number: 1, effectiveFrom: '2026-01-01T00:00:00.000Z' });
      expect(answer.body.rates).toEqual([{ prefix: '1', destination: 'US', kind: 'termination', rate: '0.0080', connectionFee: '0.0000', increment: { first: 60, next: 60 }, minimumDuration: 0 }]);
      expect(answer.body.didTiers).toEqual([]);
      expect(answer.headers.get('x-rate-deck-version')).toBe('1');
      const etag = answer.headers.get('etag')!;
      const again = await callApi(GET, { url: '/api/v1/rates', key: keys.finance, headers: { 'if-none-match': etag } });
      expect(again.status).toBe(304);
      expect(again.text).toBe('');
    });

    it('answers CSV for Accept: text/csv, in the import’s columns, streamed', async () => {
      const globex = await callApi(GET, { url: '/api/v1/rates', key: keys.globex, headers: { accept: 'text/csv' }, endpoint: getRates });
      expect(globex.status).toBe(200);
      expect(globex.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(globex.headers.get('content-disposition')).toBe('attachment; filename="euro-deck-v1.csv"');
      expect(globex.text).toBe('prefix,destination,rate,connection_fee,increment,minimum_duration,kind\r\n49,Deutschland,0.0100,0.0000,60/60,0,termination\r\n');
      const acme = await callApi(GET, { url: '/api/v1/rates?format=csv', key: keys.admin, endpoint: getRates });
      expect(acme.status).toBe(200);
      expect(acme.text).toBe('prefix,destination,rate,connection_fee,increment,minimum_duration,kind\r\n1,US,0.0080,0.0000,60/60,0,termination\r\n');
      expect(acme.headers.get('content-disposition')).toBe('attachment; filename="acme-special-v1.csv"');
    });

    it('answers the version in force at `at`, or version `version`; none, unknown, or both: an error', async () => {
      // The demo deck on Acme West (assigned, then read at a time and by number).
      const demo = (await test.db.select().from(rateDecks).where(eq(rateDecks.name, DEMO_SELL_DECK)))[0]!;
      await publishRateDeckVersion(staff, { deckId: demo.id, csv: formatDeckCsv([row('1', 'United States', '0.009500', { firstIncrement: 6, nextIncrement: 6 })]), effectiveFrom: new Date('2026-06-01T00:00:00Z') });
      await assignRateDeck(staff, { deckId: demo.id, accountId: tenants.west.id });
      const westKey = await createTestApiKey(test.db, { accountId: tenants.west.id, role: 'finance', createdBy: 'owner@acme.example' });
      const inMay = await callApi(GET, { url: '/api/v1/rates?at=2026-05-31T23:59:59Z', key: westKey, endpoint: getRates });
      expect(inMay.body.version.number).toBe(1);
      expect(inMay.body.rates.length).toBeGreaterThan(30);
      const inJune = await callApi(GET, { url: '/api/v1/rates?at=2026-06-01T00:00:00Z', key: westKey, endpoint: getRates });
      expect(inJune.body.version).toEqual({ number: 2, effectiveFrom: '2026-06-01T00:00:00.000Z' });
      expect(inJune.body.didTiers.map((tier: { tier: string }) => tier.tier)).toEqual(['A', 'B']);
      const byNumber = await callApi(GET, { url: '/api/v1/rates?version=1', key: westKey, endpoint: getRates });
      expect(byNumber.body.version.number).toBe(1);
      for (const [url, status, code] of [
        ['/api/v1/rates?at=2025-12-31T00:00:00Z', 404, 'not_found:rate_deck_version'],
        ['/api/v1/rates?version=9', 404, 'not_found:rate_deck_version'],
        ['/api/v1/rates?version=1&at=2026-06-01T00:00:00Z', 400, 'invalid:query'],
        ['/api/v1/rates?at=yesterday', 400, 'invalid:query'],
      ] as const) {
        const answer = await callApi(GET, { url, key: westKey, endpoint: getRates });
        expect([url, answer.status, answer.body.error.code]).toEqual([url, status, code]);
      }
    });

    it('refuses technical and viewer keys and sessions as every money endpoint does; another tenant’s account is not found', async () => {
      for (const role of ['technical', 'viewer'] as const) {
        const answer = await callApi(GET, { url: '/api/v1/rates', key: keys[role], endpoint: getRates });
        expect([role, answer.status, answer.body.error.code]).toEqual([role, 403, 'forbidden:role']);
        const csv = await callApi(GET, { url: '/api/v1/rates', key: keys[role], headers: { accept: 'text/csv' } });
        expect(csv.status).toBe(403);
        expect(csv.text).not.toContain('0.0080');
      }
      const techUser = await sessionUser(test.db, 'tech@acme.example');
      session.userId = techUser.id;
      session.accountCookie = tenants.acme.id;
      try {
        expect((await callApi(GET, { url: '/api/v1/rates' })).status).toBe(403);
        session.userId = (await sessionUser(test.db, 'finance@acme.example')).id;
        expect((await callApi(GET, { url: '/api/v1/rates' })).body.deck.name).toBe('Acme special');
      } finally {
        Object.assign(session, { userId: undefined, accountCookie: undefined });
      }
      const cross = await callApi(GET, { url: `/api/v1/rates?accountId=${tenants.acme.id}`, key: keys.globex, endpoint: getRates });
      expect(cross.status).toBe(404);
      expect(cross.text).not.toContain('Acme special');
      const own = await callApi(GET, { url: '/api/v1/rates', key: keys.globex, endpoint: getRates });
      expect(own.body.deck.name).not.toBe('Acme special');
    });
  });

  describe('pages, the import and export routes, and the actions', () => {
    const signIn = async (email: string, accountId?: string) => {
      session.userId = (await sessionUser(test.db, email)).id;
      session.accountCookie = accountId;
    };
    const signOut = () => Object.assign(session, { userId: undefined, accountCookie: undefined });
    const render = async (load: () => Promise<{ default: (props: never) => Promise<unknown> }>, props: { params?: Record<string, string>; searchParams?: Record<string, string> } = {}) => {
      const { default: Page } = await load();
      return textOf(await (Page as (props: unknown) => Promise<unknown>)({ params: Promise.resolve(props.params ?? {}), searchParams: Promise.resolve(props.searchParams ?? {}) }));
    };
    const ratesPage = () => import('@/app/(portal)/billing/rates/page');
    const decksPage = () => import('@/app/(portal)/operator/rate-decks/page');
    const deckPage = () => import('@/app/(portal)/operator/rate-decks/[deckId]/page');
    const versionPage = () => import('@/app/(portal)/operator/rate-decks/[deckId]/versions/[versionId]/page');

    function upload(deckId: string, fields: Record<string, string>, file: { name: string; bytes: string | Uint8Array } | null, origin = 'http://portal.test') {
      const form = new FormData();
      if (file) form.append('file', new Blob([file.bytes as BlobPart]), file.name);
      for (const [name, value] of Object.entries(fields)) form.append(name, value);
      return new Request(`http://portal.test/operator/rate-decks/${deckId}/import`, { method: 'POST', body: form, headers: { origin } });
    }

    it('shows finance the account’s rates, searchable by number, with the CSV link; technical users get 403, other tenants their own deck', async () => {
      await signIn('finance@acme.example', tenants.acme.id);
      try {
        const page = await render(ratesPage, { searchParams: { q: '+1 212 555 0100' } });
        expect(page).toContain('Acme special');
        expect(page).toContain('A call to +12125550100 costs US (+1): $0.008 a minute, billed 60/60.');
        expect(page).toContain('/api/v1/rates?format=csv');
        await signIn('tech@acme.example', tenants.acme.id);
        await expect(render(ratesPage)).rejects.toMatchObject({ digest: expect.stringMatching(/;403$/) });
        await signIn('viewer@acme.example', tenants.acme.id);
        await expect(render(ratesPage)).rejects.toMatchObject({ digest: expect.stringMatching(/;403$/) });
        await signIn('owner@globex.example', tenants.globex.id);
        const globex = await render(ratesPage);
        expect(globex).toContain('Euro deck');
        expect(globex).not.toContain('Acme special');
        expect(globex).toContain('Deutschland');
      } finally {
        signOut();
      }
    });

    it('shows a scheduled version and its rates to customers', async () => {
      const special = (await test.db.select().from(rateDecks).where(eq(rateDecks.name, 'Acme special')))[0]!;
      await publishRateDeckVersion(staff, { deckId: special.id, csv: formatDeckCsv([row('1', 'US', '0.007500')]), effectiveFrom: new Date('2031-01-01T00:00:00Z') });
      await signIn('owner@acme.example', tenants.acme.id);
      try {
        expect(await render(ratesPage)).toContain('Version 2 takes effect 2031-01-01 00:00 UTC.');
        const upcoming = await render(ratesPage, { searchParams: { version: '2' } });
        expect(upcoming).toContain('$0.0075');
        expect(upcoming).toContain('Scheduled version');
        expect(await render(ratesPage, { searchParams: { version: '77' } })).toContain('That version does not exist: these are the rates in force.');
      } finally {
        signOut();
      }
    });

    it('shows staff the decks, a deck with its versions and accounts, and a version’s rates; customers get 403', async () => {
      const demo = (await test.db.select().from(rateDecks).where(eq(rateDecks.name, DEMO_SELL_DECK)))[0]!;
      const [v1] = await test.db.select().from(rateDeckVersions).where(and(eq(rateDeckVersions.deckId, demo.id), eq(rateDeckVersions.version, 1)));
      await signIn('staff@carrier.example');
      try {
        const list = await render(decksPage);
        for (const text of [DEMO_SELL_DECK, 'Acme special', 'Demo VoiceTel cost', 'Euro deck']) expect(list).toContain(text);
        const deck = await render(deckPage, { params: { deckId: demo.id }, searchParams: { account: 'Acme' } });
        expect(deck).toContain('Version 2 is in force since 2026-06-01 00:00 UTC.');
        expect(deck).toContain('Demo deck');
        expect(deck).toContain('Acme West');
        expect(deck).toContain('Acme special (inherited from Acme Telecom)');
        const version = await render(versionPage, { params: { deckId: demo.id, versionId: v1!.id }, searchParams: { q: 'MX' } });
        expect(version).toContain('Mexico - Mobile');
        expect(version).not.toContain('United Kingdom');
        await signIn('owner@acme.example', tenants.acme.id);
        await expect(render(decksPage)).rejects.toMatchObject({ digest: expect.stringMatching(/;403$/) });
        await expect(render(deckPage, { params: { deckId: demo.id } })).rejects.toMatchObject({ digest: expect.stringMatching(/;403$/) });
      } finally {
        signOut();
      }
    });

    it('previews and publishes through the import route; a workbook, a bad row, a foreign origin or a customer are refused', async () => {
      const { POST } = await import('@/app/(portal)/operator/rate-decks/[deckId]/import/route');
      const deck = await createRateDeck(staff, { name: 'Routed', purpose: 'sell', currency: 'USD' });
      const params = { params: Promise.resolve({ deckId: deck.id }) };
      const csv = 'prefix,destination,rate,connection_fee,increment,minimum_duration,kind\r\n+44,"United Kingdom, all",$0.012,,1/1,,\r\n';
      await signIn('staff@carrier.example');
      try {
        const preview = await POST(upload(deck.id, { intent: 'preview' }, { name: 'deck.csv', bytes: csv }), params);
        expect(preview.status).toBe(200);
        expect(await preview.json()).toMatchObject({ status: 'ok', basedOn: null, nextVersion: 1, counts: { added: 1 }, changes: { rows: [{ prefix: '44', after: { destination: 'United Kingdom, all', rate: '0.0120', increment: '1/1' } }] } });
        const bad = await POST(upload(deck.id, { intent: 'preview' }, { name: 'deck.csv', bytes: '44,UK,0.0120001\n' }), params);
        expect(await bad.json()).toEqual({ status: 'invalid', problemCount: 1, problems: [{ line: 1, reason: 'rate "0.0120001" has more than 6 decimal places' }] });
        const workbook = await POST(upload(deck.id, { intent: 'preview' }, { name: 'deck.xlsx', bytes: new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]) }), params);
        expect(workbook.status).toBe(400);
        expect((await workbook.json()).error.message).toMatch(/spreadsheet workbook/);
        const none = await POST(upload(deck.id, { intent: 'preview' }, null), params);
        expect((await none.json()).error.fields.file).toEqual(['Choose a CSV file']);
        const foreign = await POST(upload(deck.id, { intent: 'publish', basedOn: 'none' }, { name: 'deck.csv', bytes: csv }, 'https://evil.example'), params);
        expect(foreign.status).toBe(403);
        const when = await POST(upload(deck.id, { intent: 'publish', basedOn: 'none', effectiveFrom: 'soon' }, { name: 'deck.csv', bytes: csv }), params);
        expect((await when.json()).error.fields.effectiveFrom).toEqual(['Effective from is a date and time, like 2026-12-01T09:30 (UTC)']);
        expect(await test.db.select().from(rateDeckVersions).where(eq(rateDeckVersions.deckId, deck.id))).toEqual([]);
        const published = await POST(upload(deck.id, { intent: 'publish', basedOn: 'none', effectiveFrom: '2026-02-01T09:30', note: 'From the route' }, { name: 'deck.csv', bytes: csv }), params);
        expect(await published.json()).toMatchObject({ status: 'published', version: 1, effectiveFrom: '2026-02-01T09:30:00.000Z', entryCount: 1 });
        const again = await POST(upload(deck.id, { intent: 'publish', basedOn: 'none' }, { name: 'deck.csv', bytes: csv }), params);
        expect(again.status).toBe(409);
        await signIn('owner@acme.example', tenants.acme.id);
        const customer = await POST(upload(deck.id, { intent: 'preview' }, { name: 'deck.csv', bytes: csv }), params);
        expect(customer.status).toBe(403);
      } finally {
        signOut();
      }
    });

    it('exports any version for staff as the CSV it imports from, DID tiers included', async () => {
      const { GET: exportCsv } = await import('@/app/(portal)/operator/rate-decks/[deckId]/versions/[versionId]/export/route');
      const demo = (await test.db.select().from(rateDecks).where(eq(rateDecks.name, DEMO_SELL_DECK)))[0]!;
      const [v1] = await test.db.select().from(rateDeckVersions).where(and(eq(rateDeckVersions.deckId, demo.id), eq(rateDeckVersions.version, 1)));
      const params = { params: Promise.resolve({ deckId: demo.id, versionId: v1!.id }) };
      await signIn('staff@carrier.example');
      try {
        const answer = await exportCsv(new Request(`http://portal.test/operator/rate-decks/${demo.id}/versions/${v1!.id}/export`), params);
        expect(answer.headers.get('content-disposition')).toBe('attachment; filename="standard-2026-v1.csv"');
        const text = await answer.text();
        expect(text.startsWith('prefix,destination,rate,connection_fee,increment,minimum_duration,kind\r\n1,United States,0.0100,0.0000,6/6,0,termination\r\n')).toBe(true);
        expect(text.endsWith('\r\ntier,label,countries,monthly,one_time\r\nA,Tier A,US CA,5.00,0.00\r\nB,Tier B,MX BR,10.00,0.00\r\n')).toBe(true);
        const reread = parseDeckCsvStrict(text);
        expect(reread.entries).toHaveLength(v1!.entryCount);
        await signIn('finance@acme.example', tenants.acme.id);
        expect((await exportCsv(new Request('http://portal.test/x'), params)).status).toBe(403);
      } finally {
        signOut();
      }
    });

    it('assigns, removes and makes default through the staff actions, with field messages for bad input', async () => {
      const { assignRateDeckAction, unassignRateDeckAction, createRateDeckAction } = await import('@/app/(portal)/operator/rate-decks/actions');
      const special = (await test.db.select().from(rateDecks).where(eq(rateDecks.name, 'Acme special')))[0]!;
      const form = (fields: Record<string, string>) => {
        const data = new FormData();
        for (const [name, value] of Object.entries(fields)) data.append(name, value);
        return data;
      };
      await signIn('staff@carrier.example');
      try {
        expect(await assignRateDeckAction({ status: 'idle' }, form({ deckId: special.id, accountId: tenants.east.id }))).toMatchObject({ status: 'success', message: 'Acme East and the sub-accounts without a deck of their own are now priced by “Acme special”. Stored calls not yet invoiced were priced again.' });
        expect(await unassignRateDeckAction({ status: 'idle' }, form({ accountId: tenants.east.id }))).toMatchObject({ status: 'success', message: 'Acme East no longer has its own deck: it inherits “Acme special”. Stored calls not yet invoiced were priced again.' });
        expect(await createRateDeckAction({ status: 'idle' }, form({ name: '', purpose: 'cost', currency: 'dollars' }))).toMatchObject({
          status: 'error',
          fieldErrors: { name: ['Enter a name for the deck'], currency: ['The currency is a three-letter ISO code such as USD or EUR'] },
        });
        await signIn('owner@acme.example', tenants.acme.id);
        expect(await assignRateDeckAction({ status: 'idle' }, form({ deckId: special.id, accountId: tenants.east.id }))).toMatchObject({ status: 'error', code: 'forbidden:staff' });
      } finally {
        signOut();
      }
    });
  });
});
