/** The VITCOM adapter against its sandbox, over real HTTP. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isProviderError, type ProviderError } from '@/lib/providers/errors';
import { createProviderHttp, type ProviderHttpOptions } from '@/lib/providers/http';
import { createMemoryStateStore } from '@/lib/providers/state-store';
import { capabilitiesOf, requireCapability, type AvailableNumber, type Cdr, type PortInRequest, type TrunkGroupSpec } from '@/lib/providers/types';
import { vitcomProvider, type VitcomAdapter } from '@/lib/providers/vitcom';
import { startSandbox, type RunningSandbox } from '@/sandbox/common/server';
import { createVitcomSandbox, vitcomDemoCredentials } from '@/sandbox/vitcom';

let sandbox: RunningSandbox;
let adapter: VitcomAdapter;

function build(connectionId: string, options: Partial<ProviderHttpOptions> = {}, credentials = vitcomDemoCredentials) {
  const http = createProviderHttp({ provider: 'vitcom', connectionId, baseUrl: sandbox.url, timeoutMs: 3_000, retryInitialDelayMs: 10, ...options });
  const adapter = vitcomProvider.create({ connectionId, baseUrl: sandbox.url, credentials, http, state: createMemoryStateStore() }) as VitcomAdapter;
  return { adapter, http };
}

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isProviderError(error)) throw new Error(`expected a ProviderError, got ${String(error)}`);
  return error;
}

const pdf = new TextEncoder().encode('%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n');

beforeAll(async () => {
  sandbox = await startSandbox(createVitcomSandbox(), { port: 0 });
  adapter = build('test-vitcom-contract').adapter;
});
afterAll(async () => {
  await sandbox.close();
});

describe('VITCOM descriptor', () => {
  it('lists exactly the operations the adapter implements', () => {
    expect(vitcomProvider).toMatchObject({ id: 'vitcom', name: 'VITCOM', defaultBaseUrl: 'http://127.0.0.1:4102' });
    expect(capabilitiesOf(adapter).sort()).toEqual(
      ['numbers.search', 'numbers.hold', 'numbers.order', 'numbers.list', 'numbers.release', 'numbers.route', 'trunks.create', 'trunks.update', 'trunks.read', 'port.check', 'port.submit', 'port.status', 'cdrs', 'invoices', 'balance', 'ledger'].sort(),
    );
    // VITCOM's API deletes no trunk group and keeps no e911 records.
    expect(adapter.trunks?.delete).toBeUndefined();
    expect(adapter.e911).toBeUndefined();
    expect(vitcomProvider.credentialFields.find((f) => f.name === 'token')?.secret).toBe(true);
  });

  it('testConnection succeeds with the demo credentials', async () => {
    expect(await adapter.testConnection()).toEqual({ ok: true, detail: 'Connected; 2 origination trunk group(s).' });
  });
});

describe('VITCOM number search', () => {
  it('finds local numbers by state, with rate centers from /availabilitynpanxx', async () => {
    const found = await requireCapability(adapter, 'numbers').search({ kind: 'local', state: 'IL', quantity: 5 });
    expect(found).toHaveLength(5);
    for (const n of found) {
      expect(n.e164).toMatch(/^\+1(312|773|630|847)\d{7}$/);
      expect(n).toMatchObject({ kind: 'local', country: 'US', state: 'IL' });
      expect(['CHICAGO', 'NAPERVILLE', 'EVANSTON']).toContain(n.rateCenter);
    }
  });

  it('narrows by NPA-NXX, by rate center across states, and by NPA without a state', async () => {
    const [first] = await requireCapability(adapter, 'numbers').search({ kind: 'local', state: 'TX', quantity: 1 });
    const byBlock = await requireCapability(adapter, 'numbers').search({ kind: 'local', state: 'TX', npa: first!.npa, nxx: first!.nxx, quantity: 3 });
    expect(byBlock.length).toBeGreaterThan(0);
    for (const n of byBlock) expect(n.e164.slice(2, 8)).toBe(`${first!.npa}${first!.nxx}`);

    const dallas = await requireCapability(adapter, 'numbers').search({ kind: 'local', rateCenter: 'dallas', quantity: 4 });
    expect(dallas).toHaveLength(4);
    for (const n of dallas) expect(n).toMatchObject({ state: 'TX', rateCenter: 'DALLAS' });

    const seattle = await requireCapability(adapter, 'numbers').search({ kind: 'local', npa: '206', quantity: 2 });
    expect(seattle.map((n) => [n.npa, n.state, n.rateCenter])).toEqual([
      ['206', 'WA', 'SEATTLE'],
      ['206', 'WA', 'SEATTLE'],
    ]);
  });

  it('filters by pattern and finds consecutive runs', async () => {
    const [some] = await requireCapability(adapter, 'numbers').search({ kind: 'local', state: 'CO', quantity: 1 });
    const lastFour = some!.e164.slice(-4);
    const matched = await requireCapability(adapter, 'numbers').search({ kind: 'local', state: 'CO', pattern: `*${lastFour}`, quantity: 5 });
    expect(matched.map((n) => n.e164)).toContain(some!.e164);
    for (const n of matched) expect(n.e164.endsWith(lastFour)).toBe(true);

    const run = await requireCapability(adapter, 'numbers').search({ kind: 'local', state: 'IL', quantity: 3, consecutive: true });
    expect(run).toHaveLength(3);
    const digits = run.map((n) => Number(n.e164.slice(2)));
    expect(digits[1]! - digits[0]!).toBe(1);
    expect(digits[2]! - digits[1]!).toBe(1);
  });

  it('finds toll-free numbers by prefix and across prefixes', async () => {
    const tf = await requireCapability(adapter, 'numbers').search({ kind: 'tollfree', tollFreePrefix: '888', quantity: 4 });
    expect(tf).toHaveLength(4);
    for (const n of tf) expect(n).toMatchObject({ kind: 'tollfree', npa: '888', state: undefined });
    const many = await requireCapability(adapter, 'numbers').search({ kind: 'tollfree', quantity: 25 });
    expect(many).toHaveLength(25);
    expect(new Set(many.map((n) => n.npa)).size).toBeGreaterThan(1);
  });

  it('refuses Canadian searches (VITCOM sells US numbers only)', async () => {
    expect((await failure(requireCapability(adapter, 'numbers').search({ kind: 'local', country: 'CA', state: 'ON', quantity: 1 }))).providerKind).toBe('unsupported');
  });
});

describe('VITCOM holds and the three-step checkout', () => {
  let picked: AvailableNumber[] = [];

  it('holds local and toll-free numbers in one cart, hides them from search, and releases them', async () => {
    const local = await requireCapability(adapter, 'numbers').search({ kind: 'local', state: 'GA', quantity: 2 });
    const tf = await requireCapability(adapter, 'numbers').search({ kind: 'tollfree', tollFreePrefix: '877', quantity: 1 });
    const before = Date.now();
    const hold = await requireCapability(adapter, 'numbers.hold').hold([...local, ...tf]);
    expect(hold.holdRef).toMatch(/^\d+$/);
    expect(hold.numbers.sort()).toEqual([...local, ...tf].map((n) => n.e164).sort());
    expect(hold.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 14 * 60_000);
    const again = await requireCapability(adapter, 'numbers').search({ kind: 'local', state: 'GA', quantity: 100 });
    expect(again.map((n) => n.e164)).not.toContain(local[0]!.e164);
    await requireCapability(adapter, 'numbers.hold').release(hold);
    const after = await requireCapability(adapter, 'numbers').search({ kind: 'local', state: 'GA', quantity: 100 });
    expect(after.map((n) => n.e164)).toContain(local[0]!.e164);
    await requireCapability(adapter, 'numbers.hold').release(hold); // a second release (cart gone) is quietly fine
  });

  it('reserves a block by quantity with /bulkreserve', async () => {
    const hold = await adapter.numbers.holds.holdQuantity({ kind: 'local', state: 'WA', quantity: 3 });
    expect(hold.numbers).toHaveLength(3);
    expect([...hold.numbers].sort()).toEqual(hold.numbers);
    for (const n of hold.numbers) expect(n).toMatch(/^\+1(206|425)/);
    await requireCapability(adapter, 'numbers.hold').release(hold);
  });

  it('orders held numbers: /gen_order then /process_order, activates them, and charges once', async () => {
    picked = await requireCapability(adapter, 'numbers').search({ kind: 'local', state: 'NY', quantity: 2 });
    const hold = await requireCapability(adapter, 'numbers.hold').hold(picked);
    const balanceBefore = (await requireCapability(adapter, 'billing').getBalance()).available.amount;
    const request = { numbers: picked.map((n) => n.e164), idempotencyKey: 'order-ny-1', trunkRef: 'o3', holdRef: hold.holdRef };
    const result = await requireCapability(adapter, 'numbers').order(request);
    expect(result.upstreamOrderId).toMatch(/^\d+$/);
    expect(result.lines).toEqual(picked.map((n) => ({ e164: n.e164, status: 'active' })));
    const balanceAfter = (await requireCapability(adapter, 'billing').getBalance()).available.amount;
    // 2 × 1.00 + 0.50 per order + 5 % tax = 2.60
    expect(Math.round((Number(balanceBefore) - Number(balanceAfter)) * 100)).toBe(260);

    const repeat = await requireCapability(adapter, 'numbers').order(request);
    expect(repeat.upstreamOrderId).toBe(result.upstreamOrderId);
    expect((await requireCapability(adapter, 'billing').getBalance()).available.amount).toBe(balanceAfter);

    const page = await requireCapability(adapter, 'numbers').list({ limit: 500 });
    const mine = page.items.filter((n) => picked.some((p) => p.e164 === n.e164));
    expect(mine).toHaveLength(2);
    for (const n of mine) expect(n).toMatchObject({ status: 'active', kind: 'local', trunkRef: 'o3', cost: { monthly: { amount: '0.45', currency: 'USD' } } });

    const reconciled = await requireCapability(adapter, 'numbers').getOrder({ idempotencyKey: 'order-ny-1', numbers: request.numbers });
    expect(reconciled).toEqual({ upstreamOrderId: result.upstreamOrderId, lines: result.lines });
    expect(await requireCapability(adapter, 'numbers').getOrder({ idempotencyKey: 'never-placed', numbers: [] })).toBeNull();
  });

  it('orders without a hold (reserving first, learning the state from availability) on the first trunk', async () => {
    const fresh = build('test-vitcom-nohold').adapter; // empty state store: no NPANXX → state cache
    const [number] = await requireCapability(adapter, 'numbers').search({ kind: 'local', state: 'FL', quantity: 1 });
    const result = await requireCapability(fresh, 'numbers').order({ numbers: [number!.e164], idempotencyKey: 'order-fl-1' });
    expect(result.lines).toEqual([{ e164: number!.e164, status: 'active' }]);
    const owned = await requireCapability(fresh, 'numbers').list({ limit: 500 });
    expect(owned.items.find((n) => n.e164 === number!.e164)?.trunkRef).toBe('o3');
  });

  it('an expired hold cannot be checked out (conflict)', async () => {
    const numbers = await requireCapability(adapter, 'numbers').search({ kind: 'local', state: 'CA', quantity: 1 });
    const hold = await requireCapability(adapter, 'numbers.hold').hold(numbers);
    sandbox.advanceClock(16 * 60_000);
    const error = await failure(requireCapability(adapter, 'numbers').order({ numbers: hold.numbers, idempotencyKey: 'order-expired', trunkRef: 'o3', holdRef: hold.holdRef }));
    expect(error.providerKind).toBe('conflict');
    expect(error.upstreamMessage).toBe('Invalid reserveId');
    await requireCapability(adapter, 'numbers.hold').release(hold);
  });

  it('pages the owned numbers, showing suspended ones and hiding cancelled ones', async () => {
    const all: string[] = [];
    const statuses = new Set<string>();
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await requireCapability(adapter, 'numbers').list({ cursor, limit: 5 });
      expect(page.items.length).toBeLessThanOrEqual(5);
      all.push(...page.items.map((n) => n.e164));
      for (const n of page.items) statuses.add(n.status);
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 20);
    expect(pages).toBeGreaterThan(2);
    expect(new Set(all).size).toBe(all.length);
    expect(statuses).toEqual(new Set(['active', 'suspended']));
    expect(all.some((n) => n.startsWith('+18'))).toBe(true);
  });

  it('releases a number with /updatenumber status=2', async () => {
    const target = picked[0]!.e164;
    await requireCapability(adapter, 'numbers.release').release(target);
    const page = await requireCapability(adapter, 'numbers').list({ limit: 500 });
    expect(page.items.map((n) => n.e164)).not.toContain(target);
    expect((await failure(requireCapability(adapter, 'numbers.release').release('+12125550199'))).providerKind).toBe('not_found');
  });
});

describe('VITCOM trunk groups', () => {
  const spec: TrunkGroupSpec = {
    name: 'pbx-east',
    direction: 'both',
    auth: 'ip',
    allowedIps: ['192.0.2.10/32'],
    destinations: [
      { host: '192.0.2.10', port: 5060, transport: 'udp', priority: 1, weight: 1 },
      { host: '192.0.2.11', port: 5062, transport: 'udp', priority: 2, weight: 1 },
    ],
    maxChannels: 40,
    maxCps: 8,
  };
  let ref = '';

  it('creates origination + termination as one group and reads it back', async () => {
    const created = await requireCapability(adapter, 'trunks.create').create(spec);
    expect(created.trunkRef).toMatch(/^o\d+\+t\d+$/);
    expect(created).toMatchObject({
      name: 'pbx-east', direction: 'both', auth: 'ip', allowedIps: ['192.0.2.10/32'], maxChannels: 40, maxCps: 8, enabled: true,
      destinations: spec.destinations,
    });
    ref = created.trunkRef;
    expect(await requireCapability(adapter, 'trunks').get(ref)).toEqual(created);
  });

  it('updates: origination in place, termination replaced (it cannot be edited), under the same trunkRef', async () => {
    const updated = await requireCapability(adapter, 'trunks').update(ref, { ...spec, name: 'pbx-east-2', destinations: [spec.destinations[0]!], maxChannels: 60 });
    // The termination trunk was replaced upstream, but the group keeps the ref it was created with.
    expect(updated.trunkRef).toBe(ref);
    expect(updated).toMatchObject({ name: 'pbx-east-2', maxChannels: 60, maxCps: 8, destinations: [spec.destinations[0]], allowedIps: ['192.0.2.10/32'], enabled: true });
    expect(await requireCapability(adapter, 'trunks').get(ref)).toEqual(updated);
    // The replaced upstream trunk itself is disabled, and is no group of its own any more.
    const oldTermination = ref.split('+')[1]!;
    expect(await requireCapability(adapter, 'trunks').get(oldTermination)).toMatchObject({ enabled: false, direction: 'outbound' });

    const listed = await requireCapability(adapter, 'trunks').list();
    expect(listed.filter((t) => t.trunkRef === ref)).toEqual([updated]);
    expect(listed.map((t) => t.trunkRef)).toEqual(expect.arrayContaining(['o3', 'o7', 't4']));
    expect(listed.map((t) => t.trunkRef)).not.toContain(oldTermination);
    // No second entry for the new termination trunk.
    expect(listed.filter((t) => t.trunkRef !== ref && t.allowedIps.includes('192.0.2.10/32'))).toEqual([]);

    // Updating again through the original ref replaces the new termination trunk in turn.
    const again = await requireCapability(adapter, 'trunks').update(ref, { ...spec, name: 'pbx-east-3', allowedIps: ['192.0.2.12/32'], maxChannels: 60 });
    expect(again).toMatchObject({ trunkRef: ref, name: 'pbx-east-3', allowedIps: ['192.0.2.12/32'], destinations: spec.destinations, enabled: true });
    expect(await requireCapability(adapter, 'trunks').get(ref)).toEqual(again);
    // What is behind the ref lives in the connection state (assumptions.ts, TRUNK_REF_IS_STABLE):
    // without it the ref falls back to its original, by now disabled, members.
    expect(await requireCapability(build('test-vitcom-no-state').adapter, 'trunks').get(ref)).toMatchObject({ trunkRef: ref, enabled: false });
  });

  it('creates an outbound-only group and refuses what VITCOM cannot do', async () => {
    const outbound = await requireCapability(adapter, 'trunks.create').create({ ...spec, name: 'sbc-out', direction: 'outbound', allowedIps: ['192.0.2.50', '192.0.2.51/32'], destinations: [] });
    expect(outbound.trunkRef).toMatch(/^t\d+\+t\d+$/);
    expect(outbound).toMatchObject({ name: 'sbc-out', direction: 'outbound', allowedIps: ['192.0.2.50/32', '192.0.2.51/32'] });
    expect((await requireCapability(adapter, 'trunks').list()).find((t) => t.trunkRef === outbound.trunkRef)?.name).toBe('sbc-out');

    expect((await failure(requireCapability(adapter, 'trunks.create').create({ ...spec, auth: 'digest' }))).providerKind).toBe('unsupported');
    const hostname = await failure(requireCapability(adapter, 'trunks.create').create({ ...spec, direction: 'inbound', destinations: [{ ...spec.destinations[0]!, host: 'pbx.example.com' }] }));
    expect(hostname).toMatchObject({ providerKind: 'invalid', upstreamMessage: 'Invalid primaryTrunk' });
    expect((await failure(requireCapability(adapter, 'trunks').update(ref, { ...spec, direction: 'outbound' }))).providerKind).toBe('unsupported');
    expect(await requireCapability(adapter, 'trunks').get('o999999')).toBeNull();
    expect(await requireCapability(adapter, 'trunks').get('not-a-ref')).toBeNull();
  });
});

describe('VITCOM number routing (/updatenumber trunkId)', () => {
  const inbound = (name: string, host: string): TrunkGroupSpec => ({
    name,
    direction: 'inbound',
    auth: 'ip',
    allowedIps: [],
    destinations: [{ host, port: 5060, transport: 'udp', priority: 1, weight: 1 }],
  });
  /** What /getnumbers says, straight from the sandbox: cancelled numbers included. */
  async function rawNumbers(params: Record<string, string> = {}) {
    const response = await fetch(`${sandbox.url}/getnumbers`, { method: 'POST', body: new URLSearchParams({ ...vitcomDemoCredentials, ...params }) });
    return ((await response.json()) as { data: { didnumber: string; trunkGroup: string; status: string }[] }).data;
  }

  it('routes two owned numbers to a created group, lists them under its ref (not the bare origination id), and routes one back to the first trunk', async () => {
    // Both groups deliver to the IP of pbx-east (created above): /getnumbers rows cannot tell them apart by IP.
    const other = await requireCapability(adapter, 'trunks.create').create(inbound('route-other', '192.0.2.10'));
    const target = await requireCapability(adapter, 'trunks.create').create({ ...inbound('route-target', '192.0.2.10'), direction: 'both', allowedIps: ['192.0.2.60/32'] });
    expect(other.trunkRef).toMatch(/^o\d+$/);
    expect(target.trunkRef).toMatch(/^o\d+\+t\d+$/);

    const owned = (await requireCapability(adapter, 'numbers').list({ limit: 500 })).items.filter((n) => n.status === 'active' && n.kind === 'local');
    const [a, b, c] = owned;
    const results = await requireCapability(adapter, 'numbers').route({ numbers: [a!.e164, '+12125550199', b!.e164], trunkRef: target.trunkRef });
    expect(results).toEqual([
      { e164: a!.e164, ok: true },
      { e164: '+12125550199', ok: false, reason: 'not on the account', refusal: { code: 'number_not_on_account' } },
      { e164: b!.e164, ok: true },
    ]);
    expect(await requireCapability(adapter, 'numbers').route({ numbers: [c!.e164], trunkRef: other.trunkRef })).toEqual([{ e164: c!.e164, ok: true }]);

    const listed = (await requireCapability(adapter, 'numbers').list({ limit: 500 })).items;
    const refOf = (e164: string) => listed.find((n) => n.e164 === e164)?.trunkRef;
    expect(refOf(a!.e164)).toBe(target.trunkRef);
    expect(refOf(b!.e164)).toBe(target.trunkRef);
    expect(refOf(c!.e164)).toBe(other.trunkRef);
    expect((await requireCapability(adapter, 'trunks').get(target.trunkRef))?.trunkRef).toBe(target.trunkRef);
    // Upstream the number carries the group's origination IP, as the document shows it.
    expect((await rawNumbers()).find((row) => `+1${row.didnumber}` === a!.e164)?.trunkGroup).toBe('192.0.2.10');

    // null: VITCOM has no "no trunk"; the default is the first active origination trunk (o3).
    expect(await requireCapability(adapter, 'numbers').route({ numbers: [a!.e164], trunkRef: null })).toEqual([{ e164: a!.e164, ok: true }]);
    const after = (await requireCapability(adapter, 'numbers').list({ limit: 500 })).items;
    expect(after.find((n) => n.e164 === a!.e164)?.trunkRef).toBe('o3');
    expect(after.find((n) => n.e164 === b!.e164)?.trunkRef).toBe(target.trunkRef);
  });

  it('reports cancelled and malformed numbers, and refuses refs without an inbound side or unknown ones', async () => {
    const cancelled = (await rawNumbers({ status: '2' }))[0]!;
    const [owned] = (await requireCapability(adapter, 'numbers').list({ limit: 500 })).items.filter((n) => n.status === 'active');
    const results = await requireCapability(adapter, 'numbers').route({ numbers: [`+1${cancelled.didnumber}`, 'nope', owned!.e164], trunkRef: 'o7' });
    expect(results).toEqual([
      { e164: `+1${cancelled.didnumber}`, ok: false, reason: 'not on the account', refusal: { code: 'number_not_on_account' } },
      { e164: 'nope', ok: false, reason: 'not a North American number' },
      { e164: owned!.e164, ok: true },
    ]);
    expect((await requireCapability(adapter, 'numbers').list({ limit: 500 })).items.find((n) => n.e164 === owned!.e164)?.trunkRef).toBe('o7');
    expect((await failure(requireCapability(adapter, 'numbers').route({ numbers: [owned!.e164], trunkRef: 't4' }))).providerKind).toBe('invalid');
    expect((await failure(requireCapability(adapter, 'numbers').route({ numbers: [owned!.e164], trunkRef: 'o999999' }))).providerKind).toBe('not_found');
    expect((await failure(requireCapability(adapter, 'numbers').route({ numbers: [owned!.e164], trunkRef: 'not-a-ref' }))).providerKind).toBe('not_found');
  });

  it('when the list call is refused, routes one by one so only the refused number fails', async () => {
    const owned = (await requireCapability(adapter, 'numbers').list({ limit: 500 })).items.filter((n) => n.status === 'active' && n.kind === 'local');
    const [a, b] = owned;
    const refused = b!.e164.slice(2);
    const seen: string[] = [];
    // An upstream that refuses one number (say it is mid-port), failing any /updatenumber call that names it.
    const fetchRefusing: typeof fetch = async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (url.pathname.endsWith('/updatenumber')) {
        const number = new URLSearchParams(String(init?.body ?? '')).get('number') ?? '';
        seen.push(number);
        if (number.split(',').includes(refused)) {
          return new Response(JSON.stringify({ status: '404', error: 'Invalid number' }), { status: 404, headers: { 'content-type': 'application/json' } });
        }
      }
      return fetch(input, init);
    };
    const { adapter: refusing } = build('test-vitcom-route-refusal', { fetch: fetchRefusing });
    const results = await requireCapability(refusing, 'numbers').route({ numbers: [a!.e164, b!.e164], trunkRef: 'o7' });
    expect(results).toEqual([
      { e164: a!.e164, ok: true },
      { e164: b!.e164, ok: false, reason: 'Invalid number', refusal: { code: 'unknown' } },
    ]);
    expect(seen).toEqual([`${a!.e164.slice(2)},${refused}`, a!.e164.slice(2), refused]);
    const listed = (await requireCapability(adapter, 'numbers').list({ limit: 500 })).items;
    expect(listed.find((n) => n.e164 === a!.e164)?.trunkRef).toBe('o7');
  });
});

