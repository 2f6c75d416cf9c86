/**
 * The CDR push (issue 14.2): POST /api/v1/cdrs with NDJSON or CSV, read as a stream and stored in
 * batches, rollups kept; idempotent re-push; a bad row rejected alone with its line; another
 * tenant's account refused by line; only keys with the staff-granted `cdr:write` scope; the row
 * limit. Every answer is checked against the published OpenAPI document.
 */
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { pushCdrs as pushEndpoint } from '@/lib/api/contracts/cdrs';
import { apiKeys, auditEvents, cdrPullCursors } from '@/lib/db/schema';
import { getRollupTotals } from '@/lib/db/queries/cdrs';
import { AppError } from '@/lib/errors';
import { createApiKey } from '@/lib/services/api-keys';
import { CDR_PUSH_MAX_ROWS } from '@/lib/validations/cdr-push';
import { callApi, createTestApiKey, type TestApiKey } from '../support/api';
import { insertIdleConnection } from '../support/billing';
import { useTestDatabase } from '../support/db';
import { headersFromClient } from '../support/next-mocks';
import { expectConformsToSpec } from '../support/openapi';
import { accessAs, seedTwoTenants } from '../support/fixtures';
import { liftRateLimits } from '../support/api-operations';

const session = vi.hoisted(() => ({ userId: undefined as string | undefined, accountCookie: undefined as string | undefined }));
vi.mock('@/lib/auth/config', async () => (await import('../support/next-mocks')).authConfigMock(session));
vi.mock('next/headers', async () => (await import('../support/next-mocks')).nextHeadersMock(session));
vi.mock('next/cache', () => ({ revalidatePath: () => undefined, revalidateTag: () => undefined }));
// The second factor belongs to the 2FA feature: here it passes.
vi.mock('@/lib/services/two-factor', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@/lib/services/two-factor')>()),
  assertRecentSecondFactor: async () => undefined,
}));

liftRateLimits();

type Route = typeof import('@/app/api/v1/cdrs/route');

/** A fixed hour two days ago, on a 5-minute boundary, so the calls fall in known buckets. */
const HOUR = new Date(Math.floor((Date.now() - 2 * 24 * 3600_000) / 3600_000) * 3600_000);
const at = (ms: number) => new Date(HOUR.getTime() + ms).toISOString();
const WINDOW = { from: HOUR, to: new Date(HOUR.getTime() + 3600_000) };

