import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { ProviderError, isProviderError } from '@/lib/providers/errors';
import { createProviderHttp } from '@/lib/providers/http';
import { budgetStatus } from '@/lib/providers/rate-budget';
import { createMemoryStateStore, type ProviderStateStore } from '@/lib/providers/state-store';
import { capabilitiesOf, requireCapability, type E911Address, type PortInRequest, type TrunkGroupSpec } from '@/lib/providers/types';
import { voicetelProvider, type VoiceTelAdapter } from '@/lib/providers/voicetel';
import { API_KEY_STATE_KEY, BUDGETS, TRUNK_META_STATE_PREFIX } from '@/lib/providers/voicetel/assumptions';
import { voicetelError } from '@/lib/providers/voicetel/errors';
import {
  buildE911Address,
  buildPortSubmit,
  mapE911Entry,
  mapInventoryItem,
  mapOrder,
  mapOwnedNumber,
  mapPort,
  mapPortSubmit,
  mapPortability,
  mapTrunk,
  mapValidatedAddress,
  splitStreet,
} from '@/lib/providers/voicetel/map';
import { mapBalance, mapCdr, mapCreditToInvoice, mapMrcToLedger, mapPaymentToLedger } from '@/lib/providers/voicetel/map-account';
import * as wire from '@/lib/providers/voicetel/schema';
import { startSandbox, type RunningSandbox } from '@/sandbox/common/server';
import { voicetelDemoCredentials, voicetelSandbox } from '@/sandbox/voicetel';

const fixtures = path.resolve(import.meta.dirname, 'fixtures/voicetel');
const specFixture = (name: string): unknown => JSON.parse(readFileSync(path.join(fixtures, `spec-${name}.json`), 'utf8'));
/** The seed page is a Redoc render: JSON samples carry "•" bullets and collapse nested values to `[ ]`/`{ }`. */
const seedFixture = (name: string): unknown => JSON.parse(readFileSync(path.join(fixtures, `seed-${name}.txt`), 'utf8').replace(/•\s*/g, ''));

let sandbox: RunningSandbox;
let connectionCounter = 0;
const sharedState = createMemoryStateStore();

function makeAdapter(
  options: {
    state?: ProviderStateStore;
    credentials?: Record<string, string>;
    timeoutMs?: number;
    breakerThreshold?: number;
    breakerHalfOpenAfterMs?: number;
    now?: () => Date;
    fetch?: typeof fetch;
  } = {},
) {
  const connectionId = `test-voicetel-contract-${++connectionCounter}`;
  const http = createProviderHttp({
    provider: 'voicetel',
    connectionId,
    baseUrl: sandbox.url,
    timeoutMs: options.timeoutMs ?? 3_000,
    retryInitialDelayMs: 10,
    breakerThreshold: options.breakerThreshold,
    breakerHalfOpenAfterMs: options.breakerHalfOpenAfterMs,
    fetch: options.fetch,
  });
  const state = options.state ?? sharedState;
  const adapter = voicetelProvider.create({
    connectionId,
    baseUrl: sandbox.url,
    credentials: options.credentials ?? voicetelDemoCredentials,
    http,
    state,
    now: options.now,
  }) as VoiceTelAdapter;
  return { adapter, http, state };
}

async function caught(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (error) {
    if (isProviderError(error)) return error;
    throw error;
  }
  throw new Error('expected a ProviderError');
}

function expectClean(error: ProviderError, apikey?: string) {
  const texts = [error.message, error.upstreamMessage ?? ''];
  for (const text of texts) {
    expect(text).not.toMatch(/\n\s+at /);
    expect(text).not.toContain(voicetelDemoCredentials.password);
    if (apikey) expect(text).not.toContain(apikey);
  }
}

beforeAll(async () => {
  sandbox = await startSandbox(voicetelSandbox, { port: 0 });
});

afterAll(async () => {
  await sandbox.close();
});

describe('VoiceTel descriptor', () => {
  it('declares exactly the capabilities the adapter implements', () => {
    const adapter = voicetelProvider.create({
      connectionId: 'test-voicetel-descriptor',
      baseUrl: 'http://127.0.0.1:1',
      credentials: {},
      http: createProviderHttp({ provider: 'voicetel', connectionId: 'test-voicetel-descriptor', baseUrl: 'http://127.0.0.1:1' }),
      state: createMemoryStateStore(),
    });
    expect(capabilitiesOf(adapter).sort()).toEqual(
      [
        'numbers.search', 'numbers.order', 'numbers.list', 'numbers.release', 'numbers.route',
        'trunks.create', 'trunks.update', 'trunks.read', 'trunks.delete',
        'port.check', 'port.submit', 'port.status',
        'e911.validate', 'e911.provision', 'e911.remove', 'e911.list',
        'cdrs', 'invoices', 'balance', 'ledger',
      ].sort(),
    );
    // VoiceTel has no reservation: ordering is the only way to take a number.
    expect(adapter.numbers?.holds).toBeUndefined();
    expect(() => requireCapability(adapter, 'numbers.hold')).toThrow('VoiceTel does not support holding numbers.');
    expect(voicetelProvider.limits).toEqual({ cidrPrefixes: [8, 16, 24, 32], callerNameMaxLength: 15, trunk: { maxDestinations: 1, transports: ['udp'], cpsLimit: false } });
    expect(voicetelProvider.defaultBaseUrl).toBe('http://127.0.0.1:4101');
    expect(voicetelProvider.credentialFields.find((field) => field.name === 'password')?.secret).toBe(true);
  });
});

