/** Pure wire → domain (and domain → wire parameter) mapping for VoiceMeUp. No I/O here. */
import type {
  AvailableNumber,
  Balance,
  Cdr,
  Invoice,
  LedgerEntry,
  Money,
  NumberFeature,
  OwnedNumber,
  TrunkAuth,
  TrunkGroup,
  TrunkGroupSpec,
} from '../types';
import {
  ARRAY_SEPARATOR,
  CALL_STATUS_MAP,
  CODEC_ALIASES,
  CREDIT_MARKER,
  FRIENDLY_NAME,
  INVENTORY_FEATURES,
  PEER_DEFAULTS,
  ROUTE_OPTION,
  ROUTE_REPLACES_OPTIONS,
} from './assumptions';
import { toE164 as parseE164, toNanpTenDigits } from '@/lib/phone-numbers';
import type { WireCall, WireDid, WireFundingDetails, WireInventoryDid, WirePeer, WireTransaction } from './schema';
import type { RefusedField } from '../errors';
import { localError } from './errors';

type Currency = Money['currency'];

// --- Phone numbers ------------------------------------------------------------------------------

/** Wire numbers come as 10 digits, 11 with a leading 1 (§3.4), or international digits. */
export function toE164(raw: string): string {
  const e164 = parseE164(raw);
  if (e164) return e164;
  // Not a valid number (a CDR's odd caller ID): kept recognisable rather than dropped.
  const digits = raw.replace(/\D/g, '');
  if (digits.startsWith('011') && digits.length > 6) return `+${digits.slice(3)}`;
  return digits.length >= 8 ? `+${digits}` : raw;
}

/** The 10-digit NANP form every DID parameter wants ("No space or - symbol"). */
export function toNational(e164: string): string | undefined {
  return toNanpTenDigits(e164);
}

// --- Money --------------------------------------------------------------------------------------

const SCALE = 1_000_000n;

export function parseDecimal(value: string): bigint {
  const match = /^(-?)(\d+)(?:\.(\d{1,6})\d*)?$/.exec(value.trim());
  if (!match) throw new Error(`not a decimal amount: ${value.slice(0, 40)}`);
  const [, sign, whole = '0', fraction = ''] = match;
  const micros = BigInt(whole) * SCALE + BigInt(fraction.padEnd(6, '0'));
  return sign === '-' ? -micros : micros;
}

export function formatDecimal(micros: bigint): string {
  const negative = micros < 0n;
  const abs = negative ? -micros : micros;
  const whole = abs / SCALE;
  let fraction = (abs % SCALE).toString().padStart(6, '0').replace(/0+$/, '');
  if (fraction.length < 2) fraction = fraction.padEnd(2, '0');
  return `${negative && abs !== 0n ? '-' : ''}${whole}.${fraction}`;
}

/** "25.00" is owed (−25.00), "25.00 CR" is credit (+25.00): seed L211. */
export function creditSigned(value: string): bigint {
  const isCredit = CREDIT_MARKER.test(value);
  const micros = parseDecimal(value.replace(CREDIT_MARKER, ''));
  return isCredit ? micros : -micros;
}

// --- Time ---------------------------------------------------------------------------------------

function zoneOffsetMs(utcMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(utcMs));
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

/** Reads a zone-less `YYYY-MM-DD` + `HH:MM:SS` as wall-clock time in `timeZone`. */
export function zonedToDate(date: string, time: string, timeZone: string): Date {
  const [y = 0, m = 1, d = 1] = date.split('-').map(Number);
  const [hh = 0, mm = 0, ss = 0] = time.split(':').map(Number);
  const wall = Date.UTC(y, m - 1, d, hh, mm, ss);
  let utc = wall - zoneOffsetMs(wall, timeZone);
  utc = wall - zoneOffsetMs(utc, timeZone);
  return new Date(utc);
}

/** The calendar date (`YYYY-MM-DD`) of an instant in `timeZone`. */
export function dateInZone(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}

// --- CDRs ---------------------------------------------------------------------------------------

export function mapCall(wire: WireCall, options: { timeZone: string; currency: Currency }): Cdr {
  const startedAt = zonedToDate(wire.date, wire.time, options.timeZone);
  const disposition = CALL_STATUS_MAP[wire.status.trim().toLowerCase()];
  // A status word we do not know would be counted as a failed call and skew ASR: refuse it instead.
  if (!disposition) throw localError('malformed', `get_calls call ${wire['@_unique_id']} has an unknown status "${wire.status}"`);
  const duration = Number(wire.duration);
  const talk = disposition === 'answered' ? duration : 0;
  const to = wire.direction === 'outbound' && wire.normalized ? wire.normalized : wire.destination;
  return {
    providerCallId: wire['@_unique_id'],
    direction: wire.direction,
    from: toE164(wire.source),
    to: toE164(to),
    startedAt,
    endedAt: new Date(startedAt.getTime() + duration * 1000),
    disposition,
    durationSec: duration,
    billableSec: talk,
    cost: wire.billed_amount !== undefined ? { amount: formatDecimal(parseDecimal(wire.billed_amount)), currency: options.currency } : undefined,
    trunkRef: wire.client_peer_id || undefined,
  };
}