describe('POST /api/v1/cdrs', () => {
  const test = useTestDatabase();
  let route: Route;
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  let key: TestApiKey;

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    route = await import('@/app/api/v1/cdrs/route');
    key = await createTestApiKey(test.db, { accountId: tenants.acme.id, role: 'technical', createdBy: 'staff@carrier.example', name: 'Acme switch', scopes: ['cdr:write'] });
  });

  /** `as: null` calls without a key (a portal session, when one is signed in). */
  const push = (body: string, contentType = 'application/x-ndjson', as: TestApiKey | null = key) =>
    callApi(route.POST, { method: 'POST', url: '/api/v1/cdrs', key: as ?? undefined, body, headers: { 'content-type': contentType }, endpoint: pushEndpoint });
  const ndjson = (rows: unknown[]) => rows.map((row) => (typeof row === 'string' ? row : JSON.stringify(row))).join('\n') + '\n';
  const totals = (accountId: string) => getRollupTotals(test.db, { accountIds: [accountId], grain: '5m', ...WINDOW });

  /** Three calls of Acme's East office, hand-counted: 3 attempts, 2 answered, NER 3 (486 is the user's), billsec 60 + 3, one short call. */
  const eastCalls = (prefix: string) => [
    { source_id: `${prefix}-1`, account_id: tenants.east.id, direction: 'outbound', from: '+12145550100', to: '+442079460000', invite_at: at(0), ringing_at: at(1500), answer_at: at(4000), end_at: at(64_000), sip_code: 200, upstream_cost: '0.0120' },
    { source_id: `${prefix}-2`, account_id: tenants.east.id, direction: 'outbound', from: '+12145550100', to: '+442079460001', invite_at: at(60_000), end_at: at(62_000), sip_code: 486, q850_cause: 17 },
    { source_id: `${prefix}-3`, account_id: tenants.east.id, direction: 'outbound', from: '+12145550100', to: '+442079460002', invite_at: at(120_000), answer_at: at(122_000), end_at: at(125_000), sip_code: 200, billsec: 3, upstream_cost: '0.0010' },
  ];

  it('stores an NDJSON push, keeps the rollups, and counts a re-push as duplicates without counting twice', async () => {
    const body = ndjson(eastCalls('nd'));
    const first = await push(body);
    expect(first.status, first.text).toBe(200);
    expect(first.body).toEqual({ accepted: 3, duplicates: 0, rejectedCount: 0, rejected: [], notReadFromLine: null });
    const after = await totals(tenants.east.id);
    expect({ attempts: after.attempts, answered: after.answered, nerOk: after.nerOk, billsec: after.billsec, shortCalls: after.shortCalls, pddKnown: after.pddKnown }).toEqual({
      attempts: 3,
      answered: 2,
      nerOk: 3,
      billsec: 63,
      shortCalls: 1,
      pddKnown: 1,
    });
    expect(Number(after.upstreamCost)).toBeCloseTo(0.013, 6);

    const again = await push(body);
    expect(again.body).toEqual({ accepted: 0, duplicates: 3, rejectedCount: 0, rejected: [], notReadFromLine: null });
    expect(await totals(tenants.east.id)).toEqual(after);
  });

  it('stores a CSV push (header, quoting, CRLF, empty cells absent) the same way', async () => {
    const calls = eastCalls('csv');
    const header = 'source_id,account_id,direction,from,to,invite_at,ringing_at,answer_at,end_at,sip_code,q850_cause,billsec,upstream_cost';
    const line = (c: Record<string, unknown>) =>
      [`"${c.source_id}"`, c.account_id, c.direction, c.from, c.to, c.invite_at, c.ringing_at ?? '', c.answer_at ?? '', c.end_at ?? '', c.sip_code, c.q850_cause ?? '', c.billsec ?? '', c.upstream_cost ?? ''].join(',');
    const before = await totals(tenants.east.id);
    const answer = await push([header, ...calls.map(line)].join('\r\n') + '\r\n', 'text/csv; charset=utf-8');
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body).toMatchObject({ accepted: 3, duplicates: 0, rejectedCount: 0 });
    const after = await totals(tenants.east.id);
    expect([after.attempts - before.attempts, after.answered - before.answered, after.billsec - before.billsec]).toEqual([3, 2, 63]);
  });

  it('rejects each bad row alone, by its line in the body (blank lines counted), and stores the rest', async () => {
    const good = (id: string, ms: number) => ({ source_id: id, account_id: tenants.acme.id, direction: 'inbound', from: '+12145550100', to: '+12145550199', invite_at: at(ms), sip_code: 404 });
    const body = ndjson([
      good('bad-1', 1000), // line 1
      '{"source_id": "x", ', // 2: not JSON
      '', // 3: blank, skipped
      { ...good('bad-4', 2000), colour: 'red' }, // 4: unknown field
      { ...good('bad-5', 3000), sip_code: 'two hundred' }, // 5: not a number
      { ...good('bad-6', 4000), direction: undefined }, // 6: missing direction
      { ...good('bad-7', 5000), upstream_cost: 0.01 }, // 7: cost as a JSON number
      { ...good('bad-8', 6000), invite_at: '2026-02-30T10:00:00Z' }, // 8: no such day
      '[1,2]', // 9: not an object
      { ...good('bad-10', 7000), source: 'voicetel' }, // 10: a carrier's name
      good('bad-11', 8000), // 11
    ]);
    const answer = await push(body);
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body.accepted).toBe(2);
    expect(answer.body.rejectedCount).toBe(8);
    expect(answer.body.rejected.map((r: { line: number }) => r.line)).toEqual([2, 4, 5, 6, 7, 8, 9, 10]);
    const reasons = Object.fromEntries(answer.body.rejected.map((r: { line: number; reason: string }) => [r.line, r.reason]));
    expect(reasons[2]).toBe('Not valid JSON.');
    expect(reasons[4]).toMatch(/Unknown field "colour"/);
    expect(reasons[5]).toMatch(/sip_code must be a number/);
    expect(reasons[6]).toMatch(/Missing direction/);
    expect(reasons[7]).toMatch(/upstream_cost must be a string \(a decimal string/);
    expect(reasons[8]).toMatch(/invite_at must be an ISO 8601 time/);
    expect(reasons[9]).toMatch(/Not a JSON object/);
    expect(reasons[10]).toMatch(/reserved/);
  });

  it('rejects by line a source_id the database cannot store (NUL, a lone surrogate), in NDJSON and CSV, and stores the rest', async () => {
    const row = (id: string, ms: number) => ({ source_id: id, account_id: tenants.acme.id, direction: 'inbound', from: '+12145550100', to: '+12145550199', invite_at: at(ms), sip_code: 404 });
    const answer = await push(ndjson([row('nul-ok', 9000), row('a\u0000b', 9100), row('\ud800', 9200)]));
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body).toMatchObject({ accepted: 1, rejectedCount: 2 });
    expect(answer.body.rejected.map((r: { line: number; reason: string }) => [r.line, r.reason])).toEqual([
      [2, expect.stringMatching(/source_id cannot contain control characters/)],
      [3, expect.stringMatching(/source_id cannot contain control characters/)],
    ]);
    const csv = await push(`source_id,account_id,direction,from,to,invite_at,sip_code\r\nnul\u0000csv,${tenants.acme.id},inbound,+12145550100,+12145550199,${at(9300)},404\r\n`, 'text/csv');
    expect(csv.status, csv.text).toBe(200);
    expect(csv.body).toMatchObject({ accepted: 0, rejectedCount: 1 });
  });

  it('refuses a pushed call over an upstream whose calls are pulled (it would be billed twice), and keeps one over an upstream that is not', async () => {
    const pulled = await insertIdleConnection(test.db, 'Pulled upstream');
    const notPulled = await insertIdleConnection(test.db, 'Upstream not pulled');
    await test.db.insert(cdrPullCursors).values({ connectionId: pulled.id, pulledUntil: new Date() });
    const row = (id: string, ms: number, connectionId: string) => ({ source_id: id, account_id: tenants.acme.id, direction: 'inbound', from: '+12145550100', to: '+12145550199', invite_at: at(ms), sip_code: 404, connection_id: connectionId });
    const answer = await push(ndjson([row('over-pulled', 9500, pulled.id), row('over-other', 9600, notPulled.id)]));
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body).toMatchObject({ accepted: 1, rejectedCount: 1 });
    expect(answer.body.rejected).toEqual([{ line: 1, reason: expect.stringMatching(/count them twice/) }]);
  });

  it('refuses rows for another tenant’s account by line, and rows no account of the key holds', async () => {
    const row = (id: string, accountId?: string) => ({ source_id: id, ...(accountId ? { account_id: accountId } : {}), direction: 'inbound', from: '+12145550100', to: '+12145550177', invite_at: at(9000), sip_code: 404 });
    const answer = await push(ndjson([row('t-1', tenants.west.id), row('t-2', tenants.globex.id), row('t-3', tenants.globexBranch.id), row('t-4')]));
    expect(answer.body.accepted).toBe(1);
    expect(answer.body.rejected).toEqual([
      { line: 2, reason: 'account_id is not an account this key may write for.' },
      { line: 3, reason: 'account_id is not an account this key may write for.' },
      { line: 4, reason: 'No account this key may write for holds the called number (to), and the row names no account_id.' },
    ]);
    expect((await totals(tenants.globex.id)).attempts).toBe(0);
  });

  it('answers 400 to a CSV header it cannot use and to a body without rows, storing nothing', async () => {
    const unknown = await push('source_id,direction,from,to,invite_at,sip_code,colour\n', 'text/csv');
    expect([unknown.status, unknown.body.error.code]).toEqual([400, 'invalid:csv_header']);
    expect(unknown.body.error.message).toMatch(/"colour"/);
    const missing = await push('source_id,direction,from,to,invite_at\nx,inbound,+12145550100,+12145550101,2026-01-01T00:00:00Z\n', 'text/csv');
    expect(missing.body.error.message).toMatch(/lacks the required columns sip_code/);
    for (const [body, type] of [
      ['', 'application/x-ndjson'],
      ['\n\n', 'application/x-ndjson'],
      ['source_id,direction,from,to,invite_at,sip_code\n', 'text/csv'],
    ] as const) {
      const answer = await push(body, type);
      expect([answer.status, answer.body.error.code], JSON.stringify(body)).toEqual([400, 'invalid:body']);
    }
  });

  it('answers 415 to a body that is neither NDJSON nor CSV', async () => {
    for (const type of ['application/json', 'text/plain', 'text/csv; charset=latin1']) {
      const answer = await push('{}', type);
      expect([answer.status, answer.body.error.code], type).toEqual([415, 'unsupported_media_type:body']);
      expect(answer.body.error.message).toMatch(/application\/x-ndjson.*text\/csv/);
    }
  });

  it('refuses keys without the cdr:write scope and portal sessions with 403 naming the scope', async () => {
    const plain = await createTestApiKey(test.db, { accountId: tenants.acme.id, role: 'admin', createdBy: 'owner@acme.example', name: 'no scope' });
    const refused = await push(ndjson(eastCalls('noscope')), 'application/x-ndjson', plain);
    expect([refused.status, refused.body.error.code]).toEqual([403, 'forbidden:scope']);
    expect(refused.body.error.message).toContain('cdr:write');

    const owner = await accessAs(test.db, 'owner@acme.example', tenants.acme.id);
    session.userId = owner.user.id;
    session.accountCookie = tenants.acme.id;
    try {
      const asSession = await push(ndjson(eastCalls('session')), 'application/x-ndjson', null);
      expect([asSession.status, asSession.body?.error?.code], asSession.text).toEqual([403, 'forbidden:scope']);
      expect(asSession.body.error.message).toMatch(/cdr:write.*session/);
    } finally {
      session.userId = undefined;
      session.accountCookie = undefined;
    }
  });

  it('reads a streamed body of 100,001 rows as it comes: stores 100,000, stops reading at the next, and says where', async () => {
    const total = CDR_PUSH_MAX_ROWS + 20_000;
    let produced = 0;
    let cancelled = false;
    const encoder = new TextEncoder();
    // Rows are made only when the reader asks for them: a buffering reader would drain all of them.
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (produced >= total) return controller.close();
        let chunk = '';
        for (let i = 0; i < 500 && produced < total; i++, produced++) {
          chunk += `${JSON.stringify({ source_id: `big-${produced}`, account_id: tenants.west.id, direction: 'inbound', from: '+12145550100', to: '+12145550111', invite_at: at((produced % 3600) * 1000), sip_code: 404 })}\n`;
        }
        controller.enqueue(encoder.encode(chunk));
      },
      cancel() {
        cancelled = true;
      },
    }, { highWaterMark: 0 });
    const westBefore = (await totals(tenants.west.id)).attempts;
    const headers = headersFromClient('198.51.100.7', { 'content-type': 'application/x-ndjson', authorization: `Bearer ${key.secret}` });
    const response = await route.POST(new Request('http://portal.test/api/v1/cdrs', { method: 'POST', headers, body: stream, duplex: 'half' } as RequestInit), { params: Promise.resolve({}) });
    const body = await response.json();
    expectConformsToSpec(pushEndpoint, { status: response.status, body, headers: response.headers });
    expect(response.status).toBe(200);
    expect(body).toMatchObject({ accepted: CDR_PUSH_MAX_ROWS, duplicates: 0, rejectedCount: 1, notReadFromLine: CDR_PUSH_MAX_ROWS + 1 });
    expect(body.rejected).toEqual([{ line: CDR_PUSH_MAX_ROWS + 1, reason: expect.stringMatching(/limit of 100,000 rows.*not read/) }]);
    expect(cancelled, 'the upload is stopped, not drained').toBe(true);
    expect(produced, 'rows past the limit were never asked for beyond a chunk or two').toBeLessThan(CDR_PUSH_MAX_ROWS + 2_000);
    expect((await totals(tenants.west.id)).attempts - westBefore).toBe(CDR_PUSH_MAX_ROWS);
  }, 240_000);
});