describe('VoiceTel adapter over HTTP', () => {
  let adapter: VoiceTelAdapter;

  beforeAll(async () => {
    adapter = makeAdapter().adapter;
  });

  it('logs in once, persists the API key and reuses it', async () => {
    const result = await adapter.testConnection();
    expect(result.ok).toBe(true);
    expect(result.detail).toMatch(/2 gateway/);
    const key = await sharedState.get<string>(API_KEY_STATE_KEY);
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    // A second instance on the same state does not log in: wrong credentials do not matter while the key works.
    const second = makeAdapter({ credentials: { username: '1000000001', password: 'not-the-password1' } }).adapter;
    expect((await requireCapability(second, 'trunks').list()).length).toBe(2);
    expect((await budgetStatus(sharedState, BUDGETS.login)).remaining).toBe(BUDGETS.login.limit - 1);
  });

  it('logs in again once when the stored key is rejected', async () => {
    const state = createMemoryStateStore({ [API_KEY_STATE_KEY]: 'deadbeefdeadbeefdeadbeefdeadbeef' });
    const { adapter: stale } = makeAdapter({ state });
    const trunks = await requireCapability(stale, 'trunks').list();
    expect(trunks.map((trunk) => trunk.trunkRef)).toEqual(['1000', '1001']);
    expect(await state.get(API_KEY_STATE_KEY)).toBe(await sharedState.get(API_KEY_STATE_KEY));
  });

  it('maps wrong credentials to auth without leaking them', async () => {
    const { adapter: wrong } = makeAdapter({ state: createMemoryStateStore(), credentials: { username: '1000000001', password: 'Wrong-Secret-123' } });
    const error = await caught(requireCapability(wrong, 'trunks').list());
    expect(error.providerKind).toBe('auth');
    expect(error.httpStatus).toBe(401);
    expect(error.upstreamMessage).toBe('Invalid username or password.');
    expect(error.message).not.toContain('Wrong-Secret-123');
    expect(error.upstreamMessage).not.toContain('Wrong-Secret-123');
    const test = await makeAdapter({ state: createMemoryStateStore(), credentials: { username: '1000000001', password: 'x' } }).adapter.testConnection();
    expect(test.ok).toBe(false);
    expect(test.detail).toContain('rejected');
  });

  it('searches local numbers by area code', async () => {
    const numbers = await requireCapability(adapter, 'numbers').search({ kind: 'local', npa: '312', quantity: 5 });
    expect(numbers).toHaveLength(5);
    for (const number of numbers) {
      expect(number.e164).toMatch(/^\+1312\d{7}$/);
      expect(number).toMatchObject({ kind: 'local', country: 'US', state: 'IL', rateCenter: 'CHICAGO', npa: '312' });
      expect(number.features).toContain('e911');
    }
  });

  it('searches by state alone through the coverage counts', async () => {
    const numbers = await requireCapability(adapter, 'numbers').search({ kind: 'local', state: 'TX', quantity: 15 });
    expect(numbers).toHaveLength(15);
    expect(new Set(numbers.map((number) => number.state))).toEqual(new Set(['TX']));
    for (const number of numbers) expect(['214', '469', '972', '713', '832']).toContain(number.npa);
  });

  it('filters by rate center and finds Canadian numbers', async () => {
    const closter = await requireCapability(adapter, 'numbers').search({ kind: 'local', state: 'NJ', npa: '201', rateCenter: 'Closter', quantity: 50 });
    expect(closter.length).toBeGreaterThan(0);
    expect(new Set(closter.map((number) => number.rateCenter))).toEqual(new Set(['CLOSTER']));
    const toronto = await requireCapability(adapter, 'numbers').search({ kind: 'local', state: 'ON', quantity: 4 });
    expect(toronto).toHaveLength(4);
    for (const number of toronto) expect(number).toMatchObject({ country: 'CA', state: 'ON', rateCenter: 'TORONTO' });
    expect(toronto[0]?.features).not.toContain('e911');
  });

  it('searches toll-free numbers by prefix and across prefixes', async () => {
    const only833 = await requireCapability(adapter, 'numbers').search({ kind: 'tollfree', tollFreePrefix: '833', quantity: 3 });
    expect(only833).toHaveLength(3);
    for (const number of only833) expect(number).toMatchObject({ kind: 'tollfree', npa: '833', features: ['voice'] });
    const any = await requireCapability(adapter, 'numbers').search({ kind: 'tollfree', quantity: 20 });
    expect(any).toHaveLength(20);
    expect(new Set(any.map((number) => number.npa)).size).toBeGreaterThan(1);
    for (const number of any) expect(['800', '833', '844', '855', '866', '877', '888']).toContain(number.npa);
  });

  it('finds a consecutive block and rejects a search with nothing to anchor it', async () => {
    const block = await requireCapability(adapter, 'numbers').search({ kind: 'local', npa: '312', quantity: 4, consecutive: true });
    expect(block).toHaveLength(4);
    const values = block.map((number) => Number(number.e164.slice(1)));
    values.forEach((value, index) => index && expect(value).toBe((values[index - 1] ?? 0) + 1));
    const error = await caught(requireCapability(adapter, 'numbers').search({ kind: 'local', quantity: 5 }));
    expect(error.providerKind).toBe('invalid');
  });

  it('returns coverage buckets', async () => {
    const states = await adapter.getCoverage({ countBy: 'state' });
    const byState = new Map(states.map((bucket) => [bucket.state, bucket.count]));
    for (const code of ['IL', 'TX', 'NJ', 'ON', 'QC']) expect(byState.get(code)).toBeGreaterThan(0);
    const nxx = await adapter.getCoverage({ countBy: 'npanxx', state: 'IL', npa: '312' });
    expect(nxx.length).toBeGreaterThan(0);
    for (const bucket of nxx) expect(bucket).toMatchObject({ npa: '312', lata: '358' });
  });

  it('orders numbers with an idempotency key, reports partial failures, and replays', async () => {
    const before = await requireCapability(adapter, 'billing').getBalance();
    const [first, second] = await requireCapability(adapter, 'numbers').search({ kind: 'local', npa: '303', quantity: 2 });
    const owned = (await requireCapability(adapter, 'numbers').list({})).items[0]!;
    const request = { numbers: [first!.e164, second!.e164, owned.e164], idempotencyKey: 'order-0001' };
    const result = await requireCapability(adapter, 'numbers').order(request);
    expect(result.upstreamOrderId).toMatch(/^\d+$/);
    expect(result.lines).toEqual([
      { e164: first!.e164, status: 'active' },
      { e164: second!.e164, status: 'active' },
      { e164: owned.e164, status: 'failed', reason: 'Number is already on the account' },
    ]);
    const replay = await requireCapability(adapter, 'numbers').order(request);
    expect(replay).toEqual(result);
    const after = await requireCapability(adapter, 'billing').getBalance();
    // Charged once: 2 numbers × $1.00.
    expect(Number(before.available.amount) - Number(after.available.amount)).toBeCloseTo(2, 6);
    expect(after.available.currency).toBe('USD');

    const listed = await requireCapability(adapter, 'numbers').list({});
    const e164s = listed.items.map((number) => number.e164);
    expect(e164s).toContain(first!.e164);
    expect(e164s).toContain(second!.e164);

    const known = await requireCapability(adapter, 'numbers').getOrder({ idempotencyKey: 'order-0001', numbers: request.numbers });
    expect(known?.lines.filter((line) => line.status === 'active')).toHaveLength(3);
    expect(await requireCapability(adapter, 'numbers').getOrder({ idempotencyKey: 'order-x', numbers: ['+13125550147'] })).toBeNull();
  });

  it('orders onto a gateway and shows it as the trunk', async () => {
    const [number] = await requireCapability(adapter, 'numbers').search({ kind: 'local', npa: '404', quantity: 1 });
    const result = await requireCapability(adapter, 'numbers').order({ numbers: [number!.e164], idempotencyKey: 'order-0002', trunkRef: '1001' });
    expect(result.lines[0]?.status).toBe('active');
    const listed = (await requireCapability(adapter, 'numbers').list({})).items.find((item) => item.e164 === number!.e164);
    expect(listed).toMatchObject({ status: 'active', kind: 'local', trunkRef: '1001' });
  });

  it('pages the number list and releases numbers (404 on a second release is fine)', async () => {
    const all = (await requireCapability(adapter, 'numbers').list({})).items;
    expect(all.length).toBeGreaterThan(10);
    expect(all.some((number) => number.kind === 'tollfree')).toBe(true);
    const page1 = await requireCapability(adapter, 'numbers').list({ limit: 5 });
    expect(page1.items).toHaveLength(5);
    expect(page1.nextCursor).toBe('5');
    const page2 = await requireCapability(adapter, 'numbers').list({ limit: 5, cursor: page1.nextCursor });
    expect(page2.items[0]?.e164).toBe(all[5]?.e164);

    const victim = all[all.length - 1]!;
    await requireCapability(adapter, 'numbers.release').release(victim.e164);
    expect((await requireCapability(adapter, 'numbers').list({})).items.map((number) => number.e164)).not.toContain(victim.e164);
    await expect(requireCapability(adapter, 'numbers.release').release(victim.e164)).resolves.toBeUndefined();
  });

  it('creates, reads, updates and lists trunks (gateway + auth type + IP ACL)', async () => {
    const spec: TrunkGroupSpec = {
      name: 'Core SBC',
      direction: 'both',
      auth: 'ip',
      allowedIps: ['198.51.100.0/24'],
      destinations: [
        { host: '198.51.100.41', port: 5060, transport: 'udp', priority: 2, weight: 50 },
        { host: '198.51.100.40', port: 5080, transport: 'tcp', priority: 1, weight: 100 },
      ],
      maxChannels: 50,
      codecs: ['PCMU', 'G729'],
    };
    const created = await requireCapability(adapter, 'trunks.create').create(spec);
    expect(created).toMatchObject({
      trunkRef: '1002',
      name: 'Core SBC',
      auth: 'ip',
      maxChannels: 50,
      enabled: true,
      codecs: ['PCMU', 'G729'],
      destinations: [{ host: '198.51.100.40', port: 5080, transport: 'tcp', priority: 1, weight: 100 }],
    });
    expect(created.allowedIps).toContain('198.51.100.0/24');
    expect(await requireCapability(adapter, 'trunks').get('1002')).toEqual(created);

    const updated = await requireCapability(adapter, 'trunks').update('1002', {
      ...spec,
      auth: 'both',
      digestPassword: 'abc12345',
      allowedIps: ['192.0.2.0/24'],
      maxChannels: 80,
      destinations: [{ host: 'sbc.example.net', port: 5060, transport: 'udp', priority: 1, weight: 100 }],
    });
    expect(updated).toMatchObject({ trunkRef: '1002', auth: 'both', maxChannels: 80, destinations: [{ host: 'sbc.example.net', port: 5060 }] });
    expect(updated.allowedIps).toContain('192.0.2.0/24');
    expect(updated.allowedIps).not.toContain('198.51.100.0/24');
    expect(updated.allowedIps).toContain('203.0.113.0/24');
    expect(JSON.stringify(updated)).not.toContain('abc12345');

    const trunks = await requireCapability(adapter, 'trunks').list();
    expect(trunks.map((trunk) => trunk.trunkRef)).toEqual(['1000', '1001', '1002']);
    expect(await requireCapability(adapter, 'trunks').get('4')).toBeNull();
    expect(await requireCapability(adapter, 'trunks').get('9999')).toBeNull();
  });

  it('rejects trunks VoiceTel cannot take', async () => {
    const base: TrunkGroupSpec = { name: 'x', direction: 'both', auth: 'ip', allowedIps: [], destinations: [{ host: '10.0.0.5', port: 5060, transport: 'udp', priority: 1, weight: 1 }] };
    const privateIp = await caught(requireCapability(adapter, 'trunks.create').create(base));
    expect(privateIp).toMatchObject({ providerKind: 'invalid', httpStatus: 400 });
    expect(privateIp.upstreamMessage).toContain('routable public IPv4');
    const badMask = await caught(requireCapability(adapter, 'trunks').update('1002', { ...base, destinations: [{ host: '198.51.100.40', port: 5060, transport: 'udp', priority: 1, weight: 1 }], allowedIps: ['198.51.100.16/28'] }));
    expect(badMask).toMatchObject({ providerKind: 'invalid', httpStatus: 409 });
    expect(badMask.upstreamMessage).toContain('Invalid mask');
    const badPassword = await caught(
      requireCapability(adapter, 'trunks').update('1002', { ...base, auth: 'digest', digestPassword: 'short', destinations: [{ host: '198.51.100.40', port: 5060, transport: 'udp', priority: 1, weight: 1 }] }),
    );
    expect(badPassword.providerKind).toBe('invalid');
    expect(badPassword.upstreamMessage).toContain('6-10 alphanumeric');
    expect(badPassword.upstreamMessage).not.toContain('short');
    expect((await caught(requireCapability(adapter, 'trunks').update('4', base))).providerKind).toBe('not_found');
  });

  it('checks portability, submits a port-in once per reference, and follows it to completion', async () => {
    const results = await requireCapability(adapter, 'ports').checkPortability(['+13125550147', '+16465550102']);
    expect(results[0]).toMatchObject({ e164: '+13125550147', portable: true });
    expect(results[0]?.losingCarrier).toBeTruthy();
    expect(results[1]).toMatchObject({ e164: '+16465550102', portable: false });
    expect(results[1]?.reason).toContain('does not support port-out');

    const request: PortInRequest = {
      numbers: ['+13125550147'],
      reference: 'port-ref-0001',
      subscriberType: 'business',
      accountNumber: '123456789',
      pin: '1234',
      authorizedName: 'Jane Smith',
      businessName: 'Acme Corp',
      serviceAddress: { street: '550 N Main Street', city: 'Chicago', state: 'IL', postalCode: '60601', country: 'US' },
      requestedFocDate: '2026-05-18',
    };
    const submitted = await requireCapability(adapter, 'ports').submit(request);
    expect(submitted.portRef).toMatch(/^[a-z0-9]{5}$/);
    expect(submitted).toMatchObject({ status: 'submitted', upstreamStatus: 'Submitted', numbers: ['+13125550147'] });
    expect(submitted.loaUrl).toBe(`https://api.voicetel.com/a/loa/${submitted.portRef}/`);
    const again = await requireCapability(adapter, 'ports').submit(request);
    expect(again.portRef).toBe(submitted.portRef);

    expect(await requireCapability(adapter, 'ports').get(submitted.portRef)).toMatchObject({ status: 'submitted', numbers: ['+13125550147'], loaUrl: submitted.loaUrl });
    sandbox.advanceClock(20 * 60_000);
    expect((await requireCapability(adapter, 'ports').get(submitted.portRef))?.status).toBe('pending');
    sandbox.advanceClock(60 * 60_000);
    const foc = await requireCapability(adapter, 'ports').get(submitted.portRef);
    expect(foc?.status).toBe('foc_scheduled');
    expect(foc?.focDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    sandbox.advanceClock(4 * 60 * 60_000);
    expect((await requireCapability(adapter, 'ports').get(submitted.portRef))?.status).toBe('completed');
    expect((await requireCapability(adapter, 'numbers').list({})).items.map((number) => number.e164)).toContain('+13125550147');

    expect(await requireCapability(adapter, 'ports').get('zzzzz')).toBeNull();
    expect(await requireCapability(adapter, 'ports').get('not-a-pid')).toBeNull();
    const ports = await adapter.ports.list();
    const rejected = ports.find((port) => port.status === 'exception');
    expect(rejected).toMatchObject({ upstreamStatus: 'Rejected', exception: { code: 'account_number_mismatch' } });
    expect(rejected?.exception?.message).toContain('account number');
  });

  it('checks portability itself before submitting, and refuses non-portable numbers', async () => {
    const base = {
      subscriberType: 'residential' as const,
      accountNumber: '99887766',
      authorizedName: 'Pat Lee',
      serviceAddress: { street: '1600 Broadway', city: 'Cupertino', state: 'CA', postalCode: '95014', country: 'US' as const },
    };
    const port = await requireCapability(adapter, 'ports').submit({ ...base, numbers: ['+13125550148'], reference: 'port-ref-0002', serviceAddress: { ...base.serviceAddress, street: '1 Infinite Loop Way' } });
    expect(port.status).toBe('submitted');
    const refused = await caught(requireCapability(adapter, 'ports').submit({ ...base, numbers: ['+16465550102'], reference: 'port-ref-0003', serviceAddress: { ...base.serviceAddress, street: '1 Infinite Loop Way' } }));
    expect(refused.providerKind).toBe('invalid');
    expect(refused.upstreamMessage).toContain('not portable');
    const noType = await caught(requireCapability(adapter, 'ports').submit({ ...base, numbers: ['+13125550148'], reference: 'port-ref-0004' }));
    expect(noType.upstreamMessage).toContain('street type');
  });

  it('validates, provisions (both ways), lists and removes e911 records', async () => {
    const address: E911Address = { street: '411 Hackensack Avenue', unit: 'Ste 200', city: 'Hackensack', state: 'NJ', postalCode: '07601', country: 'US' };
    const validation = await requireCapability(adapter, 'e911').validate(address);
    expect(validation).toMatchObject({ valid: true, normalized: { street: '411 HACKENSACK AVE', unit: 'STE 200', city: 'HACKENSACK', state: 'NJ', postalCode: '07601' } });
    const invalid = await requireCapability(adapter, 'e911').validate({ ...address, postalCode: '00000' });
    expect(invalid.valid).toBe(false);
    expect(invalid.reason).toContain('Address validation failed');
    expect((await requireCapability(adapter, 'e911').validate({ ...address, state: 'ON', country: 'CA' })).valid).toBe(false);

    const existing = new Set((await requireCapability(adapter, 'e911').list()).map((record) => record.e164));
    const canadian = /^\+1(416|647|514|438|604|778)/;
    const targets = (await requireCapability(adapter, 'numbers').list({})).items.filter((number) => number.kind === 'local' && !canadian.test(number.e164) && !existing.has(number.e164));
    const [a, b] = targets;
    // Validated address: provisioned by address id (PUT /e911/{dn}).
    const byId = await requireCapability(adapter, 'e911').provision({ e164: a!.e164, address, callerName: 'ACME CORP' });
    expect(byId).toMatchObject({ e164: a!.e164, callerName: 'ACME CORP', address: { street: '411 HACKENSACK AVE', city: 'HACKENSACK', state: 'NJ' } });
    expect(byId.e911Ref).toBe(a!.e164.slice(1));
    // Unvalidated address: validate-and-provision in one call (POST /e911).
    const oneShot = await requireCapability(adapter, 'e911').provision({ e164: b!.e164, address: { street: '2200 Ross Avenue', city: 'Dallas', state: 'TX', postalCode: '75201', country: 'US', name: 'Dallas Office' } });
    expect(oneShot).toMatchObject({ e164: b!.e164, callerName: 'Dallas Office', address: { street: '2200 ROSS AVE', postalCode: '75201' } });

    const listed = await requireCapability(adapter, 'e911').list();
    expect(listed.map((record) => record.e164)).toEqual(expect.arrayContaining([a!.e164, b!.e164]));
    for (const record of listed) expect(record.e164).toMatch(/^\+1[2-9]\d{9}$/);

    await requireCapability(adapter, 'e911').remove(a!.e164);
    expect((await requireCapability(adapter, 'e911').list()).map((record) => record.e164)).not.toContain(a!.e164);
    expect((await caught(requireCapability(adapter, 'e911').remove(a!.e164))).providerKind).toBe('conflict');
  });

  it('provisions by the addressRef validateE911 returned, and falls back when it is stale or not an id', async () => {
    const address: E911Address = { street: '4601 Rio Vista Drive', city: 'Mahwah', state: 'NJ', postalCode: '07430', country: 'US' };
    const validation = await requireCapability(adapter, 'e911').validate(address);
    expect(validation.valid).toBe(true);
    expect(validation.addressRef).toMatch(/^\d+$/);
    const other = await requireCapability(adapter, 'e911').validate({ street: '2200 Ross Avenue', city: 'Dallas', state: 'TX', postalCode: '75201', country: 'US' });
    expect(other.addressRef).toMatch(/^\d+$/);
    expect(other.addressRef).not.toBe(validation.addressRef);

    // A connection whose state never saw the validation (the API key is carried over, not the address ids).
    const sent: { method: string; path: string; body?: Record<string, unknown> }[] = [];
    const recording: typeof fetch = async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      sent.push({ method: init?.method ?? 'GET', path: url.pathname, body: typeof init?.body === 'string' ? (JSON.parse(init.body) as Record<string, unknown>) : undefined });
      return fetch(input, init);
    };
    const state = createMemoryStateStore({ [API_KEY_STATE_KEY]: await sharedState.get(API_KEY_STATE_KEY) });
    const { adapter: fresh } = makeAdapter({ state, fetch: recording });
    const e911Calls = () => sent.filter((call) => call.path.startsWith('/v2.2/e911')).map((call) => `${call.method} ${call.path}`);

    const existing = new Set((await requireCapability(adapter, 'e911').list()).map((record) => record.e164));
    const canadian = /^\+1(416|647|514|438|604|778)/;
    const [a, b, c, d] = (await requireCapability(adapter, 'numbers').list({})).items.filter((number) => number.kind === 'local' && !canadian.test(number.e164) && !existing.has(number.e164));

    sent.length = 0;
    const byRef = await requireCapability(fresh, 'e911').provision({ e164: a!.e164, address, addressRef: validation.addressRef, callerName: 'ACME CORP' });
    expect(e911Calls()).toEqual([`PUT /v2.2/e911/${a!.e164.slice(2)}`]);
    expect(sent.find((call) => call.method === 'PUT')?.body).toEqual({ addressid: Number(validation.addressRef), callername: 'ACME CORP' });
    expect(byRef).toMatchObject({ e164: a!.e164, addressRef: validation.addressRef, callerName: 'ACME CORP', address: { street: '4601 RIO VISTA DR', city: 'MAHWAH', postalCode: '07430' } });

    // The addressRef wins over the id the connection cached for the record's address.
    await requireCapability(fresh, 'e911').validate(address);
    sent.length = 0;
    const preferred = await requireCapability(fresh, 'e911').provision({ e164: b!.e164, address, addressRef: other.addressRef, callerName: 'ACME CORP' });
    expect(e911Calls()).toEqual([`PUT /v2.2/e911/${b!.e164.slice(2)}`]);
    expect(preferred).toMatchObject({ addressRef: other.addressRef, address: { street: '2200 ROSS AVE', city: 'DALLAS' } });

    // A stale id: the PUT is refused (409), then validate-and-provision in one call.
    const stale = createMemoryStateStore({ [API_KEY_STATE_KEY]: await sharedState.get(API_KEY_STATE_KEY) });
    const { adapter: forgetful } = makeAdapter({ state: stale, fetch: recording });
    sent.length = 0;
    const fellBack = await requireCapability(forgetful, 'e911').provision({ e164: c!.e164, address, addressRef: '987654321', callerName: 'ACME CORP' });
    expect(e911Calls()).toEqual([`PUT /v2.2/e911/${c!.e164.slice(2)}`, 'POST /v2.2/e911']);
    expect(fellBack).toMatchObject({ e164: c!.e164, address: { street: '4601 RIO VISTA DR', postalCode: '07430' } });
    expect(fellBack.addressRef).toBeUndefined();

    // Not an id at all: never sent, straight to the one-call path.
    sent.length = 0;
    const notAnId = await requireCapability(forgetful, 'e911').provision({ e164: d!.e164, address, addressRef: 'addr-4601', callerName: 'ACME CORP' });
    expect(e911Calls()).toEqual(['POST /v2.2/e911']);
    expect(notAnId.e164).toBe(d!.e164);

    const listed = new Map((await requireCapability(adapter, 'e911').list()).map((record) => [record.e164, record]));
    for (const target of [a, c, d]) expect(listed.get(target!.e164)?.address).toMatchObject({ street: '4601 RIO VISTA DR', city: 'MAHWAH', postalCode: '07430' });
    expect(listed.get(b!.e164)?.address.street).toBe('2200 ROSS AVE');
    for (const target of [a, b, c, d]) await requireCapability(adapter, 'e911').remove(target!.e164);
  });

  it('treats "Number not on account" 401s as not_found, without logging in again', async () => {
    const loginsBefore = (await budgetStatus(sharedState, BUDGETS.login)).remaining;
    const keyBefore = await sharedState.get(API_KEY_STATE_KEY);
    const address: E911Address = { street: '411 Hackensack Avenue', unit: 'Ste 200', city: 'Hackensack', state: 'NJ', postalCode: '07601', country: 'US' };
    const viaPut = await caught(requireCapability(adapter, 'e911').provision({ e164: '+13125550199', address, callerName: 'X' }));
    expect(viaPut).toMatchObject({ providerKind: 'not_found', httpStatus: 401 });
    const viaPost = await caught(requireCapability(adapter, 'e911').provision({ e164: '+13125550199', address: { ...address, street: '1 Main St' }, callerName: 'X' }));
    expect(viaPost).toMatchObject({ providerKind: 'not_found', httpStatus: 403 });
    expect((await budgetStatus(sharedState, BUDGETS.login)).remaining).toBe(loginsBefore);
    expect(await sharedState.get(API_KEY_STATE_KEY)).toBe(keyBefore);
  });

  it('pulls CDRs with an explicit, reversed range', async () => {
    const now = Date.now() + (5 * 60 + 20) * 60_000; // the sandbox clock was moved on by the port test
    const page = await requireCapability(adapter, 'cdrs').pull({ since: new Date(now - 24 * 60 * 60_000), until: new Date(now) });
    expect(page.nextCursor).toBeUndefined();
    expect(page.items.length).toBeGreaterThan(50);
    const ids = new Set(page.items.map((cdr) => cdr.providerCallId));
    expect(ids.size).toBe(page.items.length);
    for (let index = 1; index < page.items.length; index++) {
      expect(page.items[index]!.startedAt.getTime()).toBeGreaterThanOrEqual(page.items[index - 1]!.startedAt.getTime());
    }
    const answered = page.items.filter((cdr) => cdr.disposition === 'answered');
    const unanswered = page.items.filter((cdr) => cdr.disposition === 'no_answer');
    expect(answered.length).toBeGreaterThan(unanswered.length);
    expect(unanswered.length).toBeGreaterThan(0);
    for (const cdr of answered) {
      expect(cdr.durationSec).toBeGreaterThanOrEqual(20);
      expect(cdr.billableSec).toBe(cdr.durationSec);
      expect(cdr.cost?.amount).toMatch(/^\d+\.\d{2,6}$/);
      expect(cdr.from).toMatch(/^\+1\d{10}$/);
      expect(cdr.endedAt!.getTime() - cdr.startedAt.getTime()).toBe(cdr.durationSec * 1000);
    }
    for (const cdr of unanswered) expect(cdr.cost?.amount).toBe('0.00');

    // Outside VoiceTel's 24 h default window: only reachable when both bounds are sent.
    const older = await requireCapability(adapter, 'cdrs').pull({ since: new Date(now - 60 * 60 * 60_000), until: new Date(now - 48 * 60 * 60_000) });
    expect(older.items.length).toBeGreaterThan(20);
    for (const cdr of older.items) {
      expect(cdr.startedAt.getTime()).toBeGreaterThanOrEqual(now - 60 * 60 * 60_000 - 1000);
      expect(cdr.startedAt.getTime()).toBeLessThanOrEqual(now - 48 * 60 * 60_000 + 1000);
    }
  });

  it('lists invoices from credits and a ledger from credits, payments and recurring charges', async () => {
    const invoices = await requireCapability(adapter, 'billing').listInvoices({});
    expect(invoices).toHaveLength(6);
    expect(invoices[0]?.status).toBe('open');
    expect(invoices.slice(1).every((invoice) => invoice.status === 'paid')).toBe(true);
    for (const invoice of invoices) expect(invoice.total.amount).toMatch(/^\d+\.\d{2}$/);
    const recent = await requireCapability(adapter, 'billing').listInvoices({ since: new Date(Date.now() - 45 * 86_400_000) });
    expect(recent.length).toBeLessThan(6);
    expect(recent.length).toBeGreaterThan(0);

    const ledger = await requireCapability(adapter, 'billing.ledger').list({ since: new Date(Date.now() - 200 * 86_400_000), until: new Date(Date.now() + 86_400_000) });
    const credits = ledger.filter((entry) => entry.entryRef.startsWith('credit-'));
    const payments = ledger.filter((entry) => entry.entryRef.startsWith('payment-'));
    const mrc = ledger.filter((entry) => entry.entryRef.startsWith('mrc-'));
    expect(credits).toHaveLength(6);
    expect(credits.every((entry) => entry.amount.amount.startsWith('-'))).toBe(true);
    expect(payments).toHaveLength(4);
    expect(payments.filter((entry) => !entry.amount.amount.startsWith('-'))).toHaveLength(1);
    expect(mrc.length).toBe(3);
    expect(mrc.every((entry) => !entry.amount.amount.startsWith('-') && entry.at.getUTCDate() === 1)).toBe(true);
    for (let index = 1; index < ledger.length; index++) expect(ledger[index]!.at >= ledger[index - 1]!.at).toBe(true);
  });

  it('reports the balance and keeps the rates for searches', async () => {
    const balance = await requireCapability(adapter, 'billing').getBalance();
    expect(balance.available.currency).toBe('USD');
    expect(balance.available.amount).toMatch(/^\d+\.\d{2,6}$/);
    const [number] = await requireCapability(adapter, 'numbers').search({ kind: 'local', npa: '720', quantity: 1 });
    expect(number?.cost?.monthly).toEqual({ amount: '1.00', currency: 'USD' });
  });

  it('routes numbers to a gateway with PUT /numbers/{number}/route, reads the route back, and routes one back to DID (4)', async () => {
    const trunk = await requireCapability(adapter, 'trunks.create').create({
      name: 'Route Target',
      direction: 'both',
      auth: 'ip',
      allowedIps: [],
      destinations: [{ host: '192.0.2.77', port: 5060, transport: 'udp', priority: 1, weight: 100 }],
    });
    expect(trunk.trunkRef).toMatch(/^\d+$/);
    const owned = (await requireCapability(adapter, 'numbers').list({})).items.filter((number) => number.trunkRef !== trunk.trunkRef);
    const [a, b] = owned;
    const results = await requireCapability(adapter, 'numbers').route({ numbers: [a!.e164, '+13125550199', b!.e164, 'not-a-number'], trunkRef: trunk.trunkRef });
    expect(results).toEqual([
      { e164: a!.e164, ok: true },
      { e164: '+13125550199', ok: false, reason: 'Number not on account', refusal: { code: 'number_not_on_account' } },
      { e164: b!.e164, ok: true },
      { e164: 'not-a-number', ok: false, reason: 'not a North American number: not-a-number', refusal: { code: 'unknown' } },
    ]);

    const listed = (await requireCapability(adapter, 'numbers').list({})).items;
    expect(listed.find((number) => number.e164 === a!.e164)?.trunkRef).toBe(trunk.trunkRef);
    expect(listed.find((number) => number.e164 === b!.e164)?.trunkRef).toBe(trunk.trunkRef);
    expect(listed.map((number) => number.e164)).not.toContain('+13125550199');
    expect((await requireCapability(adapter, 'trunks').get(trunk.trunkRef))?.trunkRef).toBe(trunk.trunkRef);
    // Upstream the route is the gateway id, and the gateway lists the numbers on it.
    const apikey = await sharedState.get<string>(API_KEY_STATE_KEY);
    const onGateway = await fetch(`${sandbox.url}/v2.2/gateways/${trunk.trunkRef}/numbers`, { headers: { authorization: `Bearer ${apikey}` } });
    const wireNumbers = ((await onGateway.json()) as { data: { numbers: { number: string }[] } }).data.numbers.map((row) => `+1${row.number}`);
    expect(wireNumbers.sort()).toEqual([a!.e164, b!.e164].sort());

    // null goes back to the route new numbers get (4, DID), which is no trunk group of ours.
    expect(await requireCapability(adapter, 'numbers').route({ numbers: [a!.e164], trunkRef: null })).toEqual([{ e164: a!.e164, ok: true }]);
    const after = (await requireCapability(adapter, 'numbers').list({})).items;
    expect(after.find((number) => number.e164 === a!.e164)?.trunkRef).toBeUndefined();
    expect(after.find((number) => number.e164 === b!.e164)?.trunkRef).toBe(trunk.trunkRef);
    const detail = await fetch(`${sandbox.url}/v2.2/numbers/${a!.e164.slice(2)}`, { headers: { authorization: `Bearer ${apikey}` } });
    expect(((await detail.json()) as { data: { route: number } }).data.route).toBe(4);

    // System routes and unknown gateways are no trunk groups: the whole call is refused.
    for (const ref of ['4', '9999', 'DID']) {
      expect((await caught(requireCapability(adapter, 'numbers').route({ numbers: [b!.e164], trunkRef: ref }))).providerKind).toBe('not_found');
    }
  });

  it('deletes a trunk with DELETE /gateways/{id} (404 = already gone), keeps the account-wide ACL, and refuses while numbers are routed to it', async () => {
    const sent: string[] = [];
    const recording: typeof fetch = async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      sent.push(`${init?.method ?? 'GET'} ${url.pathname}`);
      return fetch(input, init);
    };
    const { adapter: recorded } = makeAdapter({ fetch: recording });
    const apikey = await sharedState.get<string>(API_KEY_STATE_KEY);
    const wire = (path: string, init: RequestInit = {}) => fetch(`${sandbox.url}${path}`, { ...init, headers: { authorization: `Bearer ${apikey}` } });
    const aclOf = async () => ((await (await wire('/v2.2/acl')).json()) as { data: { acl: { cidr: string }[] } }).data.acl.map((entry) => entry.cidr);

    const trunk = await requireCapability(recorded, 'trunks.create').create({
      name: 'Doomed',
      direction: 'both',
      auth: 'ip',
      allowedIps: ['198.51.100.90/32'],
      destinations: [{ host: '198.51.100.90', port: 5060, transport: 'udp', priority: 1, weight: 100 }],
    });
    expect(await sharedState.get(`${TRUNK_META_STATE_PREFIX}${trunk.trunkRef}`)).toBeDefined();
    expect(await aclOf()).toContain('198.51.100.90/32');

    sent.length = 0;
    await expect(requireCapability(recorded, 'trunks.delete').delete(trunk.trunkRef)).resolves.toBeUndefined();
    expect(sent).toEqual([`DELETE /v2.2/gateways/${trunk.trunkRef}`]);
    expect((await wire(`/v2.2/gateways/${trunk.trunkRef}`)).status).toBe(404);
    expect(await requireCapability(recorded, 'trunks').get(trunk.trunkRef)).toBeNull();
    expect((await requireCapability(recorded, 'trunks').list()).map((listed) => listed.trunkRef)).not.toContain(trunk.trunkRef);
    expect(await sharedState.get(`${TRUNK_META_STATE_PREFIX}${trunk.trunkRef}`)).toBeUndefined();
    // Other gateways may rely on the CIDRs the trunk added: the ACL keeps them.
    expect(await aclOf()).toContain('198.51.100.90/32');

    // Gone already: the upstream answers 404, which is success.
    expect((await wire(`/v2.2/gateways/${trunk.trunkRef}`, { method: 'DELETE' })).status).toBe(404);
    sent.length = 0;
    await expect(requireCapability(recorded, 'trunks.delete').delete(trunk.trunkRef)).resolves.toBeUndefined();
    expect(sent).toEqual([`DELETE /v2.2/gateways/${trunk.trunkRef}`]);

    // System routes and refs that are no gateway id are never sent; gateway 1000 is untouched by '01000'.
    sent.length = 0;
    for (const ref of ['4', '1', 'DID', '01000', '', '1000.0']) await expect(requireCapability(recorded, 'trunks.delete').delete(ref)).resolves.toBeUndefined();
    expect(sent).toEqual([]);
    expect((await wire('/v2.2/gateways/1000')).status).toBe(200);

    // Numbers routed to it: VoiceTel answers 409 and the gateway stays until they are moved.
    const busy = await requireCapability(recorded, 'trunks.create').create({
      name: 'Busy',
      direction: 'both',
      auth: 'ip',
      allowedIps: [],
      destinations: [{ host: '198.51.100.91', port: 5060, transport: 'udp', priority: 1, weight: 100 }],
    });
    const [number] = (await requireCapability(recorded, 'numbers').list({})).items;
    expect(await requireCapability(recorded, 'numbers').route({ numbers: [number!.e164], trunkRef: busy.trunkRef })).toEqual([{ e164: number!.e164, ok: true }]);
    expect(await caught(requireCapability(recorded, 'trunks.delete').delete(busy.trunkRef))).toMatchObject({ providerKind: 'conflict', httpStatus: 409, upstreamMessage: 'Cannot remove — DIDs still routed to it' });
    expect(await requireCapability(recorded, 'trunks').get(busy.trunkRef)).not.toBeNull();
    await requireCapability(recorded, 'numbers').route({ numbers: [number!.e164], trunkRef: null });
    await requireCapability(recorded, 'trunks.delete').delete(busy.trunkRef);
    expect(await requireCapability(recorded, 'trunks').get(busy.trunkRef)).toBeNull();

    // A bad bearer key is a 401 on the wire; credentials VoiceTel refuses throw auth.
    expect((await fetch(`${sandbox.url}/v2.2/gateways/1000`, { method: 'DELETE', headers: { authorization: 'Bearer 00000000000000000000000000000000' } })).status).toBe(401);
    const { adapter: refused } = makeAdapter({ state: createMemoryStateStore(), credentials: { username: '1000000001', password: 'Wrong-Secret-456' } });
    expect(await caught(requireCapability(refused, 'trunks.delete').delete('1000'))).toMatchObject({ providerKind: 'auth', httpStatus: 401 });
    expect((await wire('/v2.2/gateways/1000')).status).toBe(200);
  });
});

