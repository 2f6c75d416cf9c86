import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isProviderError, type ProviderError } from '@/lib/providers/errors';
import { createProviderHttp, resetBreakers, type ProviderHttp } from '@/lib/providers/http';
import { createMemoryStateStore, type ProviderStateStore } from '@/lib/providers/state-store';
import { capabilitiesOf, requireCapability, type Cdr, type Page, type TrunkGroupSpec } from '@/lib/providers/types';
import { carrierxProvider, type CarrierxAdapter } from '@/lib/providers/carrierx';
import { carrierxError, parseWireError } from '@/lib/providers/carrierx/errors';
import {
  callDrToCdr,
  capabilitiesToFeatures,
  didToAvailable,
  didToOwned,
  invoiceToDomain,
  partnerToBalance,
  searchFilter,
  toE164,
} from '@/lib/providers/carrierx/map';
import {
  callDrListSchema,
  callDrSchema,
  didListSchema,
  didSchema,
  endpointListSchema,
  endpointSchema,
  invoiceListSchema,
  invoiceSchema,
  partnerSchema,
} from '@/lib/providers/carrierx/schema';
import { startSandbox, type RunningSandbox } from '@/sandbox/common/server';
import { carrierxDemoCredentials, carrierxSandbox } from '@/sandbox/carrierx';

const fixtures = join(import.meta.dirname, 'fixtures', 'carrierx');
const fixture = (name: string): unknown => JSON.parse(readFileSync(join(fixtures, name), 'utf8'));
const TOKEN = carrierxDemoCredentials.token ?? '';

let sandbox: RunningSandbox;
let counter = 0;

function build(
  options: {
    credentials?: Record<string, string>;
    timeoutMs?: number;
    breakerThreshold?: number;
    breakerHalfOpenAfterMs?: number;
    maxAttempts?: number;
    state?: ProviderStateStore;
    fetch?: typeof fetch;
  } = {},
) {
  const connectionId = `test-carrierx-${++counter}`;
  const http = createProviderHttp({
    provider: 'carrierx',
    connectionId,
    baseUrl: sandbox.url,
    timeoutMs: options.timeoutMs ?? 2_000,
    retryInitialDelayMs: 10,
    maxAttempts: options.maxAttempts,
    breakerThreshold: options.breakerThreshold,
    breakerHalfOpenAfterMs: options.breakerHalfOpenAfterMs,
    fetch: options.fetch,
  });
  const adapter = carrierxProvider.create({
    connectionId,
    baseUrl: sandbox.url,
    credentials: options.credentials ?? carrierxDemoCredentials,
    http,
    state: options.state ?? createMemoryStateStore(),
  }) as CarrierxAdapter;
  return { adapter, http, connectionId };
}

async function raw(path: string, init: RequestInit = {}) {
  const response = await fetch(sandbox.url + path, {
    ...init,
    headers: { Authorization: `Bearer ${TOKEN}`, ...(init.headers as Record<string, string> | undefined) },
  });
  const text = await response.text();
  return { status: response.status, text, json: () => JSON.parse(text) as Record<string, unknown> };
}

async function expectProviderError(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (error) {
    expect(isProviderError(error)).toBe(true);
    return error as ProviderError;
  }
  throw new Error('expected a ProviderError');
}

beforeAll(async () => {
  sandbox = await startSandbox(carrierxSandbox, { port: 0 });
});

afterAll(async () => {
  await sandbox.close();
  resetBreakers();
});

describe('carrierx descriptor', () => {
  it('lists exactly the operations the adapter implements', () => {
    const { adapter } = build();
    expect(capabilitiesOf(adapter).sort()).toEqual(
      ['numbers.search', 'numbers.order', 'numbers.list', 'numbers.release', 'numbers.route', 'trunks.create', 'trunks.update', 'trunks.read', 'trunks.delete', 'cdrs', 'invoices', 'balance'].sort(),
    );
    expect(adapter.numbers?.holds).toBeUndefined();
    expect(adapter.ports).toBeUndefined();
    expect(adapter.e911).toBeUndefined();
    expect(() => requireCapability(adapter, 'ports')).toThrow('CarrierX does not support port-ins.');
    expect(carrierxProvider.defaultBaseUrl).toBe('http://127.0.0.1:4103');
    expect(carrierxProvider.credentialFields).toEqual([expect.objectContaining({ name: 'token', secret: true })]);
  });
});

