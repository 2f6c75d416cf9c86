/** Pure CarrierX wire ↔ domain functions. No I/O. */
import { formatMicros, parseMicros } from '@/lib/billing/money';
import { toE164 as parseE164 } from '@/lib/phone-numbers';
import { ProviderError } from '../errors';
import type {
  AvailableNumber,
  Balance,
  CallDisposition,
  Cdr,
  E164,
  Invoice,
  Money,
  NumberFeature,
  NumberSearchQuery,
  OwnedNumber,
  OwnedNumberStatus,
} from '../types';
import {
  CDR_TIME_FIELD,
  CDR_VOICE_TYPE,
  COUNTRY_ALPHA3,
  CURRENCY,
  INVOICE_CALL_ITEM_TYPES,
  INVOICE_STATUS_OPEN,
  INVOICE_STATUS_PAID,
  INVOICE_STATUS_VOID,
  NANP_DIGITS,
  PATTERN_WILDCARD,
  POSTPAY_CREDIT_FROM_SPENDING_LIMIT,
  SEARCH_FILTER_FIELDS,
  SIP_BUSY,
  SIP_CANCELLED,
  SIP_NO_ANSWER,
  TOLL_FREE_NPAS,
} from './assumptions';
import type {
  WireCallDr,
  WireDid,
  WireInvoice,
  WirePartner,
} from './schema';

// ---------------------------------------------------------------------------------------------
// Numbers and money

/** §4.11: DIDs come as `15162065575`, CDR sources as `+15012678830`; all become E.164. */
export function toE164(raw: string): E164 {
  const e164 = parseE164(raw);
  if (e164) return e164;
  // Not a valid number (a CDR's odd caller ID): kept recognisable rather than dropped.
  const digits = raw.replace(/\D/g, '');
  if (raw.trim().startsWith('+')) return `+${digits}`;
  if (digits.length === 10) return `+1${digits}`;
  return `+${digits}`;
}

/** DID `phonenumber` wire form: E.164 digits without the plus. */
export function toWireNumber(e164: E164): string {
  const digits = e164.replace(/\D/g, '');
  return digits.length === NANP_DIGITS - 1 ? `1${digits}` : digits;
}

export function usd(amount: string | null | undefined): Money | undefined {
  if (amount === null || amount === undefined || amount.trim() === '') return undefined;
  return { amount: normalizeDecimal(amount), currency: CURRENCY };
}

/** Keeps the upstream's decimal string exact; only trims whitespace and a leading plus. */
export function normalizeDecimal(amount: string): string {
  const trimmed = amount.trim().replace(/^\+/, '');
  if (!/^-?\d+(\.\d+)?$/.test(trimmed)) throw new Error(`not a decimal amount: ${trimmed.slice(0, 20)}`);
  return trimmed;
}

const isTollFreeNpa = (npa: string) => (TOLL_FREE_NPAS as readonly string[]).includes(npa);

/** §3.10: capabilities bitmask 1/2 SMS, 4 voice, 8/16 MMS. */
export function capabilitiesToFeatures(bits: number | null | undefined): NumberFeature[] {
  const value = bits ?? 0;
  const features: NumberFeature[] = [];
  if (value & 4) features.push('voice');
  if (value & 3) features.push('sms');
  if (value & 24) features.push('mms');
  return features;
}

function nanpParts(e164: E164) {
  const national = e164.startsWith('+1') ? e164.slice(2) : e164.replace(/\D/g, '');
  return { npa: national.slice(0, 3), nxx: national.slice(3, 6) };
}

function countryOf(did: WireDid): 'US' | 'CA' {
  return did.country_code === COUNTRY_ALPHA3.CA ? 'CA' : 'US';
}

export function didToAvailable(did: WireDid): AvailableNumber {
  const e164 = toE164(did.phonenumber);
  const { npa, nxx } = nanpParts(e164);
  const monthly = usd(did.price);
  return {
    e164,
    kind: isTollFreeNpa(npa) ? 'tollfree' : 'local',
    country: countryOf(did),
    state: did.state || undefined,
    rateCenter: did.locality || undefined,
    npa,
    nxx,
    features: capabilitiesToFeatures(did.capabilities),
    cost: monthly ? { monthly } : undefined,
    providerRef: did.did_sid,
  };
}

function didStatus(status: string | null | undefined): OwnedNumberStatus {
  if (status === 'aging' || status === 'deleted') return 'releasing';
  return 'active';
}

