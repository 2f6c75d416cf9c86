import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError, isProviderError } from '@/lib/providers/errors';
import { createProviderHttp, resetBreakers, type ProviderHttpOptions } from '@/lib/providers/http';
import { createMemoryStateStore } from '@/lib/providers/state-store';
import { capabilitiesOf, requireCapability, type AvailableNumber, type Cdr, type TrunkGroupSpec } from '@/lib/providers/types';
import { voicemeupProvider } from '@/lib/providers/voicemeup';
import { errorFromMessages, isNoticeCode, kindForCode } from '@/lib/providers/voicemeup/errors';
import { creditSigned, formatDecimal, mapCall, mapFunding } from '@/lib/providers/voicemeup/map';
import { getCallsSchema, getDidsSchema, parseXml } from '@/lib/providers/voicemeup/schema';
import { startSandbox, type RunningSandbox } from '@/sandbox/common/server';
import { voicemeupDemoCredentials, voicemeupOwingCredentials, voicemeupSandbox } from '@/sandbox/voicemeup';

const fixtures = join(import.meta.dirname, 'fixtures', 'voicemeup');
const fixture = (name: string) => readFileSync(join(fixtures, name), 'utf8');
const DAY = 86_400_000;

let sandbox: RunningSandbox;
let counter = 0;