describe('carrierx adapter over HTTP', () => {
  beforeAll(() => sandbox.reset());

  it('tests the connection with whoami', async () => {
    const { adapter } = build();
    const result = await adapter.testConnection();
    expect(result.ok).toBe(true);
    expect(result.detail).toContain('CX90576809');
    const bad = await build({ credentials: { token: 'wrong' } }).adapter.testConnection();
    expect(bad.ok).toBe(false);
    expect(bad.detail).not.toContain('wrong');
  });

  it('searches local numbers by state, NPA and rate center', async () => {
    const { adapter } = build();
    const numbers = await requireCapability(adapter, 'numbers').search({ kind: 'local', country: 'US', state: 'IL', npa: '312', quantity: 5 });
    expect(numbers.length).toBeGreaterThan(0);
    expect(numbers.length).toBeLessThanOrEqual(5);
    for (const n of numbers) {
      expect(n.e164).toMatch(/^\+1312\d{7}$/);
      expect(n).toMatchObject({ kind: 'local', country: 'US', state: 'IL', rateCenter: 'CHICAGO', npa: '312' });
      expect(n.features).toContain('voice');
      expect(n.cost?.monthly).toEqual({ amount: '0.6', currency: 'USD' });
      expect(n.providerRef).toBeTruthy();
    }
    const dallas = await requireCapability(adapter, 'numbers').search({ kind: 'local', state: 'tx', rateCenter: 'dallas', quantity: 50 });
    expect(dallas.length).toBeGreaterThan(3);
    expect(new Set(dallas.map((n) => n.rateCenter))).toEqual(new Set(['DALLAS']));
  });

  it('searches Canadian, toll-free and pattern numbers', async () => {
    const { adapter } = build();
    const toronto = await requireCapability(adapter, 'numbers').search({ kind: 'local', country: 'CA', state: 'ON', npa: '416', quantity: 3 });
    expect(toronto.length).toBeGreaterThan(0);
    expect(toronto.every((n) => n.country === 'CA' && n.rateCenter === 'TORONTO' && n.npa === '416')).toBe(true);

    const any = await requireCapability(adapter, 'numbers').search({ kind: 'tollfree', quantity: 100 });
    expect(new Set(any.map((n) => n.npa)).size).toBeGreaterThanOrEqual(5);
    expect(any.every((n) => n.kind === 'tollfree' && n.cost?.monthly?.amount === '1.5')).toBe(true);

    const eights = await requireCapability(adapter, 'numbers').search({ kind: 'tollfree', tollFreePrefix: '888', quantity: 10 });
    expect(eights.length).toBeGreaterThan(0);
    expect(eights.every((n) => n.e164.startsWith('+1888'))).toBe(true);

    const block = toronto[0]!.e164.slice(2, 8);
    const pattern = await requireCapability(adapter, 'numbers').search({ kind: 'local', country: 'CA', pattern: `${block}*`, quantity: 10 });
    expect(pattern.length).toBeGreaterThan(0);
    expect(pattern.every((n) => n.e164.includes(block))).toBe(true);
  });

  it('orders numbers one rent per number, with per-line failures, and reconciles by order key', async () => {
    const { adapter } = build();
    const before = await requireCapability(adapter, 'billing').getBalance();
    const [first, second] = await requireCapability(adapter, 'numbers').search({ kind: 'local', state: 'GA', quantity: 2 });
    const result = await requireCapability(adapter, 'numbers').order({
      numbers: [first!.e164, second!.e164, '+15550000000'],
      idempotencyKey: 'order-carrierx-1',
    });
    expect(result.lines).toEqual([
      { e164: first!.e164, status: 'active' },
      { e164: second!.e164, status: 'active' },
      { e164: '+15550000000', status: 'failed', reason: expect.stringContaining('cannot find phonenumber') },
    ]);
    const after = await requireCapability(adapter, 'billing').getBalance();
    expect(Number(after.available.amount)).toBeCloseTo(Number(before.available.amount) - 1.2, 2);

    // Gone from inventory now.
    const again = await requireCapability(adapter, 'numbers').search({ kind: 'local', state: 'GA', quantity: 100 });
    expect(again.map((n) => n.e164)).not.toContain(first!.e164);

    const order = await requireCapability(adapter, 'numbers').getOrder({ idempotencyKey: 'order-carrierx-1', numbers: [first!.e164, second!.e164, '+15550000000'] });
    expect(order?.lines.map((l) => l.status)).toEqual(['active', 'active', 'failed']);
    expect(await requireCapability(adapter, 'numbers').getOrder({ idempotencyKey: 'never-placed', numbers: [first!.e164] })).toBeNull();
  });

  it('replays an order with the same key without renting again: bought lines stay active', async () => {
    const { adapter } = build();
    const [first, second] = await requireCapability(adapter, 'numbers').search({ kind: 'local', state: 'GA', quantity: 2 });
    const request = { numbers: [first!.e164], idempotencyKey: 'order-carrierx-replay' };
    expect((await requireCapability(adapter, 'numbers').order(request)).lines).toEqual([{ e164: first!.e164, status: 'active' }]);
    const balance = await requireCapability(adapter, 'billing').getBalance();
    const owned = await listAll(adapter);

    // Same order again (a retry after a lost answer): no second rent, no 404, no charge.
    const replay = await requireCapability(adapter, 'numbers').order(request);
    expect(replay.lines).toEqual([{ e164: first!.e164, status: 'active' }]);
    expect((await requireCapability(adapter, 'billing').getBalance()).available).toEqual(balance.available);
    const after = await listAll(adapter);
    expect(after).toHaveLength(owned.length);
    expect(after.filter((n) => n.e164 === first!.e164)).toHaveLength(1);

    // A replay that also names a number the first call did not get rents only that one.
    const widened = await requireCapability(adapter, 'numbers').order({ ...request, numbers: [first!.e164, second!.e164] });
    expect(widened.lines).toEqual([
      { e164: first!.e164, status: 'active' },
      { e164: second!.e164, status: 'active' },
    ]);
    expect(await listAll(adapter)).toHaveLength(owned.length + 1);
    expect(Number((await requireCapability(adapter, 'billing').getBalance()).available.amount)).toBeCloseTo(Number(balance.available.amount) - 0.6, 2);

    // Another order key does not see those numbers as its own: a real second rent fails as before.
    const other = await requireCapability(adapter, 'numbers').order({ numbers: [first!.e164], idempotencyKey: 'order-carrierx-other' });
    expect(other.lines).toEqual([{ e164: first!.e164, status: 'failed', reason: expect.stringContaining('cannot find phonenumber') }]);
  });

  it('rents onto a trunk group when the order names one', async () => {
    const { adapter } = build();
    const [trunk] = await requireCapability(adapter, 'trunks').list();
    const [number] = await requireCapability(adapter, 'numbers').search({ kind: 'local', state: 'WA', quantity: 1 });
    const result = await requireCapability(adapter, 'numbers').order({ numbers: [number!.e164], idempotencyKey: 'order-carrierx-2', trunkRef: trunk!.trunkRef });
    expect(result.lines[0]?.status).toBe('active');
    const all = await listAll(adapter);
    expect(all.find((n) => n.e164 === number!.e164)).toMatchObject({ trunkRef: trunk!.trunkRef, status: 'active', state: 'WA', rateCenter: 'SEATTLE' });
  });

  it('lists owned numbers page by page with an offset cursor', async () => {
    const { adapter } = build();
    const first = await requireCapability(adapter, 'numbers').list({ limit: 4 });
    expect(first.items).toHaveLength(4);
    expect(first.nextCursor).toBe('offset:4');
    const all = await listAll(adapter, 4);
    expect(new Set(all.map((n) => n.e164)).size).toBe(all.length);
    expect(all.length).toBeGreaterThanOrEqual(15);
    expect(all.find((n) => n.e164 === '+15162065574')).toMatchObject({ kind: 'local', status: 'active', state: 'NY', rateCenter: 'NEW YORK', cost: { monthly: { amount: '0.6', currency: 'USD' } } });
    expect(all.filter((n) => n.trunkRef).length).toBeGreaterThan(0);
    await expect(requireCapability(adapter, 'numbers').list({ cursor: 'garbage' })).rejects.toMatchObject({ providerKind: 'invalid' });
  });

  it('releases a number (and a second release is a no-op)', async () => {
    const { adapter } = build();
    await requireCapability(adapter, 'numbers.release').release('+15162065574');
    expect((await listAll(adapter)).map((n) => n.e164)).not.toContain('+15162065574');
    await requireCapability(adapter, 'numbers.release').release('+15162065574');
    // Aging: not rentable straight away.
    const rent = await raw('/core/v2/phonenumber/dids', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"phonenumber":"15162065574"}' });
    expect(rent.status).toBe(404);
  });

  const spec: TrunkGroupSpec = {
    name: 'Branch Office',
    direction: 'both',
    auth: 'both',
    allowedIps: ['192.0.2.10/32', '192.0.2.64/28'],
    destinations: [
      { host: 'pbx1.example.net', port: 5060, transport: 'udp', priority: 0, weight: 70 },
      { host: '192.0.2.20', port: 5080, transport: 'tls', priority: 1, weight: 30 },
    ],
    maxChannels: 30,
    codecs: ['PCMU', 'G722'],
    digestUsername: 'branch',
    digestPassword: 's3cret-digest',
  };

  it('creates, reads, updates and lists a trunk group (group → trunks → endpoints)', async () => {
    const { adapter } = build();
    const created = await requireCapability(adapter, 'trunks.create').create(spec);
    expect(created).toEqual({
      trunkRef: expect.any(String),
      name: 'Branch Office',
      enabled: true,
      direction: 'both',
      auth: 'both',
      allowedIps: ['192.0.2.10/32', '192.0.2.64/28'],
      destinations: spec.destinations,
      maxChannels: 30,
      codecs: ['PCMU', 'G722'],
      digestUsername: 'branch',
    });
    expect(JSON.stringify(created)).not.toContain('s3cret-digest');
    expect(await requireCapability(adapter, 'trunks').get(created.trunkRef)).toEqual(created);

    // Upstream shape: one trunk + third_party endpoint per destination, plus the ingress one.
    const group = (await raw(`/core/v2/trunk_groups/${created.trunkRef}`)).json() as { trunks: { name: string; endpoint_sid: string; weight: number }[] };
    expect(group.trunks.map((t) => t.name)).toEqual(['Branch Office#dst1', 'Branch Office#dst2', 'Branch Office#ingress']);
    const ingress = (await raw(`/core/v2/endpoints/${group.trunks[2]!.endpoint_sid}`)).json() as { addresses: { ip: string; direction: string; sip_password: string }[] };
    expect(ingress.addresses.map((a) => [a.ip, a.direction])).toEqual([['192.0.2.10', 'outbound'], ['192.0.2.64/28', 'outbound']]);

    // Update without resending the password: PUT replaces the addresses, the password survives.
    const updated = await requireCapability(adapter, 'trunks').update(created.trunkRef, {
      ...spec,
      name: 'Branch Office 2',
      allowedIps: ['192.0.2.99/32'],
      destinations: [{ host: 'pbx9.example.net', port: 5061, transport: 'tcp', priority: 5, weight: 10 }],
      maxChannels: 12,
      digestPassword: undefined,
    });
    expect(updated).toMatchObject({
      trunkRef: created.trunkRef,
      name: 'Branch Office 2',
      allowedIps: ['192.0.2.99/32'],
      destinations: [{ host: 'pbx9.example.net', port: 5061, transport: 'tcp', priority: 5, weight: 10 }],
      maxChannels: 12,
      auth: 'both',
    });
    const after = (await raw(`/core/v2/trunk_groups/${created.trunkRef}`)).json() as { trunks: { name: string; endpoint_sid: string }[] };
    expect(after.trunks.map((t) => t.name)).toEqual(['Branch Office 2#dst1', 'Branch Office 2#ingress']);
    const ingressAfter = (await raw(`/core/v2/endpoints/${after.trunks[1]!.endpoint_sid}`)).json() as { addresses: { sip_password: string; sip_username: string }[] };
    expect(ingressAfter.addresses).toEqual([expect.objectContaining({ sip_username: 'branch', sip_password: 's3cret-digest' })]);
    // The removed destination's endpoint is gone too.
    expect((await raw(`/core/v2/endpoints/${group.trunks[1]!.endpoint_sid}`)).status).toBe(404);

    const inboundOnly = await requireCapability(adapter, 'trunks').update(created.trunkRef, { ...spec, direction: 'inbound', auth: 'ip', allowedIps: [] });
    expect(inboundOnly).toMatchObject({ direction: 'inbound', destinations: spec.destinations, allowedIps: [] });

    const all = await requireCapability(adapter, 'trunks').list();
    expect(all.map((t) => t.name).sort()).toEqual(['Branch Office', 'Primary PBX']);
    const primary = all.find((t) => t.name === 'Primary PBX');
    expect(primary).toMatchObject({
      direction: 'both',
      auth: 'ip',
      allowedIps: ['198.51.100.7/32', '198.51.100.0/28'],
      destinations: [
        { host: '203.0.113.10', port: 5060, transport: 'udp', priority: 0, weight: 100 },
        { host: '203.0.113.11', port: 5060, transport: 'tcp', priority: 1, weight: 100 },
      ],
      maxChannels: 50,
      codecs: ['PCMU', 'PCMA'],
    });
  });

  it('creates digest-only outbound trunks and returns null for unknown trunk groups', async () => {
    const { adapter } = build();
    const trunk = await requireCapability(adapter, 'trunks.create').create({ name: 'Softswitch', direction: 'outbound', auth: 'digest', allowedIps: [], destinations: [], digestUsername: 'soft', digestPassword: 'pw-123456' });
    expect(trunk).toMatchObject({ direction: 'outbound', auth: 'digest', allowedIps: [], destinations: [], digestUsername: 'soft' });
    expect(await requireCapability(adapter, 'trunks').get('00000000-0000-4000-8000-000000000000')).toBeNull();
    await expect(requireCapability(adapter, 'trunks').update('00000000-0000-4000-8000-000000000000', spec)).rejects.toMatchObject({ providerKind: 'not_found' });
  });

  /** Records `METHOD /path → status` of every call, and lets a test answer or act in between. */
  function recorder(intercept?: (method: string, path: string) => Promise<Response | undefined>) {
    const sent: string[] = [];
    const recording: typeof fetch = async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const method = init?.method ?? 'GET';
      const response = (await intercept?.(method, url.pathname)) ?? (await fetch(input, init));
      sent.push(`${method} ${url.pathname} → ${response.status}`);
      return response;
    };
    return { sent, recording, deletes: () => sent.filter((line) => line.startsWith('DELETE ')) };
  }
  const endpointsOf = async (trunkRef: string) =>
    ((await raw(`/core/v2/trunk_groups/${trunkRef}`)).json() as { trunks: { endpoint_sid: string }[] }).trunks.map((trunk) => trunk.endpoint_sid);

  it('deletes a trunk group with DELETE /trunk_groups/{sid}, then the endpoints it created; gone again is success', async () => {
    const { sent, recording, deletes } = recorder();
    const { adapter } = build({ fetch: recording });
    const created = await requireCapability(adapter, 'trunks.create').create({ ...spec, name: 'Doomed' });
    const endpoints = await endpointsOf(created.trunkRef);
    expect(endpoints).toHaveLength(3);

    sent.length = 0;
    await expect(requireCapability(adapter, 'trunks.delete').delete(created.trunkRef)).resolves.toBeUndefined();
    expect(deletes()).toEqual([
      `DELETE /core/v2/trunk_groups/${created.trunkRef} → 204`,
      ...endpoints.map((endpointSid) => `DELETE /core/v2/endpoints/${endpointSid} → 204`),
    ]);
    expect((await raw(`/core/v2/trunk_groups/${created.trunkRef}`)).status).toBe(404);
    for (const endpointSid of endpoints) expect((await raw(`/core/v2/endpoints/${endpointSid}`)).status).toBe(404);
    expect(await requireCapability(adapter, 'trunks').get(created.trunkRef)).toBeNull();
    expect((await requireCapability(adapter, 'trunks').list()).map((trunk) => trunk.trunkRef)).not.toContain(created.trunkRef);

    // Gone already (the upstream answers 404 no item error): nothing left to delete, and success.
    const again = await raw(`/core/v2/trunk_groups/${created.trunkRef}`, { method: 'DELETE' });
    expect(again.status).toBe(404);
    expect(again.json()).toMatchObject({ message: 'no item error' });
    sent.length = 0;
    await expect(requireCapability(adapter, 'trunks.delete').delete(created.trunkRef)).resolves.toBeUndefined();
    await expect(requireCapability(adapter, 'trunks.delete').delete('00000000-0000-4000-8000-000000000000')).resolves.toBeUndefined();
    await expect(requireCapability(adapter, 'trunks.delete').delete('..')).resolves.toBeUndefined();
    expect(deletes()).toEqual([]);
  });

  it('takes a 404 on the trunk group or an endpoint DELETE as success, and a retry finishes a part-done delete', async () => {
    const state = createMemoryStateStore();
    const raced = await requireCapability(build().adapter, 'trunks.create').create({ ...spec, name: 'Raced' });
    const racedEndpoints = await endpointsOf(raced.trunkRef);
    // Someone else deletes the group between our read and our DELETE.
    const race = recorder(async (method, path) => {
      if (method !== 'GET' || path !== `/core/v2/trunk_groups/${raced.trunkRef}`) return undefined;
      const read = await fetch(sandbox.url + path, { headers: { Authorization: `Bearer ${TOKEN}` } });
      await raw(path, { method: 'DELETE' });
      return read;
    });
    await expect(requireCapability(build({ fetch: race.recording, state }).adapter, 'trunks.delete').delete(raced.trunkRef)).resolves.toBeUndefined();
    expect(race.deletes()).toEqual([
      `DELETE /core/v2/trunk_groups/${raced.trunkRef} → 404`,
      ...racedEndpoints.map((endpointSid) => `DELETE /core/v2/endpoints/${endpointSid} → 204`),
    ]);

    // The endpoint DELETEs fail (503, no retry): the group is gone, its endpoints are not.
    const partial = await requireCapability(build().adapter, 'trunks.create').create({ ...spec, name: 'Partial' });
    const [first, ...rest] = await endpointsOf(partial.trunkRef);
    const failing = recorder(async (method, path) => (method === 'DELETE' && path.startsWith('/core/v2/endpoints/') ? new Response('<html>down</html>', { status: 503 }) : undefined));
    const error = await expectProviderError(requireCapability(build({ fetch: failing.recording, state, maxAttempts: 0 }).adapter, 'trunks.delete').delete(partial.trunkRef));
    expect(error).toMatchObject({ providerKind: 'unavailable', httpStatus: 503 });
    expect((await raw(`/core/v2/trunk_groups/${partial.trunkRef}`)).status).toBe(404);
    expect((await raw(`/core/v2/endpoints/${first}`)).status).toBe(200);

    // Meanwhile one endpoint went away upstream: the retry gets 404 for it and removes the rest.
    await raw(`/core/v2/endpoints/${first}`, { method: 'DELETE' });
    const retry = recorder();
    await expect(requireCapability(build({ fetch: retry.recording, state }).adapter, 'trunks.delete').delete(partial.trunkRef)).resolves.toBeUndefined();
    expect(retry.deletes()).toEqual([`DELETE /core/v2/endpoints/${first} → 404`, ...rest.map((endpointSid) => `DELETE /core/v2/endpoints/${endpointSid} → 204`)]);
    for (const endpointSid of rest) expect((await raw(`/core/v2/endpoints/${endpointSid}`)).status).toBe(404);
    expect(state.dump()).toEqual({});
  });

  it('keeps an endpoint another trunk group still points at, and throws auth for a token CarrierX refuses', async () => {
    const { adapter } = build();
    const created = await requireCapability(adapter, 'trunks.create').create({ ...spec, name: 'Shared' });
    const [shared, ...own] = await endpointsOf(created.trunkRef);
    const other = await raw('/core/v2/trunk_groups', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'Console-made', trunks: [{ name: 'console', endpoint_sid: shared }] }),
    });
    expect(other.status).toBe(200);

    expect((await raw(`/core/v2/trunk_groups/${created.trunkRef}`, { method: 'DELETE', headers: { Authorization: 'Bearer wrong' } })).status).toBe(401);
    expect(await expectProviderError(requireCapability(build({ credentials: { token: 'wrong' } }).adapter, 'trunks.delete').delete(created.trunkRef))).toMatchObject({ providerKind: 'auth', httpStatus: 401 });
    const readOnly = build({ credentials: { token: 'c0ffee00-0000-4000-8000-00000000read' } }).adapter;
    expect(await expectProviderError(requireCapability(readOnly, 'trunks.delete').delete(created.trunkRef))).toMatchObject({ providerKind: 'auth', httpStatus: 403 });
    expect(await requireCapability(adapter, 'trunks').get(created.trunkRef)).not.toBeNull();

    await requireCapability(adapter, 'trunks.delete').delete(created.trunkRef);
    expect(await requireCapability(adapter, 'trunks').get(created.trunkRef)).toBeNull();
    expect((await raw(`/core/v2/endpoints/${shared}`)).status).toBe(200);
    for (const endpointSid of own) expect((await raw(`/core/v2/endpoints/${endpointSid}`)).status).toBe(404);
    await raw(`/core/v2/trunk_groups/${String(other.json().trunk_group_sid)}`, { method: 'DELETE' });
    await raw(`/core/v2/endpoints/${shared}`, { method: 'DELETE' });
  });

  it('pulls CDRs in a window, resumable by the last dr_sid', async () => {
    const { adapter } = build();
    const until = new Date();
    const since = new Date(until.getTime() - 3 * 24 * 3600_000);
    const pages: Page<Cdr>[] = [];
    let cursor: string | undefined;
    do {
      const page = await requireCapability(adapter, 'cdrs').pull({ since, until, cursor, limit: 50 });
      pages.push(page);
      if (page.nextCursor) expect(page.nextCursor).toBe(page.items[page.items.length - 1]?.providerCallId);
      cursor = page.nextCursor;
    } while (cursor && pages.length < 100);
    const cdrs = pages.flatMap((page) => page.items);
    expect(pages.length).toBeGreaterThan(1);
    expect(new Set(cdrs.map((c) => c.providerCallId)).size).toBe(cdrs.length);
    for (const cdr of cdrs) {
      expect(cdr.endedAt!.getTime()).toBeGreaterThanOrEqual(since.getTime());
      expect(cdr.endedAt!.getTime()).toBeLessThan(until.getTime());
      expect(cdr.from).toMatch(/^\+1\d{10}$/);
      expect(cdr.to).toMatch(/^\+1\d{10}$/);
    }
    // Ascending by date_stop.
    const stops = cdrs.map((c) => c.endedAt!.getTime());
    expect([...stops].sort((a, b) => a - b)).toEqual(stops);

    const dispositions = new Set(cdrs.map((c) => c.disposition));
    for (const d of ['answered', 'busy', 'no_answer', 'failed'] as const) expect(dispositions).toContain(d);
    const answered = cdrs.filter((c) => c.disposition === 'answered');
    expect(answered.every((c) => c.answeredAt && c.durationSec > 0 && c.billableSec >= c.durationSec && c.sipCode === 200)).toBe(true);
    const median = [...answered.map((c) => c.durationSec)].sort((a, b) => a - b)[Math.floor(answered.length / 2)]!;
    expect(median).toBeGreaterThanOrEqual(20);
    expect(median).toBeLessThanOrEqual(600);
    expect(cdrs.filter((c) => c.disposition !== 'answered').every((c) => c.durationSec === 0 && c.billableSec === 0)).toBe(true);
    expect(cdrs.some((c) => c.direction === 'inbound' && c.trunkRef)).toBe(true);
    expect(cdrs.some((c) => c.direction === 'outbound' && c.trunkRef)).toBe(true);
    expect(cdrs.every((c) => c.pddMs === undefined)).toBe(true);

    // Resuming from a cursor in the middle yields exactly the rest.
    const middle = pages[1]!.items[0]!.providerCallId;
    const index = cdrs.findIndex((c) => c.providerCallId === middle);
    const resumed = await requireCapability(adapter, 'cdrs').pull({ since, until, cursor: middle, limit: 1000 });
    expect(resumed.items.map((c) => c.providerCallId)).toEqual(cdrs.slice(index + 1).map((c) => c.providerCallId));
  });

  it('shows more CDRs as the sandbox clock moves on', async () => {
    const { adapter } = build();
    const since = new Date(Date.now() - 3600_000);
    const until = new Date(Date.now() + 12 * 3600_000);
    const before = await requireCapability(adapter, 'cdrs').pull({ since, until, limit: 1000 });
    sandbox.advanceClock(6 * 3600_000);
    try {
      const after = await requireCapability(adapter, 'cdrs').pull({ since, until, limit: 1000 });
      expect(after.items.length).toBeGreaterThan(before.items.length);
    } finally {
      sandbox.advanceClock(-6 * 3600_000);
    }
  });

  it('lists invoices and fetches the PDF', async () => {
    const { adapter } = build();
    const invoices = await requireCapability(adapter, 'billing').listInvoices({});
    expect(invoices).toHaveLength(4);
    expect(invoices.filter((i) => i.status === 'open')).toHaveLength(1);
    expect(invoices.filter((i) => i.status === 'paid')).toHaveLength(3);
    for (const invoice of invoices) {
      expect(invoice.total.currency).toBe('USD');
      expect(invoice.total.amount).toMatch(/^\d+\.\d{2}$/);
      expect(invoice.periodStart).toMatch(/^\d{4}-\d\d-01$/);
      expect(invoice.pdfUrl).toBe(`${sandbox.url}/core/v2/invoices/${invoice.invoiceRef}.pdf`);
    }
    const recent = await requireCapability(adapter, 'billing').listInvoices({ since: new Date(Date.now() - 20 * 24 * 3600_000) });
    expect(recent.length).toBeLessThan(4);
    expect(recent.length).toBeGreaterThan(0);

    const pdf = await adapter.billing.getInvoicePdf(invoices[0]!.invoiceRef);
    expect(pdf.contentType).toBe('application/pdf');
    expect(pdf.filename).toMatch(/^invoice-\d{3}\.pdf$/);
    expect(new TextDecoder().decode(pdf.content.slice(0, 8))).toBe('%PDF-1.4');
    await expect(adapter.billing.getInvoicePdf('nope')).rejects.toMatchObject({ providerKind: 'not_found' });
  });

  it('routes DIDs to a trunk group by PATCHing trunk_group_sid, reads the route back, and unroutes one with null', async () => {
    const { adapter } = build();
    const trunk = await requireCapability(adapter, 'trunks.create').create({
      name: 'Route Target',
      direction: 'inbound',
      auth: 'ip',
      allowedIps: [],
      destinations: [{ host: '192.0.2.88', port: 5060, transport: 'udp', priority: 0, weight: 100 }],
    });
    const owned = (await listAll(adapter)).filter((n) => n.trunkRef !== trunk.trunkRef);
    const [a, b] = owned;
    const results = await requireCapability(adapter, 'numbers').route({ numbers: [a!.e164, '+12125550199', b!.e164], trunkRef: trunk.trunkRef });
    expect(results).toEqual([
      { e164: a!.e164, ok: true },
      { e164: '+12125550199', ok: false, reason: 'not on the account' },
      { e164: b!.e164, ok: true },
    ]);

    const listed = await listAll(adapter);
    expect(listed.find((n) => n.e164 === a!.e164)?.trunkRef).toBe(trunk.trunkRef);
    expect(listed.find((n) => n.e164 === b!.e164)?.trunkRef).toBe(trunk.trunkRef);
    expect((await requireCapability(adapter, 'trunks').get(trunk.trunkRef))?.trunkRef).toBe(trunk.trunkRef);
    // The documented `?trunk_group_sid=` filter of GET /phonenumber/dids sees the same.
    const onGroup = await raw(`/core/v2/phonenumber/dids?trunk_group_sid=${trunk.trunkRef}`);
    expect((onGroup.json().items as { phonenumber: string }[]).map((did) => `+${did.phonenumber}`).sort()).toEqual([a!.e164, b!.e164].sort());

    expect(await requireCapability(adapter, 'numbers').route({ numbers: [a!.e164], trunkRef: null })).toEqual([{ e164: a!.e164, ok: true }]);
    const after = await listAll(adapter);
    expect(after.find((n) => n.e164 === a!.e164)?.trunkRef).toBeUndefined();
    expect(after.find((n) => n.e164 === b!.e164)?.trunkRef).toBe(trunk.trunkRef);

    await expect(requireCapability(adapter, 'numbers').route({ numbers: [b!.e164], trunkRef: '00000000-0000-4000-8000-000000000000' })).rejects.toMatchObject({ providerKind: 'not_found' });
    // The sandbox refuses a route that is neither a trunk group SID nor null.
    const did = (await raw(`/core/v2/phonenumber/dids?filter=${encodeURIComponent(`phonenumber eq "${b!.e164.slice(1)}"`)}`)).json().items as { did_sid: string }[];
    const bad = await raw(`/core/v2/phonenumber/dids/${did[0]!.did_sid}`, { method: 'PATCH', headers: { 'Content-Type': 'application/json' }, body: '{"trunk_group_sid":42}' });
    expect(bad.status).toBe(400);
    expect((await listAll(adapter)).find((n) => n.e164 === b!.e164)?.trunkRef).toBe(trunk.trunkRef);
  });

  it('reads the balance from whoami', async () => {
    sandbox.reset();
    const balance = await requireCapability(build().adapter, 'billing').getBalance();
    expect(balance).toEqual({ available: { amount: '351.53', currency: 'USD' }, creditLimit: undefined });
  });
});