describe('VITCOM port-ins', () => {
  const request: PortInRequest = {
    numbers: ['+13129450187', '+13129450188'],
    reference: 'port-test-1',
    subscriberType: 'business',
    losingCarrier: 'Bandwidth',
    accountNumber: 'ACC-99812',
    pin: '4321',
    authorizedName: 'Dana Whitfield',
    businessName: 'Acme Corp',
    serviceAddress: { street: '400 W Madison St', city: 'Chicago', state: 'IL', postalCode: '60606', country: 'US' },
    billingTelephoneNumber: '+13129450187',
    loa: { filename: 'loa.pdf', contentType: 'application/pdf', content: pdf },
  };

  it('checks portability with /check_lnp', async () => {
    const owned = (await requireCapability(adapter, 'numbers').list({ limit: 1 })).items[0]!.e164;
    expect(await requireCapability(adapter, 'ports').checkPortability(['+13129450187', '+19075550123', owned])).toEqual([
      { e164: '+13129450187', portable: true, rateCenterPortable: true },
      { e164: '+19075550123', portable: false, reason: 'Rejected by VITCOM (no reason given)' },
      { e164: owned, portable: false, reason: 'Rejected by VITCOM (no reason given)' },
    ]);
  });

  it('submits with a multipart LOA upload and follows the port to completion', async () => {
    const port = await requireCapability(adapter, 'ports').submit(request);
    expect(port).toMatchObject({ status: 'submitted', numbers: request.numbers });
    expect(port.loaUrl).toMatch(/\/uploads\/portin\/\d+_loa\.pdf$/);
    expect((await requireCapability(adapter, 'ports').submit(request)).portRef).toBe(port.portRef);

    sandbox.advanceClock(6 * 60_000);
    expect((await requireCapability(adapter, 'ports').get(port.portRef))?.status).toBe('pending');
    sandbox.advanceClock(30 * 60_000);
    const foc = await requireCapability(adapter, 'ports').get(port.portRef);
    expect(foc?.status).toBe('foc_scheduled');
    expect(foc?.focDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    sandbox.advanceClock(2 * 3_600_000);
    expect((await requireCapability(adapter, 'ports').get(port.portRef))?.status).toBe('completed');
    const owned = await requireCapability(adapter, 'numbers').list({ limit: 500 });
    expect(owned.items.map((n) => n.e164)).toEqual(expect.arrayContaining(request.numbers));
  });

  it('reads the seeded completed and rejected ports, and unknown ones as null', async () => {
    expect(await requireCapability(adapter, 'ports').get('400104')).toMatchObject({ status: 'completed', numbers: ['+13125550142', '+13125550143'] });
    expect(await requireCapability(adapter, 'ports').get('400106')).toMatchObject({
      status: 'exception',
      upstreamStatus: '4',
      exception: { code: 'account_number_mismatch', message: 'Account number does not match the losing carrier CSR' },
    });
    expect(await requireCapability(adapter, 'ports').get('999999')).toBeNull();
  });

  it('rejects a non-PDF/image LOA and a weekend FOC date', async () => {
    const text = { ...request, reference: 'port-bad-loa', numbers: ['+13129450190'], loa: { filename: 'loa.txt', contentType: 'text/plain', content: new TextEncoder().encode('signed') } };
    expect(await failure(requireCapability(adapter, 'ports').submit(text))).toMatchObject({ providerKind: 'invalid', upstreamMessage: 'Invalid loa_doc' });
    const weekend = { ...request, reference: 'port-weekend', numbers: ['+13129450191'], requestedFocDate: '2031-03-08' };
    expect(await failure(requireCapability(adapter, 'ports').submit(weekend))).toMatchObject({ providerKind: 'invalid', upstreamMessage: 'Invalid requestedFocDate' });
    const noLoa = { ...request, reference: 'port-no-loa', loa: undefined };
    expect((await failure(requireCapability(adapter, 'ports').submit(noLoa))).providerKind).toBe('invalid');
  });
});

describe('VITCOM CDRs, stats and billing', () => {
  it('pulls CDRs day by day from the daily CSV files, resuming from the cursor', async () => {
    const until = new Date(Date.now() + 4 * 3_600_000); // the sandbox clock moved on above
    const since = new Date(until.getTime() - 3 * 86_400_000);
    const all: Cdr[] = [];
    const cursors: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await requireCapability(adapter, 'cdrs').pull({ since, until, cursor });
      all.push(...page.items);
      cursor = page.nextCursor;
      if (cursor) cursors.push(cursor);
    } while (cursor && cursors.length < 10);
    expect(cursors.length).toBeGreaterThanOrEqual(2);
    for (const c of cursors) expect(c).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(all.length).toBeGreaterThan(40);
    expect(new Set(all.map((c) => c.providerCallId)).size).toBe(all.length);
    expect(new Set(all.map((c) => c.direction))).toEqual(new Set(['inbound', 'outbound']));
    for (const d of ['answered', 'busy', 'no_answer', 'failed'] as const) expect(all.some((c) => c.disposition === d), d).toBe(true);
    for (const c of all) {
      expect(c.startedAt.getTime()).toBeGreaterThanOrEqual(since.getTime());
      expect(c.startedAt.getTime()).toBeLessThan(until.getTime());
      expect(c.pddMs).toBeGreaterThanOrEqual(1000);
      expect(c.pddMs).toBeLessThanOrEqual(6000);
      if (c.disposition === 'answered') {
        expect(c.answeredAt).toBeInstanceOf(Date);
        expect(c.billableSec).toBeGreaterThanOrEqual(c.durationSec);
        expect(c.durationSec).toBeGreaterThanOrEqual(20);
        expect(c.sipCode).toBe(200);
      } else {
        expect(c.durationSec).toBe(0);
        expect(c.answeredAt).toBeUndefined();
      }
    }
    const answered = all.filter((c) => c.disposition === 'answered');
    const median = answered.map((c) => c.durationSec).sort((a, b) => a - b)[Math.floor(answered.length / 2)]!;
    expect(median).toBeLessThan(600);
  });

  it('splits a day into pages with limit', async () => {
    // One whole UTC day, so the page size never depends on the time of day the test runs.
    const since = new Date(Math.floor(Date.now() / 86_400_000) * 86_400_000 - 3 * 86_400_000);
    const until = new Date(since.getTime() + 86_400_000);
    const first = await requireCapability(adapter, 'cdrs').pull({ since, until, limit: 10 });
    expect(first.items).toHaveLength(10);
    expect(first.nextCursor).toMatch(/^\d{4}-\d{2}-\d{2}#10$/);
    const second = await requireCapability(adapter, 'cdrs').pull({ since, until, limit: 10, cursor: first.nextCursor });
    expect(second.items[0]?.providerCallId).not.toBe(first.items[0]?.providerCallId);
    expect(second.items[0]!.startedAt.getTime()).toBeGreaterThanOrEqual(first.items[9]!.startedAt.getTime());
    for (const cdr of [...first.items, ...second.items]) expect(cdr.startedAt.toISOString().slice(0, 10)).toBe(since.toISOString().slice(0, 10));
  });

  it('reads ASR/ACD rollups from /did_stats and /tg_stats', async () => {
    const [number] = (await requireCapability(adapter, 'numbers').list({ limit: 1 })).items;
    const stats = await adapter.cdrs.getQualityStats({ numbers: [number!.e164], trunkRefs: ['o3+t4'] });
    expect(stats.map((s) => s.subject)).toEqual([number!.e164, 'o3', 't4']);
    for (const s of stats.slice(1)) {
      expect(s.attempts).toBeGreaterThan(100);
      expect(s.answered).toBeLessThanOrEqual(s.attempts);
      expect(s.asr).toBeGreaterThan(0.4);
      expect(s.asr).toBeLessThan(0.85);
      expect(s.acdSec).toBeGreaterThan(20);
      expect(s.peakConcurrent).toBeGreaterThanOrEqual(1);
    }
  });

  it('lists monthly invoices with PDF links and ledger totals', async () => {
    const invoices = await requireCapability(adapter, 'billing').listInvoices({});
    expect(invoices.length).toBeGreaterThanOrEqual(5);
    for (const invoice of invoices) {
      expect(invoice.pdfUrl).toMatch(/\/downloads\/invoices\/INV-7001234-\d{6}\.pdf$/);
      expect(invoice.total.amount).toMatch(/^\d+\.\d{2}/);
      expect(invoice.issuedAt.getUTCDate()).toBe(1);
      expect(invoice.status).toBe('paid');
    }
    expect(invoices.slice(-3).every((i) => Number(i.total.amount) > 0)).toBe(true);
    const recent = await requireCapability(adapter, 'billing').listInvoices({ since: invoices.at(-2)!.issuedAt });
    expect(recent.map((i) => i.invoiceRef)).toEqual(invoices.slice(-2).map((i) => i.invoiceRef));
  });

  it('lists the ledger and reads the balance from its running total', async () => {
    const entries = await requireCapability(adapter, 'billing.ledger').list({ since: new Date(Date.now() - 100 * 86_400_000), until: new Date(Date.now() + 86_400_000) });
    expect(entries.find((e) => e.description === 'Credit Card')?.amount.amount).toBe('-500.00');
    expect(entries.filter((e) => e.description === 'Order (New DIDs)').length).toBeGreaterThanOrEqual(4);
    expect(new Set(entries.map((e) => e.entryRef)).size).toBe(entries.length);
    const balance = await requireCapability(adapter, 'billing').getBalance();
    expect(balance.available.currency).toBe('USD');
    expect(Number(balance.available.amount)).toBeGreaterThan(0);
  });
});

describe('VITCOM credentials', () => {
  it('wrong credentials give an auth error that does not leak them', async () => {
    const { adapter: wrong } = build('test-vitcom-badauth', {}, { accountno: '7001234', token: 'wrong-token-123456' });
    const error = await failure(requireCapability(wrong, 'numbers').search({ kind: 'local', state: 'IL', quantity: 1 }));
    expect(error.providerKind).toBe('auth');
    expect(error.upstreamMessage).toBe('Invalid token');
    expect(JSON.stringify({ message: error.message, upstream: error.upstreamMessage })).not.toMatch(/wrong-token|7001234/);
    const test = await wrong.testConnection();
    expect(test.ok).toBe(false);
    expect(test.detail).not.toContain('wrong-token');
  });
});

describe('VITCOM faults through the shared HTTP client', () => {
  const reset = () => sandbox.setKnobs({ errorRate: 0, rate429: 0, hangRate: 0, malformedRate: 0, latencyMs: 0 });

  it('a 500 becomes unavailable', async () => {
    const { adapter: a } = build('test-vitcom-fault-500');
    sandbox.setKnobs({ errorRate: 1 });
    try {
      expect((await failure(requireCapability(a, 'numbers').list({}))).providerKind).toBe('unavailable');
    } finally {
      reset();
    }
  });

  it('a 429 becomes rate_limited with the retry-after', async () => {
    const { adapter: a } = build('test-vitcom-fault-429');
    sandbox.setKnobs({ rate429: 1 });
    try {
      const error = await failure(requireCapability(a, 'billing').getBalance());
      expect(error.providerKind).toBe('rate_limited');
      expect(error.retryAfterMs).toBe(60_000);
    } finally {
      reset();
    }
  });

  it('a hang becomes unavailable near the timeout', async () => {
    const { adapter: a } = build('test-vitcom-fault-hang', { timeoutMs: 150, maxAttempts: 0 });
    sandbox.setKnobs({ hangRate: 1 });
    const started = Date.now();
    try {
      const error = await failure(requireCapability(a, 'trunks').list());
      expect(error.providerKind).toBe('unavailable');
      expect(error.upstreamMessage).toMatch(/timed out/);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      reset();
    }
  });

  it('CDR files whose header lacks the expected columns fail as malformed, naming them, instead of yielding no CDRs', async () => {
    const { adapter: a, http } = build('test-vitcom-cdr-renamed');
    const until = new Date(Date.now() + 4 * 3_600_000);
    const since = new Date(until.getTime() - 3 * 86_400_000);
    const cdrs = requireCapability(a, 'cdrs');
    // Pages go a day at a time from `since`'s day: follow them to the first with calls (late in the
    // UTC evening `until` is tomorrow and the window's first day may hold none of its calls).
    let page = await cdrs.pull({ since, until });
    while (page.items.length === 0 && page.nextCursor) page = await cdrs.pull({ since, until, cursor: page.nextCursor });
    expect(page.items.length).toBeGreaterThan(0);
    sandbox.setKnobs({ scenarios: ['cdr-csv-renamed-columns'] });
    try {
      const error = await failure(cdrs.pull({ since, until }));
      expect(error.providerKind).toBe('malformed');
      expect(error.code).toBe('malformed:provider');
      expect(error.upstreamMessage).toMatch(/lacks the columns start_time, end_time, duration, billsec/);
      expect(error.upstreamMessage).toMatch(/^CDR file \d+_(orig|term)_\d{8}_(success|failed)\.csv/);
      // Counted against the upstream like any unreadable answer: the Providers page shows it.
      expect(http.stats.lastFailure).toBe(error.upstreamMessage);
    } finally {
      sandbox.setKnobs({ scenarios: [] });
    }
  });

  it('an owned number it cannot read fails the listing as malformed instead of vanishing from it', async () => {
    const { adapter: a } = build('test-vitcom-foreign-number');
    sandbox.setKnobs({ scenarios: ['numbers-foreign-didnumber'] });
    try {
      const error = await failure(requireCapability(a, 'numbers').list({}));
      expect(error.providerKind).toBe('malformed');
      expect(error.upstreamMessage).toBe('/getnumbers lists "442079460123", which is not a North American number');
    } finally {
      sandbox.setKnobs({ scenarios: [] });
    }
  });

  it('CDR rows that stop short of the header fail as malformed, naming the row and the missing columns', async () => {
    const { adapter: a } = build('test-vitcom-cdr-short');
    const until = new Date(Date.now() + 4 * 3_600_000);
    const since = new Date(until.getTime() - 3 * 86_400_000);
    sandbox.setKnobs({ scenarios: ['cdr-csv-short-rows'] });
    try {
      const error = await failure(requireCapability(a, 'cdrs').pull({ since, until }));
      expect(error.providerKind).toBe('malformed');
      expect(error.upstreamMessage).toMatch(/row 2 has 10 of 13 columns: disposition, cost, tg_id missing$/);
    } finally {
      sandbox.setKnobs({ scenarios: [] });
    }
  });

  it('a corrupted body becomes malformed', async () => {
    const { adapter: a } = build('test-vitcom-fault-malformed');
    sandbox.setKnobs({ malformedRate: 1 });
    try {
      expect((await failure(requireCapability(a, 'ports').get('400104'))).providerKind).toBe('malformed');
    } finally {
      reset();
    }
  });

  it('repeated faults open the breaker; after the half-open delay a success closes it', async () => {
    const { adapter: a, http } = build('test-vitcom-fault-breaker', { breakerThreshold: 2, breakerHalfOpenAfterMs: 150, maxAttempts: 0 });
    sandbox.setKnobs({ errorRate: 1 });
    try {
      for (let i = 0; i < 2; i++) expect((await failure(requireCapability(a, 'billing').getBalance())).providerKind).toBe('unavailable');
      expect(http.breakerState).toBe('open');
      const fast = await failure(requireCapability(a, 'billing').getBalance());
      expect(fast).toMatchObject({ providerKind: 'unavailable', upstreamMessage: 'circuit open: failing fast' });
    } finally {
      reset();
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(Number((await requireCapability(a, 'billing').getBalance()).available.amount)).toBeGreaterThan(0);
    expect(http.breakerState).toBe('closed');
  });

  it('error messages carry no stack trace and no credential', async () => {
    const { adapter: a } = build('test-vitcom-fault-text');
    sandbox.setKnobs({ errorRate: 1 });
    try {
      const error = await failure(requireCapability(a, 'numbers').search({ kind: 'tollfree', tollFreePrefix: '800', quantity: 1 }));
      const visible = `${error.message} ${error.upstreamMessage ?? ''}`;
      expect(visible).not.toMatch(/\bat .+:\d+:\d+/);
      expect(visible).not.toContain(vitcomDemoCredentials.token!);
      expect(visible).not.toContain(vitcomDemoCredentials.accountno!);
    } finally {
      reset();
    }
  });
});
