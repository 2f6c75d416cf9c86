/** Deterministic seeded state of the CarrierX sandbox: partner, DID inventory, trunks, CDRs, invoices. */
import { seededRandom, type SandboxContext } from '../common/server';
import { vanityNumbers } from '../common/vanity';
import type { Row } from './query';

/** The sample token printed throughout the seed document. */
export const DEMO_TOKEN = '5ebc03d6-8b2b-44ad-bf65-72d4f1491dda';
/** A token without write scopes, to show the 403 "permission denied" path. */
export const READ_ONLY_TOKEN = 'c0ffee00-0000-4000-8000-00000000read';

export const PARTNER_SID = 'ed437757-002d-4ecc-aa5a-efdf5e50dba0';

export interface CarrierxState {
  partner: Row;
  /** DIDs not rented by anyone: the [EXT] available_dids inventory. */
  inventory: Map<string, Row>;
  /** DIDs rented by the demo partner, by did_sid. */
  dids: Map<string, Row>;
  /** Released DIDs waiting out their aging period, with the time they were released. */
  aging: { did: Row; releasedAt: number }[];
  endpoints: Map<string, Row>;
  trunkGroups: Map<string, Row>;
  /** Every CDR, including ones whose `date_insert` is still in the future of the sandbox clock. */
  cdrs: Row[];
  invoices: Row[];
  random: () => number;
}

export const AGING_MS = 24 * 60 * 60 * 1000;

