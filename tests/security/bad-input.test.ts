/**
 * Bad input never reaches a 500. Every page (app/**\/page.tsx) is called with arbitrary search
 * params and dynamic params: NUL and other control characters, `%00`, lone surrogates, huge strings,
 * impossible dates, `0x10` and `1e3`, repeated keys, prototype names. It must render (with a message
 * for what it could not use) or stop with one of Next's interrupts (not found, forbidden, redirect);
 * nothing else may escape. Every route handler (app/**\/route.ts) answers below 500, with a JSON error
 * body for every 4xx, and a 400 for a control character anywhere in the query of a customer API.
 *
 * Pages and routes are found from the files, and take their params and signed-in role from the
 * isolation registry (tests/isolation/surfaces.ts) when they are registered there, so a new one is
 * covered without touching this file.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { INCOMPLETE_EXPORT_LINE } from '@/lib/auth/route';
import { numberOrders, phoneNumbers, providerConnections, trunkGroups, users } from '@/lib/db/schema';
import { sealCredentials } from '@/lib/services/secret-box';
import { SURFACES, type ActionSurface, type PageSurface, type RouteSurface, type SurfaceContext } from '../isolation/surfaces';
import { API_ENDPOINTS } from '@/lib/api/contracts';
import { routeFileOf } from '../support/api-operations';
import { useTestDatabase } from '../support/db';
import { lineNamed, seedIssuedUsageInvoice } from '../support/disputes';
import { seedTwoTenants } from '../support/fixtures';
import { seedReadyPort } from '../support/port-fixtures';
import { textOf } from '../support/render-text';

const session = vi.hoisted(() => ({ userId: undefined as string | undefined, signIns: [] as unknown[] }));
const failures = vi.hoisted(() => ({ exportQuery: 'never' as 'never' | 'first page' | 'after first page' }));

vi.mock('@/lib/auth/config', async () => (await import('../support/next-mocks')).authConfigMock(session));
vi.mock('next-auth', async () => (await import('../support/next-mocks')).nextAuthMock());
vi.mock('next/headers', async () => (await import('../support/next-mocks')).nextHeadersMock(session));
vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));
vi.mock('next/server', () => ({ after: () => undefined }));
// The export's batches: fail on demand, to see what a client receives when the database goes away.
vi.mock('@/lib/db/queries/numbers', async (importOriginal) => {
  const original = await importOriginal<typeof import('@/lib/db/queries/numbers')>();
  return {
    ...original,
    getNumbersByAccountScopeAfter: async (...args: Parameters<typeof original.getNumbersByAccountScopeAfter>) => {
      const { after } = args[1];
      if (failures.exportQuery === 'first page' || (failures.exportQuery === 'after first page' && after)) throw new Error('connection to the database lost');
      return original.getNumbersByAccountScopeAfter(...args);
    },
  };
});

process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS = 'true';

const ROOT = path.resolve(import.meta.dirname, '../..');
const RUNS = 25;

function appFiles(name: RegExp): string[] {
  return (readdirSync(path.join(ROOT, 'app'), { recursive: true, encoding: 'utf8' }) as string[])
    .map((file) => `app/${file.split(path.sep).join('/')}`)
    .filter((file) => name.test(path.posix.basename(file)))
    .sort();
}

/** `[accountId]`, `[...nextauth]` → their names. */
const dynamicSegments = (file: string) => [...file.matchAll(/\[(?:\.\.\.)?([^\]]+)\]/g)].map((match) => match[1]!);

// --- What goes into a query string -------------------------------------------------------------------

