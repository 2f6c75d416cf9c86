/**
 * The sandbox must speak VoiceTel as the published OpenAPI 3.1 spec describes it: every operation the
 * adapter uses, on its success and its documented failure answers, is checked against the spec's
 * status codes and response schemas.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startSandbox, type RunningSandbox } from '@/sandbox/common/server';
import { voicetelDemoCredentials, voicetelSandbox } from '@/sandbox/voicetel';

interface SpecResponse {
  content?: { 'application/json'?: { schema?: { $ref?: string } } };
}
interface Spec {
  paths: Record<string, Record<string, { responses: Record<string, SpecResponse> }>>;
  components: Record<string, unknown>;
}

const spec = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../../shared/specs/voicetel-v2.2.openapi.json'), 'utf8')) as Spec;
const SPEC_ID = 'https://voicetel.example/openapi.json';
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addFormat('float', true);
ajv.addSchema({ $id: SPEC_ID, components: spec.components });

const checked = new Set<string>();

let sandbox: RunningSandbox;
let apikey: string;

interface Call {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** The spec's path template, e.g. `/v2.2/gateways/{id}`. */
  template: string;
  path?: string;
  query?: Record<string, string>;
  body?: unknown;
  headers?: Record<string, string>;
  auth?: boolean;
}

async function call({ method, template, path: concrete, query, body, headers, auth = true }: Call) {
  const url = new URL(sandbox.url + (concrete ?? template));
  for (const [key, value] of Object.entries(query ?? {})) url.searchParams.set(key, value);
  const response = await fetch(url, {
    method,
    headers: {
      ...(auth ? { authorization: `Bearer ${apikey}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, text, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

/** Asserts the status is one the spec documents for the operation and the body matches its schema. */
function conforms(method: string, template: string, result: { status: number; text: string; json?: unknown }) {
  const operation = spec.paths[template]?.[method.toLowerCase()];
  expect(operation, `${method} ${template} is in the spec`).toBeDefined();
  const documented = operation!.responses[String(result.status)];
  expect(documented, `${method} ${template} documents status ${result.status} (got ${result.text.slice(0, 200)})`).toBeDefined();
  const ref = documented!.content?.['application/json']?.schema?.$ref;
  if (!ref) {
    expect(result.text, `${method} ${template} ${result.status} has no body`).toBe('');
  } else {
    const validate = ajv.getSchema(`${SPEC_ID}${ref}`);
    expect(validate, `schema ${ref}`).toBeDefined();
    const valid = validate!(result.json);
    expect(valid, `${method} ${template} ${result.status}: ${ajv.errorsText(validate!.errors)}`).toBe(true);
  }
  checked.add(`${method} ${template} ${result.status}`);
}

async function expectConforms(request: Call, status: number) {
  const result = await call(request);
  expect(result.status, `${request.method} ${request.path ?? request.template}: ${result.text.slice(0, 200)}`).toBe(status);
  conforms(request.method, request.template, result);
  return result;
}

beforeAll(async () => {
  sandbox = await startSandbox(voicetelSandbox, { port: 0 });
});

afterAll(async () => {
  await sandbox.close();
});

describe('VoiceTel sandbox against the OpenAPI spec', () => {
  it('has a validator that does reject bodies breaking the spec', () => {
    const inventory = ajv.getSchema(`${SPEC_ID}#/components/schemas/inventorySearchResponse`)!;
    expect(inventory({ status: 'success', data: { numbers: [{ number: '2019085750', lata: '224' }] } })).toBe(true);
    expect(inventory({ status: 'success', data: { numbers: [{ number: '12019085750' }] } })).toBe(false);
    expect(inventory({ status: 'ok', data: {} })).toBe(false);
    const e911 = ajv.getSchema(`${SPEC_ID}#/components/schemas/e911RecordResponse`)!;
    expect(e911({ status: 'success', data: { record: { dn: '2015551234', address1: 'A', city: 'B', state: 'NJ', zip: '07601', callername: 'C' } } })).toBe(false);
  });

  it('POST /v2.2/account/api-key: 200, 400, 401', async () => {
    const template = '/v2.2/account/api-key';
    const ok = await expectConforms({ method: 'POST', template, auth: false, body: voicetelDemoCredentials }, 200);
    apikey = (ok.json?.data as { apikey: string }).apikey;
    expect(apikey).toMatch(/^[0-9a-f]{32}$/);
    // The SDKs send the username as a JSON number.
    await expectConforms({ method: 'POST', template, auth: false, body: { ...voicetelDemoCredentials, username: Number(voicetelDemoCredentials.username) } }, 200);
    const missing = await expectConforms({ method: 'POST', template, auth: false, body: { username: '1000000001' } }, 400);
    expect(missing.json).toEqual({ status: 'error', error: { code: 400, message: 'Fields Required: username, password.' } });
    await expectConforms({ method: 'POST', template, auth: false, body: { username: '1000000001', password: 'nope' } }, 401);
  });

  it('rejects a missing or wrong bearer key with the documented 401', async () => {
    await expectConforms({ method: 'GET', template: '/v2.2/numbers', auth: false }, 401);
    await expectConforms({ method: 'GET', template: '/v2.2/gateways', headers: { authorization: 'Bearer 00000000000000000000000000000000' }, auth: false }, 401);
  });

  it('GET /v2.2/account and GET /v2.2/account/recurring-charges: 200, then 429 after 6 an hour', async () => {
    const account = await expectConforms({ method: 'GET', template: '/v2.2/account' }, 200);
    expect((account.json?.data as { cash: number }).cash).toBeGreaterThan(0);
    await expectConforms({ method: 'GET', template: '/v2.2/account/recurring-charges' }, 200);
    for (let index = 0; index < 5; index++) await call({ method: 'GET', template: '/v2.2/account/recurring-charges' });
    const limited = await expectConforms({ method: 'GET', template: '/v2.2/account/recurring-charges' }, 429);
    expect(limited.json).toEqual({ status: 'error', error: { code: 429, message: 'Rate limit exceeded.' } });
  });

  it('GET /v2.2/account/cdr: 200 with a descending range; an ascending range finds nothing', async () => {
    const now = Math.floor(Date.now() / 1000);
    const result = await expectConforms({ method: 'GET', template: '/v2.2/account/cdr', query: { start: String(now), end: String(now - 86_400) } }, 200);
    const data = result.json?.data as { start: number; end: number; cdr: { key: string[] }[] };
    expect(data.start).toBe(now);
    expect(data.cdr.length).toBeGreaterThan(0);
    const epochs = data.cdr.map((row) => Number(row.key[1]));
    expect([...epochs].sort((a, b) => b - a)).toEqual(epochs);
    const reversed = await expectConforms({ method: 'GET', template: '/v2.2/account/cdr', query: { start: String(now - 86_400), end: String(now) } }, 200);
    expect((reversed.json?.data as { cdr: unknown[] }).cdr).toEqual([]);
    const defaults = await expectConforms({ method: 'GET', template: '/v2.2/account/cdr' }, 200);
    expect(Math.abs((defaults.json?.data as { cdr: unknown[] }).cdr.length - data.cdr.length)).toBeLessThanOrEqual(1);
  });

  it('GET /v2.2/account/credits and /payments: 200, and 400 on a bad filter', async () => {
    await expectConforms({ method: 'GET', template: '/v2.2/account/credits' }, 200);
    const unpaid = await expectConforms({ method: 'GET', template: '/v2.2/account/credits', query: { status: 'unpaid' } }, 200);
    expect((unpaid.json?.data as { credits: { paid: boolean }[] }).credits.every((credit) => !credit.paid)).toBe(true);
    await expectConforms({ method: 'GET', template: '/v2.2/account/credits', query: { status: 'open' } }, 400);
    await expectConforms({ method: 'GET', template: '/v2.2/account/payments' }, 200);
  });

  it('GET /v2.2/inventory and /inventory/coverage: 200 and 400', async () => {
    const found = await expectConforms({ method: 'GET', template: '/v2.2/inventory', query: { tnMask: '201', quantity: '5', province: 'NJ' } }, 200);
    expect((found.json?.data as { numbers: unknown[] }).numbers).toHaveLength(5);
    await expectConforms({ method: 'GET', template: '/v2.2/inventory', query: { tnMask: '833*' } }, 200);
    await expectConforms({ method: 'GET', template: '/v2.2/inventory', query: { quantity: '5' } }, 400);
    for (const countBy of ['state', 'city', 'rateCenter', 'npanxx', 'block']) {
      await expectConforms({ method: 'GET', template: '/v2.2/inventory/coverage', query: { countBy, locState: 'IL' } }, 200);
    }
    await expectConforms({ method: 'GET', template: '/v2.2/inventory/coverage' }, 400);
  });

  it('POST /v2.2/orders: 201 with failed[], the same answer on a replayed key, 400 and 402', async () => {
    const inventory = await call({ method: 'GET', template: '/v2.2/inventory', query: { tnMask: '214', quantity: '2' } });
    const [a, b] = (inventory.json?.data as { numbers: { number: string }[] }).numbers;
    const body = { numbers: [a!.number, { number: b!.number, route: 1000 }, '2125550100'] };
    const first = await expectConforms({ method: 'POST', template: '/v2.2/orders', body, headers: { 'Idempotency-Key': 'oa-test-1' } }, 201);
    const data = first.json?.data as { numbersOrdered: string[]; failed: { number: string }[]; amountCharged: number };
    expect(data.numbersOrdered).toEqual([a!.number, b!.number]);
    expect(data.failed.map((item) => item.number)).toEqual(['2125550100']);
    expect(data.amountCharged).toBe(2);
    const replay = await expectConforms({ method: 'POST', template: '/v2.2/orders', body, headers: { 'Idempotency-Key': 'oa-test-1' } }, 201);
    expect(replay.json).toEqual(first.json);
    await expectConforms({ method: 'POST', template: '/v2.2/orders', body: { numbers: ['123'] } }, 400);
    // A full order of 100 spends most of the balance; the next 100 cannot be paid for.
    const stock = ((await call({ method: 'GET', template: '/v2.2/inventory', query: { tnMask: '*', quantity: '100' } })).json?.data as { numbers: { number: string }[] }).numbers;
    expect(stock).toHaveLength(100);
    await expectConforms({ method: 'POST', template: '/v2.2/orders', body: { numbers: stock.map((item) => item.number) }, headers: { 'Idempotency-Key': 'oa-test-2' } }, 201);
    const broke = await expectConforms({ method: 'POST', template: '/v2.2/orders', body: { numbers: stock.map((item) => item.number) } }, 402);
    expect((broke.json?.error as { code: number }).code).toBe(402);
  });

  it('gateways: GET list/one 200 and 404, POST 201 and 400, PUT 200, DELETE 204 and 404', async () => {
    const list = await expectConforms({ method: 'GET', template: '/v2.2/gateways' }, 200);
    const gateways = (list.json?.data as { gateways: { id: number; system: boolean; limit: number | null }[] }).gateways;
    expect(gateways.filter((gateway) => gateway.system).map((gateway) => gateway.id)).toEqual([1, 2, 3, 4, 5, 6, 8]);
    expect(gateways.filter((gateway) => gateway.system).every((gateway) => gateway.limit === null)).toBe(true);
    await expectConforms({ method: 'GET', template: '/v2.2/gateways/{id}', path: '/v2.2/gateways/1000' }, 200);
    await expectConforms({ method: 'GET', template: '/v2.2/gateways/{id}', path: '/v2.2/gateways/4242' }, 404);
    const created = await expectConforms({ method: 'POST', template: '/v2.2/gateways', body: { gateway: '198.51.100.77:5060' } }, 201);
    const id = (created.json?.data as { id: number; limit: number }).id;
    expect((created.json?.data as { limit: number }).limit).toBe(23);
    await expectConforms({ method: 'POST', template: '/v2.2/gateways', body: { gateway: '192.168.1.10' } }, 400);
    await expectConforms({ method: 'POST', template: '/v2.2/gateways', body: { gateway: '198.51.100.78', limit: 5000 } }, 400);
    const updated = await expectConforms({ method: 'PUT', template: '/v2.2/gateways/{id}', path: `/v2.2/gateways/${id}`, body: { limit: 100, prefix: '9' } }, 200);
    expect(updated.json?.data).toMatchObject({ id, limit: 100, prefix: '9', system: false });
    await expectConforms({ method: 'PUT', template: '/v2.2/gateways/{id}', path: '/v2.2/gateways/4242', body: { limit: 5 } }, 404);
    await expectConforms({ method: 'DELETE', template: '/v2.2/gateways/{id}', path: `/v2.2/gateways/${id}` }, 204);
    await expectConforms({ method: 'DELETE', template: '/v2.2/gateways/{id}', path: `/v2.2/gateways/${id}` }, 404);
  });

  it('auth and ACL: GET/PUT /auth 200 and 409, POST/DELETE /acl 200 and 409, GET /acl 200 and 404', async () => {
    await expectConforms({ method: 'GET', template: '/v2.2/auth' }, 200);
    await expectConforms({ method: 'PUT', template: '/v2.2/auth', body: { authType: 1 } }, 200);
    const partial = await expectConforms({ method: 'PUT', template: '/v2.2/auth', body: { authType: 3, password: 'x' } }, 409);
    expect(partial.json).toMatchObject({ updated: [{ field: 'authType', value: 3 }], errors: [{ field: 'password' }] });
    await expectConforms({ method: 'PUT', template: '/v2.2/auth', body: { password: 'abc12345' } }, 200);

    await expectConforms({ method: 'GET', template: '/v2.2/acl' }, 200);
    await expectConforms({ method: 'POST', template: '/v2.2/acl', body: { acl: [{ cidr: '192.0.2.0/24' }] } }, 200);
    const conflict = await expectConforms({ method: 'POST', template: '/v2.2/acl', body: { acl: [{ cidr: '192.0.2.0/24' }, { cidr: '10.0.0.0/8' }, { cidr: '8.8.8.0/28' }] } }, 409);
    expect((conflict.json?.data as { failed: { reason: string }[] }).failed.map((item) => item.reason)).toEqual([
      'DB Insert failed',
      'CIDR range must be routable',
      'Invalid mask: must be /8, /16, /24, or /32',
    ]);
    const current = ((await call({ method: 'GET', template: '/v2.2/acl' })).json?.data as { acl: { cidr: string }[] }).acl.map((entry) => entry.cidr);
    await expectConforms({ method: 'DELETE', template: '/v2.2/acl', query: { cidrs: '192.0.2.0/24,203.0.113.99/32' } }, 409);
    await expectConforms({ method: 'DELETE', template: '/v2.2/acl', query: { cidrs: current.filter((cidr) => cidr !== '192.0.2.0/24').join(',') } }, 200);
    const empty = await expectConforms({ method: 'GET', template: '/v2.2/acl' }, 404);
    expect(empty.json).toEqual({ status: 'error', error: { code: 404, message: 'No entries found' } });
  });

  it('port-ins: availability 200 and 400, submit 201 and 400, list 200, detail 200 and 404', async () => {
    const portable = await expectConforms({ method: 'GET', template: '/v2.2/ports/availability/{number}', path: '/v2.2/ports/availability/3125550147' }, 200);
    expect(portable.json?.data).toMatchObject({ number: '3125550147', portable: true, reason: null });
    const notPortable = await expectConforms({ method: 'GET', template: '/v2.2/ports/availability/{number}', path: '/v2.2/ports/availability/6465550102' }, 200);
    expect((notPortable.json?.data as { portable: boolean }).portable).toBe(false);
    await expectConforms({ method: 'GET', template: '/v2.2/ports/availability/{number}', path: '/v2.2/ports/availability/12345' }, 400);

    const body = {
      did: ['3125550147'],
      name: 'Acme Corp',
      nameType: 'business',
      authPerson: 'Jane Smith',
      lcAccountNumber: '123456789',
      lcBtn: '3125550147',
      streetNumber: '550',
      streetPrefix: 'N',
      street: 'Main',
      streetType: 'ST',
      city: 'Chicago',
      state: 'IL',
      zip: '60601',
      country: 'US',
    };
    const submitted = await expectConforms({ method: 'POST', template: '/v2.2/ports', body }, 201);
    const pid = (submitted.json?.data as { pid: string; loaUrl: string }).pid;
    expect((submitted.json?.data as { loaUrl: string }).loaUrl).toBe(`https://api.voicetel.com/a/loa/${pid}/`);
    const unchecked = await expectConforms({ method: 'POST', template: '/v2.2/ports', body: { ...body, did: ['3125550148'] } }, 400);
    expect((unchecked.json?.error as { message: string }).message).toContain('within the last hour');
    await expectConforms({ method: 'POST', template: '/v2.2/ports', body: { ...body, streetType: undefined } }, 400);

    const list = await expectConforms({ method: 'GET', template: '/v2.2/ports' }, 200);
    expect((list.json?.data as { ports: { pid: string }[] }).ports[0]?.pid).toBe(pid);
    const detail = await expectConforms({ method: 'GET', template: '/v2.2/ports/{id}', path: `/v2.2/ports/${pid}` }, 200);
    expect(detail.json?.data).toMatchObject({ port: { pid, status: 'Submitted', numbers: ['3125550147'] } });
    sandbox.advanceClock(2 * 60 * 60_000);
    const foc = await expectConforms({ method: 'GET', template: '/v2.2/ports/{id}', path: `/v2.2/ports/${pid}` }, 200);
    expect((foc.json?.data as { port: { foc: string } }).port.foc).toMatch(/^\d{8}$/);
    await expectConforms({ method: 'GET', template: '/v2.2/ports/{id}', path: '/v2.2/ports/zzzzz' }, 404);
  });

  it('e911: validations 200 and 409, create 201 and 403, provision 200, list 200, delete 204 and 409', async () => {
    const validated = await expectConforms(
      { method: 'POST', template: '/v2.2/e911/validations', body: { address1: '411 HACKENSACK AVENUE', address2: 'STE 200', city: 'HACKENSACK', zip: '07601', state: 'NJ' } },
      200,
    );
    const address = (validated.json?.data as { address: { addressid: number; address1: string } }).address;
    expect(address.address1).toBe('411 HACKENSACK AVE');
    await expectConforms({ method: 'POST', template: '/v2.2/e911/validations', body: { address1: 'HACKENSACK', city: 'X', zip: '1', state: 'ZZ' } }, 409);

    const owned = ((await call({ method: 'GET', template: '/v2.2/numbers' })).json?.data as { numbers: { number: string }[] }).numbers.map((item) => item.number);
    const dn = owned.find((number) => number.startsWith('2'))!;
    const created = await expectConforms(
      { method: 'POST', template: '/v2.2/e911', body: { dn, address1: '4601 RIO VISTA DR', address2: '', city: 'MAHWAH', state: 'NJ', zip: '07430', callername: 'MICHAEL MAVROUDIS' } },
      201,
    );
    expect((created.json?.data as { record: { dn: string } }).record.dn).toBe(`1${dn}`);
    await expectConforms({ method: 'POST', template: '/v2.2/e911', body: { dn: '3125550199', address1: '1 MAIN ST', city: 'CHICAGO', state: 'IL', zip: '60601', callername: 'X' } }, 403);
    const provisioned = await expectConforms({ method: 'PUT', template: '/v2.2/e911/{dn}', path: `/v2.2/e911/${dn}`, body: { addressid: address.addressid, callername: 'ACME INC' } }, 200);
    expect(provisioned.json?.data).toMatchObject({ record: { dn: `1${dn}`, address1: '411 HACKENSACK AVE', callername: 'ACME INC' } });
    await expectConforms({ method: 'GET', template: '/v2.2/e911' }, 200);
    await expectConforms({ method: 'DELETE', template: '/v2.2/e911/{dn}', path: `/v2.2/e911/${dn}` }, 204);
    await expectConforms({ method: 'DELETE', template: '/v2.2/e911/{dn}', path: `/v2.2/e911/${dn}` }, 409);
  });

  it('numbers: GET 200, DELETE 204 and 404, and 404 "No numbers found" (and no e911 records) once empty', async () => {
    const list = await expectConforms({ method: 'GET', template: '/v2.2/numbers' }, 200);
    const numbers = (list.json?.data as { numbers: { number: string }[] }).numbers.map((item) => item.number);
    expect(numbers.length).toBeGreaterThan(5);
    for (const number of numbers) await expectConforms({ method: 'DELETE', template: '/v2.2/numbers/{number}', path: `/v2.2/numbers/${number}` }, 204);
    await expectConforms({ method: 'DELETE', template: '/v2.2/numbers/{number}', path: `/v2.2/numbers/${numbers[0]}` }, 404);
    const empty = await expectConforms({ method: 'GET', template: '/v2.2/numbers' }, 404);
    expect(empty.json).toEqual({ status: 'error', error: { code: 404, message: 'No numbers found' } });
    await expectConforms({ method: 'GET', template: '/v2.2/e911' }, 404);
  });

  it('covered every operation the adapter uses', () => {
    const operations = new Set([...checked].map((entry) => entry.split(' ').slice(0, 2).join(' ')));
    expect([...operations].sort()).toEqual(
      [
        'POST /v2.2/account/api-key',
        'GET /v2.2/account',
        'GET /v2.2/account/cdr',
        'GET /v2.2/account/credits',
        'GET /v2.2/account/payments',
        'GET /v2.2/account/recurring-charges',
        'GET /v2.2/inventory',
        'GET /v2.2/inventory/coverage',
        'POST /v2.2/orders',
        'GET /v2.2/numbers',
        'DELETE /v2.2/numbers/{number}',
        'GET /v2.2/gateways',
        'GET /v2.2/gateways/{id}',
        'POST /v2.2/gateways',
        'PUT /v2.2/gateways/{id}',
        'DELETE /v2.2/gateways/{id}',
        'GET /v2.2/auth',
        'PUT /v2.2/auth',
        'GET /v2.2/acl',
        'POST /v2.2/acl',
        'DELETE /v2.2/acl',
        'GET /v2.2/ports/availability/{number}',
        'POST /v2.2/ports',
        'GET /v2.2/ports',
        'GET /v2.2/ports/{id}',
        'POST /v2.2/e911/validations',
        'POST /v2.2/e911',
        'PUT /v2.2/e911/{dn}',
        'GET /v2.2/e911',
        'DELETE /v2.2/e911/{dn}',
      ].sort(),
    );
  });
});
