/**
 * Seeded state of the VoiceMeUp sandbox: geography (countries, provinces/states, rate centers,
 * area codes), the shared DID inventory, and two accounts with DIDs, peers, e911 endpoints,
 * calls (logged over time, so `unique_id` polling sees new ones as the clock moves) and
 * transactions. Built only from context.random() and context.now().
 */
import type { SandboxContext } from '../common/server';

export const TIME_ZONE = 'America/Toronto';

export interface Country {
  id: string;
  code: 'US' | 'CA';
  name: string;
}
export interface Region {
  id: string;
  code: string;
  name: string;
  countryId: string;
}
export interface RateCenter {
  id: string;
  name: string;
  district: string;
  state: string;
  country: 'US' | 'CA';
  npas: string[];
}
export interface InventoryDid {
  didId: string;
  number: string;
  type: 'local' | 'tollfree';
  npa: string;
  nxx: string;
  ratecenterId?: string;
  ratecenter?: string;
  state?: string;
  country: 'US' | 'CA';
}
export interface Did {
  clientDidId: string;
  number: string;
  type: 'local' | 'tollfree';
  friendlyName: string;
  country: 'US' | 'CA';
  state?: string;
  ratecenter?: string;
  ratecenterId?: string;
  peerIds: string[];
  options: string[];
  status: 'enabled' | 'disabled';
  dateAdded: string;
}
export interface Peer {
  id: string;
  username: string;
  friendlyName: string;
  hostType: 'dynamic' | 'static';
  host: string;
  defaultIp: string;
  calleridName: string;
  calleridNumber: string;
  calleridMode: string;
  codecs: string[];
  dtmfMode: string;
  enableNat: boolean;
  enableAuth: boolean;
  authUsername: string;
  password: string;
  enableQualify: boolean;
  qualify: string;
  status: 'enabled' | 'disabled';
}
export interface StreetEntry {
  street: string;
  city: string;
  state: string;
  country: 'US' | 'CA';
  postal: string;
  civicFrom: number;
  civicTo: number;
}
export interface Endpoint {
  id: string;
  number: string;
  firstName: string;
  lastName: string;
  civic: string;
  street: string;
  city: string;
  state: string;
  country: 'US' | 'CA';
  postal: string;
  addressType?: string;
  addressTypeNumber?: string;
  isDefault: boolean;
  peerIds: string[];
}
export type CallStatus = 'answered' | 'busy' | 'no answer' | 'failed';
export interface Call {
  uniqueId: string;
  startedAt: Date;
  loggedAt: Date;
  direction: 'inbound' | 'outbound';
  source: string;
  destination: string;
  normalized: string;
  peerId: string;
  remote: RateCenter;
  duration: number;
  status: CallStatus;
  billedMicros: bigint;
  rateMicros: bigint;
  calleridName: string;
  calleridNumber: string;
}
export interface Transaction {
  id: string;
  date: string;
  type: 'invoice' | 'payment' | 'credit';
  description: string;
  /** Positive is a charge to the customer, negative a payment or credit (shown with "CR"). */
  amountMicros: bigint;
  invoiceNumber?: string;
}
export interface Account {
  id: string;
  token: string;
  /** Positive is credit in the customer's favour (shown with "CR"). */
  balanceMicros: bigint;
  creditLineMicros: bigint;
  dids: Did[];
  peers: Peer[];
  endpoints: Endpoint[];
  /** Sorted by loggedAt: the log order `unique_id` polling follows. */
  calls: Call[];
  transactions: Transaction[];
}
export interface VoicemeupState {
  countries: Country[];
  regions: Region[];
  rateCenters: RateCenter[];
  inventory: InventoryDid[];
  streets: StreetEntry[];
  accounts: Map<string, Account>;
  nextId: { did: number; endpoint: number; inventory: number };
}

