/**
 * Every guess the VITCOM adapter makes where the API document (seed 002, digested in
 * shared/reference/vitcom-did-api.md) is silent or contradicts itself. A live account should
 * correct these, and nothing else should need to change.
 */
import { CARRIER_REJECTION_PATTERNS, type PortRejectionPatterns } from '../port-rejections';
import type { LedgerEntry, PortInStatus } from '../types';

/**
 * §1 "Base URL": the document gives none. A public client uses `https://customer.vitcom.net/api/did/`
 * + endpoint name, so a live connection's base URL is that prefix and adapter paths stay `/searchdid`.
 */
export const LIVE_BASE_URL_HINT = 'https://customer.vitcom.net/api/did';

/** §1 "Auth scheme": no verb is documented; the public client POSTs every call as a form. */
export const REQUEST_METHOD = 'POST' as const;

/** §1 "Response format": write endpoints list "200 / 201" but every example body says "200". */
export const SUCCESS_STATUSES: readonly string[] = ['200', '201'];

/** §1 "Timestamps": `YYYY-MM-DD HH:MM:SS` carries no zone; we read it as UTC (FOC dates are said to be UTC). */
export const WIRE_TIMEZONE = 'UTC' as const;

/** §1 "Money": no currency field anywhere; VITCOM is a US carrier. */
export const CURRENCY = 'USD' as const;

/** §1 "Numbering": only US states appear; we treat the provider as US-only. */
export const COUNTRIES: readonly ('US' | 'CA')[] = ['US'];

/**
 * §3.16: hold lifetime is undocumented. The response carries no expiry, so the adapter computes
 * `expiresAt` from this, and the sandbox expires carts after the same time.
 */
export const HOLD_TTL_MS = 15 * 60_000;

/**
 * §3.16: whether repeated `/reserve` calls share a cart is undocumented. We send the open cart's
 * `reserveId` with a follow-up `/reserve` (needed when one hold mixes local and toll-free numbers,
 * which need separate calls); the sandbox honours it, otherwise each call opens a new cart.
 */
export const RESERVE_ACCEPTS_RESERVE_ID = true;

/**
 * §2 O8: `/reserve` documents `number` as one 10-digit number, but its response lists several TNs
 * joined by " , ", so we send a comma-separated list like `/updatenumber` takes.
 */
export const RESERVE_NUMBER_LIST_SEPARATOR = ',';

/** §2 O3/O11: `statusid` "0" in search results is presumably "available". */
export const AVAILABLE_STATUS_ID = '0';

/** §2 O11/O12: number status codes are documented: Active 1, Inactive 0, Cancelled 2. */
export const NUMBER_STATUS = { inactive: '0', active: '1', cancelled: '2' } as const;

/** §2 O6/T2: trunk `status` "1" is presumably active; anything else is disabled. */
export const TRUNK_ACTIVE_STATUS = '1';

/**
 * §2 T1–T3: a termination trunk cannot be edited or re-enabled, so an update that changes its IP,
 * ports or cps disables it and defines a new one with a new upstream id. The upstream does not
 * force a new trunkRef on us, though: the ref is ours (`o<id>+t<id>…`). A group therefore KEEPS
 * the ref it was created with (o400109+t400110 stays o400109+t400110 after its termination side
 * became t400111), and getTrunk / updateTrunk / listTrunks / orders / stats resolve it to the
 * upstream ids currently behind it, kept in the connection state under `trunk-members:<ref>`
 * (absent while they are still the ones the ref names). Nothing upstream links an origination
 * trunk to its termination trunks (termination rows carry no title), so the state is the only
 * record; if it were lost, the ref would read as its original, by then disabled, members. [INF]
 */
export const TRUNK_REF_IS_STABLE = true;

/**
 * §2 O12 / §3.19: `/updatenumber` with `trunkId` re-points numbers at an origination trunk group
 * (that is the trunk group's `o<id>`; termination trunks carry no DIDs). Routing to a trunkRef
 * without an origination side is refused as `invalid`.
 *
 * routeNumbers(null), "back to the upstream's default": VITCOM has none. Every number sits on an
 * origination trunk (`trunk_id` is required to order, §3.17) and `/updatenumber` documents no way to
 * clear it. We take the default to be the trunk an order without a trunkRef goes to: the account's
 * first active origination trunk group, lowest id first. [INF]
 */