async function listAll(adapter: CarrierxAdapter, limit = 100) {
  const all = [];
  let cursor: string | undefined;
  do {
    const page = await requireCapability(adapter, 'numbers').list({ cursor, limit });
    all.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}

describe('carrierx sandbox conventions', () => {
  beforeAll(() => sandbox.reset());

  it('applies filter= with eq, like, ilike, in, notin, ge and `and`', async () => {
    const q = (filter: string) => raw(`/core/v2/phonenumber/available_dids?limit=1000&filter=${encodeURIComponent(filter)}`).then((r) => r.json() as { items: { state: string; phonenumber: string; locality: string; capabilities: number }[] });
    const il = await q('state eq "IL" and locality eq CHICAGO');
    expect(il.items.length).toBeGreaterThan(0);
    expect(il.items.every((d) => d.state === 'IL' && d.locality === 'CHICAGO')).toBe(true);
    const like = await q('phonenumber like "1312%"');
    expect(like.items.every((d) => d.phonenumber.startsWith('1312'))).toBe(true);
    expect((await q('locality like "chicago"')).items).toHaveLength(0);
    expect((await q('locality ilike "chic%"')).items.length).toBe(il.items.length);
    const inList = await q("state in (ON, 'QC')");
    expect(new Set(inList.items.map((d) => d.state))).toEqual(new Set(['ON', 'QC']));
    const notIn = await q('country_code eq CAN and state notin (ON)');
    expect(new Set(notIn.items.map((d) => d.state))).toEqual(new Set(['QC', 'BC']));
    const rich = await q('capabilities ge 31');
    expect(rich.items.length).toBeGreaterThan(0);
    expect(rich.items.every((d) => d.capabilities === 31)).toBe(true);
    const bad = await raw(`/core/v2/phonenumber/dids?filter=${encodeURIComponent('state bogus IL')}`);
    expect(bad.status).toBe(400);
  });

  it('uses the list envelope with limit/offset, order and pagination links', async () => {
    const page = (await raw('/core/v2/phonenumber/dids?limit=2&offset=2&order=phonenumber+desc')).json() as Record<string, unknown> & { items: { phonenumber: string }[]; pagination: Record<string, string> };
    expect(page).toMatchObject({ count: 2, has_more: true, limit: 2, offset: 2 });
    expect(page.total).toBeGreaterThan(4);
    expect(page.items[0]!.phonenumber > page.items[1]!.phonenumber).toBe(true);
    expect(page.pagination.next).toContain('offset=4');
    expect(page.pagination.previous).toContain('offset=0');
    const defaults = (await raw('/core/v2/phonenumber/dids')).json();
    expect(defaults.limit).toBe(10);
    expect((await raw('/core/v2/phonenumber/dids?limit=1001')).status).toBe(400);
    const cdrs = (await raw('/core/v2/calls/call_drs?limit=1')).json();
    expect(cdrs.total).toBeNull();
  });

  it('merges nested objects on PATCH, removes null keys, and replaces on PUT or nested_objects=replace', async () => {
    const list = (await raw('/core/v2/phonenumber/dids?limit=1')).json() as { items: { did_sid: string }[] };
    const sid = list.items[0]!.did_sid;
    const send = (method: string, body: unknown, query = '') =>
      raw(`/core/v2/phonenumber/dids/${sid}${query}`, { method, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.json());
    await send('PATCH', { attributes: { name: 'New Partner Name' } });
    expect((await send('PATCH', { attributes: { name2: 'New Partner Name 2' } })).attributes).toEqual({ name: 'New Partner Name', name2: 'New Partner Name 2' });
    expect((await send('PATCH', { attributes: { name: null } })).attributes).toEqual({ name2: 'New Partner Name 2' });
    expect((await send('PATCH', { attributes: { name3: 'x' } }, '?nested_objects=replace')).attributes).toEqual({ name3: 'x' });
    const put = await send('PUT', { name: 'main line' });
    expect(put).toMatchObject({ name: 'main line', attributes: {}, string_key_1: null });
  });

  it('answers the seed\'s malformed endpoint body with the wrapped 400, and non-JSON with 415', async () => {
    const body = readFileSync(join(fixtures, 'endpoint-third-party-request.txt'), 'utf8');
    const response = await raw('/core/v2/endpoints', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
    expect(response.status).toBe(400);
    expect(response.json()).toEqual(fixture('error-400-json.json'));
    const mapped = carrierxError(response.status, response.text);
    expect(mapped.providerKind).toBe('invalid');
    expect(mapped.upstreamMessage).toBe('cannot parse json. Check json for validity');
    const fixed = await raw('/core/v2/endpoints', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"name":"EP_T_1","addresses":[{"ip":"1.1.2.13","port":"5060"}],"type":"third_party"}' });
    expect(fixed.status).toBe(200);
    expect(fixed.json()).toMatchObject({ type: 'third_party', addresses: [{ ip: '1.1.2.13', port: 5060, direction: 'any', transport: 'udp', priority: 0 }] });
    const form = await raw('/core/v2/endpoints', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'type=third_party' });
    expect(form.status).toBe(415);
  });

  it('rents the seed\'s own example body verbatim, and serves the documented 401/403/404 bodies', async () => {
    const body = readFileSync(join(fixtures, 'did-rent-request.json'), 'utf8');
    const rent = await raw('/core/v2/phonenumber/dids', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
    expect(rent.status).toBe(200);
    expect(rent.json()).toMatchObject({ phonenumber: '15162065575', in_country_format: '(516) 206-5575', international_format: '+1 516-206-5575', locality: 'NEW YORK', state: 'NY', price: '0.6', capabilities: 7 });
    const del = await raw(`/core/v2/phonenumber/dids/${String(rent.json().did_sid)}`, { method: 'DELETE' });
    expect(del.status).toBe(204);
    expect(del.text).toBe('');

    const unauth = await fetch(`${sandbox.url}/core/v2/oauth/whoami`);
    expect(unauth.status).toBe(401);
    expect(await unauth.json()).toEqual(fixture('error-401.json'));
    const forbidden = await fetch(`${sandbox.url}/core/v2/phonenumber/dids`, { method: 'POST', headers: { Authorization: 'Bearer c0ffee00-0000-4000-8000-00000000read', 'Content-Type': 'application/json' }, body: '{}' });
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toEqual(fixture('error-403.json'));
    const missing = await raw('/core/v2/calls/call_drs/nope');
    expect(missing.status).toBe(404);
    expect(missing.json()).toMatchObject({ message: 'no item error' });
  });
});

describe('carrierx contract: the seed document\'s own examples', () => {
  it('parses and maps the DID samples', () => {
    const did = didSchema.parse(fixture('did.json'));
    expect(didToOwned(did)).toEqual({
      e164: '+15162065575',
      kind: 'local',
      status: 'active',
      state: 'NY',
      rateCenter: 'NEW YORK',
      trunkRef: undefined,
      cost: { monthly: { amount: '0.6', currency: 'USD' } },
      providerRef: 'f448e2c3-88c1-4cd1-8cf2-3567c16e0794',
    });
    expect(didToAvailable(did)).toMatchObject({ e164: '+15162065575', npa: '516', nxx: '206', country: 'US', features: ['voice', 'sms'] });
    expect(didSchema.parse(fixture('did-rent-response.json')).phonenumber).toBe('15162065575');
    expect(didSchema.parse(fixture('did-patch-response.json')).attributes).toEqual({ name: 'main line' });
    const list = didListSchema.parse(fixture('dids-list.json'));
    expect(list).toMatchObject({ count: 1, has_more: true, limit: 1, offset: 0, total: 2 });
    expect(list.pagination?.next).toContain('offset=1');
    expect(list.items.map(didToOwned)[0]?.e164).toBe('+15162065574');
  });

  it('parses and maps the CDR samples (string numbers, "false" boolean, mixed + prefixes)', () => {
    const dr = callDrSchema.parse(fixture('call-dr.json'));
    expect(callDrToCdr(dr)).toEqual({
      providerCallId: 'c02a73b2-8401-459a-af7e-f4cc3eee7854',
      direction: 'inbound',
      from: '+15012678830',
      to: '+15162065451',
      startedAt: new Date('2019-01-18T15:32:15.589Z'),
      answeredAt: new Date('2019-01-18T15:32:16.535Z'),
      endedAt: new Date('2019-01-18T15:32:19.839Z'),
      disposition: 'answered',
      durationSec: 3,
      billableSec: 60,
      sipCode: 200,
      cost: { amount: '0.0025', currency: 'USD' },
      trunkRef: 'cf7db13f-5c63-4c62-a447-fe3008cd72ef',
    });
    const list = callDrListSchema.parse(fixture('call-drs-list.json'));
    expect(list.total).toBeNull();
    expect(list.pagination?.previous).toContain('before=c02a73b2');
  });

  it('parses and maps the invoice samples', () => {
    const invoice = invoiceSchema.parse(fixture('invoice.json'));
    expect(invoiceToDomain(invoice)).toEqual({
      invoiceRef: '4169705e-4284-482f-8e72-e962a8aaad9d',
      periodStart: '2018-12-20',
      periodEnd: '2019-01-19',
      issuedAt: new Date('2018-12-19T23:30:01.000Z'),
      total: { amount: '0.38', currency: 'USD' },
      status: 'open',
      pdfUrl: undefined,
    });
    const list = invoiceListSchema.parse(fixture('invoices-list.json'));
    expect(list.total).toBe(4);
    expect(list.items[0]?.invoice_items).toHaveLength(2);
  });

  it('parses whoami into a balance, and the endpoint samples', () => {
    expect(partnerToBalance(partnerSchema.parse(fixture('whoami.json')))).toEqual({ available: { amount: '351.53', currency: 'USD' }, creditLimit: undefined });
    const endpoint = endpointSchema.parse(fixture('endpoint-third-party.json'));
    expect(endpoint.addresses?.[0]).toMatchObject({ ip: '1.1.2.13', port: 5060, transport: 'udp', direction: 'any' });
    expect(endpointListSchema.parse(fixture('endpoints-list.json')).pagination).toEqual({});
    expect(endpointListSchema.parse(fixture('endpoints-filter-conference.json')).items[0]?.type).toBe('conference');
  });

  it('maps the documented error bodies', () => {
    expect(carrierxError(401, JSON.stringify(fixture('error-401.json')))).toMatchObject({ providerKind: 'auth', httpStatus: 401, upstreamMessage: 'authentication required' });
    expect(carrierxError(403, JSON.stringify(fixture('error-403.json')))).toMatchObject({ providerKind: 'auth', upstreamMessage: 'permission denied' });
    expect(carrierxError(404, JSON.stringify(fixture('error-404.json')))).toMatchObject({ providerKind: 'not_found', upstreamMessage: 'no item error; cannot find token' });
    expect(parseWireError(JSON.stringify(fixture('error-400-json.json')))).toEqual({ message: 'cannot parse json. Check json for validity', errors: null });
    expect(carrierxError(409, 'Cannot find redirect_did')).toMatchObject({ providerKind: 'conflict', upstreamMessage: 'Cannot find redirect_did' });
    expect(carrierxError(415, '')).toMatchObject({ providerKind: 'invalid' });
  });

  it('normalizes numbers, capabilities and search filters', () => {
    expect(toE164('15162065575')).toBe('+15162065575');
    expect(toE164('+15012678830')).toBe('+15012678830');
    expect(toE164('5162065319')).toBe('+15162065319');
    expect(capabilitiesToFeatures(31)).toEqual(['voice', 'sms', 'mms']);
    expect(capabilitiesToFeatures(4)).toEqual(['voice']);
    expect(searchFilter({ kind: 'local', state: 'il', npa: '312', nxx: '555', quantity: 1 })).toBe('country_code eq "USA" and state eq "IL" and npa_nxx eq "312555"');
    expect(searchFilter({ kind: 'tollfree', quantity: 1 })).toBe('country_code eq "USA" and npa in ("800", "833", "844", "855", "866", "877", "888")');
    // A pattern with `*` is the whole number (11 digits upstream); one without may sit anywhere.
    expect(searchFilter({ kind: 'local', country: 'CA', pattern: '416*22', quantity: 1 })).toBe('country_code eq "CAN" and phonenumber like "1416%22"');
    expect(searchFilter({ kind: 'local', pattern: '*3569377*', quantity: 1 })).toBe('country_code eq "USA" and phonenumber like "%3569377%"');
    expect(searchFilter({ kind: 'local', pattern: '3569377', quantity: 1 })).toBe('country_code eq "USA" and phonenumber like "%3569377%"');
  });
});

describe('carrierx faults', () => {
  beforeAll(() => sandbox.reset());
  const clear = () => sandbox.setKnobs({ errorRate: 0, rate429: 0, hangRate: 0, malformedRate: 0, latencyMs: 0 });

  it('maps a 500 to unavailable', async () => {
    sandbox.setKnobs({ errorRate: 1 });
    try {
      const error = await expectProviderError(requireCapability(build().adapter, 'numbers').list({}));
      expect(error.providerKind).toBe('unavailable');
      expect(error.httpStatus).toBe(500);
    } finally {
      clear();
    }
  });

  it('maps a 429 to rate_limited', async () => {
    sandbox.setKnobs({ rate429: 1 });
    try {
      const error = await expectProviderError(requireCapability(build().adapter, 'billing').getBalance());
      expect(error.providerKind).toBe('rate_limited');
      expect(error.retryAfterMs).toBe(60_000);
    } finally {
      clear();
    }
  });

  it('gives up on a hang near the timeout', async () => {
    sandbox.setKnobs({ hangRate: 1 });
    const started = Date.now();
    try {
      const error = await expectProviderError(requireCapability(build({ timeoutMs: 150, maxAttempts: 0 }).adapter, 'cdrs').pull({ since: new Date(0), until: new Date() }));
      expect(error.providerKind).toBe('unavailable');
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      clear();
    }
  });

  it('maps a corrupted body to malformed', async () => {
    sandbox.setKnobs({ malformedRate: 1 });
    try {
      const error = await expectProviderError(requireCapability(build({ maxAttempts: 0 }).adapter, 'billing').listInvoices({}));
      expect(error.providerKind).toBe('malformed');
    } finally {
      clear();
    }
  });

  it('maps wrong credentials to auth, without leaking the token or a stack', async () => {
    const secret = 'not-the-token-9f8e7d6c';
    const error = await expectProviderError(requireCapability(build({ credentials: { token: secret } }).adapter, 'numbers').list({}));
    expect(error.providerKind).toBe('auth');
    expect(error.httpStatus).toBe(401);
    for (const text of [error.message, error.upstreamMessage ?? '', JSON.stringify(error)]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(TOKEN);
      expect(text).not.toMatch(/\n\s+at /);
    }
  });

  it('trips the breaker on repeated faults and closes it after a success past the half-open delay', async () => {
    const { adapter, http } = build({ breakerThreshold: 2, breakerHalfOpenAfterMs: 100, maxAttempts: 0 });
    sandbox.setKnobs({ errorRate: 1 });
    try {
      await expectProviderError(requireCapability(adapter, 'billing').getBalance());
      await expectProviderError(requireCapability(adapter, 'billing').getBalance());
      expect((http as ProviderHttp).breakerState).toBe('open');
      const fast = await expectProviderError(requireCapability(adapter, 'billing').getBalance());
      expect(fast.providerKind).toBe('unavailable');
      expect(fast.upstreamMessage).toContain('circuit open');
      for (const message of [fast.message, fast.upstreamMessage ?? '']) {
        expect(message).not.toContain(TOKEN);
        expect(message).not.toMatch(/\n\s+at /);
      }
    } finally {
      clear();
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
    const balance = await requireCapability(adapter, 'billing').getBalance();
    expect(balance.available.currency).toBe('USD');
    expect(http.breakerState).toBe('closed');
  });
});