// --- Numbers ------------------------------------------------------------------------------------

export const countryOf = (code: string | undefined): 'US' | 'CA' => (code?.toUpperCase() === 'CA' ? 'CA' : 'US');

export function mapInventoryDid(wire: WireInventoryDid): AvailableNumber {
  const national = wire.phone_number.length === 11 ? wire.phone_number.slice(1) : wire.phone_number;
  const kind = wire.type === 'tollfree' ? 'tollfree' : 'local';
  return {
    e164: toE164(wire.phone_number),
    kind,
    country: countryOf(wire.country_code),
    state: wire.state_code || undefined,
    rateCenter: wire.ratecenter || undefined,
    npa: wire.npa || national.slice(0, 3),
    nxx: wire.nxx || national.slice(3, 6),
    features: [...INVENTORY_FEATURES[kind]] as NumberFeature[],
    providerRef: wire.did_id,
  };
}

export function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(/[,\s]+/)
    .map((item) => item.trim())
    .filter(Boolean);
}

/** The peer a DID's calls go to, as its trunkRef (see ROUTE_OPTION): the first listed, when peers are enabled. */
export function routedPeer(wire: Pick<WireDid, 'client_peer_ids' | 'options'>): string | undefined {
  const options = splitList(wire.options);
  if (options.length && !options.includes(ROUTE_OPTION)) return undefined;
  return splitList(wire.client_peer_ids)[0];
}

/** The full `options` set for set_did that sends the DID's calls to a peer (peer = true) or takes them off it. */
export function routeOptions(current: string | undefined, peer: boolean): string[] {
  const kept = splitList(current).filter((option) => option !== ROUTE_OPTION && !(peer && ROUTE_REPLACES_OPTIONS.includes(option)));
  return peer ? [...kept, ROUTE_OPTION] : kept;
}

export function mapOwnedDid(wire: WireDid, e911Numbers?: ReadonlySet<string>): OwnedNumber {
  const e164 = toE164(wire.phone_number);
  return {
    e164,
    kind: wire.type === 'tollfree' ? 'tollfree' : 'local',
    status: wire.status === 'disabled' ? 'suspended' : 'active',
    state: wire.state_code || undefined,
    rateCenter: wire.ratecenter || undefined,
    trunkRef: routedPeer(wire),
    e911Provisioned: e911Numbers ? e911Numbers.has(e164) : undefined,
    providerRef: wire.client_did_id,
  };
}

// --- Peers (trunks) -----------------------------------------------------------------------------