export const DEFAULT_ROUTE_IS_FIRST_ORIGINATION_TRUNK = true;

/**
 * §2 O12: `number` takes a comma-separated list, but what a list with one bad number does (fail
 * whole, or route the rest) is undocumented; the sandbox fails the whole call with 404 "Invalid
 * number". routeNumbers first drops the numbers `/getnumbers` does not list as ours (cancelled
 * ones included, status 2), sends the rest in one call, and when that is refused sends them one
 * by one so each refusal lands on its own number (a repeat is harmless: it sets the same trunk). [INF]
 */
export const ROUTE_BATCH_THEN_ONE_BY_ONE = true;

/**
 * §2 O11: a `/getnumbers` row names its trunk only by the origination IP (`trunkGroup`) and tech
 * prefix (`prefix1`), so two trunk groups delivering to the same IP (and prefix) cannot be told
 * apart from the row. listNumbers joins a row to the one trunk with that IP and prefix; when
 * several match, it asks `/getnumbers` with the documented `trunkId` filter once per candidate. [INF]
 */
export const DISAMBIGUATE_TRUNK_BY_FILTER = true;

/** §2 O5: `billingType` is required but the portal's trunk model has no billing plan; we pick per-minute. */
export const ORIGINATION_BILLING_TYPE = 'Metered' as const;

/** §2 T1: `ports` (1–1000) is required for a termination trunk; used when the spec has no maxChannels. */
export const DEFAULT_TERMINATION_PORTS = 10;

/** §3.30: transport is never mentioned; SIP over UDP is the norm for IP-authenticated trunks. */
export const ORIGINATION_TRANSPORT = 'udp' as const;

/** §3.16/O7: partial updates cannot clear a field; we assume an empty value clears the secondary route. */
export const EMPTY_VALUE_CLEARS_FIELD = true;

/**
 * §2 O18 / §3.21: LNP `status` is "1" in both examples and the document has no enum and no status
 * vocabulary at all. THIS WHOLE TABLE IS A GUESS, shaped after the order states of the Bandwidth-like
 * back end the field names suggest (§1): submitted, pending, FOC, complete, rejected, cancelled. A live
 * account must confirm it. A word not in it maps to `unknown`, shown to staff verbatim, never to pending.
 * The doc's first example (status "1" with an `actualFocDate`) reads as FOC, hence FOC_DATE_MEANS_FOC.
 */
export const LNP_STATUS: Readonly<Record<string, PortInStatus>> = {
  '0': 'submitted',
  '1': 'pending',
  '2': 'foc_scheduled',
  '3': 'completed',
  '4': 'exception',
  '5': 'cancelled',
};
export const FOC_DATE_MEANS_FOC = true;
/** What `upstreamStatus` says when an order row has no `status` at all. */
export const LNP_STATUS_MISSING = '(no status)';

/**
 * §2 O18 carries no rejection field; the sandbox's `rejectReason` (a live API may send one too) is read
 * as a typed exception by the losing carriers' usual words (lib/providers/port-rejections.ts). A
 * rejected order without one is `other` with this text.
 */
export const PORT_REJECTION_PATTERNS: PortRejectionPatterns = CARRIER_REJECTION_PATTERNS;
export const LNP_REJECTED_WITHOUT_REASON = 'Rejected by VITCOM (no reason given)';

/**
 * §2 O16: "generated the order for Accepted numbers only": the others of a submitted order are
 * silently dropped. The adapter keeps what it asked for and shows each dropped number as an exception
 * with this text; /check_lnp gives no reason either (§2 O15).
 */
export const LNP_NOT_ACCEPTED_MESSAGE = 'Not accepted by VITCOM for porting (no reason given)';
export const LNP_REQUESTED_STATE_PREFIX = 'port-requested:';

/**
 * §2 O15: /check_lnp answers accepted or rejected with no reason and names no rate centre. A number it
 * accepts is one VITCOM will take, so its rate centre is read as served; a rejected one leaves that unsaid. [INF]
 */
export const LNP_ACCEPTED_MEANS_RATE_CENTER_SERVED = true;

/** §3.29: no rate limit is documented, and no webhooks (§1): ports are polled. One read per order every 5 minutes matches how fast the sandbox moves them. [INF] */
export const PORT_STATUS_POLL_INTERVAL_MS = 5 * 60_000;