export function didToOwned(did: WireDid): OwnedNumber {
  const e164 = toE164(did.phonenumber);
  const monthly = usd(did.price);
  return {
    e164,
    kind: isTollFreeNpa(nanpParts(e164).npa) ? 'tollfree' : 'local',
    status: didStatus(did.status),
    state: did.state || undefined,
    rateCenter: did.locality || undefined,
    trunkRef: did.trunk_group_sid || undefined,
    cost: monthly ? { monthly } : undefined,
    providerRef: did.did_sid,
  };
}

// ---------------------------------------------------------------------------------------------
// Filters (§1.6): `<field> <op> <value>` joined by `and`.

export function quoteFilterValue(value: string): string {
  return `"${value.replace(/"/g, '')}"`;
}

export function filterClause(field: string, op: 'eq' | 'ne' | 'ge' | 'gt' | 'le' | 'lt' | 'like' | 'ilike', value: string): string {
  return `${field} ${op} ${quoteFilterValue(value)}`;
}

export function inClause(field: string, values: readonly string[]): string {
  return `${field} in (${values.map(quoteFilterValue).join(', ')})`;
}

export const andFilters = (clauses: (string | undefined)[]) => clauses.filter(Boolean).join(' and ');

/** The [EXT] available-DIDs filter for a portal search. */

export function searchFilter(query: NumberSearchQuery): string {
  const country = COUNTRY_ALPHA3[query.country ?? 'US'];
  const clauses: (string | undefined)[] = [filterClause(SEARCH_FILTER_FIELDS.country, 'eq', country)];
  if (query.kind === 'tollfree') {
    clauses.push(
      query.tollFreePrefix
        ? filterClause(SEARCH_FILTER_FIELDS.npa, 'eq', query.tollFreePrefix)
        : inClause(SEARCH_FILTER_FIELDS.npa, TOLL_FREE_NPAS),
    );
  } else {
    if (query.state) clauses.push(filterClause(SEARCH_FILTER_FIELDS.state, 'eq', query.state.toUpperCase()));
    if (query.npa && query.nxx) clauses.push(filterClause(SEARCH_FILTER_FIELDS.npaNxx, 'eq', `${query.npa}${query.nxx}`));
    else if (query.npa) clauses.push(filterClause(SEARCH_FILTER_FIELDS.npa, 'eq', query.npa));
    if (query.rateCenter) clauses.push(filterClause(SEARCH_FILTER_FIELDS.rateCenter, 'ilike', query.rateCenter));
  }
  if (query.pattern) {
    // Without `*` the digits may sit anywhere; with one the pattern is the whole number, which is
    // matched against the 11-digit phonenumber (so a pattern without its leading 1 gets one).
    const digits = query.pattern.replace(/[^0-9*]/g, '');
    const like = digits.replace(/\*+/g, PATTERN_WILDCARD);
    const whole = digits.startsWith('1') || digits.startsWith('*') ? like : `1${like}`;
    clauses.push(filterClause(SEARCH_FILTER_FIELDS.phonenumber, 'like', digits.includes('*') ? whole : `${PATTERN_WILDCARD}${like}${PATTERN_WILDCARD}`));
  }
  return andFilters(clauses);
}

export function cdrWindowFilter(since: Date, until: Date): string {
  return andFilters([
    filterClause(CDR_TIME_FIELD, 'ge', since.toISOString()),
    filterClause(CDR_TIME_FIELD, 'lt', until.toISOString()),
    filterClause('type', 'eq', CDR_VOICE_TYPE),
  ]);
}

// ---------------------------------------------------------------------------------------------
// CDRs

function sipCode(raw: string | number | null | undefined): number | undefined {
  if (raw === null || raw === undefined || raw === '') return undefined;
  const code = Number(raw);
  return Number.isInteger(code) ? code : undefined;
}

/** Anonymous or non-numeric callers are kept as they came. */
function normalizeNumber(raw: string): string {
  return /\d{7,}/.test(raw.replace(/\D/g, '')) ? toE164(raw) : raw;
}

export function dispositionOf(dr: Pick<WireCallDr, 'date_talk' | 'sipcause'>): CallDisposition {
  const code = sipCode(dr.sipcause);
  if (dr.date_talk) return 'answered';
  if (code === undefined) return 'failed';
  if (code >= 200 && code < 300) return 'answered';
  if ((SIP_BUSY as readonly number[]).includes(code)) return 'busy';
  if ((SIP_NO_ANSWER as readonly number[]).includes(code)) return 'no_answer';
  if ((SIP_CANCELLED as readonly number[]).includes(code)) return 'cancelled';
  return 'failed';
}

