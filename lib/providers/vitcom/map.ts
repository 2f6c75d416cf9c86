/** Pure VITCOM wire → domain mapping. No I/O. */
import { toNanpTenDigits } from '@/lib/phone-numbers';
import { portExceptionFrom } from '../port-rejections';
import { TOLL_FREE_PREFIXES, type AvailableNumber, type E164, type Money, type NumberKind, type OrderLine, type OwnedNumber, type OwnedNumberStatus, type PortabilityResult, type PortIn, type PortInStatus, type TrunkDestination, type TrunkGroup } from '../types';
import {
  CURRENCY,
  FOC_DATE_MEANS_FOC,
  LNP_ACCEPTED_MEANS_RATE_CENTER_SERVED,
  LNP_NOT_ACCEPTED_MESSAGE,
  LNP_REJECTED_WITHOUT_REASON,
  LNP_STATUS,
  LNP_STATUS_MISSING,
  NUMBER_STATUS,
  ORIGINATION_TRANSPORT,
  PORT_REJECTION_PATTERNS,
  TRUNK_ACTIVE_STATUS,
} from './assumptions';
import type {
  VitcomAvailableTn,
  VitcomLnpOrder,
  VitcomNpanxxRow,
  VitcomOriginationTrunk,
  VitcomOwnedNumber,
  VitcomStatsRow,
  VitcomTerminationTrunk,
} from './schema';

// ---------- numbers and values ----------

/** 10 digits (NPANXXXXXX), or undefined when the value is a placeholder or not NANP. */
export function toTenDigits(value: string): string | undefined {
  return toNanpTenDigits(value);
}
export const toE164 = (value: string): E164 | undefined => {
  const ten = toTenDigits(value);
  return ten ? `+1${ten}` : undefined;
};
/** `/check_lnp`, `/generate_lnp_order` and `call_forwarding` want 11 digits. */
export const toElevenDigits = (value: string): string | undefined => {
  const ten = toTenDigits(value);
  return ten ? `1${ten}` : undefined;
};
export const isTollFree = (tenDigits: string) => (TOLL_FREE_PREFIXES as readonly string[]).includes(tenDigits.slice(0, 3));
export const kindOf = (tenDigits: string): NumberKind => (isTollFree(tenDigits) ? 'tollfree' : 'local');

/** Decimal strings only; the document's `XX.XX` placeholders and blanks give undefined. */
export function toAmount(value: string | undefined): string | undefined {
  const text = value?.trim().replace(/^\$/, '');
  return text && /^-?\d+(\.\d+)?$/.test(text) ? text : undefined;
}
export function toMoney(value: string | undefined): Money | undefined {
  const amount = toAmount(value);
  return amount === undefined ? undefined : { amount, currency: CURRENCY };
}
export const toInt = (value: string | undefined) => {
  const text = value?.trim();
  return text && /^\d+$/.test(text) ? Number(text) : undefined;
};