/**
 * §2 O16: `carrier_doc` (a bill or CSR) is required beside the LOA. The customer's bill is sent when the
 * portal has one; otherwise the LOA goes in both fields, until a live account shows whether that is accepted.
 */
export const CARRIER_DOC_FALLS_BACK_TO_LOA = true;

/**
 * §2 O16: the only account/PIN inputs are `wirelessAccountNumber`/`wirelessPin`; we send the
 * losing carrier account number and PIN there. The subscriber/address fields that `/get_lnp_orders`
 * returns are sent too (the reference suggests the provider accepts them).
 */
export const LNP_SENDS_ACCOUNT_AS_WIRELESS = true;

/** §2 O16: `requestedFocDate` wants `YYYY-MM-DD HH:MM:SS` UTC; a bare date gets this time of day. */
export const FOC_DEFAULT_TIME = '12:00:00';

/**
 * §3.25: a day's CDR files list the calls that have ended, under the day each started: a window is
 * read again from 4 hours before it, so a call still running when the window before it was read is
 * not lost (a call read again is a duplicate).
 */
export const CDR_PULL_LATE_LOG_MS = 4 * 60 * 60 * 1000;

/**
 * §3.25: daily CDR CSV columns are undocumented. These are the header names the adapter reads
 * (case-insensitive); the sandbox writes the same. `timestamps` are `YYYY-MM-DD HH:MM:SS` UTC.
 */
export const CDR_CSV_COLUMNS = {
  callId: 'call_id',
  start: 'start_time',
  answer: 'answer_time',
  end: 'end_time',
  from: 'ani',
  to: 'dnis',
  duration: 'duration',
  billsec: 'billsec',
  pddMs: 'pdd_ms',
  sipCode: 'sip_code',
  disposition: 'disposition',
  cost: 'cost',
  trunk: 'tg_id',
} as const;

/** §3.25: disposition words in the CSV (our invention, mirroring common switch exports). */
export const CDR_DISPOSITIONS: Record<string, 'answered' | 'busy' | 'no_answer' | 'failed' | 'cancelled'> = {
  ANSWERED: 'answered',
  BUSY: 'busy',
  'NO ANSWER': 'no_answer',
  FAILED: 'failed',
  CANCEL: 'cancelled',
  CANCELLED: 'cancelled',
};

/**
 * §3.25/§3.28: CDR and invoice links are absolute URLs on the provider's site, not under the API
 * prefix. We fetch them through the shared HTTP client only when they share the base URL's origin.
 */
export const FILES_SHARE_API_ORIGIN = true;

/**
 * §2 B1: invoice rows carry only a date and a PDF. Totals are read from `/financial_summary`:
 * the debits dated inside the invoice's period (previous invoice date up to this one).
 */
export const INVOICE_TOTAL_FROM_LEDGER = true;
/** §2 B1: the example looks monthly; the first invoice's period starts this many days earlier. */
export const INVOICE_PERIOD_DAYS = 30;
/** §3.26: the account is prepaid, so an issued invoice has already been paid from the balance. */
export const INVOICE_STATUS = 'paid' as const;

/** §2 B2: the filter value that returns every ledger row. */
export const LEDGER_ALL_ACTIVITY = 'All Activity';

/**
 * §2 B2 lists the activity types; what each is for is read from its name. That `Call Charges` is
 * booked once per UTC day (so it can be reconciled day by day) is not in the document: inferred.
 */
export const LEDGER_ACTIVITY_KINDS: Readonly<Record<string, NonNullable<LedgerEntry['kind']>>> = {
  'Call Charges': 'usage',
  'Test Call Credit': 'credit',
  'Bank Transfer': 'payment',
  'Paypal Transfer': 'payment',
  'Credit Card': 'payment',
  'Payment Cancelled': 'payment',
  'Payment Refund': 'payment',
  'Bank Fee': 'fee',
  'Paypal Fee': 'fee',
  'Credit Card Fee': 'fee',
  'USF Tax Deduction': 'tax',
  'Order (New DIDs)': 'order',
  'Order (LNP)': 'order',
};
export const CALL_CHARGES_BY_UTC_DAY = true;

/** §3.29: no pagination upstream; the adapter pages `/getnumbers` itself with this default size. */
export const DEFAULT_PAGE_SIZE = 100;
