import { beforeAll, describe, expect, it, vi } from 'vitest';
import { listCdrs } from '@/lib/api/contracts/cdr';
import { providerConnections, trunkGroups } from '@/lib/db/schema';
import { resetEnvCache } from '@/lib/env';
import { ingestCdrBatch, type CdrInput } from '@/lib/services/cdr-ingest';
import { parseCdrSearch, requireCdrSearch, searchCdrs } from '@/lib/services/cdr-search';
import { GET } from '@/app/api/v1/cdr/route';
import { callApi, createTestApiKey, type TestApiKey } from '../support/api';
import { useTestDatabase } from '../support/db';
import { accessAs, seedTwoTenants } from '../support/fixtures';

const session = vi.hoisted(() => ({ userId: undefined as string | undefined, accountCookie: undefined as string | undefined }));
vi.mock('@/lib/auth/config', async () => (await import('../support/next-mocks')).authConfigMock(session));
vi.mock('next/headers', async () => (await import('../support/next-mocks')).nextHeadersMock(session));


const at = (iso: string) => new Date(iso);

/** A call at `invite` (ISO), answered when `sipCode` is 2xx, ringing 800 ms after the INVITE. */
function call(sourceId: string, invite: string, overrides: Partial<CdrInput> = {}): CdrInput {
  const inviteAt = at(invite);
  const sipCode = overrides.sipCode ?? 200;
  const answered = sipCode >= 200 && sipCode < 300;
  return {
    source: 'switch-test',
    sourceId,
    direction: 'outbound',
    from: '+14155552671',
    to: '+13125550147',
    inviteAt,
    ringingAt: new Date(inviteAt.getTime() + 800),
    answerAt: answered ? new Date(inviteAt.getTime() + 5000) : undefined,
    endAt: new Date(inviteAt.getTime() + 65_000),
    sipCode,
    ...overrides,
  };
}