describe('VoiceTel rate budgets (6 per hour) persist in connection state', () => {
  beforeAll(() => {
    // Fresh sandbox quota: the per-IP counters of the tests above do not leak in.
    sandbox.reset();
  });

  it('stops before the upstream does, and a second instance on the same state sees it', async () => {
    const state = createMemoryStateStore({ [API_KEY_STATE_KEY]: await sharedState.get(API_KEY_STATE_KEY) });
    const range = { since: new Date(Date.now() - 3_600_000), until: new Date() };
    const first = makeAdapter({ state }).adapter;
    for (let call = 0; call < 6; call++) await requireCapability(first, 'cdrs').pull(range);
    const local = await caught(requireCapability(first, 'cdrs').pull(range));
    expect(local.providerKind).toBe('rate_limited');
    expect(local.httpStatus).toBeUndefined();
    expect(local.upstreamMessage).toContain('local budget');
    expect(local.retryAfterMs).toBeGreaterThan(0);

    const restarted = makeAdapter({ state }).adapter;
    const again = await caught(requireCapability(restarted, 'cdrs').pull(range));
    expect(again.providerKind).toBe('rate_limited');
    expect(again.httpStatus).toBeUndefined();
    expect((await budgetStatus(state, BUDGETS.cdr)).remaining).toBe(0);

    // A connection that did not know: the upstream's 429 marks its budget spent too.
    const unaware = createMemoryStateStore({ [API_KEY_STATE_KEY]: await sharedState.get(API_KEY_STATE_KEY) });
    const upstream = await caught(requireCapability(makeAdapter({ state: unaware }).adapter, 'cdrs').pull(range));
    expect(upstream).toMatchObject({ providerKind: 'rate_limited', httpStatus: 429 });
    expect((await budgetStatus(unaware, BUDGETS.cdr)).remaining).toBe(0);
    // Other budgets are untouched.
    expect((await budgetStatus(unaware, BUDGETS.account)).remaining).toBe(6);
  });
});

