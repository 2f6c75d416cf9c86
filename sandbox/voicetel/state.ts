/**
 * VoiceTel sandbox state: one demo account with its inventory, numbers, gateways, ACL, ports,
 * e911 records, calls, credits and payments, all built from the seeded random source.
 */
import type { SandboxContext } from '../common/server';
import { vanityNumbers } from '../common/vanity';

export const DEMO_USERNAME = '1000000001';
export const DEMO_PASSWORD = 'vtDemo2024pass';

export interface InventoryNumber {
  number: string;
  province?: string;
  rateCenter?: string;
  rcAbbre?: string;
  city?: string;
  lata?: string;
}

export interface OwnedNumber extends InventoryNumber {
  route: number;
}

export interface Gateway {
  id: number;
  gateway: string;
  prefix: string;
  limit: number | null;
  system: boolean;
}

export interface PortRecord {
  id: string;
  pid: string;
  createdAt: number;
  numbers: string[];
  name: string;
  ticket: number;
  /** The losing carrier's refusal, shown once the port leaves "Submitted" (10 minutes in). */
  rejectMessage?: string;
  /** The losing carrier moves the FOC date once, an hour after it was first set. */
  focMoves?: boolean;
  completedApplied: boolean;
  routes: Record<string, number>;
}

export interface E911Stored {
  dn: string;
  address1: string;
  address2: string;
  city: string;
  state: string;
  zip: string;
  callername: string;
}

export interface ValidatedAddress {
  addressid: number;
  address1: string;
  address2: string;
  city: string;
  state: string;
  zip: string;
}

export type Disposition = 'answered' | 'busy' | 'no_answer' | 'failed';
export interface Call {
  id: string;
  start: number;
  cid: string;
  dst: string;
  ip: string;
  cn: string;
  nr: string;
  /** Billed seconds; 0 for calls that were not answered. */
  dur: number;
  /** Kept for realism of the generator; VoiceTel's CDR rows do not expose them. */
  disposition: Disposition;
  pddMs: number;
}

export interface VoiceTelState {
  apikey: string;
  account: {
    username: string;
    password: string;
    name: string;
    email: string;
    created: string;
    cash: number;
    callerId: string;
    timezone: string;
    ccs: number;
    notify: boolean;
    notifyThreshold: number;
    enabled: boolean;
    authType: number;
    sipPassword: string;
    services: Record<'sms' | 'rcid' | 'mms' | 'bypassMedia' | 'e911' | 'intl' | 'cnam' | 'dialer', boolean>;
    rates: Record<'fax' | 'sms' | 'mms' | 'tfAdj' | 'lrn' | 'nibble' | 'did' | 'cnam' | 'intlMax', number>;
  };
  inventory: Map<string, InventoryNumber>;
  owned: Map<string, OwnedNumber>;
  gateways: Map<number, Gateway>;
  nextGatewayId: number;
  acl: string[];
  ports: PortRecord[];
  nextTicket: number;
  portableChecks: Map<string, number>;
  e911: Map<string, E911Stored>;
  addresses: Map<string, ValidatedAddress>;
  nextAddressId: number;
  calls: Call[];
  credits: { paid: boolean; date: string; amount: number }[];
  payments: { amount: number; date: string; payerEmail: string; transactionId: string; status: string }[];
  orderReplays: Map<string, { at: number; body: unknown }>;
  lastOrderId: number;
  rateHits: Map<string, number[]>;
}

interface RateCenter {
  state: string;
  rateCenter: string;
  rcAbbre: string;
  city: string;
  lata?: string;
  npas: string[];
}

