/** VoiceTel 2.2 routes over the sandbox state: envelopes, errors and quirks as the document has them. */
import { json, type SandboxContext, type SandboxRequest, type SandboxResponse } from '../common/server';
import { DAY, FOC_MOVES_ACCOUNT_SUFFIX, HOUR, PORT_REJECTIONS, createRandomTools, type Gateway, type OwnedNumber, type PortRecord, type ValidatedAddress, type VoiceTelState } from './state';

const NANP10 = /^[2-9][0-9]{2}[2-9][0-9]{2}[0-9]{4}$/;
const RATE_LIMIT = 6;
const US_STATES = new Set(
  'AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR VI GU AS MP'.split(' '),
);
const STREET_WORDS: Record<string, string> = {
  AVENUE: 'AVE', STREET: 'ST', ROAD: 'RD', BOULEVARD: 'BLVD', DRIVE: 'DR', LANE: 'LN', COURT: 'CT', PLACE: 'PL', PARKWAY: 'PKWY',
  HIGHWAY: 'HWY', TERRACE: 'TER', CIRCLE: 'CIR', SUITE: 'STE', APARTMENT: 'APT', FLOOR: 'FL', NORTH: 'N', SOUTH: 'S', EAST: 'E', WEST: 'W',
};
const AUTH_DESCRIPTIONS = ['Digest', 'IP Auth', 'Digest OR IP Auth', 'Digest AND IP Auth'];
const LOSING_CARRIERS = ['Sinch Voice-NSR-10X-Port/1', 'Bandwidth CLEC', 'Verizon New York Inc', 'AT&T Illinois', 'Level 3 Communications', 'Peerless Network', 'Verizon Wireless'];
/** Alaska, Hawaii and the territories: rate centers VoiceTel's network does not serve. */
const UNSERVED_NPAS = ['907', '808', '787', '939', '671', '670', '684', '340'];

const ok = (status: number, data: unknown): SandboxResponse => json(status, { data, status: 'success' });
const fail = (status: number, message: string, extra: Record<string, unknown> = {}): SandboxResponse =>
  json(status, { status: 'error', error: { code: status, message }, ...extra });
const noContent = (): SandboxResponse => ({ status: 204 });

type Handler = (request: SandboxRequest, params: string[], state: VoiceTelState, context: SandboxContext) => SandboxResponse | Promise<SandboxResponse>;
interface Route {
  method: string;
  pattern: RegExp;
  handler: Handler;
  public?: boolean;
  /** One of the endpoints [001] limits to 6 requests per hour per IP. */
  limited?: string;
}

