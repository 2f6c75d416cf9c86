import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { and, eq } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AccountAccess } from '@/lib/auth/access';
import { accounts, auditEvents, numberOrderLines, numberOrders, phoneNumbers, providerConnections, staffTasks, trunkGroups, users } from '@/lib/db/schema';
import { countNumbersByAccountScope, getPhoneNumberById } from '@/lib/db/queries/numbers';
import { refreshOwnedNumbers } from '@/lib/services/number-refresh';
import { formatDate, formatE164 } from '@/lib/format';
import { resetBreakers } from '@/lib/providers/http';
import { requireCapability, type ProviderId } from '@/lib/providers/types';
import { createSubAccount } from '@/lib/services/accounts';
import { moveNumberToAccount } from '@/lib/db/queries/numbers';
import { setTrunkGroupOfNumbers } from '@/lib/db/queries/trunk-groups';
import { endOfMonthUtc, exportNumbersCsv, getNumberDetail, listAccountNumbers, moveNumber, releaseNumber } from '@/lib/services/numbers';
import { csvRow } from '@/lib/views/audit-events';
import { ensureDefaultConnections, getConnectionAdapter } from '@/lib/services/providers';
import { sealCredentials } from '@/lib/services/secret-box';
import {
  NUMBER_PAGE_SIZE,
  parseNumberInventoryQuery,
  type NumberInventoryFilter,
  type NumberInventoryView,
} from '@/lib/validations/number-inventory';
import { startSandbox, type RunningSandbox } from '@/sandbox/common/server';
import { sandboxDefinitions } from '@/sandbox/index';
import { carrierxDemoCredentials } from '@/sandbox/carrierx';
import { vitcomDemoCredentials } from '@/sandbox/vitcom';
import { voicemeupDemoCredentials } from '@/sandbox/voicemeup';
import { voicetelDemoCredentials } from '@/sandbox/voicetel';
import { useTestDatabase } from '../support/db';
import { accessAs, seedTwoTenants } from '../support/fixtures';

// Only the export route needs a session; services take their access explicitly.
const session = vi.hoisted(() => ({ userId: undefined as string | undefined }));
vi.mock('@/lib/auth/config', async () => (await import('../support/next-mocks')).authConfigMock(session));
vi.mock('next/headers', async () => (await import('../support/next-mocks')).nextHeadersMock(session));

const credentials: Record<ProviderId, Record<string, string>> = {
  voicetel: voicetelDemoCredentials,
  vitcom: vitcomDemoCredentials,
  carrierx: carrierxDemoCredentials,
  voicemeup: voicemeupDemoCredentials,
};

// ---------- a pass-through proxy in front of the VoiceTel sandbox: counts calls, injects failures ----------

interface Proxy {
  url: string;
  deletes: string[];
  listCalls: number;
  /** Answer `status` to the number list from the (n+1)-th call on; undefined passes everything. */
  failListAfter?: { calls: number; status: number };
  failDeletes: boolean;
  /** Runs as a number's DELETE arrives, before it is passed on (or failed). */
  onDelete?: () => Promise<void>;
  close(): Promise<void>;
}

async function startProxy(target: string): Promise<Proxy> {
  const proxy: Proxy = { url: '', deletes: [], listCalls: 0, failDeletes: false, close: async () => undefined };
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = req.url ?? '/';
    const fail = (status: number) => {
      res.writeHead(status, { 'content-type': 'text/html', ...(status === 429 ? { 'retry-after': '60' } : {}) });
      res.end('<html>proxy says no</html>');
    };
    if (req.method === 'DELETE' && /\/numbers\/\d+$/.test(path)) {
      proxy.deletes.push(path);
      await proxy.onDelete?.();
      if (proxy.failDeletes) return fail(503);
    }
    if (req.method === 'GET' && /\/numbers(\?|$)/.test(path)) {
      proxy.listCalls += 1;
      if (proxy.failListAfter && proxy.listCalls > proxy.failListAfter.calls) return fail(proxy.failListAfter.status);
    }
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(req.headers)) {
      if (typeof value === 'string' && !['host', 'content-length', 'connection'].includes(key)) headers[key] = value;
    }
    const upstream = await fetch(target + path, { method: req.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined });
    const body = Buffer.from(await upstream.arrayBuffer());
    const responseHeaders: Record<string, string> = {};
    upstream.headers.forEach((value, key) => {
      if (!['content-encoding', 'transfer-encoding', 'content-length', 'connection'].includes(key)) responseHeaders[key] = value;
    });
    res.writeHead(upstream.status, responseHeaders);
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () => new Promise((resolve) => server.close(() => resolve()));
  return proxy;
}

// ---------- CSV parsing, for checking what the export and csvRow write ----------

function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let i = 0;
  while (i < text.length) {
    const fields: string[] = [];
    for (;;) {
      let field = '';
      if (text[i] === '"') {
        i += 1;
        for (;;) {
          if (i >= text.length) throw new Error('unterminated quote');
          if (text[i] === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
            } else {
              i += 1;
              break;
            }
          } else {
            field += text[i];
            i += 1;
          }
        }
      } else {
        while (i < text.length && text[i] !== ',' && !text.startsWith('\r\n', i)) {
          if (text[i] === '"' || text[i] === '\n' || text[i] === '\r') throw new Error(`unquoted special character at ${i}`);
          field += text[i];
          i += 1;
        }
      }
      fields.push(field);
      if (text[i] === ',') {
        i += 1;
        continue;
      }
      if (text.startsWith('\r\n', i)) {
        i += 2;
        break;
      }
      throw new Error(`record not terminated at ${i}`);
    }
    records.push(fields);
  }
  return records;
}

/** How a spreadsheet-safe cell holds a value that starts like a formula (as "+1…" does). */
const asText = (value: string) => `'${value}`;

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

// ---------- the seeded inventory ----------

const AREAS = [
  { npa: '312', state: 'IL', kind: 'local' as const },
  { npa: '773', state: 'IL', kind: 'local' as const },
  { npa: '212', state: 'NY', kind: 'local' as const },
  { npa: '415', state: 'CA', kind: 'local' as const },
  { npa: '888', state: null, kind: 'tollfree' as const },
];
const E911 = ['none', 'pending', 'registered', 'failed', 'unsupported'] as const;
/** Trunk groups the seeded numbers are routed to (real rows: the reference is a foreign key). */
const TRUNK_GROUP_IDS = [0, 1, 2, 3].map((k) => `7a0c0000-0000-4000-8000-00000000000${k}`);
const PRICES = ['1.2500', '1.5000', '3.0000', '0.9900', '2.0000'];
const BASE_TIME = Date.UTC(2025, 0, 1);