/** The doc's own placeholder credentials (seed L14) are the demo account. */
export const DEMO_ACCOUNT = { client_account_id: '80012345', auth_token: '4d695127fbeedd39d423b5f9c47eabcd' } as const;
/** A second account that owes money (a plain, non-"CR" balance). */
export const OWING_ACCOUNT = { client_account_id: '80054321', auth_token: 'a3f0c9e1b2d4f6a8c0e2b4d6f8a0c2e4' } as const;

const COUNTRIES: Country[] = [
  { id: '38', code: 'CA', name: 'Canada' },
  { id: '227', code: 'US', name: 'United States' },
];

// Canadian provinces in alphabetical order: British Columbia is state_id 2, as in the 2010 CDR sample.
const PROVINCES: [string, string][] = [
  ['AB', 'Alberta'], ['BC', 'British Columbia'], ['MB', 'Manitoba'], ['NB', 'New Brunswick'], ['NL', 'Newfoundland and Labrador'],
  ['NS', 'Nova Scotia'], ['NT', 'Northwest Territories'], ['NU', 'Nunavut'], ['ON', 'Ontario'], ['PE', 'Prince Edward Island'],
  ['QC', 'Quebec'], ['SK', 'Saskatchewan'], ['YT', 'Yukon'],
];
const US_STATES: [string, string][] = [
  ['CA', 'California'], ['CO', 'Colorado'], ['FL', 'Florida'], ['GA', 'Georgia'], ['IL', 'Illinois'], ['MA', 'Massachusetts'],
  ['NY', 'New York'], ['TX', 'Texas'], ['WA', 'Washington'],
];

const RATE_CENTERS: RateCenter[] = [
  { id: '100101', name: 'CHICAGO', district: 'Chicago', state: 'IL', country: 'US', npas: ['312', '773', '872'] },
  { id: '100102', name: 'EVANSTON', district: 'Evanston', state: 'IL', country: 'US', npas: ['847'] },
  { id: '100103', name: 'NAPERVILLE', district: 'Naperville', state: 'IL', country: 'US', npas: ['630'] },
  { id: '100201', name: 'DALLAS', district: 'Dallas', state: 'TX', country: 'US', npas: ['214', '469', '972'] },
  { id: '100202', name: 'HOUSTON', district: 'Houston', state: 'TX', country: 'US', npas: ['713', '281', '832'] },
  { id: '100203', name: 'AUSTIN', district: 'Austin', state: 'TX', country: 'US', npas: ['512', '737'] },
  { id: '100301', name: 'NEW YORK CITY', district: 'New York', state: 'NY', country: 'US', npas: ['212', '646', '917'] },
  { id: '100302', name: 'BUFFALO', district: 'Buffalo', state: 'NY', country: 'US', npas: ['716'] },
  { id: '100401', name: 'LOS ANGELES', district: 'Los Angeles', state: 'CA', country: 'US', npas: ['213', '323'] },
  { id: '100402', name: 'SAN FRANCISCO', district: 'San Francisco', state: 'CA', country: 'US', npas: ['415', '628'] },
  { id: '100501', name: 'MIAMI', district: 'Miami', state: 'FL', country: 'US', npas: ['305', '786'] },
  { id: '100502', name: 'ORLANDO', district: 'Orlando', state: 'FL', country: 'US', npas: ['407'] },
  { id: '100601', name: 'ATLANTA', district: 'Atlanta', state: 'GA', country: 'US', npas: ['404', '678'] },
  { id: '100701', name: 'SEATTLE', district: 'Seattle', state: 'WA', country: 'US', npas: ['206'] },
  { id: '100801', name: 'DENVER', district: 'Denver', state: 'CO', country: 'US', npas: ['303', '720'] },
  { id: '100901', name: 'BOSTON', district: 'Boston', state: 'MA', country: 'US', npas: ['617', '857'] },
  { id: '200101', name: 'TORONTO', district: 'Toronto', state: 'ON', country: 'CA', npas: ['416', '647', '437'] },
  { id: '200102', name: 'OTTAWA-HULL', district: 'Ottawa', state: 'ON', country: 'CA', npas: ['613'] },
  { id: '200201', name: 'MONTREAL', district: 'Montreal', state: 'QC', country: 'CA', npas: ['514', '438'] },
  { id: '200202', name: 'QUEBEC', district: 'Quebec', state: 'QC', country: 'CA', npas: ['418', '581'] },
  { id: '200301', name: 'VANCOUVER', district: 'Vancouver', state: 'BC', country: 'CA', npas: ['604', '778'] },
  { id: '200302', name: 'RICHMOND', district: 'Richmond', state: 'BC', country: 'CA', npas: ['604'] },
  { id: '200401', name: 'CALGARY', district: 'Calgary', state: 'AB', country: 'CA', npas: ['403', '587'] },
];