function parseDate(raw: string): Date {
  const date = new Date(raw);
  if (Number.isNaN(date.getTime())) throw new Error(`not a timestamp: ${raw.slice(0, 40)}`);
  return date;
}

export function callDrToCdr(dr: WireCallDr): Cdr {
  const inbound = dr.direction === 'inbound';
  // §4.27: number_src/number_dst are ambiguous; billing = our side, external = the far end.
  const ours = dr.number_billing ?? (inbound ? dr.number_dst : dr.number_src) ?? '';
  const theirs = dr.number_external ?? (inbound ? dr.number_src : dr.number_dst) ?? '';
  const startedAt = parseDate(dr.date_start);
  const endedAt = parseDate(dr.date_stop);
  const answeredAt = dr.date_talk ? parseDate(dr.date_talk) : undefined;
  const disposition = dispositionOf(dr);
  // §4.26: `duration` includes ringing; talk time is stop − talk.
  const talkSec = answeredAt ? Math.max(0, Math.round((endedAt.getTime() - answeredAt.getTime()) / 1000)) : 0;
  const billable = dr.duration_billing ? Math.round(Number(dr.duration_billing)) : 0;
  const cost = usd(dr.price);
  return {
    providerCallId: dr.dr_sid,
    direction: inbound ? 'inbound' : 'outbound',
    from: normalizeNumber(inbound ? theirs : ours),
    to: normalizeNumber(inbound ? ours : theirs),
    startedAt,
    answeredAt,
    endedAt,
    disposition,
    durationSec: talkSec,
    billableSec: disposition === 'answered' && Number.isFinite(billable) ? billable : 0,
    sipCode: sipCode(dr.sipcause),
    cost,
    trunkRef: (inbound ? dr.trunk_group_sid_dst : dr.trunk_group_sid_src) ?? undefined,
  };
}

// ---------------------------------------------------------------------------------------------
// Invoices and balance

export function invoiceStatus(invoice: Pick<WireInvoice, 'status' | 'paid'>): Invoice['status'] {
  if (invoice.paid || (INVOICE_STATUS_PAID as readonly string[]).includes(invoice.status)) return 'paid';
  if ((INVOICE_STATUS_VOID as readonly string[]).includes(invoice.status)) return 'void';
  if ((INVOICE_STATUS_OPEN as readonly string[]).includes(invoice.status)) return 'open';
  return 'unknown';
}

export function invoiceToDomain(invoice: WireInvoice, pdfUrl?: string): Invoice {
  return {
    invoiceRef: invoice.invoice_sid,
    periodStart: invoice.date_billing_period_start?.slice(0, 10),
    periodEnd: invoice.date_billing_period_end?.slice(0, 10),
    issuedAt: parseDate(invoice.date_issued ?? invoice.date_created),
    total: { amount: normalizeDecimal(invoice.amount), currency: CURRENCY },
    status: invoiceStatus(invoice),
    pdfUrl,
  };
}

/** The invoice's voice minutes (`toll`, `toll_free` items), exactly; undefined where the invoice lists no items. */
export function invoiceCallUsage(invoice: WireInvoice): Money | undefined {
  if (!invoice.invoice_items) return undefined;
  const micros = invoice.invoice_items
    .filter((item) => INVOICE_CALL_ITEM_TYPES.includes(item.type))
    .reduce((sum, item) => {
      try {
        return sum + parseMicros(normalizeDecimal(item.amount));
      } catch {
        throw new ProviderError('carrierx', 'malformed', { upstreamMessage: `invoice ${invoice.invoice_sid} has an item amount that is not a decimal: "${item.amount.slice(0, 20)}"` });
      }
    }, 0n);
  return { amount: formatMicros(micros), currency: CURRENCY };
}

export function partnerToBalance(partner: WirePartner): Balance {
  const creditLimit =
    POSTPAY_CREDIT_FROM_SPENDING_LIMIT && partner.payment_type === 'postpay' ? usd(partner.spending_limit) : undefined;
  return {
    available: usd(partner.balance) ?? { amount: '0', currency: CURRENCY },
    creditLimit,
  };
}