export const RATE_CENTERS: RateCenter[] = [
  { state: 'IL', rateCenter: 'CHICAGO', rcAbbre: 'CHCG', city: 'Chicago', lata: '358', npas: ['312', '773', '872'] },
  { state: 'IL', rateCenter: 'EVANSTON', rcAbbre: 'EVTN', city: 'Evanston', lata: '358', npas: ['847'] },
  { state: 'TX', rateCenter: 'DALLAS', rcAbbre: 'DLLS', city: 'Dallas', lata: '552', npas: ['214', '469', '972'] },
  { state: 'TX', rateCenter: 'HOUSTON', rcAbbre: 'HSTN', city: 'Houston', lata: '560', npas: ['713', '832'] },
  { state: 'NJ', rateCenter: 'HACKENSACK', rcAbbre: 'HCKN', city: 'Hackensack', lata: '224', npas: ['201', '551'] },
  { state: 'NJ', rateCenter: 'CLOSTER', rcAbbre: 'CLST', city: 'Closter', lata: '224', npas: ['201'] },
  { state: 'NY', rateCenter: 'NWYRCYZN01', rcAbbre: 'NYCZ', city: 'New York', lata: '132', npas: ['212', '646', '917'] },
  { state: 'CA', rateCenter: 'LOS ANGELES', rcAbbre: 'LSAN', city: 'Los Angeles', lata: '730', npas: ['213', '323'] },
  { state: 'CA', rateCenter: 'SAN FRANCISCO', rcAbbre: 'SNFC', city: 'San Francisco', lata: '722', npas: ['415', '628'] },
  { state: 'FL', rateCenter: 'MIAMI', rcAbbre: 'MIAM', city: 'Miami', lata: '460', npas: ['305', '786'] },
  { state: 'GA', rateCenter: 'ATLANTA', rcAbbre: 'ATLN', city: 'Atlanta', lata: '438', npas: ['404', '678'] },
  { state: 'WA', rateCenter: 'SEATTLE', rcAbbre: 'STTL', city: 'Seattle', lata: '674', npas: ['206'] },
  { state: 'CO', rateCenter: 'DENVER', rcAbbre: 'DNVR', city: 'Denver', lata: '656', npas: ['303', '720'] },
  { state: 'ON', rateCenter: 'TORONTO', rcAbbre: 'TRNT', city: 'Toronto', npas: ['416', '647'] },
  { state: 'QC', rateCenter: 'MONTREAL', rcAbbre: 'MTRL', city: 'Montreal', npas: ['514', '438'] },
  { state: 'BC', rateCenter: 'VANCOUVER', rcAbbre: 'VNCV', city: 'Vancouver', npas: ['604', '778'] },
];

export const TOLL_FREE_PREFIXES = ['800', '833', '844', '855', '866', '877', '888'];

export const SYSTEM_ROUTES: [number, string][] = [
  [1, 'USER'],
  [2, 'T30'],
  [3, 'VOICE_BRIDGE'],
  [4, 'DID'],
  [5, 'T38'],
  [6, 'RTC_BRIDGE'],
  [8, 'SDN'],
];

/**
 * Test triggers, like test card numbers: the last four digits of the losing carrier's account
 * number (`lcAccountNumber`) choose how the port ends. The texts are the losing carrier's, as
 * VoiceTel's LNP team passes them on in the port's `message`.
 */
export const PORT_REJECTIONS: Readonly<Record<string, string>> = {
  '9901': 'Rejected by losing carrier: Account number does not match CSR.',
  '9902': 'Rejected by losing carrier: Authorized person on the LOA is not on the account.',
  '9903': 'Rejected by losing carrier: Billing telephone number does not match CSR.',
  '9904': 'Rejected by losing carrier: Port-out PIN is missing or invalid.',
  '9905': 'Rejected by losing carrier: Service address zip code does not match CSR.',
  '9906': 'Rejected by losing carrier: End user name does not match CSR.',
  '9907': 'Rejected by losing carrier: Service address does not match CSR.',
  '9908': 'Rejected: Rate center is not portable to the VoiceTel network.',
  '9909': "Rejected by losing carrier: Requested due date is inside the carrier's minimum interval (FOC not granted).",
  '9910': 'Rejected: LOA is unsigned or illegible. Please re-sign the LOA.',
};
export const FOC_MOVES_ACCOUNT_SUFFIX = '9920';