function body(request: SandboxRequest): Record<string, unknown> | null {
  try {
    const value = request.json();
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const str = (value: unknown) => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined);

function clientIp(request: SandboxRequest): string {
  const forwarded = request.headers['x-forwarded-for'];
  return (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim() || 'local';
}

function overLimit(state: VoiceTelState, bucket: string, now: number): boolean {
  const hits = (state.rateHits.get(bucket) ?? []).filter((at) => now - at < HOUR);
  if (hits.length >= RATE_LIMIT) {
    state.rateHits.set(bucket, hits);
    return true;
  }
  hits.push(now);
  state.rateHits.set(bucket, hits);
  return false;
}

function ipv4(text: string): number[] | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const octets = parts.map((part) => (/^\d{1,3}$/.test(part) ? Number(part) : NaN));
  return octets.every((octet) => octet >= 0 && octet <= 255) ? octets : null;
}

/** Public unicast IPv4; the documentation ranges count as public because VoiceTel's own examples use them. */
function routable(octets: number[]): boolean {
  const [a = 0, b = 0] = octets;
  if (a === 0 || a === 10 || a === 127 || a >= 224) return false;
  if (a === 169 && b === 254) return false;
  if (a === 172 && b >= 16 && b <= 31) return false;
  if (a === 192 && b === 168) return false;
  if (a === 100 && b >= 64 && b <= 127) return false;
  return true;
}

function validGatewayAddress(address: string): boolean {
  const match = /^([^:]+)(?::(\d{1,5}))?$/.exec(address.trim());
  if (!match?.[1]) return false;
  if (match[2] && (Number(match[2]) < 1 || Number(match[2]) > 65535)) return false;
  const octets = ipv4(match[1]);
  if (octets) return routable(octets);
  // A hostname: the sandbox cannot resolve it, so any public-looking name passes.
  return /^(?=.{1,253}$)([a-z0-9-]+\.)+[a-z]{2,}$/i.test(match[1]) && !/localhost|\.local$|\.internal$/i.test(match[1]);
}

function cidrProblem(cidr: string): string | null {
  const [ip, mask, extra] = cidr.split('/');
  if (extra !== undefined || !ip || !mask || !['8', '16', '24', '32'].includes(mask)) return 'Invalid mask: must be /8, /16, /24, or /32';
  const octets = ipv4(ip);
  if (!octets || !routable(octets)) return 'CIDR range must be routable';
  return null;
}

/** The next weekday after `ms`, at the same time of day. */
function nextBusinessDay(ms: number): number {
  let day = ms + DAY;
  while ([0, 6].includes(new Date(day).getUTCDay())) day += DAY;
  return day;
}

const focText = (at: number) =>
  new Date(at).toLocaleDateString('en-US', { month: 'short', day: '2-digit', year: 'numeric', timeZone: 'UTC' }).replace(/ (\d+), /, '/$1/');
const focWire = (at: number) => new Date(at).toISOString().slice(0, 10).replace(/-/g, '');

/**
 * Submitted (10 min) → Pending (to 1 h) → FOC Received (to 4 h, FOC the next day) → Complete. A
 * rejection shows when the port leaves Submitted; a moving FOC moves one business day at 2 h.
 */
function portStatus(port: PortRecord, now: number): { status: string; foc?: string; message: string } {
  const elapsed = now - port.createdAt;
  if (elapsed < 10 * 60_000) return { status: 'Submitted', message: `Port request ${port.pid} submitted. Please complete the LOA to proceed.` };
  if (port.rejectMessage) return { status: 'Rejected', message: port.rejectMessage };
  if (elapsed < HOUR) return { status: 'Pending', message: 'LOA received; the request is with the losing carrier.' };
  const moved = port.focMoves && elapsed >= 2 * HOUR;
  const focAt = moved ? nextBusinessDay(port.createdAt + DAY) : port.createdAt + DAY;
  if (elapsed < 4 * HOUR) {
    const message = moved
      ? `The losing carrier moved the FOC date. Your numbers will now be porting on ${focText(focAt)} at 10:00 AM Central.`
      : `Your numbers will be porting on ${focText(focAt)} at 10:00 AM Central.`;
    return { status: 'FOC Received', foc: focWire(focAt), message };
  }
  return { status: 'Complete', foc: focWire(focAt), message: 'Port complete. Your numbers are active on your account.' };
}

/** The `port-unknown-status` scenario: a port still moving reports a status word outside the usual ones. */
function shownPortStatus(port: PortRecord, now: number, context: SandboxContext) {
  const status = portStatus(port, now);
  if (context.scenario('port-unknown-status') && !['Rejected', 'Complete'].includes(status.status)) {
    return { ...status, status: 'On Hold', message: 'Port on hold at the losing carrier; our LNP team is following up.' };
  }
  return status;
}

/** Moves time-driven state forward: completed ports put their numbers on the account. */
function tick(state: VoiceTelState, now: number) {
  for (const port of state.ports) {
    if (port.completedApplied || portStatus(port, now).status !== 'Complete') continue;
    port.completedApplied = true;
    for (const number of port.numbers) {
      if (state.owned.has(number)) continue;
      state.inventory.delete(number);
      state.owned.set(number, { number, route: port.routes[number] ?? 4 });
    }
  }
}

const numberDetail = (state: VoiceTelState, owned: OwnedNumber) => ({
  number: owned.number,
  route: owned.route,
  gateway: state.gateways.get(owned.route)?.gateway ?? null,
  carrier: 0,
  translated: owned.number,
  forward: false,
  forwardTo: null,
  cnam: false,
  smsEnabled: false,
  faxEnabled: false,
});

const gatewayEntry = (gateway: Gateway) => ({ ...gateway });

function normalizeAddress(input: Record<string, unknown>) {
  const clean = (value: unknown) =>
    (str(value) ?? '')
      .toUpperCase()
      .replace(/[.,]/g, ' ')
      .split(/\s+/)
      .filter(Boolean)
      .map((word) => STREET_WORDS[word] ?? word)
      .join(' ');
  return {
    address1: clean(input.address1),
    address2: clean(input.address2),
    city: (str(input.city) ?? '').trim().toUpperCase(),
    state: (str(input.state) ?? '').trim().toUpperCase(),
    zip: (str(input.zip) ?? '').trim(),
  };
}

/** Same length, one letter changed, or one letter more or fewer. */
function oneTypoApart(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i += 1;
  const rest = (x: string, skip: number) => x.slice(i + skip);
  return rest(a, 1) === rest(b, 1) || rest(a, 1) === rest(b, 0) || rest(a, 0) === rest(b, 1);
}

/**
 * The e911 database matches street names, it does not guess: a street type one typo away from a real
 * one ("MAIN STRET") is a street it cannot find, and validation fails (409, no alternates).
 */
function misspelledStreetType(address1: string): boolean {
  const last = address1.split(' ').at(-1) ?? '';
  const known = new Set([...Object.keys(STREET_WORDS), ...Object.values(STREET_WORDS)]);
  return last.length >= 4 && !known.has(last) && [...known].some((word) => word.length >= 4 && oneTypoApart(last, word));
}

function addressProblem(address: ReturnType<typeof normalizeAddress>): string | null {
  if (!/^\d+[A-Z]?\s+\S+/.test(address.address1)) return 'street address must start with a house number';
  if (misspelledStreetType(address.address1)) return 'street not found';
  if (!address.city) return 'city is required';
  if (!US_STATES.has(address.state)) return 'state must be a two-letter US state code';
  if (!/^\d{5}(-\d{4})?$/.test(address.zip) || address.zip.startsWith('00000')) return 'zip is not a valid US ZIP code';
  return null;
}

function validateAddress(state: VoiceTelState, input: Record<string, unknown>) {
  const address = normalizeAddress(input);
  const problem = addressProblem(address);
  if (problem) return { problem } as const;
  const key = [address.address1, address.address2, address.city, address.state, address.zip].join('|');
  let stored = state.addresses.get(key);
  if (!stored) {
    stored = { addressid: state.nextAddressId++, ...address };
    state.addresses.set(key, stored);
  }
  return { address: stored } as const;
}

/** The e911 record keeps the address but not its `addressid`. */
const storedFields = ({ address1, address2, city, state, zip }: ValidatedAddress) => ({ address1, address2, city, state, zip });

const digitSum = (number: string) => [...number].reduce((sum, digit, index) => sum + Number(digit) * (index + 1), 0);

const routes: Route[] = [
  // --- Account ---
  {
    method: 'POST',
    pattern: /^\/v2\.2\/account\/api-key$/,
    public: true,
    limited: 'account/api-key',
    handler: (request, _params, state) => {
      const input = body(request);
      const username = str(input?.username);
      const password = str(input?.password);
      if (!username || !password) return fail(400, 'Fields Required: username, password.');
      if (username !== state.account.username || password !== state.account.password) return fail(401, 'Invalid username or password.');
      return ok(200, { apikey: state.apikey });
    },
  },
  {
    method: 'GET',
    pattern: /^\/v2\.2\/account$/,
    limited: 'account',
    handler: (_request, _params, state) => {
      const account: Record<string, unknown> = { ...state.account, cash: Math.round(state.account.cash * 100) / 100 };
      delete account.password;
      delete account.sipPassword;
      return ok(200, account);
    },
  },
  {
    method: 'GET',
    pattern: /^\/v2\.2\/account\/cdr$/,
    limited: 'account/cdr',
    handler: (request, _params, state, context) => {
      const now = Math.floor(context.now().getTime() / 1000);
      const int = (name: string, fallback: number) => {
        const raw = request.query.get(name);
        return raw !== null && /^\d+$/.test(raw) ? Number(raw) : fallback;
      };
      // Descending range: `start` is the newer bound (default now), `end` the older (default 24 h ago).
      // A call is logged when it ends, under its start time.
      const start = int('start', now);
      const end = int('end', now - 86_400);
      const cdr = state.calls
        .filter((call) => call.start + call.dur <= now && call.start >= end && call.start <= start)
        .sort((a, b) => b.start - a.start)
        .map((call) => {
          const billedSeconds = Math.ceil(call.dur / 6) * 6;
          return {
            id: call.id,
            key: [state.account.username, String(call.start)],
            value: {
              ip: call.ip,
              cn: call.cn,
              nr: call.nr,
              dst: call.dst,
              dur: String(call.dur),
              ba: ((billedSeconds * Number(call.nr)) / 60).toFixed(6),
              cid: call.cid,
            },
          };
        });
      return ok(200, { start, end, cdr });
    },
  },
  {
    method: 'GET',
    pattern: /^\/v2\.2\/account\/credits$/,
    handler: (request, _params, state) => {
      const filter = request.query.get('status');
      if (filter !== null && filter !== 'paid' && filter !== 'unpaid') return fail(400, "Invalid status filter (must be 'paid' or 'unpaid').");
      const credits = state.credits.filter((credit) => filter === null || credit.paid === (filter === 'paid'));
      return ok(200, { credits });
    },
  },
  {
    method: 'GET',
    pattern: /^\/v2\.2\/account\/payments$/,
    handler: (_request, _params, state) => ok(200, { payments: state.payments }),
  },
  {
    method: 'GET',
    pattern: /^\/v2\.2\/account\/recurring-charges$/,
    limited: 'account/recurring-charges',
    handler: (_request, _params, state) => {
      const dids = state.owned.size;
      const e911 = state.e911.size;
      const charges = [
        { amount: Math.round(dids * state.account.rates.did * 100) / 100, description: `DID numbers (${dids} × $${state.account.rates.did.toFixed(2)})` },
        { amount: Math.round(e911 * 1.5 * 100) / 100, description: `e911 service (${e911} × $1.50)` },
        { amount: 9.95, description: 'CNAM inbound lookup service' },
      ];
      const total = Math.round(charges.reduce((sum, charge) => sum + charge.amount, 0) * 100) / 100;
      return ok(200, { charges, total });
    },
  },
  {
    method: 'GET',
    pattern: /^\/v2\.2\/account\/registration$/,
    handler: (_request, _params, state) => ok(200, { agent: 'Zoiper rv2.8.97/', uri: `sip:${state.account.callerId}@192.0.2.1:5060` }),
  },

  // --- Inventory and orders ---
  {
    method: 'GET',
    pattern: /^\/v2\.2\/inventory$/,
    handler: (request, _params, state) => {
      const tnMask = request.query.get('tnMask');
      if (!tnMask) return fail(400, 'Field Required: tnMask');
      if (!/^[0-9*]{1,10}$/.test(tnMask)) return fail(400, 'Invalid tnMask');
      const quantityRaw = request.query.get('quantity');
      const quantity = quantityRaw === null ? 10 : Number(quantityRaw);
      if (!Number.isInteger(quantity) || quantity < 1 || quantity > 1000) return fail(400, 'quantity must be between 1 and 1000');
      const province = request.query.get('province')?.toUpperCase();
      const rateCenter = request.query.get('rateCenter')?.toUpperCase();
      const lata = request.query.get('lata');
      const mask = new RegExp(`^${tnMask.replace(/\*/g, '\\d*')}`);
      const numbers = [...state.inventory.values()]
        .filter((item) => mask.test(item.number))
        .filter((item) => !province || item.province === province)
        .filter((item) => !rateCenter || item.rateCenter === rateCenter)
        .filter((item) => !lata || item.lata === lata)
        .sort((a, b) => a.number.localeCompare(b.number))
        .slice(0, quantity)
        .map((item) => ({ number: item.number, province: item.province, rateCenter: item.rateCenter, city: item.city, lata: item.lata }));
      return ok(200, { numbers });
    },
  },
  {
    method: 'GET',
    pattern: /^\/v2\.2\/inventory\/coverage$/,
    handler: (request, _params, state) => {
      const countBy = request.query.get('countBy');
      if (!countBy || !['state', 'city', 'rateCenter', 'npanxx', 'block'].includes(countBy)) {
        return fail(400, 'Field Required: countBy (state, city, rateCenter, npanxx or block)');
      }
      const filters = {
        locState: request.query.get('locState')?.toUpperCase(),
        city: request.query.get('city')?.toUpperCase(),
        rcAbbre: request.query.get('rcAbbre')?.toUpperCase(),
        npa: request.query.get('npa'),
        lata: request.query.get('lata'),
      };
      const buckets = new Map<string, Record<string, string | number>>();
      for (const item of state.inventory.values()) {
        if (!item.province) continue;
        if (filters.locState && item.province !== filters.locState) continue;
        if (filters.city && item.city?.toUpperCase() !== filters.city) continue;
        if (filters.rcAbbre && item.rcAbbre !== filters.rcAbbre) continue;
        if (filters.npa && !item.number.startsWith(filters.npa)) continue;
        if (filters.lata && item.lata !== filters.lata) continue;
        const npa = item.number.slice(0, 3);
        const nxx = item.number.slice(3, 6);
        const fields: Record<string, string> =
          countBy === 'state'
            ? { locState: item.province }
            : countBy === 'city'
              ? { city: item.city ?? '' }
              : countBy === 'rateCenter'
                ? { rcAbbre: item.rcAbbre ?? '', ...(item.lata ? { lata: item.lata } : {}) }
                : countBy === 'npanxx'
                  ? { npa, nxx, ...(item.lata ? { lata: item.lata } : {}) }
                  : { block: item.number.slice(0, 7) };
        const key = JSON.stringify(fields);
        const bucket = buckets.get(key) ?? { ...fields, count: 0 };
        bucket.count = Number(bucket.count) + 1;
        buckets.set(key, bucket);
      }
      const coverage = [...buckets.values()].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
      return ok(200, { coverage });
    },
  },
  {
    method: 'POST',
    pattern: /^\/v2\.2\/orders$/,
    handler: (request, _params, state, context) => {
      const now = context.now().getTime();
      const header = request.headers['idempotency-key'];
      const key = Array.isArray(header) ? header[0] : header;
      if (key !== undefined && !/^[A-Za-z0-9_-]{1,128}$/.test(key)) return fail(400, 'Invalid Idempotency-Key');
      if (key) {
        const replay = state.orderReplays.get(key);
        if (replay && now - replay.at < DAY) return json(201, replay.body);
      }
      const input = body(request);
      const raw = input?.numbers;
      if (!Array.isArray(raw) || raw.length === 0) return fail(400, 'Field Required: numbers');
      if (raw.length > 100) return fail(400, 'Validation failed: at most 100 numbers per order');
      const lines: { number: string; route: number }[] = [];
      for (const entry of raw) {
        const number = typeof entry === 'string' ? entry : str((entry as Record<string, unknown> | null)?.number);
        const routeRaw = typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>).route : undefined;
        if (!number || !NANP10.test(number)) return fail(400, `Validation failed: invalid number ${String(number ?? '')}`);
        if (routeRaw !== undefined && (typeof routeRaw !== 'number' || !state.gateways.has(routeRaw))) return fail(400, `Validation failed: invalid route for ${number}`);
        lines.push({ number, route: typeof routeRaw === 'number' ? routeRaw : 4 });
      }
      const rate = state.account.rates.did;
      if (rate * lines.length > state.account.cash + 1e-9) return fail(402, 'Insufficient funds: accounts.cash does not cover the order total');
      const numbersOrdered: string[] = [];
      const failed: { number: string; reason: string }[] = [];
      for (const line of lines) {
        const item = state.inventory.get(line.number);
        if (state.owned.has(line.number)) failed.push({ number: line.number, reason: 'Number is already on the account' });
        else if (!item) failed.push({ number: line.number, reason: 'Number is no longer available' });
        else {
          state.inventory.delete(line.number);
          state.owned.set(line.number, { ...item, route: line.route });
          numbersOrdered.push(line.number);
        }
      }
      const amountCharged = Math.round(rate * numbersOrdered.length * 1e6) / 1e6;
      state.account.cash = Math.round((state.account.cash - amountCharged) * 1e6) / 1e6;
      state.lastOrderId = Math.max(Math.floor(now / 1000), state.lastOrderId + 1);
      const response = { data: { orderId: String(state.lastOrderId), amountCharged, numbersOrdered, failed }, status: 'success' };
      if (key) state.orderReplays.set(key, { at: now, body: response });
      return json(201, response);
    },
  },

  // --- Numbers ---
  {
    method: 'GET',
    pattern: /^\/v2\.2\/numbers$/,
    handler: (_request, _params, state) => {
      if (!state.owned.size) return fail(404, 'No numbers found');
      const numbers = [...state.owned.values()].sort((a, b) => a.number.localeCompare(b.number)).map((owned) => numberDetail(state, owned));
      return ok(200, { numbers });
    },
  },
  {
    method: 'GET',
    pattern: /^\/v2\.2\/numbers\/(\d+)$/,
    handler: (_request, [number = ''], state) => {
      const owned = state.owned.get(number);
      return owned ? ok(200, numberDetail(state, owned)) : fail(404, 'Number not found');
    },
  },
  {
    method: 'DELETE',
    pattern: /^\/v2\.2\/numbers\/(\d+)$/,
    handler: (_request, [number = ''], state, context) => removeNumber(state, number, context.now().getTime()),
  },
  {
    method: 'POST',
    pattern: /^\/v2\.2\/numbers\/(\d+)\/release$/,
    handler: (_request, [number = ''], state, context) => {
      if (!state.owned.has(number)) return fail(409, 'Failed or currently porting');
      return removeNumber(state, number, context.now().getTime());
    },
  },
  {
    method: 'PUT',
    pattern: /^\/v2\.2\/numbers\/(\d+)\/route$/,
    handler: (request, [number = ''], state) => {
      const owned = state.owned.get(number);
      const route = body(request)?.route;
      if (typeof route !== 'number' || !state.gateways.has(route)) return fail(400, 'Invalid route');
      if (!owned) return fail(400, 'Number not on account');
      owned.route = route;
      return ok(200, { number, route });
    },
  },

  // --- Gateways ---
  {
    method: 'GET',
    pattern: /^\/v2\.2\/gateways$/,
    handler: (_request, _params, state) => ok(200, { gateways: [...state.gateways.values()].sort((a, b) => a.id - b.id).map(gatewayEntry) }),
  },
  {
    method: 'POST',
    pattern: /^\/v2\.2\/gateways$/,
    handler: (request, _params, state) => {
      const input = body(request);
      const address = str(input?.gateway);
      if (!address) return fail(400, 'Field Required: gateway');
      if (!validGatewayAddress(address)) return fail(400, 'Gateway must resolve to a routable public IPv4 address');
      const problem = gatewayFieldProblem(input ?? {});
      if (problem) return fail(400, problem);
      if ([...state.gateways.values()].some((gateway) => gateway.gateway === address)) return fail(409, 'Failed to add');
      const gateway: Gateway = {
        id: state.nextGatewayId++,
        gateway: address,
        prefix: str(input?.prefix) ?? '',
        limit: typeof input?.limit === 'number' ? input.limit : 23,
        system: false,
      };
      state.gateways.set(gateway.id, gateway);
      return ok(201, gatewayEntry(gateway));
    },
  },
  {
    method: 'GET',
    pattern: /^\/v2\.2\/gateways\/(\d+)$/,
    handler: (_request, [id = ''], state) => {
      const gateway = state.gateways.get(Number(id));
      return gateway ? ok(200, gatewayEntry(gateway)) : fail(404, 'Gateway not found');
    },
  },
  {
    method: 'PUT',
    pattern: /^\/v2\.2\/gateways\/(\d+)$/,
    handler: (request, [id = ''], state) => {
      const gateway = state.gateways.get(Number(id));
      if (!gateway) return fail(404, 'Gateway not found');
      if (gateway.system) return fail(400, 'System routes are read-only');
      const input = body(request) ?? {};
      const address = str(input.gateway);
      if (address !== undefined && !validGatewayAddress(address)) return fail(400, 'Gateway must resolve to a routable public IPv4 address');
      const problem = gatewayFieldProblem(input);
      if (problem) return fail(400, problem);
      if (address !== undefined) gateway.gateway = address;
      if (input.prefix !== undefined) gateway.prefix = str(input.prefix) ?? '';
      if (typeof input.limit === 'number') gateway.limit = input.limit;
      return ok(200, gatewayEntry(gateway));
    },
  },
  {
    method: 'DELETE',
    pattern: /^\/v2\.2\/gateways\/(\d+)$/,
    handler: (_request, [id = ''], state) => {
      const gateway = state.gateways.get(Number(id));
      if (!gateway || gateway.system) return fail(404, 'Gateway not found');
      if ([...state.owned.values()].some((owned) => owned.route === gateway.id)) return fail(409, 'Cannot remove — DIDs still routed to it');
      state.gateways.delete(gateway.id);
      return noContent();
    },
  },
  {
    method: 'GET',
    pattern: /^\/v2\.2\/gateways\/(\d+)\/numbers$/,
    handler: (_request, [id = ''], state) => {
      const gateway = state.gateways.get(Number(id));
      if (!gateway) return fail(404, 'Gateway not found');
      const numbers = [...state.owned.values()]
        .filter((owned) => owned.route === gateway.id)
        .map((owned) => ({ number: owned.number, carrier: 0, faxEnabled: false, translated: owned.number, forward: false, forwardTo: null, smsEnabled: false, cnam: false }));
      return ok(200, { numbers });
    },
  },

  // --- ACL and auth ---
  {
    method: 'GET',
    pattern: /^\/v2\.2\/acl$/,
    handler: (_request, _params, state) => (state.acl.length ? ok(200, { acl: state.acl.map((cidr) => ({ cidr })) }) : fail(404, 'No entries found')),
  },
  {
    method: 'POST',
    pattern: /^\/v2\.2\/acl$/,
    handler: (request, _params, state) => {
      const entries = body(request)?.acl;
      if (!Array.isArray(entries) || !entries.length) return fail(400, 'Field Required: acl');
      const added: { cidr: string }[] = [];
      const failed: { reason: string; cidr: string }[] = [];
      let overlap = false;
      for (const entry of entries) {
        const cidr = str((entry as Record<string, unknown> | null)?.cidr) ?? '';
        const problem = cidrProblem(cidr);
        if (problem) failed.push({ reason: problem, cidr });
        else if (state.acl.includes(cidr)) {
          overlap = true;
          failed.push({ reason: 'DB Insert failed', cidr });
        } else {
          state.acl.push(cidr);
          added.push({ cidr });
        }
      }
      if (failed.length) {
        return fail(409, overlap ? 'CIDR overlaps with existing entry' : 'One or more entries could not be added', { data: { added, removed: [], failed } });
      }
      return ok(200, { added });
    },
  },
  {
    method: 'DELETE',
    pattern: /^\/v2\.2\/acl$/,
    handler: (request, _params, state) => {
      const cidrs = (request.query.get('cidrs') ?? '').split(',').map((cidr) => cidr.trim()).filter(Boolean);
      if (!cidrs.length) return fail(409, 'Field Required: cidrs', { data: { added: [], removed: [], failed: [] } });
      const removed: { cidr: string }[] = [];
      const failed: { reason: string; cidr: string }[] = [];
      for (const cidr of cidrs) {
        const index = state.acl.indexOf(cidr);
        if (index < 0) failed.push({ reason: 'DB delete failed', cidr });
        else {
          state.acl.splice(index, 1);
          removed.push({ cidr });
        }
      }
      if (failed.length) return fail(409, 'One or more entries could not be removed', { data: { added: [], removed, failed } });
      return ok(200, { removed });
    },
  },
  {
    method: 'GET',
    pattern: /^\/v2\.2\/auth$/,
    handler: (_request, _params, state) =>
      ok(200, {
        authType: state.account.authType,
        authTypeDescription: AUTH_DESCRIPTIONS[state.account.authType] ?? 'Unknown',
        acl: state.acl.map((cidr) => ({ cidr })),
      }),
  },
  {
    method: 'PUT',
    pattern: /^\/v2\.2\/auth$/,
    handler: (request, _params, state) => {
      const input = body(request) ?? {};
      if (input.authType === undefined && input.password === undefined) return fail(400, 'No update fields present');
      const updated: { field: string; value?: number }[] = [];
      const errors: { field: string; message: string }[] = [];
      if (input.authType !== undefined) {
        if (typeof input.authType === 'number' && [0, 1, 2, 3].includes(input.authType)) {
          state.account.authType = input.authType;
          updated.push({ field: 'authType', value: input.authType });
        } else errors.push({ field: 'authType', message: 'Must be 0, 1, 2 or 3' });
      }
      if (input.password !== undefined) {
        const password = str(input.password) ?? '';
        if (/^(?=.*[A-Za-z])(?=.*\d)[A-Za-z0-9]{6,10}$/.test(password)) {
          state.account.sipPassword = password;
          updated.push({ field: 'password' });
        } else errors.push({ field: 'password', message: 'Must be 6-10 alphanumeric characters with at least one letter and one number' });
      }
      if (errors.length) return fail(409, 'One or more updates failed', { updated, errors });
      return ok(200, { updated });
    },
  },

  // --- Port-ins ---
  {
    method: 'GET',
    pattern: /^\/v2\.2\/ports\/availability\/([^/]+)$/,
    handler: (_request, [number = ''], state, context) => {
      if (!NANP10.test(number)) return fail(400, 'Number malformed');
      const base = { number, rateCenterTier: null, localRoutingNumber: null, losingCarrier: null };
      if (state.owned.has(number)) return ok(200, { ...base, portable: false, reason: 'Number is already on this account' });
      if (state.inventory.has(number)) return ok(200, { ...base, portable: false, reason: 'Number is unassigned network inventory' });
      if (UNSERVED_NPAS.includes(number.slice(0, 3))) return ok(200, { ...base, portable: false, reason: 'No coverage in the rate center of this number' });
      const hash = digitSum(number);
      if (hash % 9 === 0) {
        return ok(200, { ...base, portable: false, reason: 'Losing carrier does not support port-out for this number', losingCarrier: LOSING_CARRIERS[hash % LOSING_CARRIERS.length] ?? null });
      }
      state.portableChecks.set(number, context.now().getTime());
      return ok(200, {
        number,
        portable: true,
        reason: null,
        losingCarrier: LOSING_CARRIERS[hash % LOSING_CARRIERS.length] ?? null,
        rateCenterTier: String(hash % 3),
        localRoutingNumber: `${number.slice(0, 6)}${String(9000 + (hash % 1000)).slice(0, 4)}`,
      });
    },
  },
  {
    method: 'POST',
    pattern: /^\/v2\.2\/ports$/,
    handler: (request, _params, state, context) => {
      const input = body(request);
      if (!input) return fail(400, 'Invalid JSON body');
      const required = ['did', 'name', 'nameType', 'lcBtn', 'lcAccountNumber', 'streetNumber', 'street', 'streetType', 'city', 'state', 'zip', 'country', 'authPerson'];
      for (const field of required) {
        const value = input[field];
        if (value === undefined || value === null || value === '' || (Array.isArray(value) && !value.length)) return fail(400, `Field Required: ${field}`);
      }
      if (input.nameType !== 'business' && input.nameType !== 'residential') return fail(400, 'nameType must be business or residential');
      const dids = input.did;
      if (!Array.isArray(dids) || !dids.every((did) => typeof did === 'string' && NANP10.test(did))) return fail(400, 'Validation failed: did must be 10-digit numbers');
      for (const direction of ['streetPrefix', 'streetSuffix']) {
        const value = input[direction];
        if (value !== undefined && value !== '' && !['N', 'NE', 'E', 'SE', 'S', 'SW', 'W', 'NW'].includes(String(value))) return fail(400, `Invalid ${direction}`);
      }
      const now = context.now().getTime();
      for (const did of dids as string[]) {
        const checked = state.portableChecks.get(did);
        if (checked === undefined || now - checked > HOUR) return fail(400, `Number ${did} has not been confirmed portable within the last hour`);
      }
      const fee = 6 * dids.length;
      if (fee > state.account.cash + 1e-9) return fail(402, 'Insufficient funds for port-in fee');
      const { hex, alnum } = createRandomTools(context.random);
      let pid = alnum(5);
      while (state.ports.some((port) => port.pid === pid)) pid = alnum(5);
      const routes: Record<string, number> = {};
      if (Array.isArray(input.features)) {
        for (const feature of input.features as Record<string, unknown>[]) {
          const gatewayId = (feature?.routing as Record<string, unknown> | undefined)?.gatewayId;
          if (typeof feature?.number === 'string' && typeof gatewayId === 'number') routes[feature.number] = gatewayId;
        }
      }
      const accountSuffix = String(input.lcAccountNumber).slice(-4);
      const port: PortRecord = {
        id: hex(40),
        pid,
        createdAt: now,
        numbers: dids as string[],
        name: String(input.name),
        ticket: state.nextTicket++,
        rejectMessage: PORT_REJECTIONS[accountSuffix],
        focMoves: accountSuffix === FOC_MOVES_ACCOUNT_SUFFIX,
        completedApplied: false,
        routes,
      };
      state.ports.push(port);
      state.account.cash = Math.round((state.account.cash - fee) * 100) / 100;
      return ok(201, {
        pid,
        portUrl: `https://api.voicetel.com/a/port/${pid}/`,
        loaUrl: `https://api.voicetel.com/a/loa/${pid}/`,
        message: `Port request ${pid} submitted. Please complete the LOA to proceed.`,
        ticket: port.ticket,
      });
    },
  },
  {
    method: 'GET',
    pattern: /^\/v2\.2\/ports$/,
    handler: (_request, _params, state, context) => {
      const now = context.now().getTime();
      const ports = [...state.ports]
        .sort((a, b) => b.createdAt - a.createdAt)
        .map((port) => {
          const status = shownPortStatus(port, now, context);
          return {
            id: port.id,
            status: status.status,
            createdAt: new Date(port.createdAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
            pid: port.pid,
            supportUrl: `https://desk.support.voicetel.com/conversation/${port.ticket}`,
            ...(status.foc ? { foc: status.foc } : {}),
            message: status.message,
          };
        });
      return ok(200, { ports });
    },
  },
  {
    method: 'GET',
    pattern: /^\/v2\.2\/ports\/([^/]+)$/,
    handler: (_request, [pid = ''], state, context) => {
      const port = /^[A-Za-z0-9]{5}$/.test(pid) ? state.ports.find((candidate) => candidate.pid === pid) : undefined;
      if (!port) return fail(404, 'Port not found');
      const status = shownPortStatus(port, context.now().getTime(), context);
      return ok(200, {
        port: {
          id: port.id,
          status: status.status,
          createdAt: new Date(port.createdAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
          pid: port.pid,
          name: port.name,
          email: state.account.email,
          ...(status.foc ? { foc: status.foc } : {}),
          numbers: port.numbers,
          message: status.message,
        },
      });
    },
  },

  // --- e911 ---
  {
    method: 'POST',
    pattern: /^\/v2\.2\/e911\/validations$/,
    handler: (request, _params, state) => {
      const result = validateAddress(state, body(request) ?? {});
      if ('problem' in result) return fail(409, `Address validation failed: ${result.problem}`);
      return ok(200, { address: { ...result.address } });
    },
  },
  {
    method: 'POST',
    pattern: /^\/v2\.2\/e911$/,
    handler: (request, _params, state) => {
      const input = body(request);
      if (!input) return fail(400, 'Invalid JSON body');
      for (const field of ['dn', 'callername', 'address1', 'city', 'state', 'zip']) {
        if (!str(input[field])) return fail(400, `Field Required: ${field}`);
      }
      const dn = str(input.dn) ?? '';
      if (!NANP10.test(dn)) return fail(400, 'dn must be a 10-digit telephone number');
      if (!state.owned.has(dn)) return fail(403, 'Number is not on the authenticated account');
      if (!state.account.services.e911) return fail(403, 'e911 service is not enabled on this account');
      const result = validateAddress(state, input);
      if ('problem' in result) return fail(409, `e911 service rejected the address: ${result.problem}`);
      const record = { dn: `1${dn}`, ...storedFields(result.address), callername: str(input.callername) ?? '' };
      state.e911.set(dn, record);
      return ok(201, { record });
    },
  },
  {
    method: 'GET',
    pattern: /^\/v2\.2\/e911$/,
    handler: (_request, _params, state) => {
      if (!state.e911.size) return fail(404, 'No records found');
      return ok(200, { records: [...state.e911.values()].sort((a, b) => a.dn.localeCompare(b.dn)) });
    },
  },
  {
    method: 'GET',
    pattern: /^\/v2\.2\/e911\/(\d+)$/,
    handler: (_request, [dn = ''], state) => {
      if (!state.owned.has(dn)) return fail(401, 'Number not on account');
      const record = state.e911.get(dn);
      return record ? ok(200, { record }) : fail(409, 'Query failed');
    },
  },
  {
    method: 'PUT',
    pattern: /^\/v2\.2\/e911\/(\d+)$/,
    handler: (request, [dn = ''], state) => {
      if (!state.owned.has(dn)) return fail(401, 'Number not on account');
      const input = body(request) ?? {};
      const callername = str(input.callername);
      const address = [...state.addresses.values()].find((candidate) => candidate.addressid === input.addressid);
      if (!callername || !address) return fail(409, 'Provisioning failed: unknown addressid or missing callername');
      const record = { dn: `1${dn}`, ...storedFields(address), callername };
      state.e911.set(dn, record);
      return ok(200, { record });
    },
  },
  {
    method: 'DELETE',
    pattern: /^\/v2\.2\/e911\/(\d+)$/,
    handler: (_request, [dn = ''], state) => {
      if (!state.owned.has(dn)) return fail(401, 'Number not on account');
      if (!state.e911.delete(dn)) return fail(409, 'Failed');
      return noContent();
    },
  },
];

function gatewayFieldProblem(input: Record<string, unknown>): string | null {
  if (input.limit !== undefined && (typeof input.limit !== 'number' || !Number.isInteger(input.limit) || input.limit < 1 || input.limit > 1000)) {
    return 'limit must be an integer between 1 and 1000';
  }
  if (input.prefix !== undefined && !/^[0-9]*$/.test(str(input.prefix) ?? 'x')) return 'prefix must be digits';
  return null;
}

function removeNumber(state: VoiceTelState, number: string, now: number): SandboxResponse {
  if (!state.owned.has(number)) return fail(404, 'Number not found');
  const porting = state.ports.some((port) => !port.completedApplied && portStatus(port, now).status !== 'Rejected' && port.numbers.includes(number));
  if (porting) return fail(409, 'Failed or currently porting');
  state.owned.delete(number);
  state.e911.delete(number);
  return noContent();
}

export async function handleVoiceTel(request: SandboxRequest, state: VoiceTelState, context: SandboxContext): Promise<SandboxResponse> {
  const now = context.now().getTime();
  tick(state, now);
  let methodMismatch = false;
  for (const route of routes) {
    const match = route.pattern.exec(request.path);
    if (!match) continue;
    if (route.method !== request.method) {
      methodMismatch = true;
      continue;
    }
    if (!route.public) {
      const header = request.headers.authorization ?? '';
      const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
      if (token !== state.apikey) return fail(401, 'Missing or invalid bearer token.');
    }
    if (route.limited && overLimit(state, `${clientIp(request)}|${route.limited}`, now)) return fail(429, 'Rate limit exceeded.');
    return route.handler(request, match.slice(1), state, context);
  }
  return methodMismatch ? fail(405, 'Method not allowed') : fail(404, 'Not found');
}