export function sidFrom(random: () => number): string {
  const hex = (n: number) =>
    Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[Math.floor(random() * 4)]}${hex(3)}-${hex(12)}`;
}

const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const between = (random: () => number, min: number, max: number) => min + Math.floor(random() * (max - min + 1));

interface RateCenter {
  country: 'USA' | 'CAN';
  state: string;
  locality: string;
  npas: string[];
}

const RATE_CENTERS: RateCenter[] = [
  { country: 'USA', state: 'IL', locality: 'CHICAGO', npas: ['312', '773', '872'] },
  { country: 'USA', state: 'TX', locality: 'DALLAS', npas: ['214', '469', '972'] },
  { country: 'USA', state: 'TX', locality: 'HOUSTON', npas: ['713', '832'] },
  { country: 'USA', state: 'NY', locality: 'NEW YORK', npas: ['212', '646', '516'] },
  { country: 'USA', state: 'CA', locality: 'LOS ANGELES', npas: ['213', '323'] },
  { country: 'USA', state: 'CA', locality: 'SAN FRANCISCO', npas: ['415', '628'] },
  { country: 'USA', state: 'FL', locality: 'MIAMI', npas: ['305', '786'] },
  { country: 'USA', state: 'GA', locality: 'ATLANTA', npas: ['404', '678'] },
  { country: 'USA', state: 'WA', locality: 'SEATTLE', npas: ['206'] },
  { country: 'USA', state: 'MA', locality: 'BOSTON', npas: ['617', '857'] },
  { country: 'USA', state: 'CO', locality: 'DENVER', npas: ['303', '720'] },
  { country: 'CAN', state: 'ON', locality: 'TORONTO', npas: ['416', '647'] },
  { country: 'CAN', state: 'ON', locality: 'OTTAWA', npas: ['613'] },
  { country: 'CAN', state: 'QC', locality: 'MONTREAL', npas: ['514', '438'] },
  { country: 'CAN', state: 'BC', locality: 'VANCOUVER', npas: ['604'] },
];

const TOLL_FREE = ['800', '833', '844', '855', '866', '877', '888'];

export function formatDid(phonenumber: string) {
  const national = phonenumber.slice(1);
  return {
    in_country_format: `(${national.slice(0, 3)}) ${national.slice(3, 6)}-${national.slice(6)}`,
    international_format: `+1 ${national.slice(0, 3)}-${national.slice(3, 6)}-${national.slice(6)}`,
  };
}

export function makeDid(
  random: () => number,
  phonenumber: string,
  place: { country: string; state: string | null; locality: string | null },
  capabilities: number,
  price: string,
): Row {
  return {
    attributes: {},
    callback_url: null,
    capabilities,
    country_code: place.country,
    did_group_sid: null,
    did_sid: sidFrom(random),
    ...formatDid(phonenumber),
    locality: place.locality,
    lrn_sid: null,
    name: 'N/A',
    partner_sid: null,
    phonenumber,
    price,
    state: place.state,
    string_key_1: null,
    string_key_2: null,
    transformations: [],
    trunk_group_sid: null,
    // [EXT] fields of the current DID object; handy for filtering the inventory.
    npa: phonenumber.slice(1, 4),
    npa_nxx: phonenumber.slice(1, 7),
  };
}

function endpoint(random: () => number, name: string, type: string, addresses: Row[]): Row {
  return {
    addresses,
    attributes: {},
    capacity: 0,
    endpoint_sid: sidFrom(random),
    name,
    out_sip_password: null,
    out_sip_username: null,
    partner_sid: PARTNER_SID,
    properties: {},
    transformations: [],
    type,
    voip_token: type === 'third_party' ? sidFrom(random) : null,
  };
}

export function address(fields: Partial<Row> & { ip: string }): Row {
  return {
    direction: 'any',
    dst_port: 5060,
    location_sid: null,
    port: 5060,
    priority: 0,
    sip_password: null,
    sip_username: null,
    srtp: false,
    transport: 'udp',
    ...fields,
  };
}

export function makeTrunk(random: () => number, fields: Row): Row {
  return {
    acls: [],
    allow_forward: 'disable',
    allow_transfer: false,
    asn_mode: 'disable',
    call_type: 'regular',
    codec: null,
    endpoint_sid: null,
    in_capacity: 0,
    in_identity_format: 'passthrough',
    in_identity_mode: 'passthrough',
    in_rfc_4694_mode: 'passthrough',
    location_sid: null,
    name: 'N/A',
    out_capacity: 0,
    out_identity_mode: 'passthrough',
    out_rfc_4694_mode: 'passthrough',
    priority: 0,
    relay_sip_headers: [],
    transformations: [],
    trunk_sid: sidFrom(random),
    weight: 0,
    ...fields,
  };
}

export function makeTrunkGroup(random: () => number, name: string): Row {
  return {
    acls: [],
    external_handlers: [],
    hard_failure_codes: '408;',
    hard_failure_cooldown: 120,
    hard_failure_interval: 60,
    hard_failure_last_resort: 'first',
    hard_failure_threshold: 3,
    name,
    partner_sid: PARTNER_SID,
    routing_data: null,
    routing_type: 'failover',
    sip_options_locations: [],
    sip_options_threshold: 0,
    soft_failure_codes: '',
    transformations: [],
    trunk_group_sid: sidFrom(random),
    trunks: [],
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Answered talk time: mostly 20 s – 10 min, with a long tail up to ~1 h. */
function talkSeconds(random: () => number): number {
  const roll = random();
  if (roll < 0.08) return between(random, 3, 19);
  if (roll < 0.9) return 20 + Math.floor(Math.pow(random(), 1.8) * 580);
  return between(random, 600, 3600);
}

const money = (value: number) => (Math.round(value * 10_000) / 10_000).toString();

function seedCdrs(random: () => number, now: number, owned: Row[], trunkGroup: Row, gateway: Row): Row[] {
  const cdrs: Row[] = [];
  const trunks = trunkGroup.trunks as Row[];
  const destinationTrunk = trunks[0] ?? {};
  const ingressTrunk = trunks[trunks.length - 1] ?? {};
  const start = now - 7 * 24 * 3600_000;
  const end = now + 2 * 24 * 3600_000;
  let at = start;
  while (at < end) {
    at += between(random, 4, 40) * 60_000 + Math.floor(random() * 60_000);
    const did = pick(random, owned);
    const ours = String(did.phonenumber);
    const theirs = `1${pick(random, ['312', '469', '646', '305', '415', '617', '720', '206'])}${between(random, 200, 999)}${String(between(random, 0, 9999)).padStart(4, '0')}`;
    const inbound = random() < 0.55;
    const roll = random();
    const outcome = roll < 0.62 ? 'answered' : roll < 0.74 ? 'busy' : roll < 0.88 ? 'no_answer' : roll < 0.91 ? 'cancelled' : 'failed';
    const ringMs = outcome === 'answered' ? between(random, 1000, 6000) + Math.floor(random() * 9000) : between(random, 1000, 6000);
    const dateStart = at + Math.floor(random() * 1000);
    let dateTalk: number | null = null;
    let dateStop: number;
    let sipcause: string;
    if (outcome === 'answered') {
      dateTalk = dateStart + ringMs;
      dateStop = dateTalk + talkSeconds(random) * 1000 + Math.floor(random() * 1000);
      sipcause = '200';
    } else if (outcome === 'busy') {
      dateStop = dateStart + ringMs;
      sipcause = pick(random, ['486', '486', '600']);
    } else if (outcome === 'no_answer') {
      dateStop = dateStart + between(random, 15_000, 45_000);
      sipcause = pick(random, ['480', '480', '408']);
    } else if (outcome === 'cancelled') {
      dateStop = dateStart + between(random, 3000, 20_000);
      sipcause = '487';
    } else {
      dateStop = dateStart + between(random, 100, 4000);
      sipcause = pick(random, ['503', '404', '502', '403', '484']);
    }
    const talk = dateTalk ? (dateStop - dateTalk) / 1000 : 0;
    const increment = inbound ? 60 : 6;
    const billing = dateTalk ? Math.max(increment, Math.ceil(talk / increment) * increment) : 0;
    const rate = inbound ? 0.0025 : 0.0045;
    const caller = inbound ? theirs : ours;
    const callee = inbound ? ours : theirs;
    cdrs.push({
      cic: null,
      cic_original: null,
      cic_transformed: null,
      date_insert: iso(dateStop + between(random, 30, 240) * 1000),
      date_start: iso(dateStart),
      date_stop: iso(dateStop),
      date_talk: dateTalk ? iso(dateTalk) : null,
      direction: inbound ? 'inbound' : 'outbound',
      disconnect_originator: dateTalk ? pick(random, ['SRC', 'DST']) : 'DST',
      diversion_dst: null,
      diversion_src: null,
      dr_sid: sidFrom(random),
      duration: ((dateStop - dateStart) / 1000).toFixed(5),
      duration_billing: String(billing),
      endpoint_sid_dst: inbound ? destinationTrunk.endpoint_sid ?? null : gateway.endpoint_sid,
      endpoint_sid_src: inbound ? gateway.endpoint_sid : ingressTrunk.endpoint_sid ?? null,
      identity: null,
      ip_dst: inbound ? '203.0.113.10:5060' : '162.251.180.18:5060',
      ip_src: inbound ? '162.251.180.18' : '198.51.100.7',
      number_billing: ours,
      number_dst: callee,
      number_dst_original: null,
      number_dst_transformed: null,
      number_external: theirs,
      number_src: `+${caller}`,
      number_src_original: null,
      number_src_transformed: null,
      partner_sid: PARTNER_SID,
      price: money((billing / 60) * rate),
      rate: String(rate),
      sipcallid_dst: `${sidFrom(random).replace(/-/g, '')}@203.0.113.10`,
      sipcallid_src: `${sidFrom(random).replace(/-/g, '')}@162.251.180.24`,
      sipcause,
      stir_attest: inbound ? pick(random, ['A', 'B', 'C']) : 'A',
      stir_identity: 'false',
      stir_orig_id: `+${caller}`,
      stir_signing_entity: 'carrierX',
      stir_verstat: null,
      trunk_group_sid_dst: inbound ? trunkGroup.trunk_group_sid : null,
      trunk_group_sid_src: inbound ? null : trunkGroup.trunk_group_sid,
      trunk_sid_dst: inbound ? destinationTrunk.trunk_sid ?? null : null,
      trunk_sid_src: inbound ? null : ingressTrunk.trunk_sid ?? null,
      type: 'telecom',
      user_data: {},
      version: 2,
    });
  }
  return cdrs;
}

function seedInvoices(random: () => number, now: number, dids: number): Row[] {
  const invoices: Row[] = [];
  const current = new Date(now);
  let balancePrevious = 0;
  for (let back = 3; back >= 0; back--) {
    const startMs = Date.UTC(current.getUTCFullYear(), current.getUTCMonth() - back, 1);
    const endMs = Date.UTC(current.getUTCFullYear(), current.getUTCMonth() - back + 1, 1) - 1000;
    const inboundMinutes = between(random, 4000, 12_000);
    const outboundMinutes = between(random, 2000, 9000);
    const items = [
      { type: 'did', direction: 'inbound', usage: dids, amount: (dids * 0.6).toFixed(2) },
      { type: 'toll', direction: 'inbound', usage: inboundMinutes * 60, amount: (inboundMinutes * 0.0025).toFixed(2) },
      { type: 'toll', direction: 'outbound', usage: outboundMinutes * 60, amount: (outboundMinutes * 0.0045).toFixed(2) },
      { type: 'toll_free', direction: 'inbound', usage: between(random, 100, 900) * 60, amount: (between(random, 100, 900) * 0.012).toFixed(2) },
    ].map((item) => ({
      ...item,
      country_code: 'USA',
      date_billing_period_start: iso(startMs),
      date_billing_period_end: iso(endMs),
    }));
    const subtotal = items.reduce((sum, item) => sum + Number(item.amount), 0);
    const tax = Math.round(subtotal * 0.068 * 100) / 100;
    const amount = Math.round((subtotal + tax) * 100) / 100;
    const open = back === 0;
    invoices.push({
      amount: amount.toFixed(2),
      amount_due: open ? '0' : '0',
      amount_tax: tax.toFixed(2),
      balance_forward: (balancePrevious - amount).toFixed(2),
      balance_previous: balancePrevious.toFixed(2),
      date_billing_period_end: iso(endMs),
      date_billing_period_start: iso(startMs),
      date_charge_expected: iso(endMs),
      date_charged: open ? null : iso(endMs + 3600_000),
      date_created: iso(startMs - 30 * 60_000),
      date_issued: open ? null : iso(endMs + 1000),
      display_id: String(back === 0 ? 4 : 4 - back).padStart(3, '0'),
      invoice_items: items,
      invoice_sid: sidFrom(random),
      paid: !open,
      partner_sid: PARTNER_SID,
      pay_items: open
        ? []
        : [{ amount: amount.toFixed(2), billing_method: {}, check_number: null, date_charged: iso(endMs + 3600_000), pay_item_sid: sidFrom(random), status: 'complete', type: 'balance' }],
      status: open ? 'open' : 'complete',
      tax_items: [
        { amount: (tax * 0.7).toFixed(2), jurisdiction: 'federal', type: 'fed_universal_service_fund' },
        { amount: (tax * 0.3).toFixed(2), jurisdiction: 'state', type: 'e911_tax_pbx_trunk_line' },
      ],
    });
    balancePrevious -= amount;
  }
  return invoices.reverse();
}

export function seedState(context: SandboxContext): CarrierxState {
  const random = context.random;
  const now = context.now().getTime();
  const inventory = new Map<string, Row>();
  const addInventory = (did: Row) => inventory.set(String(did.phonenumber), did);

  for (const center of RATE_CENTERS) {
    for (const npa of center.npas) {
      const count = between(random, 6, 12);
      const nxx = String(between(random, 200, 989));
      for (let i = 0; i < count; i++) {
        // Some blocks are consecutive runs, most are scattered.
        const line = i < 3 ? 1000 + i : between(random, 0, 9999);
        const phonenumber = `1${npa}${i < 3 ? nxx : between(random, 200, 999)}${String(line).padStart(4, '0')}`;
        addInventory(makeDid(random, phonenumber, { country: center.country, state: center.state, locality: center.locality }, pick(random, [5, 7, 7, 31]), '0.6'));
      }
    }
  }
  for (const npa of TOLL_FREE) {
    for (let i = 0; i < between(random, 5, 9); i++) {
      const phonenumber = `1${npa}${between(random, 200, 999)}${String(between(random, 0, 9999)).padStart(4, '0')}`;
      addInventory(makeDid(random, phonenumber, { country: 'USA', state: null, locality: null }, pick(random, [4, 7]), '1.5'));
    }
  }
  // The seed's own rent example (`{"phonenumber":"15162065575"}`) works verbatim.
  addInventory(makeDid(random, '15162065575', { country: 'USA', state: 'NY', locality: 'NEW YORK' }, 7, '0.6'));

  const gateway = endpoint(random, 'system_gateway', 'system_gateway', [
    address({ ip: '162.251.180.18' }),
    address({ ip: '162.251.180.24' }),
  ]);
  const primary = endpoint(random, 'Primary PBX#dst1', 'third_party', [address({ ip: '203.0.113.10', direction: 'inbound' })]);
  const backup = endpoint(random, 'Primary PBX#dst2', 'third_party', [address({ ip: '203.0.113.11', direction: 'inbound', transport: 'tcp' })]);
  const ingress = endpoint(random, 'Primary PBX#ingress', 'third_party', [
    address({ ip: '198.51.100.7', direction: 'outbound' }),
    address({ ip: '198.51.100.0/28', direction: 'outbound', priority: 1 }),
  ]);
  const group = makeTrunkGroup(random, 'Primary PBX');
  group.trunks = [
    makeTrunk(random, { name: 'Primary PBX#dst1', endpoint_sid: primary.endpoint_sid, priority: 0, weight: 100, in_capacity: 50, out_capacity: 50, codec: 'PCMU,PCMA' }),
    makeTrunk(random, { name: 'Primary PBX#dst2', endpoint_sid: backup.endpoint_sid, priority: 1, weight: 100, in_capacity: 50, out_capacity: 50, codec: 'PCMU,PCMA' }),
    makeTrunk(random, { name: 'Primary PBX#ingress', endpoint_sid: ingress.endpoint_sid, priority: 0, weight: 0, in_capacity: 50, out_capacity: 50, codec: 'PCMU,PCMA' }),
  ];

  const dids = new Map<string, Row>();
  const rent = (did: Row, trunkGroupSid: string | null) => {
    inventory.delete(String(did.phonenumber));
    did.partner_sid = PARTNER_SID;
    did.trunk_group_sid = trunkGroupSid;
    dids.set(String(did.did_sid), did);
  };
  // The seed's list example number, then a spread of the inventory.
  rent(makeDid(random, '15162065574', { country: 'USA', state: 'NY', locality: 'NEW YORK' }, 7, '0.6'), null);
  const candidates = [...inventory.values()].filter((did) => did.phonenumber !== '15162065575');
  for (let i = 0; i < 14; i++) {
    const did = candidates[(i * 17 + 5) % candidates.length];
    if (did && inventory.has(String(did.phonenumber))) rent(did, i % 3 === 2 ? null : String(group.trunk_group_sid));
  }

  // Vanity numbers join the inventory after the rented spread is picked, with their own random
  // source, so every seeded draw above (and the rented numbers) stays as it was.
  const vanityRandom = seededRandom(0x7a9e);
  for (const { national, npa } of vanityNumbers([['773', 'FLOWERS'], ['469', 'FLOWERS'], ['646', 'FLOWERS'], ['628', 'FLOWERS'], ['844', 'FLOWERS'], ['877', 'FLOWERS'], ['832', 'PLUMBER'], ['617', 'DENTIST'], ['720', 'CALLNOW']])) {
    const phonenumber = `1${national}`;
    if (inventory.has(phonenumber) || [...dids.values()].some((did) => did.phonenumber === phonenumber)) continue;
    const center = RATE_CENTERS.find((candidate) => candidate.npas.includes(npa));
    const tollFree = TOLL_FREE.includes(npa);
    addInventory(makeDid(vanityRandom, phonenumber, center && !tollFree ? { country: center.country, state: center.state, locality: center.locality } : { country: 'USA', state: null, locality: null }, 7, tollFree ? '1.5' : '0.6'));
  }
  const owned = [...dids.values()];
  return {
    partner: {
      acls: [],
      address1: '100 Main Street',
      address2: null,
      attributes: {},
      available_scopes: ['calls.manage', 'endpoints.manage', 'invoices.manage', 'oauth.manage', 'partners.manage', 'phonenumber.manage', 'trunk_groups.manage', 'trunk_groups.trunks.manage'],
      balance: '351.53',
      billing_email: 'billing@example.net',
      callbacks: {},
      charge_at: '20',
      city: 'Long Beach',
      company_name: 'Demo Carrier Portal',
      country_code: 'USA',
      date_created: '2018-09-20T21:34:55.000Z',
      display_id: 'CX90576809',
      login: 'demo',
      name: 'Demo Partner',
      owner_email: 'owner@example.net',
      parent_assigned_acls: [],
      parent_sid: null,
      partner_sid: PARTNER_SID,
      payment_type: 'prepay',
      phonenumber: '5162065319',
      prepay_amount: '100',
      spending_limit: '0',
      state: 'CA',
      status: 'active',
      tech_email: 'noc@example.net',
      transformations: [],
      zip: '90804',
    },
    inventory,
    dids,
    aging: [],
    endpoints: new Map([gateway, primary, backup, ingress].map((e) => [String(e.endpoint_sid), e])),
    trunkGroups: new Map([[String(group.trunk_group_sid), group]]),
    cdrs: seedCdrs(random, now, owned, group, gateway),
    invoices: seedInvoices(random, now, owned.length),
    random,
  };
}