const STREETS: StreetEntry[] = [
  { street: 'RUE SAINTE-CATHERINE O', city: 'MONTREAL', state: 'QC', country: 'CA', postal: 'H3G 1P1', civicFrom: 1000, civicTo: 1600 },
  { street: 'KING ST W', city: 'TORONTO', state: 'ON', country: 'CA', postal: 'M5H 1J9', civicFrom: 1, civicTo: 400 },
  { street: 'W GEORGIA ST', city: 'VANCOUVER', state: 'BC', country: 'CA', postal: 'V6B 4N9', civicFrom: 500, civicTo: 1200 },
  { street: 'N MICHIGAN AVE', city: 'CHICAGO', state: 'IL', country: 'US', postal: '60611', civicFrom: 100, civicTo: 1000 },
  { street: 'MAIN ST', city: 'DALLAS', state: 'TX', country: 'US', postal: '75201', civicFrom: 1000, civicTo: 2800 },
  { street: 'MAIN ST', city: 'HOUSTON', state: 'TX', country: 'US', postal: '77002', civicFrom: 100, civicTo: 1500 },
  { street: 'BROADWAY', city: 'NEW YORK', state: 'NY', country: 'US', postal: '10004', civicFrom: 1, civicTo: 300 },
  { street: 'PEACHTREE ST NE', city: 'ATLANTA', state: 'GA', country: 'US', postal: '30303', civicFrom: 1, civicTo: 1000 },
];

// --- random helpers ---------------------------------------------------------------------------------

export function helpers(random: () => number) {
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const hex = (length: number) => Array.from({ length }, () => Math.floor(random() * 16).toString(16)).join('');
  const nxx = () => {
    for (;;) {
      const value = int(200, 999);
      if (value % 100 !== 11 && value !== 555 && value !== 950 && value !== 976) return String(value);
    }
  };
  const line = () => String(int(0, 9999)).padStart(4, '0');
  /** Standard normal via Box–Muller. */
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return { int, pick, hex, nxx, line, normal };
}

export function dateInZone(instant: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}
export function timeInZone(instant: Date): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: TIME_ZONE, hourCycle: 'h23', hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(instant);
}

const money = (value: number) => BigInt(Math.round(value * 100)) * 10_000n;

// --- seed ---------------------------------------------------------------------------------------