describe('keys with the cdr:write scope are issued by operator staff only', () => {
  const test = useTestDatabase();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
  });

  it('lets staff acting in a customer account create one (audited with its scope) and refuses the customer’s own owner', async () => {
    const staff = await accessAs(test.db, 'staff@carrier.example', tenants.acme.id);
    expect(staff.actingAsStaff).toBe(true);
    const { key, secret } = await createApiKey(staff, { name: 'Acme switch', role: 'technical', expiresAt: null, scopes: ['cdr:write'] });
    expect(secret).toMatch(/^cp_live_/);
    expect(key.scopes).toEqual(['cdr:write']);
    const [stored] = await test.db.select().from(apiKeys).where(eq(apiKeys.id, key.id));
    expect(stored!.scopes).toEqual(['cdr:write']);
    const [audit] = await test.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'api_key.create'), eq(auditEvents.targetId, key.id)));
    expect(audit!.after).toMatchObject({ scopes: ['cdr:write'] });

    const owner = await accessAs(test.db, 'owner@acme.example', tenants.acme.id);
    const refusal = await createApiKey(owner, { name: 'My own push key', role: 'technical', expiresAt: null, scopes: ['cdr:write'] }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(AppError);
    expect((refusal as AppError).code).toBe('forbidden:scope_grant');
    const unknown = await createApiKey(staff, { name: 'Odd', role: 'viewer', expiresAt: null, scopes: ['cdr:read' as 'cdr:write'] }).catch((error: unknown) => error);
    expect((unknown as AppError).code).toBe('invalid:scopes');
  });
});