type Seeded = typeof phoneNumbers.$inferInsert & { accountName: string };

function inventory(accountId: string, accountName: string, from: number, count: number, connections: [string, string]): Seeded[] {
  return Array.from({ length: count }, (_, index) => {
    const n = from + index;
    const area = AREAS[n % AREAS.length]!;
    const released = n % 13 === 0;
    const missing = !released && n % 17 === 0;
    return {
      accountName,
      accountId,
      e164: `+1${area.npa}4${String(n).padStart(6, '0')}`,
      kind: area.kind,
      state: area.state,
      npa: area.npa,
      rateCenter: area.state ? `RC${n % 7}` : null,
      connectionId: connections[n % 2]!,
      status: released ? ('released' as const) : missing ? ('missing_upstream' as const) : ('active' as const),
      trunkGroupRef: n % 3 === 0 ? null : TRUNK_GROUP_IDS[n % 4]!,
      e911Status: E911[n % E911.length]!,
      monthly: PRICES[(n * 7) % PRICES.length]!,
      activatedAt: new Date(BASE_TIME + ((n * 37) % 500) * 3600_000),
      releasedAt: released ? new Date(BASE_TIME + 600 * 3600_000) : null,
      billedUntil: released ? new Date(Date.UTC(2025, 1, 1) - 1) : null,
    };
  });
}

function compareBy(sort: NumberInventoryView['sort'], dir: 'asc' | 'desc') {
  const sign = dir === 'asc' ? 1 : -1;
  const cmp = (a: string | number | null, b: string | number | null) => {
    if (a === b) return 0;
    // PostgreSQL: NULLS LAST ascending, NULLS FIRST descending, i.e. null is the largest value.
    if (a === null) return 1;
    if (b === null) return -1;
    return a < b ? -1 : 1;
  };
  const key = (row: Seeded): string | number | null =>
    sort === 'state' ? (row.state ?? null) : sort === 'npa' ? row.npa : sort === 'activated' ? row.activatedAt!.getTime() : sort === 'monthly' ? Number(row.monthly) : null;
  return (a: Seeded, b: Seeded) => sign * (cmp(key(a), key(b)) || cmp(a.e164, b.e164));
}

const allFilter: NumberInventoryFilter = { match: 'contains', released: false };

async function everyPage(access: AccountAccess, filter: Partial<NumberInventoryFilter>, view: Omit<NumberInventoryView, 'page'>) {
  const seen: string[] = [];
  for (let page = 1; ; page += 1) {
    const list = await listAccountNumbers(access, { filter: { ...allFilter, ...filter }, view: { ...view, page } });
    expect(list.rows.length).toBeLessThanOrEqual(NUMBER_PAGE_SIZE);
    seen.push(...list.rows.map((row) => row.e164));
    if (list.rows.length < NUMBER_PAGE_SIZE) return { e164s: seen, total: list.total };
  }
}

