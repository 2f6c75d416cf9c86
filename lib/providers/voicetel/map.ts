/** Pure wire ↔ domain mapping for VoiceTel. No I/O. */
import { toE164 as parseE164, toNanpTenDigits } from '@/lib/phone-numbers';
import { ProviderError } from '../errors';
import { portExceptionFrom } from '../port-rejections';
import {
  TOLL_FREE_PREFIXES,
  type AvailableNumber,
  type E911Address,
  type E911Record,
  type E911Validation,
  type Money,
  type OrderResult,
  type OwnedNumber,
  type PortabilityResult,
  type PortIn,
  type PortInRequest,
  type PortInStatus,
  type TrunkDestination,
  type TrunkGroup,
  type TrunkGroupSpec,
} from '../types';
import {
  CA_PROVINCES,
  CURRENCY,
  DEFAULT_E911_CALLER_NAME,
  DEFAULT_SIP_PORT,
  DEFAULT_TRUNK_DIRECTION,
  FEATURES_LOCAL_CA,
  FEATURES_LOCAL_US,
  FEATURES_TOLL_FREE,
  PORT_REJECTION_PATTERNS,
  PORT_STATUS_PATTERNS,
  PORT_SUBMITTED_STATUS_WORD,
  RATE_CENTER_REFUSAL_PATTERN,
  SYSTEM_ROUTE_IDS,
  TRUNK_AUTH_BY_AUTH_TYPE,
  WIRELESS_CARRIER_PATTERN,
  formatDesiredDueDate,
} from './assumptions';
import type {
  WireE911Entry,
  WireGateway,
  WireInventoryItem,
  WireNumber,
  WireOrder,
  WirePort,
  WirePortAvailability,
  WirePortSubmit,
  WirePortSubmitRequest,
  WireValidatedAddress,
} from './schema';

/** `+13125550100`, `13125550100` or `3125550100` → `3125550100` (VoiceTel's request format). */
export function toNanp10(number: string): string {
  const ten = toNanpTenDigits(number);
  if (!ten) {
    throw new ProviderError('voicetel', 'invalid', { upstreamMessage: `not a North American number: ${number}` });
  }
  return ten;
}

/** NANP10 or the 11-digit e911 `dn` → E.164. */
export function toE164(number: string): string {
  const e164 = parseE164(number);
  if (e164) return e164;
  // Not a valid number (a CDR's odd caller ID): kept recognisable rather than dropped.
  const digits = number.replace(/[^0-9]/g, '');
  return digits.length === 11 && digits.startsWith('1') ? `+${digits}` : `+1${digits}`;
}