export function mapPeer(wire: WirePeer): TrunkGroup {
  const isStatic = wire.host_type === 'static';
  const authEnabled = wire.enable_auth === '1';
  const auth: TrunkAuth = !isStatic ? 'digest' : authEnabled ? 'both' : 'ip';
  const host = isStatic ? wire.host || wire.default_ip : undefined;
  return {
    trunkRef: wire.client_peer_id,
    name: wire.friendly_name || wire.username || `peer ${wire.client_peer_id}`,
    direction: PEER_DEFAULTS.direction,
    auth,
    allowedIps: host ? [`${host}/32`] : [],
    destinations: host ? [{ host, port: PEER_DEFAULTS.port, transport: PEER_DEFAULTS.transport, priority: 1, weight: 100 }] : [],
    codecs: splitList(wire.codecs),
    digestUsername: auth === 'ip' ? undefined : wire.auth_username || wire.username || undefined,
    enabled: wire.status === 'enabled',
  };
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

/** The set_peer parameters for a spec, or why a peer cannot express it. */
export function peerParamsFromSpec(
  trunkRef: string,
  spec: TrunkGroupSpec,
): { ok: true; params: Record<string, string | undefined> & { client_peer_id: string } } | { ok: false; reason: string; field: RefusedField } {
  const friendlyName = spec.name.replace(FRIENDLY_NAME.pattern, '').slice(0, FRIENDLY_NAME.max);
  if (friendlyName.length < FRIENDLY_NAME.min) return { ok: false, reason: 'trunk name needs at least 2 letters or digits', field: 'name' };

  // What a peer has no field for is refused, not dropped: a success must mean the spec was stored.
  if (spec.maxChannels !== undefined) {
    return { ok: false, reason: `maxChannels cannot be changed: a VoiceMeUp peer has no channel limit (asked for ${spec.maxChannels})`, field: 'maxChannels' };
  }
  if (spec.maxCps !== undefined) {
    return { ok: false, reason: `maxCps cannot be changed: a VoiceMeUp peer has no calls-per-second limit (asked for ${spec.maxCps})`, field: 'maxCps' };
  }
  if (spec.direction !== PEER_DEFAULTS.direction) {
    return { ok: false, reason: `direction cannot be changed: a VoiceMeUp peer always carries both directions (asked for ${spec.direction})`, field: 'direction' };
  }

  const codecs: string[] = [];
  for (const codec of spec.codecs ?? []) {
    const known = CODEC_ALIASES[codec.trim().toLowerCase()];
    if (!known) return { ok: false, reason: `codec ${codec} is not offered (g729, ulaw, alaw, g726, gsm, ilbc)`, field: 'codecs' };
    if (!codecs.includes(known)) codecs.push(known);
  }

  const params: Record<string, string | undefined> & { client_peer_id: string } = {
    client_peer_id: trunkRef,
    friendly_name: friendlyName,
    codecs: codecs.length ? codecs.join(ARRAY_SEPARATOR) : undefined,
  };

  if (spec.auth === 'digest') {
    if (spec.allowedIps.length || spec.destinations.length) {
      return {
        ok: false,
        field: 'auth',
        reason: 'allowedIps and destinations cannot be set with digest-only auth: such a peer registers (dynamic host) and has no fixed address',
      };
    }
    params.host_type = 'dynamic';
  } else {
    if (spec.allowedIps.some((cidr) => cidr.includes('/') && !cidr.endsWith('/32'))) {
      return { ok: false, reason: 'a peer accepts one IP address, not a range', field: 'allowedIps' };
    }
    const allowed = [...new Set(spec.allowedIps.map((cidr) => cidr.replace(/\/32$/, '')))];
    if (allowed.length > 1) return { ok: false, reason: `a peer accepts one IP address, not ${allowed.length} (${allowed.join(', ')})`, field: 'allowedIps' };
    if (spec.destinations.length > 1) {
      return { ok: false, reason: `a peer delivers calls to its one host: ${spec.destinations.length} destinations cannot be stored`, field: 'destinations' };
    }
    const destination = spec.destinations[0];
    if (destination) {
      if (allowed[0] !== undefined && destination.host !== allowed[0]) {
        return {
          ok: false,
          field: 'destinations',
          reason: `destination ${destination.host} cannot differ from allowed IP ${allowed[0]}: a peer has one host that both sends and receives its calls`,
        };
      }
      if (destination.port !== PEER_DEFAULTS.port || destination.transport !== PEER_DEFAULTS.transport) {
        return {
          ok: false,
          field: 'destinations',
          reason: `destination port and transport cannot be changed: a peer is reached on ${PEER_DEFAULTS.transport} ${PEER_DEFAULTS.port} (asked for ${destination.transport} ${destination.port})`,
        };
      }
    }
    const host = allowed[0] ?? destination?.host;
    if (!host || !IPV4.test(host)) return { ok: false, reason: 'a static peer takes exactly one IPv4 host (no ranges, no host names)', field: 'destinations' };
    params.host_type = 'static';
    params.host = host;
  }

  const wantsDigest = spec.auth === 'digest' || spec.auth === 'both';
  params.enable_auth = spec.auth === 'both' ? '1' : spec.auth === 'ip' ? '0' : undefined;
  if (wantsDigest) {
    if (spec.digestUsername) params.auth_username = spec.digestUsername;
    if (spec.digestPassword) params.password = spec.digestPassword;
  }
  return { ok: true, params };
}

// --- Money: balance, ledger, invoices -----------------------------------------------------------

export function mapFunding(wire: WireFundingDetails, requested: Currency): Balance {
  const currency: Currency = wire.currency?.toUpperCase() === 'USD' ? 'USD' : wire.currency?.toUpperCase() === 'CAD' ? 'CAD' : requested;
  const balance = creditSigned(wire.account_balance);
  const fundsLeft = wire.funds_left !== undefined ? creditSigned(wire.funds_left) : undefined;
  const creditLine = fundsLeft !== undefined ? fundsLeft - balance : 0n;
  return {
    available: { amount: formatDecimal(balance), currency },
    creditLimit: creditLine > 0n ? { amount: formatDecimal(creditLine), currency } : undefined,
  };
}

/** Ledger sign: positive is a charge to us, so it is the opposite of the credit-signed amount. */
export function mapTransaction(wire: WireTransaction, options: { timeZone: string; currency: Currency }): LedgerEntry {
  return {
    entryRef: wire.transaction_id,
    at: zonedToDate(wire.date, '00:00:00', options.timeZone),
    description: wire.description || wire.type,
    amount: { amount: formatDecimal(-creditSigned(wire.amount)), currency: options.currency },
  };
}

export const isInvoice = (wire: WireTransaction) => wire.type.trim().toLowerCase() === 'invoice';

export function mapInvoice(wire: WireTransaction, options: { timeZone: string; currency: Currency }): Invoice {
  return {
    invoiceRef: wire.invoice_number || wire.transaction_id,
    issuedAt: zonedToDate(wire.date, '00:00:00', options.timeZone),
    total: { amount: formatDecimal(-creditSigned(wire.amount)), currency: options.currency },
    // get_transactions says nothing about whether an invoice is settled.
    status: 'unknown',
  };
}