const CALLER_NAMES = ['SMITH JOHN', 'GARCIA MARIA', 'WIRELESS CALLER', 'ACME LOGISTICS', 'CHEN WEI', 'PATEL RAJ', 'NGUYEN ANH', 'OBRIEN KATE'];
const EXTERNAL_NPAS = ['212', '305', '312', '404', '415', '469', '512', '602', '617', '702', '718', '801', '919'];
/** International destinations as a US switch logs them after 011: country code and all but the last four digits (London, Mexico City, Berlin). */
const INTERNATIONAL_PREFIXES = ['44207946', '52551234', '49301234'];
const MEDIA_IPS = ['104.225.13.77', '104.225.13.78', '162.250.62.10', '162.250.62.11'];

export function createRandomTools(random: () => number) {
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const hex = (length: number) => Array.from({ length }, () => Math.floor(random() * 16).toString(16)).join('');
  const alnum = (length: number, alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789') =>
    Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
  /** Standard normal via Box–Muller. */
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return { int, pick, hex, alnum, normal };
}

const nxxOk = (nxx: number) => nxx % 100 !== 11 && nxx !== 555 && nxx !== 950 && nxx !== 958 && nxx !== 959 && nxx !== 976;

export const HOUR = 3600_000;
export const DAY = 24 * HOUR;

export function buildState(context: SandboxContext): VoiceTelState {
  const { int, pick, hex, alnum, normal } = createRandomTools(context.random);
  const now = context.now().getTime();

  const inventory = new Map<string, InventoryNumber>();
  const usedNxx = new Set<string>();
  for (const center of RATE_CENTERS) {
    for (const npa of center.npas) {
      for (let n = 0; n < 2; n++) {
        let nxx = int(200, 999);
        while (!nxxOk(nxx) || usedNxx.has(`${npa}${nxx}`)) nxx = int(200, 999);
        usedNxx.add(`${npa}${nxx}`);
        const base = { province: center.state, rateCenter: center.rateCenter, rcAbbre: center.rcAbbre, city: center.city, lata: center.lata };
        const count = int(6, 12);
        for (let i = 0; i < count; i++) {
          const number = `${npa}${nxx}${String(int(0, 9999)).padStart(4, '0')}`;
          inventory.set(number, { number, ...base });
        }
        if (n === 0) {
          // A block of consecutive numbers, for searches that ask for one.
          const start = int(1000, 9000);
          for (let i = 0; i < 6; i++) {
            const number = `${npa}${nxx}${String(start + i).padStart(4, '0')}`;
            inventory.set(number, { number, ...base });
          }
        }
      }
    }
  }
  for (const prefix of TOLL_FREE_PREFIXES) {
    const count = int(8, 12);
    for (let i = 0; i < count; i++) {
      const number = `${prefix}${int(200, 999)}${String(int(0, 9999)).padStart(4, '0')}`;
      inventory.set(number, { number });
    }
  }

  const gateways = new Map<number, Gateway>();
  for (const [id, name] of SYSTEM_ROUTES) gateways.set(id, { id, gateway: name, prefix: '', limit: null, system: true });
  gateways.set(1000, { id: 1000, gateway: '203.0.113.10:5060', prefix: '', limit: 23, system: false });
  gateways.set(1001, { id: 1001, gateway: '198.51.100.25:5060', prefix: '1', limit: 100, system: false });

  // Some numbers already on the account, spread over states, one toll-free.
  const owned = new Map<string, OwnedNumber>();
  const sorted = [...inventory.values()].sort((a, b) => a.number.localeCompare(b.number));
  const takeFrom = (predicate: (item: InventoryNumber) => boolean, route: number) => {
    const item = sorted.find((candidate) => predicate(candidate) && !owned.has(candidate.number));
    if (!item) return;
    inventory.delete(item.number);
    owned.set(item.number, { ...item, route });
  };
  const routes = [4, 1000, 1001];
  ['CHICAGO', 'CHICAGO', 'DALLAS', 'HOUSTON', 'HACKENSACK', 'NWYRCYZN01', 'LOS ANGELES', 'MIAMI', 'ATLANTA', 'DENVER', 'TORONTO'].forEach((rc, index) =>
    takeFrom((item) => item.rateCenter === rc, routes[index % routes.length] ?? 4),
  );
  takeFrom((item) => item.number.startsWith('888'), 4);
  // Vanity numbers join the inventory after the account's own numbers are picked, so those stay as they were.
  for (const { national, npa } of vanityNumbers([['312', 'FLOWERS'], ['214', 'FLOWERS'], ['212', 'FLOWERS'], ['415', 'FLOWERS'], ['833', 'FLOWERS'], ['888', 'FLOWERS'], ['713', 'PLUMBER'], ['303', 'PLUMBER'], ['404', 'DENTIST'], ['305', 'CALLNOW']])) {
    const center = RATE_CENTERS.find((candidate) => candidate.npas.includes(npa));
    if (inventory.has(national) || owned.has(national)) continue;
    inventory.set(national, center ? { number: national, province: center.state, rateCenter: center.rateCenter, rcAbbre: center.rcAbbre, city: center.city, lata: center.lata } : { number: national });
  }
  const ownedList = [...owned.values()];
  const usOwned = ownedList.filter((item) => item.province && !['ON', 'QC', 'BC'].includes(item.province) && item.province.length === 2);

  const e911 = new Map<string, E911Stored>();
  const e911Addresses: Omit<E911Stored, 'dn' | 'callername'>[] = [
    { address1: '233 S WACKER DR', address2: 'STE 8400', city: 'CHICAGO', state: 'IL', zip: '60606' },
    { address1: '2200 ROSS AVE', address2: '', city: 'DALLAS', state: 'TX', zip: '75201' },
    { address1: '411 HACKENSACK AVE', address2: 'STE 200', city: 'HACKENSACK', state: 'NJ', zip: '07601' },
  ];
  for (const address of e911Addresses) {
    const item = usOwned.find((candidate) => candidate.province === address.state && !e911.has(candidate.number));
    if (item) e911.set(item.number, { dn: `1${item.number}`, ...address, callername: 'DEMO CARRIER LLC' });
  }

  // Port-ins: one completed long ago (its numbers are on the account), one rejected, one in flight.
  const completedNumber = ownedList[0]?.number ?? '3125550100';
  const ports: PortRecord[] = [
    { id: hex(40), pid: alnum(5), createdAt: now - 30 * DAY, numbers: [completedNumber], name: 'Demo Carrier LLC', ticket: 2107, completedApplied: true, routes: {} },
    {
      id: hex(40),
      pid: alnum(5),
      createdAt: now - 3 * DAY,
      numbers: ['6175550142'],
      name: 'Demo Carrier LLC',
      ticket: 2111,
      rejectMessage: 'Rejected by losing carrier: account number does not match.',
      completedApplied: false,
      routes: {},
    },
    { id: hex(40), pid: alnum(5), createdAt: now - 30 * 60_000, numbers: ['7135550188', '7135550189'], name: 'Demo Carrier LLC', ticket: 2113, completedApplied: false, routes: {} },
  ];

  // Calls from a week ago to two days ahead; only those already started are visible.
  const calls: Call[] = [];
  let at = now - 7 * DAY;
  while (at < now + 2 * DAY) {
    at += int(60, 720) * 1000;
    const tollFree = context.random() < 0.1;
    const external = `${pick(EXTERNAL_NPAS)}${int(200, 999)}${String(int(0, 9999)).padStart(4, '0')}`;
    // A quarter of the calls come in to the account's numbers; a few go abroad, logged with the 011 prefix.
    const kind = context.random();
    const inbound = !tollFree && kind < 0.25;
    const international = !tollFree && !inbound && kind > 0.92;
    const dst = tollFree
      ? `${pick(TOLL_FREE_PREFIXES)}${int(200, 999)}${String(int(0, 9999)).padStart(4, '0')}`
      : inbound
        ? pick(ownedList).number
        : international
          ? `011${pick(INTERNATIONAL_PREFIXES)}${String(int(0, 9999)).padStart(4, '0')}`
          : external;
    const roll = context.random();
    const disposition: Disposition = roll < 0.64 ? 'answered' : roll < 0.82 ? 'no_answer' : roll < 0.92 ? 'busy' : 'failed';
    let dur = 0;
    if (disposition === 'answered') {
      // Mostly 20 s – 10 min around a 1.5 min median, with a long tail up to an hour.
      dur = context.random() < 0.05 ? int(600, 3600) : Math.round(Math.min(600, Math.max(20, Math.exp(Math.log(90) + 0.8 * normal()))));
    }
    calls.push({
      id: hex(32),
      start: Math.floor(at / 1000),
      cid: inbound ? external : pick(ownedList).number,
      dst,
      ip: pick(MEDIA_IPS),
      cn: encodeURIComponent(tollFree ? 'TOLL FREE CALL' : pick(CALLER_NAMES)),
      nr: tollFree ? '0.025' : inbound ? '0.0045' : international ? '0.0950' : '0.0085',
      dur,
      disposition,
      pddMs: int(1000, 6000),
    });
  }

  const credits: VoiceTelState['credits'] = [];
  const payments: VoiceTelState['payments'] = [];
  const today = new Date(now);
  for (let month = 0; month < 6; month++) {
    const date = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - month, 1, 12, 52, 59));
    credits.push({ paid: month !== 0, date: date.toISOString().replace('.000Z', '+00:00'), amount: pick([25, 50, 100, 250]) });
  }
  for (let index = 0; index < 4; index++) {
    // Paid in the previous months, so every payment lies in the past whatever the day of the month.
    const date = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - index - 1, 3, 15, 4, 11));
    payments.push({
      amount: pick([50, 100, 200]),
      date: date.toISOString().replace('.000Z', '+00:00'),
      payerEmail: 'billing@democarrier.example',
      transactionId: alnum(17, 'ABCDEFGHJKLMNPRSTUVWXYZ0123456789'),
      status: index === 2 ? 'Refunded' : 'Completed',
    });
  }

  return {
    apikey: hex(32),
    account: {
      username: DEMO_USERNAME,
      password: DEMO_PASSWORD,
      name: 'Demo Carrier LLC',
      email: 'noc@democarrier.example',
      created: '2021-03-14T09:26:53+00:00',
      cash: 182.45,
      callerId: ownedList[0]?.number ?? '3125550100',
      timezone: 'America/Chicago',
      ccs: 46,
      notify: true,
      notifyThreshold: 25,
      enabled: true,
      authType: 2,
      sipPassword: 'sip2024ab',
      services: { sms: true, rcid: false, mms: true, bypassMedia: false, e911: true, intl: false, cnam: true, dialer: false },
      rates: { fax: 0.05, sms: 0.0075, mms: 0.02, tfAdj: 0.0165, lrn: 0.0009, nibble: 0.0085, did: 1.0, cnam: 0.004, intlMax: 0.5 },
    },
    inventory,
    owned,
    gateways,
    nextGatewayId: 1002,
    acl: ['203.0.113.0/24', '198.51.100.25/32'],
    ports,
    nextTicket: 2114,
    portableChecks: new Map(),
    e911,
    addresses: new Map(),
    nextAddressId: 1234567,
    calls,
    credits,
    payments,
    orderReplays: new Map(),
    lastOrderId: 0,
    rateHits: new Map(),
  };
}