export function buildState(context: SandboxContext): VoicemeupState {
  const random = helpers(context.random);
  const now = context.now();
  const regions: Region[] = [
    ...PROVINCES.map(([code, name], index) => ({ id: String(index + 1), code, name, countryId: '38' })),
    ...US_STATES.map(([code, name], index) => ({ id: String(index + 14), code, name, countryId: '227' })),
  ];
  const taken = new Set<string>();
  const fresh = (npa: string, nxx = random.nxx()) => {
    for (;;) {
      const number = `${npa}${nxx}${random.line()}`;
      if (!taken.has(number)) {
        taken.add(number);
        return number;
      }
    }
  };

  const state: VoicemeupState = {
    countries: COUNTRIES,
    regions,
    rateCenters: RATE_CENTERS,
    inventory: [],
    streets: STREETS,
    accounts: new Map(),
    nextId: { did: 418_200, endpoint: 7_301, inventory: 9_120_001 },
  };

  // Inventory: two NXXs per NPA (up to two NPAs per rate center), six numbers each, plus a
  // consecutive block of four in every rate center's first NXX.
  for (const center of RATE_CENTERS) {
    center.npas.slice(0, 2).forEach((npa, npaIndex) => {
      for (let n = 0; n < 2; n++) {
        const nxx = random.nxx();
        const numbers = Array.from({ length: 6 }, () => fresh(npa, nxx));
        if (npaIndex === 0 && n === 0) {
          const start = random.int(1000, 9000);
          for (let k = 0; k < 4; k++) {
            const number = `${npa}${nxx}${String(start + k).padStart(4, '0')}`;
            if (!taken.has(number)) {
              taken.add(number);
              numbers.push(number);
            }
          }
        }
        for (const number of numbers) {
          state.inventory.push({
            didId: String(state.nextId.inventory++),
            number,
            type: 'local',
            npa,
            nxx,
            ratecenterId: center.id,
            ratecenter: center.name,
            state: center.state,
            country: center.country,
          });
        }
      }
    });
  }
  for (const prefix of ['800', '833', '844', '855', '866', '877', '888']) {
    for (let n = 0; n < 8; n++) {
      const number = fresh(prefix);
      state.inventory.push({ didId: String(state.nextId.inventory++), number, type: 'tollfree', npa: prefix, nxx: number.slice(3, 6), country: 'US' });
    }
  }

  const center = (name: string) => RATE_CENTERS.find((item) => item.name === name) as RateCenter;
  const makeDid = (account: Account, name: string, type: 'local' | 'tollfree', rc: RateCenter | undefined, peerIds: string[], status: Did['status'] = 'enabled') => {
    const npa = rc ? (rc.npas[0] as string) : random.pick(['800', '844', '888']);
    const did: Did = {
      clientDidId: String(state.nextId.did++),
      number: fresh(npa),
      type,
      friendlyName: name,
      country: rc?.country ?? 'US',
      state: rc?.state,
      ratecenter: rc?.name,
      ratecenterId: rc?.id,
      peerIds,
      options: peerIds.length ? ['enable_peer'] : ['enable_voicemail'],
      status,
      dateAdded: dateInZone(new Date(now.getTime() - random.int(40, 900) * 86_400_000)),
    };
    account.dids.push(did);
    return did;
  };

  // --- the demo account -----------------------------------------------------------------------------
  const demo: Account = {
    id: DEMO_ACCOUNT.client_account_id,
    token: DEMO_ACCOUNT.auth_token,
    balanceMicros: 0n,
    creditLineMicros: money(100),
    dids: [],
    peers: [
      {
        id: '5507', username: 'pbxmain01', friendlyName: 'MainPBX', hostType: 'static', host: '203.0.113.10', defaultIp: '203.0.113.10',
        calleridName: 'ACME Telecom', calleridNumber: '', calleridMode: 'global', codecs: ['ulaw', 'alaw', 'g729'], dtmfMode: 'rfc2833',
        enableNat: false, enableAuth: false, authUsername: '', password: 'Pbx0Main0Secret', enableQualify: true, qualify: '2000', status: 'enabled',
      },
      {
        id: '5508', username: 'remote5508', friendlyName: 'RemoteOffice', hostType: 'dynamic', host: '', defaultIp: '',
        calleridName: 'ACME Remote', calleridNumber: '', calleridMode: 'device', codecs: ['g729', 'ulaw'], dtmfMode: 'auto',
        enableNat: true, enableAuth: true, authUsername: 'remote5508', password: 'R3moteOffice55', enableQualify: true, qualify: '5000', status: 'enabled',
      },
      {
        id: '5612', username: 'sbcbackup', friendlyName: 'BackupSBC', hostType: 'static', host: '198.51.100.24', defaultIp: '198.51.100.24',
        calleridName: '', calleridNumber: '', calleridMode: 'global', codecs: ['ulaw'], dtmfMode: 'rfc2833',
        enableNat: false, enableAuth: true, authUsername: 'sbcbackup', password: 'Backup5612Sbc', enableQualify: false, qualify: '2000', status: 'enabled',
      },
    ],
    endpoints: [],
    calls: [],
    transactions: [],
  };
  const montreal = makeDid(demo, 'HeadOffice', 'local', center('MONTREAL'), ['5507']);
  const toronto = makeDid(demo, 'TorontoSales', 'local', center('TORONTO'), ['5507', '5612']);
  makeDid(demo, 'Vancouver', 'local', center('VANCOUVER'), ['5508']);
  const chicago = makeDid(demo, 'ChicagoSupport', 'local', center('CHICAGO'), ['5507']);
  makeDid(demo, 'DallasLine', 'local', center('DALLAS'), ['5612']);
  makeDid(demo, 'NewYork', 'local', center('NEW YORK CITY'), []);
  makeDid(demo, 'SupportTollFree', 'tollfree', undefined, ['5507']);
  makeDid(demo, 'OldCampaign', 'local', center('ATLANTA'), [], 'disabled');
  demo.peers[0]!.calleridNumber = montreal.number;

  demo.endpoints.push(
    {
      id: String(state.nextId.endpoint++), number: montreal.number, firstName: 'Marie', lastName: 'Tremblay', civic: '1250',
      street: 'RUE SAINTE-CATHERINE O', city: 'MONTREAL', state: 'QC', country: 'CA', postal: 'H3G 1P1',
      addressType: 'suite', addressTypeNumber: '400', isDefault: true, peerIds: ['5507'],
    },
    {
      id: String(state.nextId.endpoint++), number: chicago.number, firstName: 'James', lastName: 'Walker', civic: '233',
      street: 'N MICHIGAN AVE', city: 'CHICAGO', state: 'IL', country: 'US', postal: '60611', isDefault: false, peerIds: [],
    },
  );

  demo.calls = generateCalls(random, now, demo, 30, 2, [montreal, toronto, chicago, ...demo.dids.filter((did) => did.status === 'enabled')]);

  // Six monthly invoices, each paid a few days later, and one service credit.
  let txId = 880_100;
  const transactions: Transaction[] = [];
  for (let monthsAgo = 6; monthsAgo >= 1; monthsAgo--) {
    const issued = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - monthsAgo + 1, 1, 12));
    const total = money(random.int(8_500, 16_000) / 100);
    const invoiceNumber = `INV-${issued.getUTCFullYear()}${String(issued.getUTCMonth() + 1).padStart(2, '0')}-${random.int(10_000, 99_999)}`;
    transactions.push({ id: String(txId++), date: dateInZone(issued), type: 'invoice', description: `Invoice ${invoiceNumber}: monthly services`, amountMicros: total, invoiceNumber });
    const paid = new Date(issued.getTime() + random.int(2, 6) * 86_400_000);
    if (paid < now) transactions.push({ id: String(txId++), date: dateInZone(paid), type: 'payment', description: 'Payment: credit card (Visa ending 4242)', amountMicros: -total });
    if (monthsAgo === 2) {
      const credited = new Date(issued.getTime() + 12 * 86_400_000);
      transactions.push({ id: String(txId++), date: dateInZone(credited), type: 'credit', description: 'Service credit: carrier outage', amountMicros: -money(15) });
    }
  }
  demo.transactions = transactions;
  demo.balanceMicros = money(152.37);

  // --- the account that owes ----------------------------------------------------------------------
  const owing: Account = {
    id: OWING_ACCOUNT.client_account_id,
    token: OWING_ACCOUNT.auth_token,
    balanceMicros: -money(48.2),
    creditLineMicros: money(100),
    dids: [],
    peers: [
      {
        id: '6101', username: 'shopfront1', friendlyName: 'Shopfront', hostType: 'static', host: '192.0.2.77', defaultIp: '192.0.2.77',
        calleridName: 'Corner Shop', calleridNumber: '', calleridMode: 'global', codecs: ['ulaw'], dtmfMode: 'rfc2833',
        enableNat: false, enableAuth: false, authUsername: '', password: 'Shopfront6101', enableQualify: false, qualify: '2000', status: 'enabled',
      },
    ],
    endpoints: [],
    calls: [],
    transactions: [],
  };
  const shop = makeDid(owing, 'Shop', 'local', center('CALGARY'), ['6101']);
  owing.calls = generateCalls(random, now, owing, 7, 0, [shop]);
  const issued = new Date(now.getTime() - 20 * 86_400_000);
  owing.transactions = [
    { id: String(txId++), date: dateInZone(issued), type: 'invoice', description: 'Invoice INV-OWING-1: monthly services', amountMicros: money(48.2), invoiceNumber: 'INV-OWING-1' },
  ];

  state.accounts.set(demo.id, demo);
  state.accounts.set(owing.id, owing);
  return state;
}