/** Every key some page or route reads, so the values reach a parser and not only the void. */
const KNOWN_KEYS = [
  'q', 'match', 'state', 'npa', 'nxx', 'trunk', 'e911', 'status', 'released', 'account', 'accountId', 'connection', 'sort', 'dir', 'page', 'more',
  'kind', 'rateCenter', 'tollFreePrefix', 'pattern', 'quantity', 'consecutive', 'action', 'actor', 'from', 'to', 'before', 'deleted', 'kept', 'saved',
  'callbackUrl', 'token', 'error',
];
/** Values by kind, each kind drawn about as often as the others so a few runs reach every parser. */
const CONTROL_VALUES = ['\u0000', 'abc\u0000def', 'owner\u0000', 'IL\n', '312\u0000', '1\u0000', '\n', '\r\n', 'a\tb', '\u0007', '\u001b[31m', '\u007f', '\u0085', '\u009f'];
const BROKEN_TEXT = ['\ud800', '\udfff', 'x\ud83d', '\ufffd', '\u202e', '%00', '%zz', '😀', 'é', ' ', '', '  '];
const DATES = ['9999-99-99', '2023-02-29', '2024-02-30', '0000-00-00', '2024-13-01', '1899-12-31', '+002024-01-01', '2024-01-01', '2024-1-1'];
const NUMBERS = ['0x10', '1e3', '1E3', '-1', '0', '1', '2', '4', '5', '1.5', ' 7 ', '٣', 'NaN', 'Infinity', '9'.repeat(400)];
const PLAUSIBLE = [
  'IL', 'il', 'ON', '312', '212', '555', 'local', 'tollfree', '833', 'active', 'released', 'none', 'pending', 'prefix', 'contains', 'desc', 'asc',
  'number', 'monthly', 'on', 'true', 'created', 'updated', 'account.create', 'owner@acme.example', '/numbers', '00000000-0000-4000-8000-000000000000',
];
const HOSTILE = [
  '__proto__', 'constructor', 'toString', 'hasOwnProperty', '../../etc/passwd', '<script>alert(1)</script>', "' OR 1=1 --", '%', '_', '\\',
  '//evil.example', '/\\evil.example', '/x\ny', 'javascript:alert(1)', 'https://evil.example/', 'not-a-uuid',
];
const HUGE = ['x'.repeat(20_000), '\u0000'.repeat(5_000), '1'.repeat(5_000)];
/** One of each kind of bad value, given to every search param a page reads. */
const REPRESENTATIVE_BAD_VALUES: (string | string[])[] = [
  '\u0000', 'a\u0000b', '\r\n', '\u0085', '\ud800', '9999-99-99', '2023-02-29', '0x10', '1e3', '-1', 'x'.repeat(20_000), '__proto__', ['1', '0x10', '\u0000'],
];
/**
 * The kinds that broke parsers before (NUL in a database query, an impossible date, a hex number, a
 * month of year 0, a page position past the year 9999): one param at a time.
 */
const SINGLE_BAD_VALUES = ['abc\u0000def', '9999-99-99', '0x10', '0000-01', '300000000000000.1'];
const ALL_VALUES = [...CONTROL_VALUES, ...BROKEN_TEXT, ...DATES, ...NUMBERS, ...PLAUSIBLE, ...HOSTILE];