describe('VoiceTel faults', () => {
  const quiet = { errorRate: 0, rate429: 0, hangRate: 0, malformedRate: 0, latencyMs: 0 };
  let apikey: string;

  beforeAll(async () => {
    sandbox.reset();
    apikey = (await sharedState.get<string>(API_KEY_STATE_KEY)) ?? '';
  });
  afterAll(() => sandbox.setKnobs(quiet));

  const faultAdapter = (options: Parameters<typeof makeAdapter>[0] = {}) => makeAdapter({ state: createMemoryStateStore({ [API_KEY_STATE_KEY]: apikey }), ...options });

  it('maps a 500 to unavailable', async () => {
    sandbox.setKnobs({ ...quiet, errorRate: 1 });
    const error = await caught(requireCapability(faultAdapter().adapter, 'trunks').list());
    sandbox.setKnobs(quiet);
    expect(error).toMatchObject({ providerKind: 'unavailable', httpStatus: 500 });
    expectClean(error, apikey);
  });

  it('maps a 429 to rate_limited', async () => {
    sandbox.setKnobs({ ...quiet, rate429: 1 });
    const error = await caught(requireCapability(faultAdapter().adapter, 'numbers').search({ kind: 'local', npa: '312', quantity: 1 }));
    sandbox.setKnobs(quiet);
    expect(error).toMatchObject({ providerKind: 'rate_limited', httpStatus: 429, retryAfterMs: 60_000 });
    expectClean(error, apikey);
  });

  it('gives up on a hang near the timeout', async () => {
    sandbox.setKnobs({ ...quiet, hangRate: 1 });
    const started = Date.now();
    const error = await caught(requireCapability(faultAdapter({ timeoutMs: 200 }).adapter, 'trunks.create').create({
      name: 'hang',
      direction: 'both',
      auth: 'ip',
      allowedIps: [],
      destinations: [{ host: '198.51.100.60', port: 5060, transport: 'udp', priority: 1, weight: 1 }],
    }));
    const elapsed = Date.now() - started;
    sandbox.setKnobs(quiet);
    expect(error.providerKind).toBe('unavailable');
    expect(error.upstreamMessage).toContain('timed out');
    expect(elapsed).toBeLessThan(3_000);
    expectClean(error, apikey);
  });

  it('maps a cut-off body to malformed', async () => {
    sandbox.setKnobs({ ...quiet, malformedRate: 1 });
    const error = await caught(requireCapability(faultAdapter().adapter, 'numbers').list({}));
    sandbox.setKnobs(quiet);
    expect(error.providerKind).toBe('malformed');
    expectClean(error, apikey);
  });

  it('opens the breaker on repeated faults and closes it after a half-open success', async () => {
    const { adapter, http } = faultAdapter({ breakerThreshold: 2, breakerHalfOpenAfterMs: 150 });
    sandbox.setKnobs({ ...quiet, errorRate: 1 });
    await caught(requireCapability(adapter, 'trunks').list());
    await caught(requireCapability(adapter, 'trunks').list());
    expect(http.breakerState).toBe('open');
    const fast = await caught(requireCapability(adapter, 'trunks').list());
    expect(fast.providerKind).toBe('unavailable');
    expect(fast.upstreamMessage).toContain('circuit open');
    sandbox.setKnobs(quiet);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect((await requireCapability(adapter, 'trunks').list()).length).toBe(2);
    expect(http.breakerState).toBe('closed');
  });
});