describe('CDR search', () => {
  const ctx = useTestDatabase();

  let world: Awaited<ReturnType<typeof seedTwoTenants>>;
  let trunkId: string;
  let connA: string;
  let connB: string;
  let acmeKey: TestApiKey;
  let globexKey: TestApiKey;

  beforeAll(async () => {
    process.env.API_KEY_RATE_BURST = '100000';
    resetEnvCache();
    const db = ctx.db;
    world = await seedTwoTenants(db);
    const [a, b] = await db
      .insert(providerConnections)
      .values([
        { provider: 'voicetel', name: 'VT main', baseUrl: 'http://127.0.0.1:1', credentialsCiphertext: 'x' },
        { provider: 'vitcom', name: 'VIT backup', baseUrl: 'http://127.0.0.1:2', credentialsCiphertext: 'x' },
      ])
      .returning();
    connA = a!.id;
    connB = b!.id;
    const [trunk] = await db
      .insert(trunkGroups)
      .values({ accountId: world.acme.id, name: 'HQ PBX', direction: 'both', auth: 'ip', allowedIps: ['44.10.20.31/32'], destinations: [], codecs: ['PCMU'] })
      .returning();
    trunkId = trunk!.id;
    const acmeCalls: CdrInput[] = [
      call('a1', '2026-04-01T00:00:00.000Z', { accountId: world.acme.id, connectionId: connA, trunkGroupId: trunkId }),
      call('a2', '2026-04-01T10:00:00.000Z', { accountId: world.acme.id, sipCode: 486, connectionId: connB, to: '+525512345678' }),
      call('a3', '2026-04-05T12:00:00.000Z', { accountId: world.acme.id, direction: 'inbound', from: '+442079460958', to: '+14155552671', connectionId: connA }),
      call('a4', '2026-04-17T23:59:59.999Z', { accountId: world.acme.id, sipCode: 503, q850Cause: 38, ringingAt: undefined }),
      call('a5', '2026-04-18T00:00:00.000Z', { accountId: world.acme.id }),
      // Two calls at the same millisecond: the keyset's id breaks the tie.
      call('a6', '2026-04-10T08:00:00.000Z', { accountId: world.acme.id, from: '+14155550199' }),
      call('a7', '2026-04-10T08:00:00.000Z', { accountId: world.acme.id, from: '+14155550199' }),
      call('a8', '2026-03-31T23:59:59.999Z', { accountId: world.acme.id }),
    ];
    const east = [call('e1', '2026-04-03T09:00:00.000Z', { accountId: world.east.id, from: '+14155550123' })];
    const globex = [call('g1', '2026-04-02T09:00:00.000Z', { accountId: world.globex.id, from: '+14155552671' }), call('g2', '2026-04-03T09:00:00.000Z', { accountId: world.globexBranch.id })];
    const result = await ingestCdrBatch(
      db,
      [...acmeCalls, ...east, ...globex].map((input, i) => ({ line: i + 1, input })),
    );
    expect(result.rejected).toEqual([]);
    expect(result.accepted).toBe(11);
    acmeKey = await createTestApiKey(db, { accountId: world.acme.id, role: 'viewer', createdBy: 'owner@acme.example' });
    globexKey = await createTestApiKey(db, { accountId: world.globex.id, role: 'viewer', createdBy: 'owner@globex.example' });
  });

  const ids = (rows: { id: string }[]) => rows.length;
  const sources = async (email: string, accountId: string, params: Record<string, string>) => {
    const access = await accessAs(ctx.db, email, accountId);
    const { data } = await searchCdrs(access, requireCdrSearch(params), { limit: 100 });
    return data.map((row) => `${row.inviteAt}|${row.from}|${row.sipCode}`);
  };

  describe('parseCdrSearch', () => {
    const now = at('2026-04-20T12:00:00Z');

    it('reads calendar dates as whole UTC days, `to` inclusive, and ISO times as given', () => {
      expect(parseCdrSearch({ from: '2026-04-01', to: '2026-04-17' }, { now }).search).toMatchObject({ from: at('2026-04-01T00:00:00Z'), to: at('2026-04-18T00:00:00Z') });
      expect(parseCdrSearch({ from: '2026-04-01T10:00:00+02:00', to: '2026-04-01T12:30' }, { now }).search).toMatchObject({ from: at('2026-04-01T08:00:00Z'), to: at('2026-04-01T12:30:00Z') });
    });

    it('defaults to the last 24 hours', () => {
      expect(parseCdrSearch({}, { now }).search).toEqual({ from: at('2026-04-19T12:00:00Z'), to: now });
    });

    it('says what is wrong beside each parameter', () => {
      expect(parseCdrSearch({ from: '2026-04-10', to: '2026-04-02' }, { now }).fieldErrors).toEqual({ to: ['“To” must be after “From”.'] });
      expect(parseCdrSearch({ from: '2026-01-01', to: '2026-04-10' }, { now }).fieldErrors.to).toEqual(['At most 93 days at a time: narrow the range.']);
      expect(parseCdrSearch({ from: '2026-02-30' }, { now }).fieldErrors.from?.[0]).toMatch(/Use a date/);
      // Times PostgreSQL cannot store (the year 0) or Date cannot hold: a field error, never a 500.
      expect(parseCdrSearch({ from: '0000-01-01T00:00:00Z', to: '0000-01-02T00:00:00Z' }, { now }).fieldErrors).toEqual({ from: [expect.stringContaining('2000 to 2999')], to: [expect.stringContaining('2000 to 2999')] });
      expect(parseCdrSearch({ from: '1999-12-31' }, { now }).fieldErrors.from?.[0]).toContain('2000 to 2999');
      expect(parseCdrSearch({ to: '275760-09-13' }, { now }).fieldErrors.to?.[0]).toContain('2000 to 2999');
      const bad = parseCdrSearch({ number: '12ab', direction: 'sideways', sipCode: '99', trunkGroup: 'x', destination: 'USA', upstream: 'y' }, { now });
      expect(bad.search).toBeUndefined();
      expect(Object.keys(bad.fieldErrors).sort()).toEqual(['destination', 'direction', 'number', 'sipCode', 'trunkGroup', 'upstream']);
    });

    it('takes numbers as people write them and searches by E.164', () => {
      expect(parseCdrSearch({ number: '(415) 555-2671' }, { now }).search?.number).toBe('+14155552671');
    });
  });

  describe('searchCdrs', () => {
    const april = { from: '2026-04-01', to: '2026-04-17' };

    it('finds the calls of the range, newest first, the sub-accounts included and nothing of another tenant', async () => {
      expect(await sources('owner@acme.example', world.acme.id, april)).toEqual([
        '2026-04-17T23:59:59.999Z|+14155552671|503',
        '2026-04-10T08:00:00.000Z|+14155550199|200',
        '2026-04-10T08:00:00.000Z|+14155550199|200',
        '2026-04-05T12:00:00.000Z|+442079460958|200',
        '2026-04-03T09:00:00.000Z|+14155550123|200',
        '2026-04-01T10:00:00.000Z|+14155552671|486',
        '2026-04-01T00:00:00.000Z|+14155552671|200',
      ]);
      // A user of the sub-account sees its calls only; Globex sees its own tree.
      expect(await sources('owner@acme.example', world.east.id, april)).toEqual(['2026-04-03T09:00:00.000Z|+14155550123|200']);
      expect(await sources('owner@globex.example', world.globex.id, april)).toEqual(['2026-04-03T09:00:00.000Z|+14155552671|200', '2026-04-02T09:00:00.000Z|+14155552671|200']);
      expect(await sources('owner@globex.example', world.globexBranch.id, april)).toHaveLength(1);
    });

    it('filters by number (either side), direction, SIP code, trunk group, destination and upstream', async () => {
      const search = (params: Record<string, string>) => sources('owner@acme.example', world.acme.id, { ...april, ...params });
      // +14155552671 calls out in a1, a2, a4 and is called in a3.
      expect(await search({ number: '+14155552671' })).toHaveLength(4);
      expect(await search({ number: '+14155552671', direction: 'inbound' })).toEqual(['2026-04-05T12:00:00.000Z|+442079460958|200']);
      expect(await search({ sipCode: '486' })).toEqual(['2026-04-01T10:00:00.000Z|+14155552671|486']);
      expect(await search({ trunkGroup: trunkId })).toEqual(['2026-04-01T00:00:00.000Z|+14155552671|200']);
      expect(await search({ destination: 'mx' })).toEqual(['2026-04-01T10:00:00.000Z|+14155552671|486']);
      expect(await search({ upstream: connA })).toHaveLength(2);
      expect(await search({ upstream: connB, sipCode: '200' })).toEqual([]);
    });

    it('shows what a call was: PDD, Q.850, the trunk group, and the carrier as the reader may name it', async () => {
      const customer = await searchCdrs(await accessAs(ctx.db, 'owner@acme.example', world.acme.id), requireCdrSearch(april), { limit: 100 });
      const first = customer.data.find((row) => row.inviteAt === '2026-04-01T00:00:00.000Z')!;
      expect(first).toMatchObject({ pddMs: 800, billsec: 60, trunkGroup: { id: trunkId, name: 'HQ PBX' }, carrier: 'Carrier 2', destination: 'US' });
      expect(customer.data.find((row) => row.sipCode === 503)).toMatchObject({ pddMs: null, q850Cause: 38, carrier: null, billsec: 0 });
      const staff = await searchCdrs(await accessAs(ctx.db, 'staff@carrier.example', world.acme.id), requireCdrSearch(april), { limit: 100 });
      expect(staff.data.find((row) => row.inviteAt === '2026-04-01T00:00:00.000Z')!.carrier).toBe('VoiceTel · VT main');
    });

    it('pages by cursor without gaps or repeats, ties included', async () => {
      const access = await accessAs(ctx.db, 'owner@acme.example', world.acme.id);
      const search = requireCdrSearch(april);
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await searchCdrs(access, search, { cursor, limit: 2 });
        seen.push(...page.data.map((row) => row.id));
        cursor = page.nextCursor ?? undefined;
        pages++;
      } while (cursor);
      expect(pages).toBe(4);
      expect(new Set(seen).size).toBe(7);
      expect(ids(seen.map((id) => ({ id })))).toBe(7);
    });
  });

  describe('GET /api/v1/cdr', () => {
    it('answers VICICarrier’s date-only range as JSON with a cursor', async () => {
      const first = await callApi(GET, { url: '/api/v1/cdr?from=2026-04-01&to=2026-04-17&limit=5', key: acmeKey, endpoint: listCdrs });
      expect(first.status).toBe(200);
      expect(first.body.data).toHaveLength(5);
      expect(first.body.data[0]).toMatchObject({ inviteAt: '2026-04-17T23:59:59.999Z', sipCode: 503, carrier: null });
      const second = await callApi(GET, { url: `/api/v1/cdr?from=2026-04-01&to=2026-04-17&limit=5&cursor=${first.body.nextCursor}`, key: acmeKey, endpoint: listCdrs });
      expect(second.body.data.map((row: { inviteAt: string }) => row.inviteAt)).toEqual(['2026-04-01T10:00:00.000Z', '2026-04-01T00:00:00.000Z']);
      expect(second.body.nextCursor).toBeNull();
    });

    it('streams CSV for Accept: text/csv, with formula-safe cells', async () => {
      const answer = await callApi(GET, { url: '/api/v1/cdr?from=2026-04-01&to=2026-04-01', key: acmeKey, headers: { accept: 'text/csv' }, endpoint: listCdrs });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(answer.headers.get('content-disposition')).toBe('attachment; filename="cdrs-2026-04-01-2026-04-01.csv"');
      const lines = answer.text.trimEnd().split('\r\n');
      expect(lines[0]).toBe('call_id,account_id,invite_at_utc,direction,from,to,destination,trunk_group,carrier,sip_code,q850_cause,pdd_ms,answer_at_utc,end_at_utc,billsec,mos');
      expect(lines).toHaveLength(3);
      const cells = lines[1]!.split(',');
      // Numbers start with "+": a spreadsheet would read them as formulas, so they are quoted as text.
      expect(cells.slice(2)).toEqual(["2026-04-01T10:00:00.000Z", 'outbound', "'+14155552671", "'+525512345678", 'MX', '', 'Carrier 1', '486', '', '800', '', '2026-04-01T10:01:05.000Z', '0', '']);
      expect(lines[2]).toContain(",HQ PBX,Carrier 2,200,,800,2026-04-01T00:00:05.000Z,2026-04-01T00:01:05.000Z,60,");
    });

    it('keeps another tenant’s calls out of JSON and CSV alike', async () => {
      const json = await callApi(GET, { url: '/api/v1/cdr?from=2026-04-01&to=2026-04-17', key: globexKey, endpoint: listCdrs });
      expect(json.body.data.map((row: { accountId: string }) => row.accountId).sort()).toEqual([world.globex.id, world.globexBranch.id].sort());
      const csv = await callApi(GET, { url: '/api/v1/cdr?from=2026-04-01&to=2026-04-17&format=csv', key: globexKey, endpoint: listCdrs });
      expect(csv.text).not.toContain(world.acme.id);
      expect(csv.text.trimEnd().split('\r\n')).toHaveLength(3);
      const foreign = await callApi(GET, { url: `/api/v1/cdr?from=2026-04-01&to=2026-04-17&accountId=${world.acme.id}`, key: globexKey, endpoint: listCdrs });
      expect(foreign.status).toBe(404);
    });

    it('refuses bad input with 400 and a message per parameter', async () => {
      const reversed = await callApi(GET, { url: '/api/v1/cdr?from=2026-04-17&to=2026-04-01', key: acmeKey, endpoint: listCdrs });
      expect(reversed.status).toBe(400);
      expect(reversed.body.error.fields).toEqual({ to: ['“To” must be after “From”.'] });
      const long = await callApi(GET, { url: '/api/v1/cdr?from=2026-01-01&to=2026-04-17', key: acmeKey, endpoint: listCdrs });
      expect(long.status).toBe(400);
      expect(long.body.error.message).toBe('The search is not valid: At most 93 days at a time: narrow the range.');
      const number = await callApi(GET, { url: '/api/v1/cdr?from=2026-04-01&number=555', key: acmeKey, endpoint: listCdrs });
      expect(number.status).toBe(400);
      expect(number.body.error.fields.number[0]).toMatch(/Not a phone number/);
      const cursor = await callApi(GET, { url: '/api/v1/cdr?from=2026-04-01&cursor=bogus', key: acmeKey, endpoint: listCdrs });
      expect(cursor.status).toBe(400);
      const csv = await callApi(GET, { url: '/api/v1/cdr?from=2026-04-17&to=2026-04-01', key: acmeKey, headers: { accept: 'text/csv' }, endpoint: listCdrs });
      expect(csv.status).toBe(400);
    });
  });
});