/** A decimal string with at most 6 places and at least 2 ("25" → "25.00", "0.017500" → "0.0175"). */
export function decimal(value: number | string): string {
  const text = typeof value === 'number' ? value.toFixed(6) : value.trim();
  const match = /^(-?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (!match) throw new Error(`not a decimal amount: ${text}`);
  const sign = match[1] ?? '';
  const whole = (match[2] ?? '').replace(/^0+(?=\d)/, '') || '0';
  const fraction = (match[3] ?? '').slice(0, 6).replace(/0+$/, '').padEnd(2, '0');
  const result = `${whole}.${fraction}`;
  return sign && /[1-9]/.test(result) ? `-${result}` : result;
}

export const usd = (value: number | string): Money => ({ amount: decimal(value), currency: CURRENCY });

export const negate = (amount: string) => (amount.startsWith('-') ? amount.slice(1) : amount === '0.00' ? amount : `-${amount}`);

export function isTollFree(nanp10: string): boolean {
  return (TOLL_FREE_PREFIXES as readonly string[]).includes(nanp10.slice(0, 3));
}

// GET /inventory
export function mapInventoryItem(item: WireInventoryItem, didRate?: number): AvailableNumber {
  const tollFree = isTollFree(item.number);
  const country = item.province && CA_PROVINCES.includes(item.province.toUpperCase()) ? 'CA' : 'US';
  return {
    e164: toE164(item.number),
    kind: tollFree ? 'tollfree' : 'local',
    country,
    state: item.province || undefined,
    rateCenter: item.rateCenter || undefined,
    npa: item.number.slice(0, 3),
    nxx: item.number.slice(3, 6),
    features: tollFree ? [...FEATURES_TOLL_FREE] : country === 'CA' ? [...FEATURES_LOCAL_CA] : [...FEATURES_LOCAL_US],
    cost: didRate !== undefined ? { monthly: usd(didRate) } : undefined,
  };
}

/** Keeps the first run of `quantity` consecutive numbers, for searches that ask for a block. */
export function firstConsecutiveRun(numbers: AvailableNumber[], quantity: number): AvailableNumber[] {
  const sorted = [...numbers].sort((a, b) => a.e164.localeCompare(b.e164));
  let run: AvailableNumber[] = [];
  for (const number of sorted) {
    const previous = run[run.length - 1];
    run = previous && Number(number.e164.slice(1)) === Number(previous.e164.slice(1)) + 1 ? [...run, number] : [number];
    if (run.length === quantity) return run;
  }
  return [];
}

// POST /orders
/** Lenient: an upstream echo that is not a number simply matches nothing. */
const digitsOf = (number: string) => {
  const digits = number.replace(/[^0-9]/g, '');
  return digits.length === 11 && digits.startsWith('1') ? digits.slice(1) : digits;
};

export function mapOrder(wire: WireOrder, requested: string[]): OrderResult {
  const ordered = new Set(wire.numbersOrdered.map(digitsOf));
  const failed = new Map(wire.failed.map((item) => [digitsOf(item.number), item.reason ?? 'failed']));
  return {
    upstreamOrderId: wire.orderId,
    lines: requested.map((nanp) => {
      if (ordered.has(nanp)) return { e164: toE164(nanp), status: 'active' as const };
      return { e164: toE164(nanp), status: 'failed' as const, reason: failed.get(nanp) ?? 'not in the order result' };
    }),
  };
}

// GET /numbers
export function mapOwnedNumber(wire: WireNumber): OwnedNumber {
  const route = wire.route;
  return {
    e164: toE164(wire.number),
    kind: isTollFree(wire.number) ? 'tollfree' : 'local',
    status: 'active',
    trunkRef: route !== undefined && !SYSTEM_ROUTE_IDS.includes(route) ? String(route) : undefined,
    providerRef: wire.number,
  };
}

// Gateways + auth + ACL → one trunk group
export interface TrunkMeta {
  name?: string;
  direction?: TrunkGroupSpec['direction'];
  codecs?: string[];
  maxCps?: number;
  digestUsername?: string;
  transport?: TrunkDestination['transport'];
  /** CIDRs this trunk added to the account-wide ACL, so an update can remove only its own. */
  ownCidrs?: string[];
}

export function parseGatewayAddress(gateway: string): { host: string; port: number } {
  const match = /^(.+?)(?::(\d+))?$/.exec(gateway.trim());
  return { host: match?.[1] ?? gateway, port: match?.[2] ? Number(match[2]) : DEFAULT_SIP_PORT };
}

/** VoiceTel keeps one address per gateway: the destination with the best (lowest) priority. */
export function gatewayAddressOf(spec: TrunkGroupSpec): string {
  const [primary] = [...spec.destinations].sort((a, b) => a.priority - b.priority || b.weight - a.weight);
  if (!primary) throw new ProviderError('voicetel', 'invalid', { upstreamMessage: 'VoiceTel needs one gateway address (destination)' });
  return primary.port && primary.port !== DEFAULT_SIP_PORT ? `${primary.host}:${primary.port}` : `${primary.host}:${DEFAULT_SIP_PORT}`;
}

export function mapTrunk(gateway: WireGateway, auth: { authType: number; acl: { cidr: string }[] }, meta: TrunkMeta = {}): TrunkGroup {
  const { host, port } = parseGatewayAddress(gateway.gateway);
  return {
    trunkRef: String(gateway.id),
    name: meta.name ?? `Gateway ${gateway.id}`,
    direction: meta.direction ?? DEFAULT_TRUNK_DIRECTION,
    auth: TRUNK_AUTH_BY_AUTH_TYPE[auth.authType] ?? 'ip',
    allowedIps: auth.acl.map((entry) => entry.cidr),
    destinations: [{ host, port, transport: meta.transport ?? 'udp', priority: 1, weight: 100 }],
    maxChannels: gateway.limit ?? undefined,
    maxCps: meta.maxCps,
    codecs: meta.codecs,
    digestUsername: meta.digestUsername,
    enabled: true,
  };
}

// GET /ports/availability/{number}
export function mapPortability(wire: WirePortAvailability): PortabilityResult {
  const reason = wire.reason ?? undefined;
  const lrn = wire.localRoutingNumber ? toNanpTenDigits(wire.localRoutingNumber) : undefined;
  return {
    e164: toE164(wire.number),
    portable: wire.portable,
    losingCarrier: wire.losingCarrier ?? undefined,
    reason,
    rateCenterPortable: wire.portable ? true : reason && RATE_CENTER_REFUSAL_PATTERN.test(reason) ? false : undefined,
    localRoutingNumber: lrn ? toE164(lrn) : undefined,
    wireless: wire.losingCarrier && WIRELESS_CARRIER_PATTERN.test(wire.losingCarrier) ? true : undefined,
  };
}

const DIRECTIONS = new Set(['N', 'NE', 'E', 'SE', 'S', 'SW', 'W', 'NW']);
const DIRECTION_WORDS: Record<string, string> = {
  NORTH: 'N', NORTHEAST: 'NE', EAST: 'E', SOUTHEAST: 'SE', SOUTH: 'S', SOUTHWEST: 'SW', WEST: 'W', NORTHWEST: 'NW',
};
/** USPS street suffixes (Publication 28), the common ones: full word or abbreviation → abbreviation. */
export const STREET_TYPES: Record<string, string> = {
  ALLEY: 'ALY', AVENUE: 'AVE', AV: 'AVE', BOULEVARD: 'BLVD', CIRCLE: 'CIR', COURT: 'CT', DRIVE: 'DR', EXPRESSWAY: 'EXPY',
  FREEWAY: 'FWY', HIGHWAY: 'HWY', LANE: 'LN', PARKWAY: 'PKWY', PLACE: 'PL', PLAZA: 'PLZ', ROAD: 'RD', SQUARE: 'SQ',
  STREET: 'ST', TERRACE: 'TER', TRAIL: 'TRL', WAY: 'WAY', LOOP: 'LOOP', PIKE: 'PIKE', ROW: 'ROW', RUN: 'RUN',
};
const STREET_TYPE_ABBREVIATIONS = new Set(Object.values(STREET_TYPES));

/** Splits "550 N Main Street" into VoiceTel's streetNumber / streetPrefix / street / streetType / streetSuffix. */
export function splitStreet(line: string) {
  const tokens = line.trim().replace(/[.,]/g, ' ').split(/\s+/).filter(Boolean);
  const upper = (token?: string) => token?.toUpperCase() ?? '';
  const streetNumber = tokens[0] && /^\d+[A-Za-z]?(-\d+)?$/.test(tokens[0]) ? tokens.shift()?.toUpperCase() : undefined;
  const direction = (token?: string) => (token ? (DIRECTIONS.has(upper(token)) ? upper(token) : DIRECTION_WORDS[upper(token)]) : undefined);
  const streetPrefix = tokens.length > 1 ? direction(tokens[0]) : undefined;
  if (streetPrefix) tokens.shift();
  const streetSuffix = tokens.length > 1 ? direction(tokens[tokens.length - 1]) : undefined;
  if (streetSuffix) tokens.pop();
  const last = upper(tokens[tokens.length - 1]);
  const streetType = tokens.length > 1 && last ? (STREET_TYPES[last] ?? (STREET_TYPE_ABBREVIATIONS.has(last) ? last : undefined)) : undefined;
  if (streetType) tokens.pop();
  return { streetNumber, streetPrefix, street: tokens.join(' '), streetType, streetSuffix };
}

export function buildPortSubmit(request: PortInRequest): WirePortSubmitRequest {
  const street = splitStreet(request.serviceAddress.street);
  const missing = [!street.streetNumber && 'street number', !street.street && 'street name', !street.streetType && 'street type (ST, AVE, …)']
    .filter(Boolean)
    .join(', ');
  if (missing) {
    throw new ProviderError('voicetel', 'invalid', { upstreamMessage: `VoiceTel needs the service address split into parts; missing ${missing}` });
  }
  const numbers = request.numbers.map(toNanp10);
  return {
    did: numbers,
    name: request.businessName ?? request.authorizedName,
    nameType: request.subscriberType,
    authPerson: request.authorizedName,
    lcAccountNumber: request.accountNumber,
    lcBtn: toNanp10(request.billingTelephoneNumber ?? request.numbers[0] ?? ''),
    pin: request.pin,
    streetNumber: street.streetNumber ?? '',
    streetPrefix: (street.streetPrefix as WirePortSubmitRequest['streetPrefix']) ?? undefined,
    street: street.street,
    streetType: street.streetType ?? '',
    streetSuffix: (street.streetSuffix as WirePortSubmitRequest['streetSuffix']) ?? undefined,
    unitValue: request.serviceAddress.unit ?? '',
    city: request.serviceAddress.city,
    state: request.serviceAddress.state.toUpperCase(),
    zip: request.serviceAddress.postalCode,
    country: request.serviceAddress.country,
    desiredDueDate: request.requestedFocDate ? formatDesiredDueDate(request.requestedFocDate) : undefined,
  };
}

/** What is known of a port just placed when reading it back failed: the submit answer has no status. */
export function mapPortSubmit(wire: WirePortSubmit, numbers: string[]): PortIn {
  return {
    portRef: wire.pid,
    status: 'submitted',
    upstreamStatus: PORT_SUBMITTED_STATUS_WORD,
    numbers: numbers.map(toE164),
    message: wire.message,
    loaUrl: wire.loaUrl,
  };
}

export function mapPortStatus(status: string): PortInStatus {
  for (const [pattern, mapped] of PORT_STATUS_PATTERNS) if (pattern.test(status)) return mapped;
  return 'unknown';
}

/** `YYYYMMDD` → `YYYY-MM-DD`; anything else is dropped. */
export function mapFocDate(foc: string | null | undefined): string | undefined {
  const match = foc ? /^(\d{4})(\d{2})(\d{2})$/.exec(foc) : null;
  return match ? `${match[1]}-${match[2]}-${match[3]}` : undefined;
}

/** createdAt is typed date-time but described as a Unix timestamp: read both. */
export function parseTimestamp(value: string | number | undefined): Date | undefined {
  if (value === undefined || value === '') return undefined;
  const numeric = typeof value === 'number' ? value : /^\d+$/.test(value) ? Number(value) : undefined;
  const date = numeric !== undefined ? new Date(numeric < 1e12 ? numeric * 1000 : numeric) : new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export function mapPort(wire: WirePort, fallbackPid: string): PortIn {
  const status = mapPortStatus(wire.status);
  const message = wire.message?.trim() || undefined;
  return {
    portRef: wire.pid ?? fallbackPid,
    status,
    upstreamStatus: wire.status,
    numbers: (wire.numbers ?? []).map(digitsOf).filter((number) => toNanpTenDigits(number) === number).map(toE164),
    focDate: mapFocDate(wire.foc),
    exception: status === 'exception' ? portExceptionFrom(message ?? wire.status, PORT_REJECTION_PATTERNS) : undefined,
    message,
    updatedAt: parseTimestamp(wire.createdAt),
  };
}

// e911
export function buildE911Address(address: E911Address) {
  return {
    address1: address.street.trim().toUpperCase(),
    address2: (address.unit ?? '').trim().toUpperCase(),
    city: address.city.trim().toUpperCase(),
    state: address.state.trim().toUpperCase(),
    zip: address.postalCode.trim(),
  };
}

export function e911AddressKey(address: E911Address): string {
  const wire = buildE911Address(address);
  return [wire.address1, wire.address2, wire.city, wire.state, wire.zip].join('|');
}

export function mapValidatedAddress(wire: WireValidatedAddress, original: E911Address): E911Validation {
  return {
    valid: true,
    addressRef: String(wire.addressid),
    normalized: {
      name: original.name,
      street: wire.address1,
      unit: wire.address2 || undefined,
      city: wire.city,
      state: wire.state,
      postalCode: wire.zip,
      country: 'US',
    },
  };
}

/** The entry carries no `addressid` ([spec] e911Entry): pass the one a by-id provisioning used, if any. */
export function mapE911Entry(wire: WireE911Entry, addressRef?: string): E911Record {
  return {
    e164: toE164(wire.dn),
    address: {
      street: wire.address1,
      unit: wire.address2 || undefined,
      city: wire.city,
      state: wire.state,
      postalCode: wire.zip,
      country: 'US',
    },
    callerName: wire.callername,
    e911Ref: wire.dn,
    addressRef,
  };
}

export const callerNameOf = (record: E911Record) => record.callerName ?? record.address.name ?? DEFAULT_E911_CALLER_NAME;