/** ~40 calls a day over [now − daysBack, now + daysAhead], business-hours heavy; future ones appear as the clock moves. */
function generateCalls(random: ReturnType<typeof helpers>, now: Date, account: Account, daysBack: number, daysAhead: number, dids: Did[]): Call[] {
  const calls: Call[] = [];
  const dayMs = 86_400_000;
  const start = now.getTime() - daysBack * dayMs;
  const end = now.getTime() + daysAhead * dayMs;
  const perDay = account.dids.length > 2 ? 40 : 8;
  for (let day = start; day < end; day += dayMs) {
    const count = random.int(Math.floor(perDay * 0.6), Math.ceil(perDay * 1.4));
    for (let c = 0; c < count; c++) {
      // Two thirds of the calls during a 9-to-5 window (13:00–21:00 UTC), the rest any time.
      const offset = random.int(0, 2) < 2 ? (13 + random.int(0, 7)) * 3_600_000 + random.int(0, 3_599_999) : random.int(0, dayMs - 1);
      const dayStart = Math.floor(day / dayMs) * dayMs;
      const startedAt = new Date(dayStart + offset);
      if (startedAt.getTime() < start || startedAt.getTime() >= end) continue;
      const did = random.pick(dids);
      const peerId = did.peerIds[0] ?? account.peers[0]?.id ?? '';
      const remote = random.pick(RATE_CENTERS);
      const remoteNumber = `${random.pick(remote.npas)}${random.nxx()}${random.line()}`;
      const direction = did.type === 'tollfree' || random.int(1, 100) <= 55 ? 'inbound' : 'outbound';
      const roll = random.int(1, 100);
      const status: CallStatus = roll <= 72 ? 'answered' : roll <= 84 ? 'no answer' : roll <= 93 ? 'busy' : 'failed';
      let duration = 0;
      let ring = random.int(1, 4);
      if (status === 'answered') {
        // Log-normal talk time: median ~95 s, mostly 20 s – 10 min, a long tail up to 2 h.
        duration = Math.round(Math.min(7200, Math.max(3, Math.exp(Math.log(95) + 0.95 * random.normal()))));
        ring = random.int(2, 18);
      } else if (status === 'no answer') ring = random.int(20, 32);
      const ratePerMin = direction === 'outbound' ? (remote.country === 'CA' ? 0.0112 : 0.0095) : did.type === 'tollfree' ? 0.0172 : 0.0045;
      const billedSeconds = status === 'answered' ? Math.ceil(duration / 6) * 6 : 0;
      const source = direction === 'inbound' ? remoteNumber : did.number;
      const destination = direction === 'inbound' ? `1${did.number}` : `1${remoteNumber}`;
      calls.push({
        uniqueId: random.hex(32),
        startedAt,
        loggedAt: new Date(startedAt.getTime() + (ring + duration) * 1000 + random.int(5_000, 120_000)),
        direction,
        source,
        destination,
        normalized: destination,
        peerId,
        remote,
        duration,
        status,
        billedMicros: BigInt(Math.round(((billedSeconds / 60) * ratePerMin) * 10_000)) * 100n,
        rateMicros: BigInt(Math.round(ratePerMin * 1_000_000)),
        calleridName: source,
        calleridNumber: source,
      });
    }
  }
  return calls.sort((a, b) => a.loggedAt.getTime() - b.loggedAt.getTime());
}