/** Exact cents arithmetic on 2–6 decimal strings, so money never goes through floats. */
const SCALE = 1_000_000n;
export function toMicros(amount: string): bigint {
  const negative = amount.startsWith('-');
  const [whole = '0', fraction = ''] = amount.replace(/^-/, '').split('.');
  const micros = BigInt(whole || '0') * SCALE + BigInt((fraction + '000000').slice(0, 6));
  return negative ? -micros : micros;
}
export function fromMicros(micros: bigint): string {
  const negative = micros < 0n;
  const abs = negative ? -micros : micros;
  const whole = abs / SCALE;
  const cents = ((abs % SCALE) / 10_000n).toString().padStart(2, '0');
  const rest = (abs % 10_000n).toString().padStart(4, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}.${cents}${rest}`;
}

/**
 * `YYYY-MM-DD HH:MM:SS` (no zone, read as UTC), ISO with `Z`, or the monthly rows' `2015-02-1`.
 */
export function parseWireDate(value: string | undefined): Date | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  const match = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(text);
  if (!match) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', zone] = match;
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.replace(/[^\d]/g, '');
    const offsetMin = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2));
    return new Date(utc - sign * offsetMin * 60_000);
  }
  const date = new Date(utc);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
export const toIsoDay = (date: Date) => date.toISOString().slice(0, 10);
export const toWireDateTime = (date: Date) => date.toISOString().slice(0, 19).replace('T', ' ');

// ---------- search ----------

export function mapStates(data: readonly string[]): string[] {
  return data.map((item) => item.trim().toUpperCase()).filter((item) => /^[A-Z]{2}$/.test(item));
}

export interface NpanxxInfo {
  npanxx: string;
  npa: string;
  nxx: string;
  rateCenter?: string;
  state: string;
}
export function mapNpanxxRows(rows: readonly (VitcomNpanxxRow | string)[], state: string): NpanxxInfo[] {
  const out: NpanxxInfo[] = [];
  for (const row of rows) {
    if (typeof row === 'string' || !/^\d{6}$/.test(row.NPANXX)) continue;
    out.push({
      npanxx: row.NPANXX,
      npa: row.NPA && /^\d{3}$/.test(row.NPA) ? row.NPA : row.NPANXX.slice(0, 3),
      nxx: row.NPANXX.slice(3),
      rateCenter: row.RateCenter?.trim() || undefined,
      state: state.toUpperCase(),
    });
  }
  return out;
}

export function mapAvailableNumbers(
  rows: readonly VitcomAvailableTn[],
  context: { kind: NumberKind; state?: string; npanxx?: ReadonlyMap<string, NpanxxInfo> },
): AvailableNumber[] {
  const out: AvailableNumber[] = [];
  for (const row of rows) {
    const ten = toTenDigits(row.TN);
    if (!ten) continue;
    if (row.statusid !== undefined && row.statusid !== '0') continue;
    const info = context.npanxx?.get(ten.slice(0, 6));
    const kind = context.kind === 'tollfree' || isTollFree(ten) ? 'tollfree' : 'local';
    out.push({
      e164: `+1${ten}`,
      kind,
      country: 'US',
      state: kind === 'local' ? (info?.state ?? context.state) : undefined,
      rateCenter: kind === 'local' ? (info?.rateCenter ?? (row.RateCenter?.trim() || undefined)) : undefined,
      npa: ten.slice(0, 3),
      nxx: ten.slice(3, 6),
      features: kind === 'local' ? ['voice', 'cnam'] : ['voice'],
      providerRef: kind === 'local' ? (info?.state ?? context.state) : ten.slice(0, 3),
    });
  }
  return out;
}

/** `pattern` is digits and `*` (any run of digits), matched against the 10-digit number. */
export function matchesPattern(tenDigits: string, pattern: string | undefined): boolean {
  if (!pattern) return true;
  const body = pattern.replace(/^\+?1(?=\d{10}$)/, '');
  const regex = new RegExp(body.split('*').map((part) => part.replace(/\D/g, '')).join('\\d*'));
  return regex.test(tenDigits);
}


// ---------- owned numbers ----------

const ownedStatus: Record<string, OwnedNumberStatus> = {
  [NUMBER_STATUS.active]: 'active',
  [NUMBER_STATUS.inactive]: 'suspended',
  [NUMBER_STATUS.cancelled]: 'releasing',
};

/**
 * The origination trunks a `/getnumbers` row may be on: `trunkGroup` is the trunk's primary IP, not
 * its id. Those with the row's IP and tech prefix; failing that, those with its IP.
 */
export function originationCandidates(row: VitcomOwnedNumber, trunks: readonly VitcomOriginationTrunk[]): VitcomOriginationTrunk[] {
  const ip = row.trunkGroup?.trim();
  if (!ip) return [];
  const byIp = trunks.filter((item) => item.primaryIP?.trim() === ip);
  const byPrefix = byIp.filter((item) => (item.prefix_1 ?? '') === (row.prefix1 ?? ''));
  return byPrefix.length ? byPrefix : byIp;
}

/**
 * One `/getnumbers` row. Its trunk is `originationId` when the caller resolved it, else the first
 * candidate by IP; `refOf` turns that origination id into the trunkRef of the group it belongs to
 * (`o<id>` when no group claims it), so listNumbers speaks the refs createTrunk hands out.
 */
export function mapOwnedNumber(
  row: VitcomOwnedNumber,
  trunks: readonly VitcomOriginationTrunk[],
  resolved: { originationId?: string; refOf?: (originationId: string) => string } = {},
): OwnedNumber | undefined {
  const ten = toTenDigits(row.didnumber);
  if (!ten) return undefined;
  const originationId = resolved.originationId ?? originationCandidates(row, trunks)[0]?.id;
  const monthly = toMoney(row.didRate);
  return {
    e164: `+1${ten}`,
    kind: kindOf(ten),
    status: ownedStatus[row.status ?? NUMBER_STATUS.active] ?? 'active',
    trunkRef: originationId ? (resolved.refOf?.(originationId) ?? `o${originationId}`) : undefined,
    cost: monthly ? { monthly } : undefined,
    providerRef: row.orderType,
  };
}

// ---------- trunks ----------

export interface TrunkRefParts {
  origination?: string;
  termination: string[];
}
/** Our trunkRef joins the upstream ids of one domain trunk group: `o3`, `t4`, `o3+t4+t9`. */
export function parseTrunkRef(ref: string): TrunkRefParts | undefined {
  if (!/^[ot]\d+(\+[ot]\d+)*$/.test(ref)) return undefined;
  const parts = ref.split('+');
  const origination = parts.filter((part) => part.startsWith('o')).map((part) => part.slice(1));
  if (origination.length > 1) return undefined;
  return { origination: origination[0], termination: parts.filter((part) => part.startsWith('t')).map((part) => part.slice(1)) };
}
export function formatTrunkRef(parts: TrunkRefParts): string {
  return [...(parts.origination ? [`o${parts.origination}`] : []), ...parts.termination.map((id) => `t${id}`)].join('+');
}

export const bareIp = (cidr: string) => cidr.trim().replace(/\/32$/, '');

export function mapTrunkGroup(
  origination: VitcomOriginationTrunk | undefined,
  termination: readonly VitcomTerminationTrunk[],
  fallbackName?: string,
): TrunkGroup {
  const destinations: TrunkDestination[] = [];
  const route = (host: string | undefined, port: string | undefined, priority: number) => {
    const ip = host?.trim();
    if (!ip) return;
    destinations.push({ host: ip, port: toInt(port) ?? 5060, transport: ORIGINATION_TRANSPORT, priority, weight: 1 });
  };
  if (origination) {
    route(origination.primaryIP, origination.primaryPort, 1);
    route(origination.secondaryIP, origination.secondaryPort, 2);
  }
  const activeTermination = termination.filter((trunk) => trunk.status === TRUNK_ACTIVE_STATUS);
  // Each per-IP termination trunk carries the group's channel limit (see createTrunk).
  const ports = Math.max(0, ...activeTermination.map((trunk) => toInt(trunk.ports) ?? 0));
  const sessions = toInt(origination?.req_sessions);
  const cps = activeTermination.map((trunk) => toInt(trunk.cps)).find((value) => value !== undefined);
  const name =
    origination?.title?.trim() || fallbackName || (termination[0] ? `Termination ${termination[0].ipaddress ?? termination[0].id}` : 'Trunk group');
  const statuses = [...(origination ? [origination.status] : []), ...termination.map((trunk) => trunk.status)];
  return {
    trunkRef: formatTrunkRef({ origination: origination?.id, termination: termination.map((trunk) => trunk.id) }),
    name,
    direction: origination && termination.length ? 'both' : origination ? 'inbound' : 'outbound',
    auth: 'ip',
    allowedIps: activeTermination.map((trunk) => trunk.ipaddress?.trim()).filter((ip): ip is string => !!ip).map((ip) => `${ip}/32`),
    destinations,
    maxChannels: ports > 0 ? ports : sessions && sessions > 0 ? sessions : undefined,
    maxCps: cps,
    enabled: statuses.length > 0 && statuses.every((status) => (status ?? TRUNK_ACTIVE_STATUS) === TRUNK_ACTIVE_STATUS),
  };
}

// ---------- orders ----------

export function mapOrderLines(requested: readonly E164[], ordered: readonly string[], activeNumbers?: ReadonlySet<string>): OrderLine[] {
  const inOrder = new Set(ordered.map((tn) => toTenDigits(tn)).filter((tn): tn is string => !!tn));
  return requested.map((e164) => {
    const ten = toTenDigits(e164) ?? e164;
    if (!inOrder.has(ten)) return { e164, status: 'failed', reason: 'not in the upstream order (hold expired or number taken)' };
    if (activeNumbers && !activeNumbers.has(ten)) return { e164, status: 'pending' };
    return { e164, status: 'active' };
  });
}

// ---------- porting ----------

export function mapPortability(numbers: readonly E164[], accepted: readonly string[], rejected: readonly string[]): PortabilityResult[] {
  const yes = new Set(accepted.map((tn) => toTenDigits(tn)).filter(Boolean));
  const no = new Set(rejected.map((tn) => toTenDigits(tn)).filter(Boolean));
  return numbers.map((e164) => {
    const ten = toTenDigits(e164);
    if (ten && yes.has(ten)) return LNP_ACCEPTED_MEANS_RATE_CENTER_SERVED ? { e164, portable: true, rateCenterPortable: true } : { e164, portable: true };
    if (ten && no.has(ten)) return { e164, portable: false, reason: 'Rejected by VITCOM (no reason given)' };
    return { e164, portable: false, reason: 'Not in the portability answer' };
  });
}

export function mapLnpStatus(word: string | undefined): PortInStatus {
  return (word !== undefined && Object.hasOwn(LNP_STATUS, word) ? LNP_STATUS[word] : undefined) ?? 'unknown';
}

/**
 * One `/get_lnp_orders` row. `requested` is what we asked to port (the adapter keeps it): VITCOM
 * orders only the numbers it accepts, so any other requested number is an exception of its own, and
 * an order completed without them is partially completed.
 */
export function mapLnpOrder(order: VitcomLnpOrder, requested: readonly E164[] = []): PortIn {
  const word = order.status?.trim();
  let status = mapLnpStatus(word);
  const actualFoc = parseWireDate(order.actualFocDate);
  if (FOC_DATE_MEANS_FOC && actualFoc && (status === 'pending' || status === 'submitted')) status = 'foc_scheduled';
  const reason = order.rejectReason?.trim() || undefined;
  const exception = status === 'exception' ? portExceptionFrom(reason ?? LNP_REJECTED_WITHOUT_REASON, PORT_REJECTION_PATTERNS) : undefined;

  const ordered = order.numbers.map(toE164).filter((e164): e164 is E164 => !!e164);
  const inOrder = new Set(ordered);
  const dropped = requested.filter((e164) => !inOrder.has(e164));
  const numbers = requested.length ? [...requested, ...ordered.filter((e164) => !requested.includes(e164))] : ordered;
  const numberStatuses = requested.length
    ? numbers.map((e164) =>
        inOrder.has(e164)
          ? { e164, status, ...(exception ? { exception } : {}) }
          : { e164, status: 'exception' as const, exception: { code: 'number_not_portable' as const, message: LNP_NOT_ACCEPTED_MESSAGE } },
      )
    : undefined;
  if (dropped.length && status === 'completed') status = 'partially_completed';

  return {
    portRef: order.orderno,
    status,
    upstreamStatus: word ?? LNP_STATUS_MISSING,
    numbers,
    numberStatuses,
    focDate: actualFoc ? toIsoDay(actualFoc) : undefined,
    exception,
    message: reason,
    loaUrl: order.loa && /^https?:\/\//.test(order.loa) ? order.loa : undefined,
    updatedAt: parseWireDate(order.lastModifiedDate) ?? parseWireDate(order.date),
  };
}

// ---------- stats ----------

export interface VitcomQualityStats {
  /** The DID (E.164) or the trunkRef the row is about. */
  subject: string;
  attempts: number;
  answered: number;
  /** Answer-seizure ratio, 0..1. */
  asr?: number;
  /** Average call duration in seconds (unit assumed). */
  acdSec?: number;
  minutesOfUse?: number;
  peakConcurrent?: number;
}
export function mapStatsRow(row: VitcomStatsRow, subject: 'number' | 'origination' | 'termination'): VitcomQualityStats {
  const asr = /^(\d+(?:\.\d+)?)\s*%?$/.exec(row.asr?.trim() ?? '')?.[1];
  const num = (value: string | undefined) => (value && /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : undefined);
  return {
    subject: subject === 'number' ? (toE164(row.number) ?? row.number) : `${subject === 'origination' ? 'o' : 't'}${row.number}`,
    attempts: num(row.processed) ?? 0,
    answered: num(row.completed) ?? 0,
    asr: asr === undefined ? undefined : Number(asr) / 100,
    acdSec: num(row.acd),
    minutesOfUse: num(row.mou),
    peakConcurrent: num(row.peak),
  };
}