const nastyValue = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...CONTROL_VALUES) },
  { weight: 2, arbitrary: fc.constantFrom(...BROKEN_TEXT) },
  { weight: 2, arbitrary: fc.constantFrom(...DATES) },
  { weight: 2, arbitrary: fc.constantFrom(...NUMBERS) },
  { weight: 2, arbitrary: fc.constantFrom(...PLAUSIBLE) },
  { weight: 1, arbitrary: fc.constantFrom(...HOSTILE) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...ALL_VALUES), fc.constantFrom(...ALL_VALUES)).map(([left, right]) => left + right) },
  { weight: 1, arbitrary: fc.constantFrom(...HUGE) },
);
/** Keys: mostly those the surface reads (when known), then any a page reads, then odd ones. */
const keyAmong = (read: string[]) =>
  fc.oneof(
    { weight: read.length > 0 ? 10 : 0, arbitrary: read.length > 0 ? fc.constantFrom(...read) : fc.constant('q') },
    { weight: 4, arbitrary: fc.constantFrom(...KNOWN_KEYS) },
    { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'a\u0000b', '', 'x'.repeat(2_000)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
  );
/** Query-string entries in order; a key may repeat (`?page=1&page=0x10`). */
const queryEntries = (read: string[] = []) => fc.array(fc.tuple(keyAmong(read), nastyValue), { minLength: 1, maxLength: 5 });

/**
 * The search-param names a page reads, found by handing it a Proxy that records every property it
 * asks for (destructuring, `in`, Object.hasOwn, a zod object schema). Its fuzzing then aims at them.
 */
async function keysReadBy(page: (props: unknown) => Promise<unknown>, params: Record<string, string>): Promise<string[]> {
  const read = new Set<string>();
  const record = (name: string | symbol) => {
    if (typeof name === 'string' && !['then', 'constructor', 'toJSON', '$$typeof', '__proto__'].includes(name)) read.add(name);
  };
  const recorder = new Proxy({} as Record<string, string>, {
    get: (_target, name) => void record(name),
    has: (_target, name) => (record(name), false),
    getOwnPropertyDescriptor: (_target, name) => void record(name),
  });
  await callPage(page, params, recorder).catch(() => undefined);
  return [...read].sort();
}

/** A page's searchParams as Next hands them over: own properties, a repeated key as an array. */
function searchParamsOf(entries: [string, string][]): Record<string, string | string[]> {
  const grouped = new Map<string, string[]>();
  for (const [name, value] of entries) grouped.set(name, [...(grouped.get(name) ?? []), value]);
  return Object.fromEntries([...grouped].map(([name, values]) => [name, values.length === 1 ? values[0]! : values]));
}

const hasControl = (text: string) => /[\u0000-\u001f\u007f-\u009f]/.test(text);

// --- Calling pages -------------------------------------------------------------------------------------

type PageOutcome = { outcome: 'rendered'; element: unknown } | { outcome: 'interrupt'; digest: string };

async function callPage(page: (props: unknown) => Promise<unknown>, params: Record<string, string>, searchParams: Record<string, string | string[]>): Promise<PageOutcome> {
  try {
    return { outcome: 'rendered', element: await page({ params: Promise.resolve(params), searchParams: Promise.resolve(searchParams) }) };
  } catch (error) {
    const digest = String((error as { digest?: unknown } | null)?.digest ?? '');
    if (/^NEXT_HTTP_ERROR_FALLBACK;(401|403|404)$/.test(digest) || digest.startsWith('NEXT_REDIRECT')) return { outcome: 'interrupt', digest };
    throw error;
  }
}

const isElement = (value: unknown): value is { type: unknown; props: Record<string, unknown> } =>
  Boolean(value && typeof value === 'object' && typeof (value as { $$typeof?: unknown }).$$typeof === 'symbol' && 'props' in (value as object));

/**
 * What React would refuse to render from this tree: an object or a function where a child belongs
 * (`Objects are not valid as a React child`). Walks children and element-valued props.
 */
function unrenderable(node: unknown, seen = new Set<unknown>()): string | null {
  if (node === null || node === undefined || typeof node === 'boolean' || typeof node === 'string' || typeof node === 'number' || typeof node === 'bigint') return null;
  if (seen.has(node)) return null;
  seen.add(node);
  if (Array.isArray(node)) {
    for (const item of node) {
      const problem = unrenderable(item, seen);
      if (problem) return problem;
    }
    return null;
  }
  if (typeof node === 'function') return `a function (${node.name || 'anonymous'}) as a child`;
  if (typeof node !== 'object') return `a ${typeof node} as a child`;
  if (typeof (node as { then?: unknown }).then === 'function') return null;
  if (!isElement(node)) return typeof (node as { $$typeof?: unknown }).$$typeof === 'symbol' ? null : `an object as a child: ${JSON.stringify(node)?.slice(0, 80)}`;
  const problem = unrenderable(node.props.children, seen);
  if (problem) return problem;
  for (const [name, value] of Object.entries(node.props)) {
    if (name === 'children') continue;
    if (isElement(value) || (Array.isArray(value) && value.some(isElement))) {
      const nested = unrenderable(value, seen);
      if (nested) return nested;
    }
  }
  return null;
}

// --- Calling route handlers ------------------------------------------------------------------------

type Handler = (request: Request, context: unknown) => Promise<Response>;

async function callRoute(handler: Handler, url: string, params: Record<string, string>) {
  const response = await handler(new Request(url), { params: Promise.resolve(params) });
  const type = response.headers.get('content-type') ?? '';
  const body = response.status >= 400 ? ((await response.json().catch(() => undefined)) as { error?: { code?: unknown; message?: unknown; fields?: Record<string, string[]> } } | undefined) : undefined;
  if (response.status < 400) await response.body?.cancel();
  return { status: response.status, type, body };
}

function withQuery(url: string, entries: [string, string][], raw?: string): string {
  const target = new URL(url);
  for (const [name, value] of entries) target.searchParams.append(name, value);
  if (raw) target.search = `${target.search}${target.search ? '&' : '?'}${raw}`;
  return target.toString();
}

/** Raw query fragments as a client may send them, percent escapes included (valid or not). */
const rawQuery = fc.option(
  fc.constantFrom('trunk=abc%00def', 'state=%0A', 'npa=%E0%A4%A', '%zz=1', 'q=%ED%A0%80', 'accountId=%00', 'page=1&page=0x10', '&&==&', 'e911=none%00', 'a%00b=1'),
  { nil: undefined },
);

// --- The suite -------------------------------------------------------------------------------------

describe('bad input never reaches a 500', () => {
  const test = useTestDatabase();
  const userIds = new Map<string, string>();
  let context: SurfaceContext;
  let acmeId: string;

  const signInAs = (email: string | undefined) => {
    session.userId = email ? userIds.get(email) : undefined;
  };

  beforeAll(async () => {
    const tenants = await seedTwoTenants(test.db);
    acmeId = tenants.acme.id;
    for (const row of await test.db.select().from(users)) userIds.set(row.email, row.id);
    // Disabled, at a closed port: nothing here may wait on an upstream.
    const [connection] = await test.db
      .insert(providerConnections)
      .values({ provider: 'voicetel', name: 'Bad input connection', baseUrl: 'http://127.0.0.1:9', enabled: false, credentialsCiphertext: sealCredentials({ username: 'u', password: 'p' }) })
      .returning();
    const [trunk] = await test.db
      .insert(trunkGroups)
      .values({ accountId: tenants.acme.id, name: 'Bad input trunk', direction: 'both', auth: 'both', allowedIps: ['44.10.20.30/32'], destinations: [{ host: '44.10.20.30', port: 5060, transport: 'udp', priority: 1, weight: 100 }], codecs: ['PCMU'] })
      .returning();
    // Routed to a group of another account (its parent's): the number's pages must still answer.
    const [number] = await test.db
      .insert(phoneNumbers)
      .values({ accountId: tenants.east.id, e164: '+13125550100', kind: 'local', state: 'IL', npa: '312', connectionId: connection!.id, monthly: '1.2500', trunkGroupRef: trunk!.id })
      .returning();
    const [order] = await test.db.insert(numberOrders).values({ accountId: tenants.acme.id, idempotencyKey: 'bad-input-order-0001', totalMonthly: '0', totalSetup: '0' }).returning();
    const none = '00000000-0000-4000-8000-000000000000';
    // A draft and a submitted port of the current account, so the port pages and actions get past "not found".
    const port = await seedReadyPort(test.db, { accountId: tenants.acme.id, label: 'Bad input port' });
    const livePort = await seedReadyPort(test.db, { accountId: tenants.acme.id, status: 'pending', label: 'Bad input live port' });
    // An issued invoice with a usage line, so the line's calls page reads its page positions.
    const usage = await seedIssuedUsageInvoice(test.db, { billingAccountId: tenants.acme.id, month: '2026-10', calls: [{ accountId: tenants.east.id, to: '+14155550101', billsec: 90 }] });
    context = {
      accountId: tenants.east.id,
      membershipId: none,
      invitationId: none,
      connectionId: connection!.id,
      numberId: number!.id,
      orderId: order!.id,
      searchId: none,
      searchNumber: '+13125550123',
      trunkGroupId: trunk!.id,
      portInId: port.portInId,
      portDocumentId: port.documentId,
      livePortInId: livePort.portInId,
      livePortDocumentId: livePort.documentId,
      disputeInvoiceId: usage.invoice.id,
      disputeLineId: lineNamed(usage.lines, 'United States termination').id,
    };
  });

  describe('every page, with arbitrary search params and path params', () => {
    const files = appFiles(/^page\.tsx$/);

    it('finds the pages', () => {
      expect(files).toContain('app/(portal)/account/audit/page.tsx');
      expect(files).toContain('app/(auth)/login/page.tsx');
    });

    it.each(files)('%s', async (file) => {
      const loaded = (await import(/* @vite-ignore */ path.join(ROOT, file))) as { default: (props: unknown) => Promise<unknown> };
      const page = loaded.default;
      let surface: PageSurface | undefined;
      for (const candidate of SURFACES) {
        if (candidate.kind === 'page' && (await candidate.load()).default === page) surface = candidate;
      }
      // Registered: as the role the registry allows (operator staff for platform pages); else anonymous or the owner.
      const who = surface ? fc.constant(surface.platform ? 'staff@carrier.example' : 'owner@acme.example') : fc.constantFrom(undefined, 'owner@acme.example');
      const validParams = surface?.params?.(context) ?? Object.fromEntries(dynamicSegments(file).map((name) => [name, 'a'.repeat(24)]));
      const params = fc.oneof(
        { weight: 3, arbitrary: fc.constant(validParams) },
        { weight: 1, arbitrary: fc.record(Object.fromEntries(Object.keys(validParams).map((name) => [name, nastyValue]))) as fc.Arbitrary<Record<string, string>> },
      );
      const ownRole = surface ? (surface.platform ? 'staff@carrier.example' : 'owner@acme.example') : undefined;
      signInAs(ownRole);
      const read = await keysReadBy(page, validParams);
      const check = async (pathParams: Record<string, string>, searchParams: Record<string, string | string[]>) => {
        let result: PageOutcome;
        try {
          result = await callPage(page, pathParams, searchParams);
        } catch (error) {
          throw new Error(`${file} threw for params ${JSON.stringify(pathParams).slice(0, 200)} and search params ${JSON.stringify(searchParams).slice(0, 300)}: ${String(error)}`, { cause: error });
        }
        if (result.outcome === 'rendered') expect(unrenderable(result.element), JSON.stringify(searchParams).slice(0, 300)).toBeNull();
      };
      // Every param it reads gets every kind of bad value, all at once and (for the worst kinds) one at a time.
      for (const value of REPRESENTATIVE_BAD_VALUES) await check(validParams, Object.fromEntries(read.map((name) => [name, value])));
      for (const name of read) for (const value of SINGLE_BAD_VALUES) await check(validParams, { [name]: value });
      await fc.assert(
        fc.asyncProperty(who, params, queryEntries(read), async (email, pathParams, entries) => {
          signInAs(email);
          await check(pathParams, searchParamsOf(entries));
        }),
        { numRuns: RUNS },
      );
    });
  });

  describe('every route handler, with arbitrary query strings and path params', () => {
    // Auth.js's own endpoints are mocked out here (they need Next's runtime); callbackUrl is the login page's, below.
    const files = appFiles(/^route\.ts$/).filter((file) => !file.startsWith('app/api/auth/'));

    it('finds the route handlers', () => {
      expect(files).toContain('app/api/v1/numbers/export/route.ts');
    });

    it.each(files)('%s', async (file) => {
      const loaded = (await import(/* @vite-ignore */ path.join(ROOT, file))) as Record<string, Handler | undefined>;
      const handler = loaded.GET;
      if (!handler) {
        // A write-only route of the public API: its bodies, queries and params are fuzzed per operation in tests/security/api-fuzz.test.ts.
        const published = API_ENDPOINTS.filter((endpoint) => routeFileOf(endpoint.path).replace('../../', '') === file);
        if (published.length > 0) return;
        // A staff upload outside the API (a rate deck's CSV): arbitrary forms, files, queries and params, as staff.
        const post = loaded.POST;
        expect(post, `${file} exports no GET nor POST and serves no published API operation`).toBeDefined();
        signInAs('staff@carrier.example');
        const url = `http://portal.test/${file.replace(/^app\//, '').replace(/\/route\.ts$/, '')}`;
        const validParams = Object.fromEntries(dynamicSegments(file).map((name) => [name, 'a'.repeat(24)]));
        const params = fc.oneof({ weight: 1, arbitrary: fc.constant(validParams) }, { weight: 1, arbitrary: fc.record(Object.fromEntries(Object.keys(validParams).map((name) => [name, nastyValue]))) as fc.Arbitrary<Record<string, string>> });
        const fields = fc.array(fc.tuple(fc.constantFrom('intent', 'effectiveFrom', 'basedOn', 'note', 'change', 'page', 'file', '__proto__'), nastyValue), { maxLength: 6 });
        const upload = fc.option(fc.oneof(nastyValue, fc.string({ unit: 'binary', maxLength: 200 }), fc.constant('prefix,destination,rate\n1,US,0.01\n')), { nil: undefined });
        await fc.assert(
          fc.asyncProperty(params, queryEntries(), fields, upload, fc.boolean(), async (pathParams, entries, formFields, content, multipart) => {
            const target = withQuery(url, entries);
            const form = new FormData();
            for (const [name, value] of formFields) form.append(name, value);
            if (content !== undefined) form.append('file', new Blob([content]), 'deck.csv');
            const request = multipart ? new Request(target, { method: 'POST', body: form }) : new Request(target, { method: 'POST', body: content ?? '', headers: { 'content-type': 'text/plain' } });
            const response = await post!(request, { params: Promise.resolve(pathParams) });
            const label = `${file} ${target.slice(0, 300)} ${JSON.stringify(pathParams).slice(0, 120)}`;
            expect(response.status, label).toBeLessThan(500);
            if (response.status >= 400) {
              expect(response.headers.get('content-type') ?? '', label).toContain('application/json');
              const body = (await response.json()) as { error?: { code?: string; message?: string } };
              expect(body.error?.code, label).toMatch(/^[a-z_]+:[a-z0-9_]+$/);
            } else await response.body?.cancel();
          }),
          { numRuns: RUNS },
        );
        return;
      }
      let surface: RouteSurface | undefined;
      for (const candidate of SURFACES) {
        if (candidate.kind === 'route' && (await candidate.load()) === handler) surface = candidate;
      }
      signInAs('owner@acme.example');
      const url = surface?.url(context) ?? `http://portal.test/${file.replace(/^app\//, '').replace(/\/route\.ts$/, '')}`;
      const validParams = surface?.params(context) ?? Object.fromEntries(dynamicSegments(file).map((name) => [name, 'a'.repeat(24)]));
      const params = fc.oneof(
        { weight: 3, arbitrary: fc.constant(validParams) },
        { weight: 1, arbitrary: fc.record(Object.fromEntries(Object.keys(validParams).map((name) => [name, nastyValue]))) as fc.Arbitrary<Record<string, string>> },
      );
      await fc.assert(
        fc.asyncProperty(params, queryEntries(), rawQuery, async (pathParams, entries, raw) => {
          const target = withQuery(url, entries, raw);
          const { status, type, body } = await callRoute(handler!, target, pathParams);
          const label = `${file} ${target.slice(0, 300)} ${JSON.stringify(pathParams).slice(0, 120)}`;
          expect(status, label).toBeLessThan(500);
          if (status >= 400) {
            expect(type, label).toContain('application/json');
            expect(body?.error?.code, label).toMatch(/^[a-z_]+:[a-z0-9_]+$/);
            expect(body?.error?.message, label).toBeTypeOf('string');
          }
          const query = [...new URL(target).searchParams].flat();
          if (surface && query.some(hasControl)) {
            expect(status, label).toBe(400);
            expect(body?.error?.code).toBe('invalid:query');
          }
        }),
        { numRuns: RUNS },
      );
    });
  });

  describe('the issue’s examples', () => {
    /** A registered page by its registry name (so a moved file does not break this suite). */
    const pageNamed = async (name: string) => {
      const surface = SURFACES.find((candidate): candidate is PageSurface => candidate.kind === 'page' && candidate.name === name);
      if (!surface) throw new Error(`no page surface named ${name}`);
      return (await surface.load()).default as (props: unknown) => Promise<unknown>;
    };
    const audit = async (searchParams: Record<string, string>) => textOf(await (await pageNamed('audit log'))({ searchParams: Promise.resolve(searchParams) }));

    it('knows which search params a page reads, to aim the fuzzing at them', async () => {
      signInAs('owner@acme.example');
      expect(await keysReadBy(await pageNamed('audit log'), {})).toEqual(expect.arrayContaining(['action', 'actor', 'before', 'from', 'to']));
      expect(await keysReadBy(await pageNamed('my numbers'), {})).toEqual(expect.arrayContaining(['page', 'q', 'state', 'trunk']));
    });

    it('/account/audit?actor=%00 and ?from=9999-99-99 render, with the message beside the field', async () => {
      signInAs('owner@acme.example');
      expect(await audit({ actor: '\u0000' })).toContain('Who cannot contain control characters');
      expect(await audit({ from: '9999-99-99' })).toContain('From is not a real date: check the month and the day');
      expect(await audit({ to: '2023-02-29', actor: 'owner' })).toContain('To is not a real date');
      expect(await audit({ from: '2024-03-01', to: '2024-02-01' })).toContain('To must be on or after From');
      const fine = await audit({ from: '2024-02-29', actor: 'owner@acme' });
      expect(fine).not.toContain('could not be used');
    });

    it('My numbers shows why a filter with NUL was left out, and a hex page is page 1', async () => {
      signInAs('owner@acme.example');
      const NumbersPage = await pageNamed('my numbers');
      const text = textOf(await NumbersPage({ searchParams: Promise.resolve({ trunk: 'abc\u0000def' }) }));
      expect(text).toContain('A trunk group reference cannot contain control characters');
      const { parseNumberInventoryQuery } = await import('@/lib/validations/number-inventory');
      expect(parseNumberInventoryQuery({ page: '0x10' }).view.page).toBe(1);
      expect(parseNumberInventoryQuery({ page: '1e3' }).view.page).toBe(1);
      expect(parseNumberInventoryQuery({ page: '16' }).view.page).toBe(16);
    });

    it('Buy numbers refuses a quantity of 0x10 or 1e3 with a message beside the field', async () => {
      signInAs('owner@acme.example');
      const BuyPage = await pageNamed('buy numbers');
      for (const quantity of ['0x10', '1e3']) {
        const text = textOf(await BuyPage({ searchParams: Promise.resolve({ npa: '312', quantity }) }));
        expect(text).toContain('Quantity must be a whole number, written with the digits 0–9 only');
      }
    });

    it('an e911 address page with ?saved=__proto__ renders nothing React would refuse', async () => {
      signInAs('owner@acme.example');
      const surface = SURFACES.find((candidate): candidate is PageSurface => candidate.kind === 'page' && candidate.name === 'e911 address')!;
      const { default: AddressPage } = await surface.load();
      for (const saved of ['__proto__', 'constructor', 'toString']) {
        const result = await callPage(AddressPage as (props: unknown) => Promise<unknown>, surface.params!(context), { saved });
        expect(result.outcome).toBe('rendered');
        if (result.outcome === 'rendered') expect(unrenderable(result.element)).toBeNull();
      }
    });

    it('the sign-in page and action keep a callbackUrl only when it is a plain path on this site', async () => {
      signInAs(undefined);
      const { default: LoginPage } = await import('@/app/(auth)/login/page');
      const hiddenValue = async (callbackUrl: string | string[]) => {
        const element = await LoginPage({ searchParams: Promise.resolve({ callbackUrl }) });
        const form = (element as { props: { children: unknown[] } }).props.children.find((child) => isElement(child) && (child.props as { callbackUrl?: unknown }).callbackUrl !== undefined);
        return ((form as { props: { callbackUrl: string } } | undefined)?.props.callbackUrl ?? '') as string;
      };
      expect(await hiddenValue('/numbers?state=IL')).toBe('/numbers?state=IL');
      expect(await hiddenValue('/numbers\nSet-Cookie: a=1')).toBe('/dashboard');
      expect(await hiddenValue('/\t/evil.example')).toBe('/dashboard');
      expect(await hiddenValue(['//evil.example', '/numbers'])).toBe('/dashboard');

      const { signInAction } = await import('@/app/(auth)/login/actions');
      for (const [callbackUrl, expected] of [
        ['/numbers\r\nLocation: https://evil.example', '/dashboard'],
        ['/\\evil.example', '/dashboard'],
        ['/e911?page=2', '/e911?page=2'],
      ]) {
        session.signIns = [];
        const form = new FormData();
        form.set('email', 'owner@acme.example');
        form.set('password', 'whatever-password');
        form.set('callbackUrl', callbackUrl!);
        expect(await signInAction({ status: 'idle' }, form)).toEqual({ status: 'success' });
        expect(session.signIns).toEqual([['credentials', { email: 'owner@acme.example', password: 'whatever-password', redirectTo: expected }]]);
      }
    });
  });

  describe('GET /api/v1/numbers/export', () => {
    const exportUrl = (query: string) => `http://portal.test/api/v1/numbers/export${query}`;
    const exportRoute = async () => (await import('@/app/api/v1/numbers/export/route')).GET as Handler;

    it('answers 400 with the field, before any byte of CSV, for each bad filter', async () => {
      signInAs('owner@acme.example');
      const GET = await exportRoute();
      const cases: [string, string][] = [
        ['?trunk=abc%00def', 'trunk'],
        ['?state=IL%0A', 'state'],
        ['?npa=0x10', 'npa'],
        ['?npa=3e2', 'npa'],
        ['?q=%00', 'q'],
        ['?e911=pending%00', 'e911'],
        ['?e911=bogus', 'e911'],
        ['?status=gone', 'status'],
        ['?account=not-a-uuid', 'account'],
        ['?connection=1e3', 'connection'],
        ['?accountId=nope', 'accountId'],
        [`?trunk=${'x'.repeat(65)}`, 'trunk'],
      ];
      for (const [query, field] of cases) {
        const { status, type, body } = await callRoute(GET, exportUrl(query), {});
        expect(status, query).toBe(400);
        expect(type).toContain('application/json');
        expect(Object.keys(body?.error?.fields ?? {}), query).toContain(field);
      }
    });

    it('answers 400 whenever a filter it reads is malformed, and streams CSV otherwise', async () => {
      signInAs('owner@acme.example');
      const GET = await exportRoute();
      const filterKeys = ['q', 'state', 'npa', 'trunk', 'e911', 'status', 'account', 'connection', 'accountId'];
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...filterKeys), nastyValue, async (name, value) => {
          const { status, type } = await callRoute(GET, withQuery(exportUrl(''), [[name, value]]), {});
          expect([200, 400, 404]).toContain(status);
          if (hasControl(value)) expect(status).toBe(400);
          expect(type).toContain(status === 200 ? 'text/csv' : 'application/json');
        }),
        { numRuns: 60 },
      );
    });

    describe('when the database fails', () => {
      beforeAll(async () => {
        // More than one batch (1,000 rows), so the export reads a second page.
        const [connection] = await test.db.select().from(providerConnections).limit(1);
        const rows = Array.from({ length: 1_050 }, (_, index) => ({
          accountId: acmeId,
          e164: `+1469555${String(index).padStart(4, '0')}`,
          kind: 'local' as const,
          state: 'TX',
          npa: '469',
          connectionId: connection!.id,
          monthly: '1.0000',
        }));
        await test.db.insert(phoneNumbers).values(rows);
      });

      async function download(response: Response) {
        const reader = response.body!.getReader();
        const decoder = new TextDecoder();
        let text = '';
        try {
          for (;;) {
            const { done, value } = await reader.read();
            if (done) return { text, broken: false };
            text += decoder.decode(value, { stream: true });
          }
        } catch {
          return { text, broken: true };
        }
      }

      it('on the first page: an error status with a JSON body, not a 200', async () => {
        signInAs('owner@acme.example');
        const GET = await exportRoute();
        failures.exportQuery = 'first page';
        try {
          const response = await GET(new Request(exportUrl('?state=TX')), {});
          expect(response.status).toBeGreaterThanOrEqual(500);
          expect(await response.json()).toMatchObject({ error: { code: 'internal:unexpected' } });
        } finally {
          failures.exportQuery = 'never';
        }
      });

      it('after the first page: the file ends with an "incomplete" line and the transfer breaks', async () => {
        signInAs('owner@acme.example');
        const GET = await exportRoute();
        failures.exportQuery = 'after first page';
        try {
          const response = await GET(new Request(exportUrl('?state=TX')), {});
          expect(response.status).toBe(200);
          const { text, broken } = await download(response);
          expect(broken).toBe(true);
          expect(text.endsWith(INCOMPLETE_EXPORT_LINE)).toBe(true);
          expect(text.split('\r\n').filter((line) => line.startsWith("'+1469555"))).toHaveLength(1_000);
        } finally {
          failures.exportQuery = 'never';
        }
      });

      it('and when nothing fails, the whole file ends cleanly without the marker', async () => {
        signInAs('owner@acme.example');
        const GET = await exportRoute();
        const response = await GET(new Request(exportUrl('?state=TX')), {});
        const { text, broken } = await download(response);
        expect(broken).toBe(false);
        expect(text).not.toContain('EXPORT INCOMPLETE');
        expect(text.split('\r\n').filter((line) => line.startsWith("'+1469555"))).toHaveLength(1_050);
      });
    });
  });
  describe('every server action in the registry, with a control character in one field', () => {
    const actions = SURFACES.filter((surface): surface is ActionSurface => surface.kind === 'action');
    /** Inserted into the middle of the field's valid value, so only the control character is wrong. (FormData turns a lone surrogate into U+FFFD, so none can arrive here.) */
    const BAD = ['\u0000', '\n', '\u001b', '\u0085'];

    it.each(actions.map((surface) => [surface.name, surface] as const))('%s', async (_name, surface) => {
      signInAs(surface.platform ? 'staff@carrier.example' : 'owner@acme.example');
      const action = (await surface.load()) as (state: unknown, formData: FormData) => Promise<{ status: string; code?: string; message?: string }>;
      const valid = surface.form(context);
      for (const field of Object.keys(valid)) {
        for (const bad of BAD) {
          if (bad === '\n' && surface.multiline?.includes(field)) continue;
          const value = valid[field] ?? '';
          const form = new FormData();
          for (const [name, item] of Object.entries({ ...valid, [field]: `${value.slice(0, 1)}${bad}${value.slice(1) || 'x'}` })) form.set(name, item);
          let result: { status: string; code?: string; message?: string };
          try {
            result = await action({ status: 'idle' }, form);
          } catch (error) {
            const digest = String((error as { digest?: unknown } | null)?.digest ?? '');
            if (digest.startsWith('NEXT_')) continue;
            throw new Error(`${surface.name} threw with ${field}=${JSON.stringify(bad)}: ${String(error)}`, { cause: error });
          }
          const label = `${surface.name} with ${JSON.stringify(bad)} in ${field}: ${JSON.stringify(result)}`;
          expect(result.status, label).toBe('error');
          // A code means a known refusal (a field error, not found, forbidden); none means "something went wrong on our side".
          expect(String(result.code), label).toMatch(/^(invalid|not_found|forbidden|conflict):/);
        }
      }
    });
  });
});