function build(options: Partial<ProviderHttpOptions> & { credentials?: Record<string, string> } = {}) {
  const connectionId = `test-voicemeup-${++counter}`;
  const { credentials, ...httpOptions } = options;
  const http = createProviderHttp({
    provider: 'voicemeup',
    connectionId,
    baseUrl: sandbox.url,
    timeoutMs: 2_000,
    retryInitialDelayMs: 10,
    ...httpOptions,
  });
  const state = createMemoryStateStore();
  const adapter = voicemeupProvider.create({
    connectionId,
    baseUrl: sandbox.url,
    credentials: credentials ?? voicemeupDemoCredentials,
    http,
    state,
  });
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

/** An http whose fetch answers with fixed XML: the seed's examples through the real parse path. */
function adapterAnswering(body: string) {
  const connectionId = `test-voicemeup-fixed-${++counter}`;
  const http = createProviderHttp({
    provider: 'voicemeup',
    connectionId,
    baseUrl: 'http://voicemeup.invalid',
    retryInitialDelayMs: 10,
    fetch: async () => new Response(body, { status: 200, headers: { 'content-type': 'application/xml' } }),
  });
  return voicemeupProvider.create({ connectionId, baseUrl: 'http://voicemeup.invalid', credentials: voicemeupDemoCredentials, http, state: createMemoryStateStore() });
}

beforeAll(async () => {
  sandbox = await startSandbox(voicemeupSandbox, { port: 0 });
});
afterAll(async () => {
  await sandbox?.close();
  resetBreakers();
});

describe('descriptor', () => {
  it('claims exactly the operations it implements', () => {
    const { adapter } = build();
    expect(capabilitiesOf(adapter).sort()).toEqual(
      ['numbers.search', 'numbers.order', 'numbers.list', 'numbers.route', 'trunks.read', 'trunks.update', 'e911.validate', 'e911.provision', 'e911.remove', 'e911.list', 'cdrs', 'invoices', 'balance', 'ledger'].sort(),
    );
    // None of these is documented for the XML Engine: the groups say so instead of methods that throw.
    expect(adapter.numbers?.release).toBeUndefined();
    expect(adapter.numbers?.holds).toBeUndefined();
    expect(adapter.trunks?.create).toBeUndefined();
    expect(adapter.trunks?.delete).toBeUndefined();
    expect(adapter.ports).toBeUndefined();
    expect(() => requireCapability(adapter, 'trunks.create')).toThrow(expect.objectContaining({ code: 'unsupported:provider', message: 'VoiceMeUp does not support creating trunk groups.' }));
    expect(voicemeupProvider.defaultBaseUrl).toBe('http://127.0.0.1:4104');
    expect(voicemeupSandbox.defaultPort).toBe(4104);
  });
});

describe('seed document examples', () => {
  it('the example URL (L14) carries the same query-string credentials the adapter sends', async () => {
    const url = new URL(fixture('seed-example-url.txt').trim().split(' ')[0] ?? '');
    expect(url.pathname).toBe('/xml_engine/xml_engine.php');
    const accountId = url.searchParams.get('client_account_id') ?? '';
    const token = url.searchParams.get('auth_token') ?? '';
    expect(accountId).toMatch(/^\d{8}$/);
    expect(token).toMatch(/^[0-9a-f]{32}$/);
    expect({ client_account_id: accountId, auth_token: token }).toEqual(voicemeupDemoCredentials);

    const seen: URL[] = [];
    const { adapter } = build({
      fetch: async (input, init) => {
        seen.push(new URL(String(input)));
        return fetch(input, init);
      },
    });
    await requireCapability(adapter, 'billing').getBalance();
    const sent = seen[0];
    expect(sent?.pathname).toBe(url.pathname);
    expect(sent?.searchParams.get('client_account_id')).toBe(accountId);
    expect(sent?.searchParams.get('auth_token')).toBe(token);
    expect(sent?.searchParams.get('request_type')).toBe('get_funding_details');
    expect(sent?.searchParams.get('currency')).toBe('CAD');
  });

  it('maps every code of the seed error tables (L306–482) to a kind', () => {
    const codes = fixture('seed-error-tables.md')
      .split('\n')
      .map((line) => /^\|\s*([a-z0-9_-]+)\s*\|/.exec(line)?.[1])
      .filter((code): code is string => Boolean(code));
    expect(codes.length).toBeGreaterThan(150);
    expect(new Set(codes).size).toBeGreaterThan(140);
    const expected: Record<string, string> = {
      authentication_failed: 'auth',
      authentication_token_required: 'auth',
      client_account_id_required: 'auth',
      client_account_id_invalid: 'auth',
      request_type_not_implemented: 'unsupported',
      request_type_invalid: 'unsupported',
      'internal_error-database_error': 'unavailable',
      'internal_error-invalid_argument': 'invalid',
      socket_error: 'unavailable',
      could_not_send: 'unavailable',
      peer_exist: 'conflict',
      forward_number_used_by_did: 'conflict',
      entry_is_default_endpoint: 'conflict',
      no_e911_endpoint_found: 'not_found',
      phone_number_not_found: 'not_found',
      required_parameter_not_found: 'invalid',
      quantity_invalid: 'invalid',
      peers_to_ring_limit_reached: 'invalid',
    };
    for (const code of codes) {
      const kind = kindForCode('get_dids', code);
      expect(['auth', 'unsupported', 'unavailable', 'conflict', 'not_found', 'invalid']).toContain(kind);
      if (expected[code]) expect(kind, code).toBe(expected[code]);
    }
    // Codes that read as warnings are notices, not failures (§3.1).
    for (const code of ['callerid_rejection_notice', 'peer_excluded_from_sync', 'alternate_address_provided', 'last_endpoint_was_deleted']) {
      expect(codes).toContain(code);
      expect(isNoticeCode(code)).toBe(true);
    }
    // Keyed on (request_type, code): the same code means different things.
    expect(kindForCode('add_did', 'phone_number_invalid')).toBe('conflict');
    expect(kindForCode('set_did', 'phone_number_invalid')).toBe('invalid');
    expect(kindForCode('get_peers', 'client_peer_id_invalid')).toBe('not_found');
    // Credentials win over validation errors in a mixed answer; hyphenated codes survive.
    const mixed = errorFromMessages('get_calls', [
      { type: 'date_from_invalid', description: 'Date from is invalid.' },
      { type: 'authentication_failed', description: "Authentication failed. Please verify 'client_account_id' and 'auth_token'." },
    ]);
    expect(mixed.providerKind).toBe('auth');
  });

  it('turns a documented error code in an XML answer into the mapped ProviderError', async () => {
    const table = fixture('seed-error-tables.md');
    const description = /\| internal_error-database_error \| ([^|]+) \|/.exec(table)?.[1]?.trim() ?? '';
    expect(description).toBe('There was an internal error with our database.');
    const body = `<response><status>failed</status><errors><error><type>internal_error-database_error</type><description>${description}</description></error></errors></response>`;
    const error = await caught(requireCapability(adapterAnswering(body), 'billing').getBalance());
    expect(error.providerKind).toBe('unavailable');
    expect(error.upstreamMessage).toContain('internal_error-database_error');
  });

  it('lets a refused e911_get_endpoints surface from listE911 as unsupported, and reads no_e911_endpoint_found as no records', async () => {
    const refused = '<response><status>failed</status><errors><error><type>request_type_invalid</type><description>Invalid request type.</description></error></errors></response>';
    expect((await caught(requireCapability(adapterAnswering(refused), 'e911').list())).providerKind).toBe('unsupported');
    const none = '<response><status>failed</status><errors><error><type>no_e911_endpoint_found</type><description>Number is not provisioned.</description></error></errors></response>';
    expect(await requireCapability(adapterAnswering(none), 'e911').list()).toEqual([]);
    expect(await requireCapability(adapterAnswering('<response><status>success</status><endpoints/></response>'), 'e911').list()).toEqual([]);
  });

  it('reads balances by the CR rule of L211: plain is owed, "CR" is credit', () => {
    const note = fixture('seed-funding-note.txt');
    expect(note).toContain("negative amount if not followed by 'CR'");
    expect(formatDecimal(creditSigned('25.00'))).toBe('-25.00');
    expect(formatDecimal(creditSigned('25.00 CR'))).toBe('25.00');
    expect(formatDecimal(creditSigned('0.00'))).toBe('0.00');
    expect(mapFunding({ account_balance: '25.00', funds_left: '75.00 CR' }, 'CAD')).toEqual({
      available: { amount: '-25.00', currency: 'CAD' },
      creditLimit: { amount: '100.00', currency: 'CAD' },
    });
    expect(mapFunding({ account_balance: '12.5CR', currency: 'USD' }, 'CAD')).toEqual({ available: { amount: '12.50', currency: 'USD' } });
  });

  it('parses and maps the 2010 get_calls sample (EXTERNAL), 10- and 11-digit numbers alike', async () => {
    const xml = `<?xml version="1.0"?><response><status>success</status><calls>${fixture('external-get-calls-2010.xml')}</calls></response>`;
    const parsed = getCallsSchema.parse((parseXml(xml) as { response: unknown }).response);
    expect(parsed.calls).toHaveLength(1);
    const wire = parsed.calls[0]!;
    expect(wire.source).toBe('6047751806');
    expect(wire.bindings).toBe('');
    const cdr = mapCall(wire, { timeZone: 'America/Toronto', currency: 'CAD' });
    expect(cdr).toEqual({
      providerCallId: '6a45b9a125d141151c8500e71a85a3af',
      direction: 'inbound',
      from: '+16047751806',
      to: '+16042484930',
      startedAt: new Date('2010-08-04T16:39:47Z'),
      endedAt: new Date('2010-08-04T16:41:09Z'),
      disposition: 'answered',
      durationSec: 82,
      billableSec: 82,
      cost: { amount: '0.0241', currency: 'CAD' },
      trunkRef: '5507',
    } satisfies Cdr);

    // Same sample through the adapter's HTTP path, in cursor mode.
    const page = await requireCapability(adapterAnswering(xml), 'cdrs').pull({ since: new Date(0), until: new Date(), cursor: 'f'.repeat(32), limit: 10 });
    expect(page.items.map((item) => item.providerCallId)).toEqual(['6a45b9a125d141151c8500e71a85a3af']);
    expect(page.nextCursor).toBeUndefined();
  });
});

describe('adapter over HTTP', () => {
  it('tests the connection without leaking credentials', async () => {
    const { adapter } = build();
    const result = await adapter.testConnection();
    expect(result.ok).toBe(true);
    expect(result.detail).toContain('152.37 CAD credit');
    expect(result.detail).not.toContain(voicemeupDemoCredentials.auth_token);
    const bad = build({ credentials: { client_account_id: '80012345', auth_token: '0'.repeat(32) } });
    const failed = await bad.adapter.testConnection();
    expect(failed.ok).toBe(false);
    expect(failed.detail).toMatch(/rejected the connection's credentials/);
  });

  describe('numbers', () => {
    it('searches local inventory by NPA', async () => {
      const { adapter } = build();
      const numbers = await requireCapability(adapter, 'numbers').search({ kind: 'local', npa: '312', quantity: 5 });
      expect(numbers).toHaveLength(5);
      for (const number of numbers) {
        expect(number.e164).toMatch(/^\+1312\d{7}$/);
        expect(number).toMatchObject({ kind: 'local', country: 'US', state: 'IL', rateCenter: 'CHICAGO', npa: '312' });
        expect(number.providerRef).toMatch(/^\d+$/);
        expect(number.features).toContain('voice');
      }
    });

    it('searches by state through area codes, and by rate center name through get_ratecenters', async () => {
      const { adapter } = build();
      const texas = await requireCapability(adapter, 'numbers').search({ kind: 'local', state: 'TX', quantity: 20 });
      expect(texas.length).toBe(20);
      expect(new Set(texas.map((number) => number.state))).toEqual(new Set(['TX']));
      expect(new Set(texas.map((number) => number.npa)).size).toBeGreaterThan(1);

      const toronto = await requireCapability(adapter, 'numbers').search({ kind: 'local', country: 'CA', rateCenter: 'Toronto', quantity: 10 });
      expect(toronto.length).toBeGreaterThan(5);
      for (const number of toronto) expect(number).toMatchObject({ country: 'CA', state: 'ON', rateCenter: 'TORONTO' });

      const none = await requireCapability(adapter, 'numbers').search({ kind: 'local', state: 'ZZ', quantity: 5 });
      expect(none).toEqual([]);
    });

    it('searches toll-free by prefix, by pattern and for consecutive runs', async () => {
      const { adapter } = build();
      const tollFree = await requireCapability(adapter, 'numbers').search({ kind: 'tollfree', tollFreePrefix: '833', quantity: 5 });
      expect(tollFree.length).toBe(5);
      for (const number of tollFree) expect(number).toMatchObject({ kind: 'tollfree', npa: '833' });
      expect(tollFree.every((number) => number.e164.startsWith('+1833'))).toBe(true);

      const chicago = await requireCapability(adapter, 'numbers').search({ kind: 'local', npa: '312', quantity: 50 });
      const target = chicago[3] as AvailableNumber;
      const byPattern = await requireCapability(adapter, 'numbers').search({ kind: 'local', npa: '312', pattern: `*${target.e164.slice(-4)}`, quantity: 10 });
      expect(byPattern.map((number) => number.e164)).toContain(target.e164);
      expect(byPattern.every((number) => number.e164.endsWith(target.e164.slice(-4)))).toBe(true);

      const run = await requireCapability(adapter, 'numbers').search({ kind: 'local', rateCenter: 'CHICAGO', state: 'IL', quantity: 3, consecutive: true });
      expect(run).toHaveLength(3);
      const values = run.map((number) => Number(number.e164.slice(1)));
      expect(values[1]! - values[0]!).toBe(1);
      expect(values[2]! - values[1]!).toBe(1);
    });

    it('orders numbers with add_did, routes them to a peer, and does not buy twice', async () => {
      const { adapter } = build();
      const before = await requireCapability(adapter, 'numbers').list({ limit: 1000 });
      const picks = await requireCapability(adapter, 'numbers').search({ kind: 'local', npa: '214', quantity: 2 });
      const numbers = picks.map((number) => number.e164);
      const result = await requireCapability(adapter, 'numbers').order({ numbers: [...numbers, '+12145550000'], idempotencyKey: 'order-1', trunkRef: '5612' });
      expect(result.lines.slice(0, 2)).toEqual(numbers.map((e164) => ({ e164, status: 'active' })));
      expect(result.lines[2]).toMatchObject({ e164: '+12145550000', status: 'failed' });
      expect(result.lines[2]?.reason).toContain('phone_number_invalid');

      const after = await requireCapability(adapter, 'numbers').list({ limit: 1000 });
      expect(after.items.length).toBe(before.items.length + 2);
      for (const e164 of numbers) {
        expect(after.items.find((item) => item.e164 === e164)).toMatchObject({ status: 'active', kind: 'local', state: 'TX', rateCenter: 'DALLAS', trunkRef: '5612', e911Provisioned: false });
      }
      const again = await requireCapability(adapter, 'numbers').search({ kind: 'local', npa: '214', quantity: 100 });
      expect(again.map((number) => number.e164)).not.toContain(numbers[0]);

      const retry = await requireCapability(adapter, 'numbers').order({ numbers, idempotencyKey: 'order-1' });
      expect(retry.lines.every((line) => line.status === 'active')).toBe(true);
      expect((await requireCapability(adapter, 'numbers').list({ limit: 1000 })).items.length).toBe(after.items.length);

      expect(await requireCapability(adapter, 'numbers').getOrder({ idempotencyKey: 'order-1', numbers })).toEqual({ lines: numbers.map((e164) => ({ e164, status: 'active' })) });
      expect(await requireCapability(adapter, 'numbers').getOrder({ idempotencyKey: 'order-x', numbers: ['+12145550000'] })).toBeNull();
    });

    it('lists owned numbers with cursor paging, status and e911 state', async () => {
      const { adapter } = build();
      const all = await requireCapability(adapter, 'numbers').list({ limit: 1000 });
      expect(all.nextCursor).toBeUndefined();
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await requireCapability(adapter, 'numbers').list({ cursor, limit: 3 });
        expect(page.items.length).toBeLessThanOrEqual(3);
        seen.push(...page.items.map((item) => item.e164));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual(all.items.map((item) => item.e164));
      expect(new Set(seen).size).toBe(seen.length);
      expect(all.items.some((item) => item.kind === 'tollfree')).toBe(true);
      expect(all.items.some((item) => item.status === 'suspended')).toBe(true);
      expect(all.items.filter((item) => item.e911Provisioned).map((item) => item.rateCenter).sort()).toEqual(['CHICAGO', 'MONTREAL']);
      expect(all.items.find((item) => item.rateCenter === 'MONTREAL')).toMatchObject({ trunkRef: '5507', state: 'QC' });
    });
  });

  describe('trunks (peers)', () => {
    it('lists and reads peers as trunk groups', async () => {
      const { adapter } = build();
      const trunks = await requireCapability(adapter, 'trunks').list();
      expect(trunks.map((trunk) => trunk.trunkRef)).toEqual(['5507', '5508', '5612']);
      expect(trunks[0]).toMatchObject({
        name: 'MainPBX',
        auth: 'ip',
        direction: 'both',
        allowedIps: ['203.0.113.10/32'],
        destinations: [{ host: '203.0.113.10', port: 5060, transport: 'udp', priority: 1, weight: 100 }],
        codecs: ['ulaw', 'alaw', 'g729'],
        enabled: true,
      });
      expect(trunks[1]).toMatchObject({ auth: 'digest', allowedIps: [], destinations: [], digestUsername: 'remote5508' });
      expect(trunks[2]).toMatchObject({ auth: 'both', digestUsername: 'sbcbackup' });
      expect(await requireCapability(adapter, 'trunks').get('5508')).toEqual(trunks[1]);
      expect(await requireCapability(adapter, 'trunks').get('999999')).toBeNull();
      expect(await requireCapability(adapter, 'trunks').get('not-a-peer')).toBeNull();
    });

    it('updates a peer with set_peer and reads it back', async () => {
      const { adapter } = build();
      const updated = await requireCapability(adapter, 'trunks').update('5507', {
        name: 'Main PBX 2',
        direction: 'both',
        auth: 'both',
        allowedIps: ['203.0.113.50/32'],
        destinations: [],
        codecs: ['PCMU', 'G729', 'ulaw'],
        digestUsername: 'pbxauth01',
        digestPassword: 'S3cretPass99',
      });
      expect(updated).toMatchObject({ trunkRef: '5507', name: 'MainPBX2', auth: 'both', allowedIps: ['203.0.113.50/32'], codecs: ['ulaw', 'g729'], digestUsername: 'pbxauth01' });
      expect(JSON.stringify(updated)).not.toContain('S3cretPass99');
      expect(await requireCapability(adapter, 'trunks').get('5507')).toEqual(updated);

      const dynamic = await requireCapability(adapter, 'trunks').update('5612', { name: 'Backup', direction: 'both', auth: 'digest', allowedIps: [], destinations: [], digestUsername: 'sbcbackup' });
      expect(dynamic).toMatchObject({ auth: 'digest', allowedIps: [], name: 'Backup' });
    });

    it('rejects what a peer cannot express, and what upstream refuses', async () => {
      const { adapter } = build();
      const range = await caught(requireCapability(adapter, 'trunks').update('5507', { name: 'Main', direction: 'both', auth: 'ip', allowedIps: ['10.0.0.0/24'], destinations: [] }));
      expect(range.providerKind).toBe('invalid');
      const codec = await caught(requireCapability(adapter, 'trunks').update('5507', { name: 'Main', direction: 'both', auth: 'ip', allowedIps: ['10.0.0.1'], destinations: [], codecs: ['opus'] }));
      expect(codec.providerKind).toBe('invalid');
      const password = await caught(
        requireCapability(adapter, 'trunks').update('5508', { name: 'Remote', direction: 'both', auth: 'digest', allowedIps: [], destinations: [], digestPassword: 'short' }),
      );
      expect(password.providerKind).toBe('invalid');
      expect(password.upstreamMessage).toContain('password_invalid');
      expect(password.upstreamMessage).not.toContain('short');
      const missing = await caught(requireCapability(adapter, 'trunks').update('424242', { name: 'Ghost', direction: 'both', auth: 'digest', allowedIps: [], destinations: [] }));
      expect(missing.providerKind).toBe('invalid');
      expect(missing.upstreamMessage).toContain('client_peer_id_invalid');
    });

    it('refuses a spec it cannot store instead of dropping the parts and answering with the old values', async () => {
      const { adapter } = build();
      const before = await requireCapability(adapter, 'trunks').get('5507');
      const base: TrunkGroupSpec = {
        name: 'MainPBX',
        direction: 'both',
        auth: 'ip',
        allowedIps: ['203.0.113.10/32'],
        destinations: [{ host: '203.0.113.10', port: 5060, transport: 'udp', priority: 1, weight: 100 }],
        codecs: ['ulaw'],
      };
      const refused: [TrunkGroupSpec, RegExp][] = [
        [{ ...base, maxChannels: 40 }, /maxChannels.*no channel limit/],
        [{ ...base, maxCps: 5 }, /maxCps.*no calls-per-second limit/],
        [{ ...base, direction: 'inbound' }, /direction.*both directions/],
        [{ ...base, destinations: [{ ...base.destinations[0]!, host: '203.0.113.99' }] }, /destination 203\.0\.113\.99 cannot differ from allowed IP 203\.0\.113\.10/],
        [{ ...base, destinations: [...base.destinations, { ...base.destinations[0]!, priority: 2 }] }, /2 destinations cannot be stored/],
        [{ ...base, destinations: [{ ...base.destinations[0]!, port: 5080 }] }, /port and transport cannot be changed/],
        [{ ...base, destinations: [{ ...base.destinations[0]!, transport: 'tls' }] }, /port and transport cannot be changed/],
        [{ ...base, allowedIps: ['203.0.113.10/32', '203.0.113.11/32'] }, /one IP address, not 2/],
        [{ ...base, auth: 'digest', digestUsername: 'pbx' }, /digest-only auth/],
      ];
      for (const [spec, message] of refused) {
        const error = await caught(requireCapability(adapter, 'trunks').update('5507', spec));
        expect(error.providerKind, JSON.stringify(spec)).toBe('invalid');
        expect(error.upstreamMessage).toMatch(message);
      }
      // Nothing was half-applied.
      expect(await requireCapability(adapter, 'trunks').get('5507')).toEqual(before);

      // What a peer can store still goes through, and a destination on the allowed IP is fine.
      const stored = await requireCapability(adapter, 'trunks').update('5507', { ...base, name: 'MainPBX', allowedIps: ['203.0.113.20/32'], destinations: [{ ...base.destinations[0]!, host: '203.0.113.20' }] });
      expect(stored).toMatchObject({ trunkRef: '5507', allowedIps: ['203.0.113.20/32'], destinations: [{ host: '203.0.113.20', port: 5060, transport: 'udp' }] });
      expect(await requireCapability(adapter, 'trunks').get('5507')).toEqual(stored);
    });
  });

  describe('routing numbers to a peer (set_did)', () => {
    /** The XML Engine straight from the sandbox, for what the adapter does not show (options, peer ids). */
    async function engine(requestType: string, params: Record<string, string>) {
      const url = new URL('/xml_engine/xml_engine.php', sandbox.url);
      for (const [key, value] of Object.entries({ ...voicemeupDemoCredentials, request_type: requestType, ...params })) url.searchParams.set(key, value);
      return (parseXml(await (await fetch(url)).text()) as { response: Record<string, unknown> }).response;
    }
    const wireDid = async (e164: string) => getDidsSchema.parse(await engine('get_dids', { phone_number: e164.slice(2) })).dids[0]!;

    it('routes two DIDs to an existing peer, lists them on its ref, routes one back, and reports a number not on the account', async () => {
      const { adapter } = build();
      const peer = await requireCapability(adapter, 'trunks').get('5508');
      expect(peer?.trunkRef).toBe('5508');
      const owned = (await requireCapability(adapter, 'numbers').list({ limit: 1000 })).items.filter((item) => item.status === 'active' && item.trunkRef !== '5508' && item.rateCenter !== 'MONTREAL');
      const [a, b] = owned;
      // a forwards elsewhere and has voicemail and recording on: routing takes the call off forwarding only.
      await engine('set_did', { phone_number: a!.e164.slice(2), client_peer_ids: '', options: 'enable_forwarding,enable_voicemail,enable_recording' });

      const results = await requireCapability(adapter, 'numbers').route({ numbers: [a!.e164, '+12145550000', b!.e164], trunkRef: '5508' });
      expect(results).toEqual([
        { e164: a!.e164, ok: true },
        { e164: '+12145550000', ok: false, reason: 'not on the account' },
        { e164: b!.e164, ok: true },
      ]);
      const listed = (await requireCapability(adapter, 'numbers').list({ limit: 1000 })).items;
      expect(listed.find((item) => item.e164 === a!.e164)?.trunkRef).toBe('5508');
      expect(listed.find((item) => item.e164 === b!.e164)?.trunkRef).toBe('5508');
      expect(await wireDid(a!.e164)).toMatchObject({ client_peer_ids: '5508', options: 'enable_voicemail,enable_recording,enable_peer' });
      expect(await wireDid(b!.e164)).toMatchObject({ client_peer_ids: '5508' });
      expect((await wireDid(b!.e164)).options?.split(',')).toContain('enable_peer');

      // null: back to a DID as add_did leaves it, on no peer.
      expect(await requireCapability(adapter, 'numbers').route({ numbers: [a!.e164], trunkRef: null })).toEqual([{ e164: a!.e164, ok: true }]);
      const after = (await requireCapability(adapter, 'numbers').list({ limit: 1000 })).items;
      expect(after.find((item) => item.e164 === a!.e164)?.trunkRef).toBeUndefined();
      expect(after.find((item) => item.e164 === b!.e164)?.trunkRef).toBe('5508');
      const unrouted = await wireDid(a!.e164);
      expect(unrouted.client_peer_ids ?? '').toBe('');
      expect(unrouted.options).toBe('enable_voicemail,enable_recording');

      // Peers listed but not enabled do not ring: no trunkRef.
      await engine('set_did', { phone_number: b!.e164.slice(2), options: 'enable_voicemail' });
      expect((await requireCapability(adapter, 'numbers').list({ limit: 1000 })).items.find((item) => item.e164 === b!.e164)?.trunkRef).toBeUndefined();
      expect(await requireCapability(adapter, 'numbers').route({ numbers: [b!.e164], trunkRef: '5508' })).toEqual([{ e164: b!.e164, ok: true }]);
      expect((await requireCapability(adapter, 'numbers').list({ limit: 1000 })).items.find((item) => item.e164 === b!.e164)?.trunkRef).toBe('5508');
    });

    it('refuses an unknown peer as a whole', async () => {
      const { adapter } = build();
      const [owned] = (await requireCapability(adapter, 'numbers').list({ limit: 1000 })).items;
      for (const ref of ['999999', 'abc']) {
        expect((await caught(requireCapability(adapter, 'numbers').route({ numbers: [owned!.e164], trunkRef: ref }))).providerKind).toBe('not_found');
      }
    });
  });

  describe('e911', () => {
    const chicago = { street: '233 N MICHIGAN AVE', city: 'CHICAGO', state: 'IL', postalCode: '60611', country: 'US' as const };

    it('validates an exact address', async () => {
      const { adapter } = build();
      const result = await requireCapability(adapter, 'e911').validate({ ...chicago, unit: 'Suite 1200' });
      expect(result.valid).toBe(true);
      expect(result.normalized).toEqual({ ...chicago, name: undefined, unit: 'Suite 1200' });
      expect(result.alternates).toBeUndefined();
      // No address ids upstream: provisioning always sends the address itself.
      expect(result.addressRef).toBeUndefined();
    });

    it('returns alternates on a near miss, and the alternate validates verbatim', async () => {
      const { adapter } = build();
      const result = await requireCapability(adapter, 'e911').validate({ street: '233 North Michigan Avenue', city: 'Chicago', state: 'il', postalCode: '60611', country: 'US' });
      expect(result.valid).toBe(false);
      expect(result.reason).toContain('Alternate Address is Provided.');
      expect(result.alternates).toEqual([{ ...chicago, name: undefined, unit: undefined }]);
      const retry = await requireCapability(adapter, 'e911').validate(result.alternates![0]!);
      expect(retry.valid).toBe(true);

      const wrongPostal = await requireCapability(adapter, 'e911').validate({ ...chicago, postalCode: '60601' });
      expect(wrongPostal.valid).toBe(false);
      expect(wrongPostal.alternates?.[0]?.postalCode).toBe('60611');

      const unknown = await requireCapability(adapter, 'e911').validate({ ...chicago, street: '1 Nowhere Rd' });
      expect(unknown).toMatchObject({ valid: false, reason: 'Street not found.' });
      expect(unknown.alternates).toBeUndefined();
      const noCivic = await requireCapability(adapter, 'e911').validate({ ...chicago, street: 'N Michigan Ave' });
      expect(noCivic.valid).toBe(false);
    });

    it('provisions, lists and removes an e911 address', async () => {
      const { adapter } = build();
      const numbers = await requireCapability(adapter, 'numbers').list({ limit: 1000 });
      const target = numbers.items.find((item) => item.rateCenter === 'TORONTO');
      expect(target?.e911Provisioned).toBe(false);
      const address = { street: '100 King Street West', city: 'Toronto', state: 'ON', postalCode: 'M5H 1J9', country: 'CA' as const };
      const nearMiss = await caught(requireCapability(adapter, 'e911').provision({ e164: target!.e164, address, callerName: 'Jean Martin' }));
      expect(nearMiss.providerKind).toBe('invalid');
      expect(nearMiss.upstreamMessage).toContain('100 KING ST W, TORONTO');

      const record = await requireCapability(adapter, 'e911').provision({
        e164: target!.e164,
        address: { ...address, street: '100 KING ST W', city: 'TORONTO', unit: 'Floor 3' },
        callerName: 'Jean Martin',
      });
      expect(record).toMatchObject({ e164: target!.e164, callerName: 'Jean Martin', address: { street: '100 KING ST W', city: 'TORONTO', unit: 'Floor 3', state: 'ON', country: 'CA', postalCode: 'M5H 1J9' } });
      expect(record.e911Ref).toMatch(/^\d+$/);
      expect((await requireCapability(adapter, 'numbers').list({ limit: 1000 })).items.find((item) => item.e164 === target!.e164)?.e911Provisioned).toBe(true);
      const listed = await requireCapability(adapter, 'e911').list();
      expect(listed.find((item) => item.e164 === target!.e164)).toEqual({
        e164: target!.e164,
        address: { name: 'Jean Martin', street: '100 KING ST W', unit: 'Floor 3', city: 'TORONTO', state: 'ON', postalCode: 'M5H 1J9', country: 'CA' },
        callerName: 'Jean Martin',
        e911Ref: record.e911Ref,
      });
      // The seeded endpoints (Montréal, Chicago) are listed beside it, each with a full address.
      expect(listed.map((item) => item.e164)).toEqual(expect.arrayContaining(numbers.items.filter((item) => item.e911Provisioned).map((item) => item.e164)));
      for (const item of listed) {
        expect(item.e164).toMatch(/^\+1\d{10}$/);
        expect(item.address).toMatchObject({ street: expect.stringMatching(/^\d+ \S/), city: expect.any(String), state: expect.stringMatching(/^[A-Z]{2}$/), postalCode: expect.any(String) });
      }

      await requireCapability(adapter, 'e911').remove(target!.e164);
      expect((await requireCapability(adapter, 'numbers').list({ limit: 1000 })).items.find((item) => item.e164 === target!.e164)?.e911Provisioned).toBe(false);
      expect((await requireCapability(adapter, 'e911').list()).map((item) => item.e164)).not.toContain(target!.e164);
      await requireCapability(adapter, 'e911').remove(target!.e164);

      const montreal = numbers.items.find((item) => item.rateCenter === 'MONTREAL')!;
      const defaultEndpoint = await caught(requireCapability(adapter, 'e911').remove(montreal.e164));
      expect(defaultEndpoint.providerKind).toBe('conflict');
      expect(defaultEndpoint.upstreamMessage).toContain('entry_is_default_endpoint');
    });
  });

  describe('CDRs', () => {
    it('pulls a date range in pages via unique_id, resumes, and sees new calls as time passes', async () => {
      const { adapter, state } = build();
      const now = new Date();
      const since = new Date(now.getTime() - 10 * DAY);
      const whole = await requireCapability(adapter, 'cdrs').pull({ since, until: now, limit: 1000 });
      expect(whole.nextCursor).toBeUndefined();
      expect(whole.items.length).toBeGreaterThan(150);
      for (const cdr of whole.items) {
        expect(cdr.startedAt.getTime()).toBeGreaterThanOrEqual(since.getTime());
        expect(cdr.startedAt.getTime()).toBeLessThan(now.getTime());
      }

      const paged: Cdr[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await requireCapability(adapter, 'cdrs').pull({ since, until: now, cursor, limit: 100 });
        paged.push(...page.items);
        if (page.nextCursor) expect(page.nextCursor).toBe(page.items[page.items.length - 1]?.providerCallId);
        cursor = page.nextCursor;
        pages++;
      } while (cursor && pages < 50);
      expect(pages).toBeGreaterThan(1);
      const ids = paged.map((cdr) => cdr.providerCallId);
      expect(new Set(ids).size).toBe(ids.length);
      for (const cdr of whole.items) expect(ids).toContain(cdr.providerCallId);
      const last = ids[ids.length - 1]!;
      expect(state.dump()['cdrs:last_unique_id']).toBe(last);

      const dispositions = new Set(whole.items.map((cdr) => cdr.disposition));
      for (const disposition of ['answered', 'busy', 'no_answer', 'failed']) expect(dispositions).toContain(disposition);
      const answered = whole.items.filter((cdr) => cdr.disposition === 'answered');
      const talk = answered.map((cdr) => cdr.durationSec).sort((a, b) => a - b);
      const median = talk[Math.floor(talk.length / 2)]!;
      expect(median).toBeGreaterThan(30);
      expect(median).toBeLessThan(300);
      expect(answered.filter((cdr) => cdr.durationSec >= 20 && cdr.durationSec <= 600).length / answered.length).toBeGreaterThan(0.7);
      for (const cdr of whole.items) {
        expect(cdr.providerCallId).toMatch(/^[0-9a-f]{32}$/);
        expect(cdr.from).toMatch(/^\+1\d{10}$/);
        expect(cdr.to).toMatch(/^\+1\d{10}$/);
        expect(cdr.cost?.currency).toBe('CAD');
        expect(['5507', '5508', '5612']).toContain(cdr.trunkRef);
        if (cdr.disposition !== 'answered') expect(cdr.billableSec).toBe(0);
      }
      expect(whole.items.some((cdr) => cdr.direction === 'inbound') && whole.items.some((cdr) => cdr.direction === 'outbound')).toBe(true);

      // Resume from the stored cursor once a day of new calls has been logged.
      const quiet = await requireCapability(adapter, 'cdrs').pull({ since, until: now, cursor: last });
      sandbox.advanceClock(DAY);
      try {
        const later = await requireCapability(adapter, 'cdrs').pull({ since, until: new Date(now.getTime() + DAY), cursor: last });
        expect(later.items.length).toBeGreaterThan(quiet.items.length + 10);
        for (const cdr of later.items) expect(ids).not.toContain(cdr.providerCallId);
      } finally {
        sandbox.advanceClock(-DAY);
      }
    });

    it('keeps cursor pages inside [since, until), stops at until, and resumes from any cursor exactly', async () => {
      const { adapter } = build();
      const until = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 3 * DAY);
      const since = new Date(until.getTime() - 3 * DAY);
      const inWindow = (cdr: Cdr) => cdr.startedAt.getTime() >= since.getTime() && cdr.startedAt.getTime() < until.getTime();
      // One date-range request holds the whole window (fewer than 1000 calls): the reference.
      const whole = await requireCapability(adapter, 'cdrs').pull({ since, until, limit: 1000 });
      expect(whole.nextCursor).toBeUndefined();
      expect(whole.items.length).toBeGreaterThan(60);
      expect(whole.items.every(inWindow)).toBe(true);

      const limit = 20;
      const pages: { items: Cdr[]; nextCursor?: string }[] = [];
      let cursor: string | undefined;
      do {
        const page = await requireCapability(adapter, 'cdrs').pull({ since, until, cursor, limit });
        pages.push(page);
        cursor = page.nextCursor;
      } while (cursor && pages.length < 100);
      // Stops at `until`: the days of calls logged after the window are not walked page by page.
      expect(cursor).toBeUndefined();
      expect(pages.length).toBeLessThanOrEqual(Math.ceil(whole.items.length / limit) + 1);
      const paged = pages.flatMap((page) => page.items);
      for (const page of pages) expect(page.items.length).toBeLessThanOrEqual(limit);
      expect(paged.filter((cdr) => !inWindow(cdr)).map((cdr) => cdr.startedAt.toISOString())).toEqual([]);
      expect(paged.map((cdr) => cdr.providerCallId)).toEqual(whole.items.map((cdr) => cdr.providerCallId));

      // Every cursor handed out resumes with exactly the calls of the window not yet returned.
      for (let index = 0; index < pages.length - 1; index++) {
        const resumed: Cdr[] = [];
        let next = pages[index]!.nextCursor;
        for (let guard = 0; next && guard < 100; guard++) {
          const page = await requireCapability(adapter, 'cdrs').pull({ since, until, cursor: next, limit });
          resumed.push(...page.items);
          next = page.nextCursor;
        }
        expect(resumed.map((cdr) => cdr.providerCallId)).toEqual(pages.slice(index + 1).flatMap((page) => page.items.map((cdr) => cdr.providerCallId)));
      }
    });

    it('rejects an unknown cursor as invalid', async () => {
      const { adapter } = build();
      const error = await caught(requireCapability(adapter, 'cdrs').pull({ since: new Date(Date.now() - DAY), until: new Date(), cursor: '0'.repeat(32) }));
      expect(error.providerKind).toBe('invalid');
      expect(error.upstreamMessage).toContain('unique_id_invalid');
    });
  });

  describe('money', () => {
    it('reads a credit balance as positive and an owed balance as negative', async () => {
      expect(await requireCapability(build().adapter, 'billing').getBalance()).toEqual({ available: { amount: '152.37', currency: 'CAD' }, creditLimit: { amount: '100.00', currency: 'CAD' } });
      expect(await requireCapability(build({ credentials: voicemeupOwingCredentials }).adapter, 'billing').getBalance()).toEqual({
        available: { amount: '-48.20', currency: 'CAD' },
        creditLimit: { amount: '100.00', currency: 'CAD' },
      });
      const usd = await requireCapability(build({ credentials: { ...voicemeupDemoCredentials, currency: 'USD' } }).adapter, 'billing').getBalance();
      expect(usd.available).toEqual({ amount: '112.75', currency: 'USD' });
    });

    it('lists the ledger and the invoices from get_transactions', async () => {
      const { adapter } = build();
      const now = new Date();
      const ledger = await requireCapability(adapter, 'billing.ledger').list({ since: new Date(now.getTime() - 200 * DAY), until: now });
      expect(ledger.length).toBeGreaterThanOrEqual(12);
      const invoices = ledger.filter((entry) => entry.description.startsWith('Invoice'));
      const payments = ledger.filter((entry) => entry.description.startsWith('Payment'));
      expect(invoices).toHaveLength(6);
      expect(invoices.every((entry) => !entry.amount.amount.startsWith('-'))).toBe(true);
      expect(payments.length).toBeGreaterThanOrEqual(5);
      expect(payments.every((entry) => entry.amount.amount.startsWith('-'))).toBe(true);
      expect(ledger.find((entry) => entry.description.startsWith('Service credit'))?.amount).toEqual({ amount: '-15.00', currency: 'CAD' });
      expect([...ledger].sort((a, b) => a.at.getTime() - b.at.getTime()).map((entry) => entry.entryRef)).toEqual(ledger.map((entry) => entry.entryRef));

      const listed = await requireCapability(adapter, 'billing').listInvoices({ since: new Date(now.getTime() - 200 * DAY) });
      expect(listed).toHaveLength(6);
      for (const invoice of listed) {
        expect(invoice.invoiceRef).toMatch(/^INV-\d{6}-\d{5}$/);
        expect(Number(invoice.total.amount)).toBeGreaterThan(80);
        expect(invoice.status).toBe('unknown');
      }
      expect(await requireCapability(adapter, 'billing').listInvoices({ since: new Date(now.getTime() + DAY) })).toEqual([]);
    });
  });
});

describe('faults', () => {
  const secrets = Object.values(voicemeupDemoCredentials);
  const expectClean = (error: ProviderError) => {
    for (const text of [error.message, error.upstreamMessage ?? '', JSON.stringify(error)]) {
      for (const secret of secrets) expect(text).not.toContain(secret);
      expect(text).not.toMatch(/\n\s+at /);
    }
  };

  it('a 500 is unavailable', async () => {
    sandbox.setKnobs({ errorRate: 1 });
    try {
      const error = await caught(requireCapability(build({ maxAttempts: 1 }).adapter, 'billing').getBalance());
      expect(error.providerKind).toBe('unavailable');
      expect(error.httpStatus).toBe(500);
      expectClean(error);
    } finally {
      sandbox.setKnobs({ errorRate: 0 });
    }
  });

  it('a 429 is rate_limited', async () => {
    sandbox.setKnobs({ rate429: 1 });
    try {
      const error = await caught(requireCapability(build().adapter, 'trunks').list());
      expect(error.providerKind).toBe('rate_limited');
      expect(error.retryAfterMs).toBe(60_000);
      expectClean(error);
    } finally {
      sandbox.setKnobs({ rate429: 0 });
    }
  });

  it('a hang is unavailable, near the timeout', async () => {
    sandbox.setKnobs({ hangRate: 1 });
    try {
      const started = Date.now();
      const error = await caught(requireCapability(build({ timeoutMs: 300, maxAttempts: 0 }).adapter, 'billing').getBalance());
      expect(error.providerKind).toBe('unavailable');
      expect(error.upstreamMessage).toContain('timed out');
      expect(Date.now() - started).toBeLessThan(3_000);
      expectClean(error);
    } finally {
      sandbox.setKnobs({ hangRate: 0 });
    }
  });

  it('a corrupted body is malformed', async () => {
    sandbox.setKnobs({ malformedRate: 1 });
    try {
      const error = await caught(requireCapability(build({ maxAttempts: 0 }).adapter, 'trunks').list());
      expect(error.providerKind).toBe('malformed');
      expectClean(error);
    } finally {
      sandbox.setKnobs({ malformedRate: 0 });
    }
  });

  it('a call whose status word is unknown fails the pull as malformed instead of counting as a failed call', async () => {
    const until = new Date();
    const since = new Date(until.getTime() - 7 * 86_400_000);
    const cdrs = requireCapability(build().adapter, 'cdrs');
    // Calls of the window's first day logged before `since` fill a page's reads without being
    // returned (in the evening UTC, more than one page's worth): follow the cursor to the first call.
    let page = await cdrs.pull({ since, until, limit: 5 });
    for (let pages = 0; page.items.length === 0 && page.nextCursor && pages < 50; pages++) page = await cdrs.pull({ since, until, limit: 5, cursor: page.nextCursor });
    expect(page.items.length).toBeGreaterThan(0);
    sandbox.setKnobs({ scenarios: ['calls-unknown-status'] });
    try {
      const error = await caught(cdrs.pull({ since, until, limit: 5 }));
      expect(error.providerKind).toBe('malformed');
      expect(error.upstreamMessage).toMatch(/^get_calls call [A-Za-z0-9]{32} has an unknown status "transferred"$/);
    } finally {
      sandbox.setKnobs({ scenarios: [] });
    }
  });

  it('a well-formed XML answer of the wrong shape is malformed', async () => {
    const error = await caught(requireCapability(adapterAnswering('<response><status>success</status><funding_details><account_balance>lots</account_balance></funding_details></response>'), 'billing').getBalance());
    expect(error.providerKind).toBe('malformed');
    const html = await caught(requireCapability(adapterAnswering('<html><body>maintenance</body></html>'), 'billing').getBalance());
    expect(html.providerKind).toBe('malformed');
  });

  it('wrong credentials are auth, from the body, without the secret', async () => {
    const wrong = { client_account_id: '80012345', auth_token: 'ffffffffffffffffffffffffffffffff' };
    const error = await caught(requireCapability(build({ credentials: wrong }).adapter, 'numbers').list({}));
    expect(error.providerKind).toBe('auth');
    expect(error.upstreamMessage).toContain('authentication_failed');
    expect(JSON.stringify(error)).not.toContain(wrong.auth_token);
    expectClean(error);
    const malformedToken = await caught(requireCapability(build({ credentials: { client_account_id: '123', auth_token: 'secret-token' } }).adapter, 'billing').getBalance());
    expect(malformedToken.providerKind).toBe('auth');
    expect(malformedToken.upstreamMessage).not.toContain('secret-token');
  });

  it('logs failures without the query-string credentials', async () => {
    const written: string[] = [];
    const original = process.stderr.write.bind(process.stderr);
    const silent = process.env.LOG_SILENT;
    process.env.LOG_SILENT = '0';
    process.stderr.write = ((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    sandbox.setKnobs({ errorRate: 1 });
    try {
      await caught(requireCapability(build({ maxAttempts: 0 }).adapter, 'billing').getBalance());
    } finally {
      sandbox.setKnobs({ errorRate: 0 });
      process.stderr.write = original;
      process.env.LOG_SILENT = silent;
    }
    const output = written.join('');
    expect(output).toContain('provider.call_failed');
    expect(output).toContain('get_funding_details');
    for (const secret of secrets) expect(output).not.toContain(secret);
  });

  it('repeated faults open the breaker; after the half-open delay a success closes it', async () => {
    const { adapter, http } = build({ breakerThreshold: 2, breakerHalfOpenAfterMs: 200, maxAttempts: 0 });
    sandbox.setKnobs({ errorRate: 1 });
    try {
      await caught(requireCapability(adapter, 'billing').getBalance());
      await caught(requireCapability(adapter, 'billing').getBalance());
      expect(http.breakerState).toBe('open');
      const fast = await caught(requireCapability(adapter, 'billing').getBalance());
      expect(fast.providerKind).toBe('unavailable');
      expect(fast.upstreamMessage).toContain('circuit open');
    } finally {
      sandbox.setKnobs({ errorRate: 0 });
    }
    await new Promise((resolve) => setTimeout(resolve, 260));
    expect((await requireCapability(adapter, 'billing').getBalance()).available.amount).toBe('152.37');
    expect(http.breakerState).toBe('closed');
  });
});