describe('my numbers', () => {
  const test = useTestDatabase();
  const sandboxes = new Map<ProviderId, RunningSandbox>();
  let proxy: Proxy;
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  let connectionOf: Record<ProviderId, string>;
  let legacy: [string, string];
  let seeded: Seeded[];
  /** Numbers the VoiceTel sandbox owns, in E.164. */
  let voicetelOwned: string[];

  const live = (rows: Seeded[]) => rows.filter((row) => row.status !== 'released');
  const ofAccounts = (...ids: string[]) => seeded.filter((row) => ids.includes(row.accountId));

  beforeAll(async () => {
    for (const [provider, definition] of Object.entries(sandboxDefinitions)) {
      sandboxes.set(provider as ProviderId, await startSandbox(definition, { port: 0 }));
    }
    proxy = await startProxy(sandboxes.get('voicetel')!.url);
    tenants = await seedTwoTenants(test.db);
    // VoiceTel is reached through the counting proxy; the others directly.
    await ensureDefaultConnections(
      test.db,
      [...sandboxes].map(([provider, sandbox]) => ({ provider, name: `${provider} sandbox`, baseUrl: provider === 'voicetel' ? proxy.url : sandbox.url, credentials: credentials[provider] })),
    );
    connectionOf = Object.fromEntries((await test.db.select().from(providerConnections)).map((row) => [row.provider, row.id])) as Record<ProviderId, string>;
    // The bulk inventory sits on two disabled connections, so the refresh job leaves it alone.
    const legacyRows = await test.db
      .insert(providerConnections)
      .values([
        { provider: 'voicetel', name: 'Legacy East', baseUrl: 'http://127.0.0.1:9', credentialsCiphertext: sealCredentials({ username: 'u', password: 'p' }), enabled: false },
        { provider: 'carrierx', name: 'Legacy West', baseUrl: 'http://127.0.0.1:9', credentialsCiphertext: sealCredentials({ token: 't' }), enabled: false },
      ])
      .returning();
    legacy = [legacyRows[0]!.id, legacyRows[1]!.id];
    await test.db.insert(trunkGroups).values(
      TRUNK_GROUP_IDS.map((id, k) => ({ id, accountId: tenants.acme.id, name: `Trunk ${k}`, direction: 'both' as const, auth: 'ip' as const, allowedIps: ['192.0.2.10/32'], destinations: [], codecs: ['PCMU'] })),
    );
    seeded = [
      ...inventory(tenants.acme.id, 'Acme Telecom', 0, 20, legacy),
      ...inventory(tenants.east.id, 'Acme East', 100, 150, legacy),
      ...inventory(tenants.west.id, 'Acme West', 300, 100, legacy),
      ...inventory(tenants.globex.id, 'Globex', 500, 40, legacy),
      ...inventory(tenants.globexBranch.id, 'Globex Branch', 600, 30, legacy),
    ];
    // One multi-row insert: a few hundred numbers in one statement.
    await test.db.insert(phoneNumbers).values(
      seeded.map((row) => {
        const { accountName, ...values } = row;
        void accountName;
        return values;
      }),
    );

    const { adapter } = await getConnectionAdapter(connectionOf.voicetel);
    voicetelOwned = [];
    let cursor: string | undefined;
    do {
      const page = await requireCapability(adapter, 'numbers').list({ cursor, limit: 100 });
      voicetelOwned.push(...page.items.map((item) => item.e164));
      cursor = page.nextCursor;
    } while (cursor);
  });

  afterAll(async () => {
    await proxy?.close();
    await Promise.all([...sandboxes.values()].map((sandbox) => sandbox.close()));
  });

  describe('the table', () => {
    it('pages an admin through the whole subtree in number order, with an account column', async () => {
      const owner = await accessAs(test.db, 'owner@acme.example', tenants.acme.id);
      const expected = live(ofAccounts(tenants.acme.id, tenants.east.id, tenants.west.id)).sort(compareBy('number', 'asc'));
      const { e164s, total } = await everyPage(owner, {}, { sort: 'number', dir: 'asc' });
      expect(e164s).toEqual(expected.map((row) => row.e164));
      expect(total).toEqual({ count: expected.length, capped: false });
      const first = await listAccountNumbers(owner, { filter: allFilter, view: { sort: 'number', dir: 'asc', page: 1 } });
      expect(first).toMatchObject({ showAccount: true, showProvider: false, pageSize: 50 });
      expect(new Set(first.rows.map((row) => row.accountName))).toEqual(new Set(['Acme Telecom', 'Acme East', 'Acme West']));
      const past = await listAccountNumbers(owner, { filter: allFilter, view: { sort: 'number', dir: 'asc', page: 99 } });
      expect(past.rows).toEqual([]);
    });

    it.each([
      ['state', 'asc'],
      ['state', 'desc'],
      ['npa', 'asc'],
      ['activated', 'desc'],
      ['monthly', 'asc'],
      ['monthly', 'desc'],
      ['number', 'desc'],
    ] as const)('sorts by %s %s on the server, across pages', async (sort, dir) => {
      const admin = await accessAs(test.db, 'admin@acme.example', tenants.acme.id);
      const expected = live(ofAccounts(tenants.acme.id, tenants.east.id, tenants.west.id)).sort(compareBy(sort, dir));
      const { e164s } = await everyPage(admin, {}, { sort, dir });
      expect(e164s).toEqual(expected.map((row) => row.e164));
    });

    it('filters by number (contains and prefix), state, area code, trunk group, e911, status and account', async () => {
      const owner = await accessAs(test.db, 'owner@acme.example', tenants.acme.id);
      const mine = ofAccounts(tenants.acme.id, tenants.east.id, tenants.west.id);
      const cases: [Partial<NumberInventoryFilter>, (row: Seeded) => boolean][] = [
        [{ q: '40012' }, (row) => row.status !== 'released' && row.e164.includes('40012')],
        [{ q: '1773', match: 'prefix' }, (row) => row.status !== 'released' && row.e164.startsWith('+1773')],
        [{ q: '3124001', match: 'prefix' }, (row) => row.status !== 'released' && row.e164.startsWith('+13124001')],
        [{ q: '4159', match: 'prefix' }, () => false],
        [{ state: 'NY' }, (row) => row.status !== 'released' && row.state === 'NY'],
        [{ npa: '888' }, (row) => row.status !== 'released' && row.npa === '888'],
        [{ trunk: TRUNK_GROUP_IDS[1] }, (row) => row.status !== 'released' && row.trunkGroupRef === TRUNK_GROUP_IDS[1]],
        [{ trunk: 'tg-1' }, () => false],
        [{ trunk: 'none' }, (row) => row.status !== 'released' && row.trunkGroupRef === null],
        [{ e911: 'registered' }, (row) => row.status !== 'released' && row.e911Status === 'registered'],
        [{ status: 'missing_upstream' }, (row) => row.status === 'missing_upstream'],
        [{ status: 'active', npa: '212' }, (row) => row.status === 'active' && row.npa === '212'],
        [{ released: true }, () => true],
        [{ released: true, account: tenants.west.id }, (row) => row.accountId === tenants.west.id],
        [{ account: tenants.globex.id }, () => false],
      ];
      for (const [filter, predicate] of cases) {
        const expected = mine.filter(predicate).sort(compareBy('number', 'asc'));
        const { e164s, total } = await everyPage(owner, filter, { sort: 'number', dir: 'asc' });
        expect(e164s, JSON.stringify(filter)).toEqual(expected.map((row) => row.e164));
        expect(total.count, JSON.stringify(filter)).toBe(expected.length);
      }
    });

    it('shows a technical user the current account only; admins its subtree', async () => {
      const techOnRoot = await accessAs(test.db, 'tech@acme.example', tenants.acme.id);
      const rootOnly = await everyPage(techOnRoot, {}, { sort: 'number', dir: 'asc' });
      expect(rootOnly.e164s).toEqual(live(ofAccounts(tenants.acme.id)).sort(compareBy('number', 'asc')).map((row) => row.e164));
      const list = await listAccountNumbers(techOnRoot, { filter: { ...allFilter, account: tenants.east.id }, view: { sort: 'number', dir: 'asc', page: 1 } });
      expect(list.showAccount).toBe(false);
      // The account filter needs the subtree view: it is ignored, not widened.
      expect(list.rows.every((row) => row.accountId === tenants.acme.id)).toBe(true);

      const techOnEast = await accessAs(test.db, 'tech@acme.example', tenants.east.id);
      const eastOnly = await everyPage(techOnEast, {}, { sort: 'number', dir: 'asc' });
      expect(eastOnly.e164s).toEqual(live(ofAccounts(tenants.east.id)).sort(compareBy('number', 'asc')).map((row) => row.e164));

      const viewer = await accessAs(test.db, 'viewer@acme.example', tenants.acme.id);
      await expect(listAccountNumbers(viewer, { filter: allFilter, view: { sort: 'number', dir: 'asc', page: 1 } })).resolves.toBeDefined();
      const finance = await accessAs(test.db, 'finance@acme.example', tenants.acme.id);
      await expect(listAccountNumbers(finance, { filter: allFilter, view: { sort: 'number', dir: 'asc', page: 1 } })).rejects.toMatchObject({ code: 'forbidden:role' });

      const globex = await accessAs(test.db, 'owner@globex.example', tenants.globex.id);
      const theirs = await everyPage(globex, {}, { sort: 'number', dir: 'asc' });
      expect(theirs.e164s).toEqual(live(ofAccounts(tenants.globex.id, tenants.globexBranch.id)).sort(compareBy('number', 'asc')).map((row) => row.e164));
    });

    it('shows upstreams, and filters by them, to operator staff only', async () => {
      const owner = await accessAs(test.db, 'owner@acme.example', tenants.acme.id);
      const customer = await listAccountNumbers(owner, { filter: { ...allFilter, connection: legacy[1] }, view: { sort: 'number', dir: 'asc', page: 1 } });
      expect(customer.showProvider).toBe(false);
      expect(customer.rows.every((row) => row.upstream === undefined)).toBe(true);
      expect(JSON.stringify(customer.rows)).not.toMatch(/voicetel|carrierx|Legacy/i);
      expect(customer.total.count).toBe(live(ofAccounts(tenants.acme.id, tenants.east.id, tenants.west.id)).length);

      const staff = await accessAs(test.db, 'staff@carrier.example', tenants.acme.id);
      const filtered = await everyPage(staff, { connection: legacy[1] }, { sort: 'number', dir: 'asc' });
      const expected = live(ofAccounts(tenants.acme.id, tenants.east.id, tenants.west.id)).filter((row) => row.connectionId === legacy[1]);
      expect(filtered.e164s).toEqual(expected.sort(compareBy('number', 'asc')).map((row) => row.e164));
      const page = await listAccountNumbers(staff, { filter: allFilter, view: { sort: 'number', dir: 'asc', page: 1 } });
      expect(page.showProvider).toBe(true);
      expect(page.rows[0]!.upstream).toMatchObject({ providerName: expect.stringMatching(/VoiceTel|CarrierX/), connectionName: expect.stringMatching(/Legacy/) });
    });

    it('counts with a cap', async () => {
      const scope = { accountId: tenants.acme.id, accountPath: tenants.acme.path, subtree: true };
      expect(await countNumbersByAccountScope(test.db, { scope, filter: allFilter, cap: 10 })).toEqual({ count: 10, capped: true });
      expect(await countNumbersByAccountScope(test.db, { scope, filter: { ...allFilter, npa: '415', account: tenants.acme.id }, cap: 10 })).toEqual({
        count: live(ofAccounts(tenants.acme.id)).filter((row) => row.npa === '415').length,
        capped: false,
      });
    });

    it('reads filters from the URL, reporting bad ones beside their field and leaving them out', () => {
      const query = parseNumberInventoryQuery({ q: '+1 (312) 400', match: 'prefix', npa: '31', state: 'il', e911: 'bogus', sort: 'monthly', dir: 'desc', page: '3', released: '1' });
      expect(query.filter).toMatchObject({ q: '1312400', match: 'prefix', state: 'IL', released: true });
      expect(query.filter.npa).toBeUndefined();
      expect(query.filter.e911).toBeUndefined();
      expect(Object.keys(query.fieldErrors).sort()).toEqual(['e911', 'npa']);
      expect(query.view).toEqual({ sort: 'monthly', dir: 'desc', page: 3 });
      expect(parseNumberInventoryQuery({ sort: 'drop table', page: '-1' }).view).toEqual({ sort: 'number', dir: 'asc', page: 1 });
      expect(formatE164('+13125550100')).toBe('(312) 555-0100');
      expect(formatE164('+442071234567')).toBe('+44 20 7123 4567');
    });
  });

  describe('CSV export', () => {
    it('writes any strings so they parse back unchanged (commas, quotes, line breaks), formulas as text', () => {
      const text = fc.oneof(fc.string({ unit: fc.constantFrom(',', '"', '\n', '\r', ' ', 'a', 'Z', '9', 'é', '😀', '\t', '=', '+', '-', '@') }), fc.string({ unit: 'binary' }));
      fc.assert(
        fc.property(fc.array(text, { minLength: 1, maxLength: 8 }), (values) => {
          const row = csvRow(values);
          expect(row.endsWith('\r\n')).toBe(true);
          expect(parseCsv(row)).toEqual([values.map((value) => (/^[=+\-@\t\r]/.test(value) ? asText(value) : value))]);
        }),
        { numRuns: 500 },
      );
      expect(csvRow(['a,b', 'say "hi"', 'two\nlines', null, 3])).toBe('"a,b","say ""hi""","two\nlines",,3\r\n');
    });

    it('streams the filtered set in batches, with awkward values quoted', async () => {
      const owner = await accessAs(test.db, 'owner@acme.example', tenants.acme.id);
      const awkward = await createSubAccount(owner, { name: 'North, "Annex"', internationalAllowed: false, maxConcurrentCalls: undefined, maxCallsPerSecond: undefined, monthlySpendCap: undefined });
      await test.db.insert(phoneNumbers).values({
        accountId: awkward.id,
        e164: '+13124999999',
        kind: 'local',
        state: 'IL',
        npa: '312',
        rateCenter: 'CHICAGO "LOOP",\nNORTH',
        connectionId: legacy[0],
        trunkGroupRef: TRUNK_GROUP_IDS[2],
        monthly: '1.2500',
      });
      const again = await accessAs(test.db, 'owner@acme.example', tenants.acme.id);
      const csv = await readAll(exportNumbersCsv(again, { ...allFilter, state: 'IL' }, { batchSize: 7 }));
      const [header, ...records] = parseCsv(csv);
      expect(header).toEqual(['number', 'account', 'kind', 'state', 'npa', 'rate_center', 'status', 'trunk_group_ref', 'e911_status', 'monthly_usd', 'activated_at', 'released_at', 'billed_until']);
      const expected = [...live(ofAccounts(tenants.acme.id, tenants.east.id, tenants.west.id)).filter((row) => row.state === 'IL').map((row) => row.e164), '+13124999999'].sort();
      // A number starts with "+", which a spreadsheet would read as a formula: it is written as text.
      expect(records.map((record) => record[0])).toEqual(expected.map(asText));
      expect(records.every((record) => record.length === header!.length && record[3] === 'IL')).toBe(true);
      const odd = records.find((record) => record[0] === asText('+13124999999'))!;
      expect(odd[1]).toBe('North, "Annex"');
      expect(odd[5]).toBe('CHICAGO "LOOP",\nNORTH');
      expect(odd[7]).toBe(TRUNK_GROUP_IDS[2]);
      const sample = records.find((record) => record[0] === asText(expected[0]!))!;
      const source = seeded.find((row) => row.e164 === expected[0])!;
      expect(sample[9]).toBe(source.monthly);
      expect(sample[10]).toBe(source.activatedAt!.toISOString());
      expect(csv).not.toMatch(/Legacy|voicetel|carrierx/i);

      const staff = await accessAs(test.db, 'staff@carrier.example', tenants.acme.id);
      const [staffHeader] = parseCsv(await readAll(exportNumbersCsv(staff, { ...allFilter, npa: '888' })));
      expect(staffHeader!.slice(-2)).toEqual(['provider', 'connection']);

      const tech = await accessAs(test.db, 'tech@acme.example', tenants.acme.id);
      const [techHeader, ...techRecords] = parseCsv(await readAll(exportNumbersCsv(tech, allFilter)));
      expect(techHeader).not.toContain('account');
      expect(techRecords).toHaveLength(live(ofAccounts(tenants.acme.id)).length);
    });

    it('writes a cell that starts like a formula as text, as every other export does', async () => {
      const [formula] = await test.db
        .insert(phoneNumbers)
        .values({ accountId: tenants.east.id, e164: '+13124999998', kind: 'local', state: 'IL', npa: '312', rateCenter: '=HYPERLINK("x")', connectionId: legacy[0], monthly: '1.2500' })
        .returning();
      try {
        const owner = await accessAs(test.db, 'owner@acme.example', tenants.acme.id);
        const csv = await readAll(exportNumbersCsv(owner, { ...allFilter, q: '13124999998', match: 'prefix' }));
        const [header, record] = parseCsv(csv);
        expect(record![header!.indexOf('rate_center')]).toBe(`'=HYPERLINK("x")`);
        expect(csv).toContain(`,"'=HYPERLINK(""x"")",`);
        expect(csv).not.toMatch(/(^|,)=HYPERLINK/m);
      } finally {
        await test.db.delete(phoneNumbers).where(eq(phoneNumbers.id, formula!.id));
      }
    });

    it('answers the export route with an attachment, the same filters, and 400 for a bad one', async () => {
      const { GET } = await import('@/app/api/v1/numbers/export/route');
      const [owner] = await test.db.select().from(users).where(eq(users.email, 'owner@acme.example'));
      session.userId = owner!.id;
      const response = await GET(new Request(`http://portal.test/api/v1/numbers/export?accountId=${tenants.east.id}&npa=212&status=active`), { params: Promise.resolve({}) });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="numbers-acme-east-\d{4}-\d{2}-\d{2}\.csv"$/);
      const [, ...records] = parseCsv(await response.text());
      expect(records.map((record) => record[0])).toEqual(ofAccounts(tenants.east.id).filter((row) => row.status === 'active' && row.npa === '212').map((row) => asText(row.e164)).sort());

      const bad = await GET(new Request(`http://portal.test/api/v1/numbers/export?npa=1`), { params: Promise.resolve({}) });
      expect(bad.status).toBe(400);
      expect(await bad.json()).toMatchObject({ error: { code: 'invalid:query', fields: { npa: [expect.any(String)] } } });
      const foreign = await GET(new Request(`http://portal.test/api/v1/numbers/export?accountId=${tenants.globex.id}`), { params: Promise.resolve({}) });
      expect(foreign.status).toBe(404);
      session.userId = undefined;
      expect((await GET(new Request('http://portal.test/api/v1/numbers/export'), { params: Promise.resolve({}) })).status).toBe(401);
    });
  });

  describe('one number', () => {
    it('shows routing, e911, price and the order that bought it; another tenant gets not_found', async () => {
      const [order] = await test.db
        .insert(numberOrders)
        .values({ accountId: tenants.east.id, idempotencyKey: 'detail-order', status: 'completed', totalMonthly: '1.2500', totalSetup: '0.5000', createdAt: new Date('2025-03-03T10:00:00Z'), completedAt: new Date('2025-03-03T10:00:05Z') })
        .returning();
      const [line] = await test.db
        .insert(numberOrderLines)
        .values({ orderId: order!.id, e164: '+13124888888', kind: 'local', state: 'IL', connectionId: legacy[0], status: 'active', monthly: '1.2500', setup: '0.5000' })
        .returning();
      const [number] = await test.db
        .insert(phoneNumbers)
        .values({ accountId: tenants.east.id, e164: '+13124888888', kind: 'local', state: 'IL', npa: '312', connectionId: legacy[0], monthly: '1.2500', trunkGroupRef: TRUNK_GROUP_IDS[3], e911Status: 'registered', orderLineId: line!.id })
        .returning();

      const tech = await accessAs(test.db, 'tech@acme.example', tenants.acme.id);
      const detail = await getNumberDetail(tech, number!.id);
      expect(detail.number).toMatchObject({ e164: '+13124888888', accountName: 'Acme East', trunkGroupRef: TRUNK_GROUP_IDS[3], e911Status: 'registered' });
      // Prices only for roles that read billing (DESIGN.md §1): not for a technical user.
      expect(detail.number).not.toHaveProperty('monthly');
      expect(detail.number.upstream).toBeUndefined();
      expect(detail.order).toMatchObject({ orderId: order!.id, orderStatus: 'completed', lineStatus: 'active', orderedAt: new Date('2025-03-03T10:00:00Z') });
      expect(detail).toMatchObject({ mayRelease: true, mayMove: false, moveTargets: [] });

      const globex = await accessAs(test.db, 'owner@globex.example', tenants.globex.id);
      await expect(getNumberDetail(globex, number!.id)).rejects.toMatchObject({ code: 'not_found:number' });
      expect(await getPhoneNumberById(test.db, { numberId: number!.id, accountPath: tenants.west.path })).toBeUndefined();
      await expect(getNumberDetail(globex, 'not-a-uuid')).rejects.toMatchObject({ code: 'not_found:number' });
    });
  });

  describe('release', () => {
    async function ownNumber(e164: string, accountId = tenants.east.id, connectionId = connectionOf.voicetel) {
      const [row] = await test.db
        .insert(phoneNumbers)
        .values({ accountId, e164, kind: 'local', state: 'IL', npa: e164.slice(2, 5), connectionId, monthly: '1.2500', activatedAt: new Date(Date.now() - 3600_000) })
        .returning();
      return row!;
    }

    it('records the release, bills to the end of the month, asks the upstream once and audits it', async () => {
      resetBreakers();
      const number = await ownNumber(voicetelOwned[0]!);
      const tech = await accessAs(test.db, 'tech@acme.example', tenants.acme.id);
      proxy.deletes = [];
      const before = new Date();
      const outcome = await releaseNumber(tech, number.id);
      expect(outcome).toMatchObject({ upstreamReleased: true, e164: number.e164, message: `${formatE164(number.e164)} is released. It stays on your bill until ${formatDate(endOfMonthUtc(before), 'long')}.` });
      expect(proxy.deletes).toEqual([`/v2.2/numbers/${number.e164.slice(2)}`]);

      const [row] = await test.db.select().from(phoneNumbers).where(eq(phoneNumbers.id, number.id));
      expect(row!.status).toBe('released');
      expect(row!.releasedAt!.getTime()).toBeGreaterThanOrEqual(before.getTime());
      expect(row!.billedUntil).toEqual(endOfMonthUtc(row!.releasedAt!));
      expect(row!.billedUntil!.getUTCDate()).toBe(new Date(Date.UTC(before.getUTCFullYear(), before.getUTCMonth() + 1, 0)).getUTCDate());
      expect(row!.billedUntil!.toISOString()).toMatch(/T23:59:59\.999Z$/);

      const { adapter } = await getConnectionAdapter(connectionOf.voicetel);
      const still = await requireCapability(adapter, 'numbers').list({ limit: 100 });
      expect(still.items.map((item) => item.e164)).not.toContain(number.e164);

      const audit = await test.db.select().from(auditEvents).where(and(eq(auditEvents.targetId, number.id), eq(auditEvents.action, 'number.release')));
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ accountId: tenants.east.id, actorEmail: 'tech@acme.example', after: { status: 'released' } });

      // A second click changes nothing and asks nobody.
      expect(await releaseNumber(tech, number.id)).toMatchObject({ alreadyReleased: true });
      expect(proxy.deletes).toHaveLength(1);
      // Released numbers leave the table but are there with "show released".
      const owner = await accessAs(test.db, 'owner@acme.example', tenants.acme.id);
      const byNumber = { ...allFilter, q: number.e164.slice(1), match: 'prefix' as const };
      const view = { sort: 'number' as const, dir: 'asc' as const, page: 1 };
      expect((await listAccountNumbers(owner, { filter: byNumber, view })).rows).toEqual([]);
      const shown = await listAccountNumbers(owner, { filter: { ...byNumber, released: true }, view });
      expect(shown.rows.map((row) => [row.id, row.status])).toEqual([[number.id, 'released']]);
    });

    it('keeps the number active and names the provider when the upstream fails', async () => {
      resetBreakers();
      const number = await ownNumber(voicetelOwned[1]!);
      const admin = await accessAs(test.db, 'admin@acme.example', tenants.acme.id);
      proxy.failDeletes = true;
      try {
        await expect(releaseNumber(admin, number.id)).rejects.toMatchObject({ code: 'unavailable:provider', message: expect.stringMatching(/^Our carrier is not answering right now; .+ is still yours and nothing was changed\. Try again in a few minutes\.$/) });
      } finally {
        proxy.failDeletes = false;
      }
      expect(proxy.deletes.length).toBeGreaterThan(1);
      const [row] = await test.db.select().from(phoneNumbers).where(eq(phoneNumbers.id, number.id));
      expect(row).toMatchObject({ status: 'active', releasedAt: null, billedUntil: null });
      const actions = (await test.db.select().from(auditEvents).where(eq(auditEvents.targetId, number.id))).map((event) => event.action);
      expect(actions.sort()).toEqual(['number.release', 'number.release_failed']);
      resetBreakers();
    });

    const releaseTasksOf = (subjectId: string) => test.db.select().from(staffTasks).where(and(eq(staffTasks.kind, 'release_at_carrier'), eq(staffTasks.subjectId, subjectId)));

    it('releases in the portal, and opens one staff task, where the upstream cannot release through its API', async () => {
      const number = await ownNumber('+13124777777', tenants.east.id, connectionOf.voicemeup);
      const owner = await accessAs(test.db, 'owner@acme.example', tenants.acme.id);
      // The page says so before the release: calls do not stop at once there.
      expect(await getNumberDetail(owner, number.id)).toMatchObject({ mayRelease: true, releaseLeftToStaff: true, awaitingCarrierRelease: false });
      expect((await getNumberDetail(owner, (await ownNumber('+13124777778', tenants.east.id, legacy[0])).id)).releaseLeftToStaff).toBe(false);

      const outcome = await releaseNumber(owner, number.id);
      expect(outcome).toMatchObject({ upstreamReleased: false, message: expect.stringContaining(`${formatE164(number.e164)} is released here; our team releases it at the carrier`) });
      expect(outcome.message).not.toMatch(/stop|VoiceMeUp/i);
      const [row] = await test.db.select().from(phoneNumbers).where(eq(phoneNumbers.id, number.id));
      expect(row!.status).toBe('released');

      const tasks = await releaseTasksOf(number.id);
      expect(tasks).toHaveLength(1);
      expect(tasks[0]).toMatchObject({ status: 'open', accountId: tenants.east.id, subjectType: 'phone_number', connectionId: connectionOf.voicemeup, title: `Release ${formatE164(number.e164)} at VoiceMeUp` });
      expect(await getNumberDetail(owner, number.id)).toMatchObject({ mayRelease: false, awaitingCarrierRelease: true });
      // A second click changes nothing and opens nothing.
      expect(await releaseNumber(owner, number.id)).toMatchObject({ alreadyReleased: true, message: `${formatE164(number.e164)} was already released.` });
      expect(await releaseTasksOf(number.id)).toHaveLength(1);
    });

    it('lets the release stand, and asks staff to settle the carrier, when another account took the number before the carrier refused', async () => {
      resetBreakers();
      const number = await ownNumber(voicetelOwned[4]!);
      const admin = await accessAs(test.db, 'admin@acme.example', tenants.acme.id);
      let rivalId: string | undefined;
      // The release freed the number here; another account's order makes it theirs while the carrier is asked.
      proxy.onDelete = async () => {
        proxy.onDelete = undefined;
        const [rival] = await test.db.insert(phoneNumbers).values({ accountId: tenants.globex.id, e164: number.e164, kind: 'local', state: 'IL', npa: number.npa, connectionId: legacy[0], monthly: '1.2500' }).returning();
        rivalId = rival!.id;
      };
      proxy.failDeletes = true;
      try {
        const outcome = await releaseNumber(admin, number.id);
        expect(outcome).toMatchObject({ upstreamReleased: false, message: expect.stringContaining('is released here; our team releases it at the carrier') });
      } finally {
        proxy.failDeletes = false;
        proxy.onDelete = undefined;
        resetBreakers();
      }
      expect(rivalId).toBeDefined();
      const rows = await test.db.select().from(phoneNumbers).where(eq(phoneNumbers.e164, number.e164));
      expect(rows.map((row) => [row.accountId, row.status]).sort()).toEqual([[tenants.east.id, 'released'], [tenants.globex.id, 'active']].sort());
      const tasks = await releaseTasksOf(number.id);
      expect(tasks).toHaveLength(1);
      expect(tasks[0]!.detail).toContain(tenants.globex.id);
      const actions = (await test.db.select().from(auditEvents).where(eq(auditEvents.targetId, number.id))).map((event) => event.action);
      expect(actions).toEqual(['number.release']);
      await test.db.delete(phoneNumbers).where(eq(phoneNumbers.id, rivalId!));
    });

    it('refuses another tenant\'s number (not_found) and roles without technical.write', async () => {
      const number = await ownNumber('+13124666666', tenants.east.id, legacy[0]);
      const globex = await accessAs(test.db, 'owner@globex.example', tenants.globex.id);
      await expect(releaseNumber(globex, number.id)).rejects.toMatchObject({ code: 'not_found:number' });
      const viewer = await accessAs(test.db, 'viewer@acme.example', tenants.acme.id);
      await expect(releaseNumber(viewer, number.id)).rejects.toMatchObject({ code: 'forbidden:role' });
      const [row] = await test.db.select().from(phoneNumbers).where(eq(phoneNumbers.id, number.id));
      expect(row!.status).toBe('active');
    });
  });

  describe('move', () => {
    it('moves a number between sub-accounts of the tree an admin manages, and audits it', async () => {
      const [number] = await test.db
        .insert(phoneNumbers)
        .values({ accountId: tenants.east.id, e164: '+13124555555', kind: 'local', state: 'IL', npa: '312', connectionId: legacy[0], monthly: '1.2500' })
        .returning();
      const admin = await accessAs(test.db, 'admin@acme.example', tenants.acme.id);
      const detail = await getNumberDetail(admin, number!.id);
      expect(detail.mayMove).toBe(true);
      expect(detail.moveTargets.map((target) => target.name)).toEqual(expect.arrayContaining(['Acme Telecom', 'Acme West']));
      expect(detail.moveTargets.map((target) => target.name)).not.toContain('Acme East');

      expect(await moveNumber(admin, { numberId: number!.id, targetAccountId: tenants.west.id })).toMatchObject({ from: 'Acme East', to: 'Acme West' });
      const [row] = await test.db.select().from(phoneNumbers).where(eq(phoneNumbers.id, number!.id));
      expect(row!.accountId).toBe(tenants.west.id);
      const [audit] = await test.db.select().from(auditEvents).where(and(eq(auditEvents.targetId, number!.id), eq(auditEvents.action, 'number.move')));
      expect(audit).toMatchObject({ accountId: tenants.east.id, before: { account: 'Acme East' }, after: { account: 'Acme West', accountId: tenants.west.id } });

      await expect(moveNumber(admin, { numberId: number!.id, targetAccountId: tenants.west.id })).rejects.toMatchObject({ code: 'invalid:move_target' });
      // Routed to a trunk group of its account, it stays until it is taken off the group.
      await test.db.update(phoneNumbers).set({ trunkGroupRef: TRUNK_GROUP_IDS[0] }).where(eq(phoneNumbers.id, number!.id));
      await expect(moveNumber(admin, { numberId: number!.id, targetAccountId: tenants.east.id })).rejects.toMatchObject({
        code: 'conflict:number_routed',
        message: expect.stringContaining('Take it off that trunk group first'),
      });
      expect((await test.db.select().from(phoneNumbers).where(eq(phoneNumbers.id, number!.id)))[0]!.accountId).toBe(tenants.west.id);
      // Routed after the move was checked (two requests at once): the move's write itself refuses it,
      // and routing writes only numbers still in the group's account.
      expect(await moveNumberToAccount(test.db, { numberId: number!.id, fromAccountId: tenants.west.id, toAccountId: tenants.east.id })).toBeUndefined();
      await test.db.update(phoneNumbers).set({ trunkGroupRef: null }).where(eq(phoneNumbers.id, number!.id));
      expect(await setTrunkGroupOfNumbers(test.db, { numberIds: [number!.id], trunkGroupId: TRUNK_GROUP_IDS[0]!, accountId: tenants.east.id })).toBe(0);
      expect((await test.db.select().from(phoneNumbers).where(eq(phoneNumbers.id, number!.id)))[0]!.trunkGroupRef).toBeNull();
      await expect(moveNumber(admin, { numberId: number!.id, targetAccountId: tenants.globexBranch.id })).rejects.toMatchObject({ code: 'not_found:account' });
      const tech = await accessAs(test.db, 'tech@acme.example', tenants.acme.id);
      await expect(moveNumber(tech, { numberId: number!.id, targetAccountId: tenants.east.id })).rejects.toMatchObject({ code: 'forbidden:role' });
      const globex = await accessAs(test.db, 'owner@globex.example', tenants.globex.id);
      await expect(moveNumber(globex, { numberId: number!.id, targetAccountId: tenants.globexBranch.id })).rejects.toMatchObject({ code: 'not_found:number' });

      // An admin of East alone cannot move a number up out of East: the target is outside their tree.
      const eastAdmin = await accessAs(test.db, 'admin@acme.example', tenants.east.id);
      const [eastNumber] = await test.db
        .insert(phoneNumbers)
        .values({ accountId: tenants.east.id, e164: '+13124555556', kind: 'local', state: 'IL', npa: '312', connectionId: legacy[0], monthly: '1.2500' })
        .returning();
      await expect(moveNumber(eastAdmin, { numberId: eastNumber!.id, targetAccountId: tenants.west.id })).rejects.toMatchObject({ code: 'not_found:account' });
      const [unchanged] = await test.db.select().from(phoneNumbers).where(eq(phoneNumbers.id, eastNumber!.id));
      expect(unchanged!.accountId).toBe(tenants.east.id);
    });

    it('will not move into a suspended account', async () => {
      const [number] = await test.db
        .insert(phoneNumbers)
        .values({ accountId: tenants.east.id, e164: '+13124555557', kind: 'local', state: 'IL', npa: '312', connectionId: legacy[0], monthly: '1.2500' })
        .returning();
      await test.db.update(accounts).set({ status: 'suspended' }).where(eq(accounts.id, tenants.west.id));
      try {
        const admin = await accessAs(test.db, 'admin@acme.example', tenants.acme.id);
        await expect(moveNumber(admin, { numberId: number!.id, targetAccountId: tenants.west.id })).rejects.toMatchObject({ code: 'forbidden:suspended' });
      } finally {
        await test.db.update(accounts).set({ status: 'active' }).where(eq(accounts.id, tenants.west.id));
      }
    });
  });

  describe('refresh job', () => {
    async function insertOn(connectionId: string, e164: string, status: 'active' | 'missing_upstream' = 'active') {
      const [row] = await test.db
        .insert(phoneNumbers)
        .values({ accountId: tenants.east.id, e164, kind: 'local', state: 'IL', npa: e164.slice(2, 5), connectionId, monthly: '1.2500', status, activatedAt: new Date(Date.now() - 3600_000) })
        .returning();
      return row!;
    }
    const statusOf = async (id: string) => (await test.db.select().from(phoneNumbers).where(eq(phoneNumbers.id, id)))[0]!;

    it('marks what the upstream lists as seen, restores a missing number it lists again, and flags one it does not', async () => {
      resetBreakers();
      const seen = await insertOn(connectionOf.voicetel, voicetelOwned[2]!);
      const back = await insertOn(connectionOf.voicetel, voicetelOwned[3]!, 'missing_upstream');
      const gone = await insertOn(connectionOf.voicetel, '+13124111111');
      const before = new Date();
      const outcomes = await refreshOwnedNumbers({ pageSize: 3 });

      expect(outcomes.map((outcome) => outcome.provider).sort()).toEqual(['carrierx', 'vitcom', 'voicemeup', 'voicetel']);
      const voicetel = outcomes.find((outcome) => outcome.connectionId === connectionOf.voicetel)!;
      // voicetelOwned[0] was released in the release test, so the sandbox has one fewer.
      expect(voicetel).toEqual({ connectionId: connectionOf.voicetel, provider: 'voicetel', seen: voicetelOwned.length - 1, flagged: 1, restored: 1 });
      expect(outcomes.filter((outcome) => outcome.skipped)).toEqual([]);

      expect((await statusOf(seen.id)).lastSeenUpstreamAt!.getTime()).toBeGreaterThanOrEqual(before.getTime());
      expect(await statusOf(back.id)).toMatchObject({ status: 'active' });
      expect(await statusOf(gone.id)).toMatchObject({ status: 'missing_upstream' });
      // Never deleted, never touched on the disabled connections.
      const legacyRows = await test.db.select().from(phoneNumbers).where(eq(phoneNumbers.connectionId, legacy[0]));
      expect(legacyRows.every((row) => row.lastSeenUpstreamAt === null)).toBe(true);

      const again = await refreshOwnedNumbers({ pageSize: 3 });
      expect(again.find((outcome) => outcome.connectionId === connectionOf.voicetel)).toMatchObject({ flagged: 0, restored: 0 });
    });

    it('flags nothing for a provider whose listing fails part-way, and skips a rate-limited one', async () => {
      resetBreakers();
      const unseen = await insertOn(connectionOf.voicetel, '+13124222222');
      proxy.listCalls = 0;
      proxy.failListAfter = { calls: 1, status: 503 };
      try {
        const outcomes = await refreshOwnedNumbers({ pageSize: 2 });
        const voicetel = outcomes.find((outcome) => outcome.connectionId === connectionOf.voicetel)!;
        expect(voicetel).toMatchObject({ seen: 2, flagged: 0, skipped: 'unavailable' });
        // The other providers were refreshed all the same.
        expect(outcomes.filter((outcome) => outcome.connectionId !== connectionOf.voicetel).every((outcome) => !outcome.skipped)).toBe(true);
        expect(await statusOf(unseen.id)).toMatchObject({ status: 'active' });

        resetBreakers();
        proxy.listCalls = 0;
        proxy.failListAfter = { calls: 0, status: 429 };
        const limited = await refreshOwnedNumbers({ pageSize: 2 });
        expect(limited.find((outcome) => outcome.connectionId === connectionOf.voicetel)).toMatchObject({ seen: 0, flagged: 0, restored: 0, skipped: 'rate_limited' });
        expect(await statusOf(unseen.id)).toMatchObject({ status: 'active' });
      } finally {
        proxy.failListAfter = undefined;
        resetBreakers();
      }
      const complete = await refreshOwnedNumbers({ pageSize: 2 });
      expect(complete.find((outcome) => outcome.connectionId === connectionOf.voicetel)).toMatchObject({ flagged: 1 });
      expect(await statusOf(unseen.id)).toMatchObject({ status: 'missing_upstream' });
    });

    it('flags nothing for a provider whose listing it cannot read: the refresh reports it malformed', async () => {
      resetBreakers();
      const unseen = await insertOn(connectionOf.vitcom, '+12144333333');
      const vitcom = sandboxes.get('vitcom')!;
      vitcom.setKnobs({ scenarios: ['numbers-foreign-didnumber'] });
      try {
        const outcomes = await refreshOwnedNumbers({ pageSize: 50 });
        expect(outcomes.find((outcome) => outcome.connectionId === connectionOf.vitcom)).toMatchObject({ flagged: 0, skipped: 'malformed' });
        expect(await statusOf(unseen.id)).toMatchObject({ status: 'active' });
      } finally {
        vitcom.setKnobs({ scenarios: [] });
        resetBreakers();
      }
    });
  });
});