describe('VoiceTel wire examples from the document', () => {
  it('parses the login response and rejects the intro placeholder key', () => {
    const intro = readFileSync(path.join(fixtures, 'seed-intro.txt'), 'utf8');
    const response = JSON.parse(/The response is (\{.*?\}\})/.exec(intro)?.[1] ?? 'null');
    expect(response).toEqual({ status: 'success', data: { apikey: '<32-hex-string>' } });
    expect(wire.apiKeyResponse.safeParse(response).success).toBe(false);
    expect(wire.apiKeyResponse.parse(specFixture('api-key-200')).data.apikey).toBe('dec759ed81963fd9a4b8a9c8f3e22b1a');
    expect(wire.apiKeyRequest.parse(seedFixture('login-request'))).toEqual({ username: '1000000001', password: 'abc1234567' });
    // The intro's unquoted `<id>`: the SDKs send a number, which the request schema also accepts.
    expect(wire.apiKeyRequest.safeParse({ username: 1000000001, password: 'abc1234567' }).success).toBe(true);
  });

  it('maps the error envelope and its partial-failure variants', () => {
    const canonical = voicetelError(400, JSON.stringify(specFixture('orders-402')));
    expect(canonical).toMatchObject({ providerKind: 'invalid', upstreamMessage: 'Field Required: number', httpStatus: 400 });
    expect(voicetelError(402, JSON.stringify({ status: 'error', error: { code: 402, message: 'Insufficient funds' } })).providerKind).toBe('invalid');
    const acl = voicetelError(409, JSON.stringify(specFixture('acl-409')));
    expect(acl.providerKind).toBe('conflict');
    expect(acl.upstreamMessage).toBe('CIDR overlaps with existing entry (abc123: DB Insert failed)');
    const auth = voicetelError(409, JSON.stringify(specFixture('auth-put-409')));
    expect(auth.providerKind).toBe('invalid');
    expect(auth.upstreamMessage).toContain('password: Must be 6-10 alphanumeric characters');
    expect(voicetelError(401, JSON.stringify({ status: 'error', error: { code: 401, message: 'Number not on account' } })).providerKind).toBe('not_found');
    expect(voicetelError(401, JSON.stringify({ status: 'error', error: { code: 401, message: 'Missing or invalid bearer token.' } })).providerKind).toBe('auth');
    // The seed's response samples collapse the error object to `{ }`.
    expect(wire.errorResponse.safeParse(seedFixture('e911-validations-response-error')).success).toBe(true);
    expect(voicetelError(409, JSON.stringify(seedFixture('e911-validations-response-error'))).upstreamMessage).toBeUndefined();
  });

  it('maps account, credits, payments and recurring charges', () => {
    const account = wire.accountResponse.parse(specFixture('account-200')).data;
    expect(mapBalance(account).available.currency).toBe('USD');
    expect(account.rates?.did).toBe(0.5);
    const [credit] = wire.creditsResponse.parse(specFixture('credits-200')).data.credits;
    expect(mapCreditToInvoice(credit!)).toEqual({
      invoiceRef: 'credit-1727700779-25.00',
      issuedAt: new Date('2024-09-30T12:52:59Z'),
      total: { amount: '25.00', currency: 'USD' },
      status: 'open',
    });
    const [payment] = wire.paymentsResponse.parse(specFixture('payments-200')).data.payments;
    expect(mapPaymentToLedger(payment!)).toEqual({
      entryRef: 'payment-2N045992R140725E3',
      at: new Date('2024-09-30T12:52:59Z'),
      description: 'PayPal payment',
      amount: { amount: '-25.00', currency: 'USD' },
    });
    expect(mapPaymentToLedger({ ...payment!, status: 'Pending' })).toBeNull();
    expect(() => mapPaymentToLedger({ ...payment!, status: 'Partially_Refunded' })).toThrow(
      expect.objectContaining({ providerKind: 'malformed', upstreamMessage: 'payment 2N045992R140725E3 has a status we do not book: "Partially_Refunded"' }),
    );
    const mrc = wire.mrcResponse.parse(specFixture('recurring-charges-200')).data;
    expect(mapMrcToLedger(mrc, new Date('2026-05-18T12:00:00Z'))).toEqual([
      { entryRef: 'mrc-2026-05-0', at: new Date('2026-05-01T00:00:00Z'), description: 'example', amount: { amount: '0.50', currency: 'USD' } },
    ]);
  });

  it('maps a CDR row, and refuses the example whose key is not an epoch', () => {
    const rows = wire.cdrResponse.parse(specFixture('cdr-200')).data.cdr;
    expect(rows).toHaveLength(1);
    expect(() => mapCdr(rows[0]!)).toThrow(expect.objectContaining({ providerKind: 'malformed', upstreamMessage: 'CDR f2ce9c3091697619f27f7e4280bf2747: start epoch "example_2" is not a number' }));
    const row = { ...rows[0]!, key: ['1000000001', '1747300000'] as [string, string] };
    expect(mapCdr(row)).toEqual({
      providerCallId: 'f2ce9c3091697619f27f7e4280bf2747',
      direction: 'outbound',
      from: '+18666326621',
      to: '+18008786160',
      startedAt: new Date(1747300000 * 1000),
      // No ring or answer time in the row: answered at the start (assumptions CDR_ANSWER_AT_START).
      answeredAt: new Date(1747300000 * 1000),
      endedAt: new Date((1747300000 + 40) * 1000),
      disposition: 'answered',
      durationSec: 40,
      billableSec: 40,
      cost: { amount: '0.0175', currency: 'USD' },
    });
  });

  it('reads a CDR to one of the account\'s numbers as inbound, and an 011 destination as international', () => {
    const base = wire.cdrResponse.parse(specFixture('cdr-200')).data.cdr[0]!;
    const row = (cid: string, dst: string) => ({ ...base, key: ['1000000001', '1747300000'] as [string, string], value: { ...base.value, cid, dst } });
    expect(mapCdr(row('2125550147', '3125550100'), new Set(['+13125550100']))).toMatchObject({ direction: 'inbound', from: '+12125550147', to: '+13125550100' });
    expect(mapCdr(row('3125550100', '011442079460958'), new Set(['+13125550100']))).toMatchObject({ direction: 'outbound', to: '+442079460958' });
    expect(mapCdr(row('3125550100', '525512340958'))).toMatchObject({ to: '+525512340958' });
    expect(mapCdr(row('3125550100', '13125550199'))).toMatchObject({ to: '+13125550199' });
    // Not a number in any form: kept as it came for the store to refuse, never made into +1…
    expect(mapCdr(row('3125550100', '0115'))).toMatchObject({ to: '0115' });
  });

  it('maps inventory, coverage, orders and owned numbers', () => {
    const [item] = wire.inventoryResponse.parse(specFixture('inventory-200')).data.numbers;
    expect(mapInventoryItem(item!, 0.5)).toEqual({
      e164: '+12019085750',
      kind: 'local',
      country: 'US',
      state: 'NJ',
      rateCenter: 'CLOSTER',
      npa: '201',
      nxx: '908',
      features: ['voice', 'sms', 'e911', 'cnam'],
      cost: { monthly: { amount: '0.50', currency: 'USD' } },
    });
    const [bucket] = wire.coverageResponse.parse(specFixture('coverage-200')).data.coverage;
    expect(bucket).toMatchObject({ npa: '201', nxx: '908', lata: '224', count: 270026 });
    // The example's numbersOrdered holds "example": it matches nothing, and the failed line keeps its reason.
    const order = wire.orderResponse.parse(specFixture('orders-201')).data;
    expect(mapOrder(order, ['2012548000'])).toEqual({ upstreamOrderId: '1747345200', lines: [{ e164: '+12012548000', status: 'failed', reason: 'example' }] });
    expect(wire.orderRequest.safeParse(seedFixture('orders-request')).success).toBe(false); // `"numbers": [ ]` as rendered
    expect(wire.orderRequest.safeParse({ numbers: ['2015551234', { number: '2015551235', route: 1000 }] }).success).toBe(true);
    const [owned] = wire.numbersListResponse.parse(specFixture('numbers-200')).data.numbers;
    expect(mapOwnedNumber(owned!)).toEqual({ e164: '+12015551234', kind: 'local', status: 'active', trunkRef: '1000', providerRef: '2015551234' });
  });

  it('maps gateways and auth into a trunk, and accepts the documented gateway and auth bodies', () => {
    const [gateway] = wire.gatewaysListResponse.parse(specFixture('gateways-200')).data.gateways;
    const auth = wire.authGetResponse.parse(specFixture('auth-200')).data;
    expect(mapTrunk(gateway!, auth)).toEqual({
      trunkRef: '1000',
      name: 'Gateway 1000',
      direction: 'both',
      auth: 'digest',
      allowedIps: ['203.0.113.0/24'],
      destinations: [{ host: '203.0.113.10', port: 5060, transport: 'udp', priority: 1, weight: 100 }],
      maxChannels: 23,
      maxCps: undefined,
      codecs: undefined,
      digestUsername: undefined,
      enabled: true,
    });
    expect(wire.gatewayResponse.parse(specFixture('gateways-201')).data.id).toBe(1000);
    expect(wire.gatewayAddRequest.parse(seedFixture('gateway-add-request'))).toEqual({ gateway: '203.0.113.10:5060', prefix: '9', limit: 23 });
    expect(wire.gatewayAddRequest.safeParse(seedFixture('gateway-update-request')).success).toBe(true);
    expect(wire.authPutRequest.parse(seedFixture('auth-put-request'))).toEqual({ password: 'abc123', authType: 0 });
    expect(wire.aclModifyRequest.parse(seedFixture('acl-request'))).toEqual({ acl: [] });
  });

  it('maps port availability, submit and status examples, and builds the documented submit body', () => {
    expect(mapPortability(wire.portAvailabilityResponse.parse(specFixture('port-availability-200')).data)).toEqual({
      e164: '+19175803800',
      portable: true,
      losingCarrier: 'Sinch Voice-NSR-10X-Port/1',
      reason: undefined,
      rateCenterPortable: true,
      localRoutingNumber: '+16463071993',
    });
    const submitted = wire.portSubmitResponse.parse(specFixture('ports-201')).data;
    expect(mapPortSubmit(submitted, ['2015551234'])).toEqual({
      portRef: 'a3a2a',
      status: 'submitted',
      upstreamStatus: 'Submitted',
      numbers: ['+12015551234'],
      message: 'Port request a3a2a submitted. Please complete the LOA to proceed.',
      loaUrl: 'https://api.voicetel.com/a/loa/a3a2a/',
    });
    const [summary] = wire.portListResponse.parse(specFixture('ports-list-200')).data.ports;
    expect(mapPort(summary!, 'y0d36')).toMatchObject({ portRef: 'y0d36', status: 'completed', upstreamStatus: 'Complete', focDate: '1975-07-15', numbers: [] });
    const detail = wire.portDetailResponse.parse(specFixture('port-200')).data.port;
    // foc "example" and numbers ["example"] are placeholders: dropped, not invented.
    expect(mapPort(detail, 'y0d36')).toEqual({
      portRef: 'y0d36',
      status: 'completed',
      upstreamStatus: 'Complete',
      numbers: [],
      focDate: undefined,
      exception: undefined,
      message: 'Operation completed.',
      updatedAt: new Date('2026-05-18T12:00:00Z'),
    });

    const sample = seedFixture('ports-request') as Record<string, unknown>;
    expect(wire.portSubmitRequest.safeParse(sample).success).toBe(false); // `"did": [ ]` as rendered
    const built = buildPortSubmit({
      numbers: ['+12015551234'],
      reference: 'r',
      subscriberType: 'business',
      accountNumber: '123456789',
      pin: '1234',
      authorizedName: 'Jane Smith',
      businessName: 'Acme Corp',
      billingTelephoneNumber: '+12015551000',
      serviceAddress: { street: '550 N Main St N', city: 'Chicago', state: 'IL', postalCode: '60601', country: 'US' },
      requestedFocDate: '2026-05-18',
    });
    // Compare everything except the collapsed arrays and the empty optional parts we do not send.
    const documented = Object.fromEntries(Object.entries(sample).filter(([key]) => !['features', 'did', 'building', 'floor', 'room'].includes(key)));
    expect(built).toMatchObject(documented);
    expect(wire.portSubmitRequest.safeParse(built).success).toBe(true);
    expect(splitStreet('4601 Rio Vista Drive')).toEqual({ streetNumber: '4601', streetPrefix: undefined, street: 'Rio Vista', streetType: 'DR', streetSuffix: undefined });
  });

  it('maps e911 examples, including the 11-digit dn, and builds the documented request bodies', () => {
    const validated = wire.e911ValidateResponse.parse(specFixture('e911-validations-200')).data.address;
    const original: E911Address = { street: '411 HACKENSACK AVENUE', unit: 'STE 200', city: 'HACKENSACK', state: 'NJ', postalCode: '07601', country: 'US' };
    expect(mapValidatedAddress(validated, original)).toEqual({
      valid: true,
      addressRef: '1234567',
      normalized: { name: undefined, street: '411 HACKENSACK AVE', unit: 'STE 200', city: 'HACKENSACK', state: 'NJ', postalCode: '07601', country: 'US' },
    });
    expect(buildE911Address(original)).toEqual(seedFixture('e911-validations-request'));
    const record = wire.e911RecordResponse.parse(specFixture('e911-201')).data.record;
    expect(mapE911Entry(record)).toEqual({
      e164: '+12015551234',
      address: { street: '411 HACKENSACK AVENUE', unit: 'STE 200', city: 'HACKENSACK', state: 'NJ', postalCode: '07601', country: 'US' },
      callerName: 'ACME INC',
      e911Ref: '12015551234',
    });
    expect(wire.e911ListResponse.parse(specFixture('e911-list-200')).data.records).toHaveLength(1);
    expect(wire.e911CreateRequest.parse(seedFixture('e911-create-request'))).toMatchObject({ dn: '2017301000', callername: 'Michael Mavroudis' });
    expect(wire.e911ProvisionByIdRequest.parse(seedFixture('e911-provision-request'))).toEqual({ addressid: 123456, callername: 'JOHN DOE' });
    // The documented 401 example for GET /e911/{dn} is the generic placeholder error.
    expect(voicetelError(401, JSON.stringify(specFixture('e911-get-401'))).upstreamMessage).toBe('Field Required: number');
  });
});
