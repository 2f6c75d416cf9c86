/**
 * Every guess this adapter makes where VoiceTel's document (seed 001, "VoiceTel API 2.2.10") and its
 * OpenAPI spec are silent or contradict each other. References: [001] the rendered seed page,
 * [spec] shared/specs/voicetel-v2.2.openapi.json, [digest] shared/reference/voicetel-and-vicicarrier.md.
 * A live account should correct these, here and only here.
 */
import { CARRIER_REJECTION_PATTERNS, type PortRejectionPatterns } from '../port-rejections';
import type { RateBudget } from '../rate-budget';
import type { CallDisposition, NumberFeature, PortInStatus, TrunkAuth } from '../types';

export const API_PREFIX = '/v2.2';

/**
 * [001] intro: "Rate-limited endpoints: account, account/recurring-charges, account/cdr, account/api-key
 * — 6 requests per hour per IP". Whether the bucket is shared or per endpoint is unstated ([digest] §2.4);
 * each operation's own text says "6 requests per hour", so we keep one budget per endpoint.
 */
export const RATE_LIMIT_PER_HOUR = 6;
const HOUR_MS = 60 * 60 * 1000;
export const BUDGETS = {
  login: { name: 'voicetel:account/api-key', limit: RATE_LIMIT_PER_HOUR, windowMs: HOUR_MS },
  account: { name: 'voicetel:account', limit: RATE_LIMIT_PER_HOUR, windowMs: HOUR_MS },
  cdr: { name: 'voicetel:account/cdr', limit: RATE_LIMIT_PER_HOUR, windowMs: HOUR_MS },
  recurringCharges: { name: 'voicetel:account/recurring-charges', limit: RATE_LIMIT_PER_HOUR, windowMs: HOUR_MS },
  /**
   * [001] does not limit payments, but the api-collections README and the TS SDK say payments share
   * the 6/hour limit ([digest] §2.4). Being conservative costs little: payments change rarely.
   */
  payments: { name: 'voicetel:account/payments', limit: RATE_LIMIT_PER_HOUR, windowMs: HOUR_MS },
} satisfies Record<string, RateBudget>;

/** [spec] securitySchemes.bearerAuth: the key lives until the password changes; we persist it here. */
export const API_KEY_STATE_KEY = 'voicetel:apikey';

/**
 * [001] login sample sends `"username": "1000000001"` (string, as [spec] types it) while the intro
 * shows `<id>` unquoted and the SDKs send a JSON number ([digest] §2.2). We send the string.
 */
export const SEND_USERNAME_AS_NUMBER = false;

/**
 * A 401 means "bad bearer token" only sometimes: GET /e911/{dn} answers 401 "Number not on account"
 * and support endpoints 401 "Account row not found" ([digest] §3.3). These messages are not about the
 * key, so they must not trigger a re-login (which burns the 6/hour login budget).
 */
export const NON_AUTH_401_MESSAGES = [/not on account/i, /account row not found/i];

/** [digest] §2.5: system routes 1..8 are built in; user gateways have higher ids (example 1000). */
export const SYSTEM_ROUTE_IDS = [1, 2, 3, 4, 5, 6, 8];
/** [spec] orderCreateRequest: "Optional gateway_id on this account; defaults to 4" (the DID route). */
export const DEFAULT_ROUTE = 4;
/**
 * routeNumbers(null), "back to the upstream's default": [spec] says ordered and added numbers
 * default to route 4 (DID) ([digest] §3.18), so a null route is `PUT /numbers/{number}/route`
 * with {route: DEFAULT_ROUTE}. What route 4 does with a call is not described anywhere.
 */
export const UNROUTED_ROUTE = DEFAULT_ROUTE;
/**
 * [spec] PUT /numbers/{number}/route takes one number per call and documents only 200, 400
 * "Invalid route" and 401. A number that is not on the account is answered with some 4xx (the
 * sandbox: 400 "Number not on account"): any refusal of one number is reported for that number.
 */
export const ROUTE_ONE_NUMBER_PER_CALL = true;

/** [spec] gatewayAddRequest.limit: "Max concurrent calls. Default: 23." */
export const DEFAULT_GATEWAY_LIMIT = 23;
export const DEFAULT_SIP_PORT = 5060;

/**
 * [spec] authPutRequest.authType: 0 Digest only, 1 IP allowlist only, 2 Digest OR IP, 3 Digest AND IP.
 * Our `both` is read as "both required" (3); 2 is read back as `both` as well, since either one works.
 */
export const AUTH_TYPE_BY_TRUNK_AUTH: Record<TrunkAuth, number> = { digest: 0, ip: 1, both: 3 };
export const TRUNK_AUTH_BY_AUTH_TYPE: Record<number, TrunkAuth> = { 0: 'digest', 1: 'ip', 2: 'both', 3: 'both' };

/**
 * The `password` of PUT /v2.2/auth is described only as "6-10 alphanumeric characters" ([digest]
 * §2.6.3). We treat it as the SIP digest password, separate from the API login password (otherwise
 * setting it would break our own login, and [001] never says so).
 */
export const AUTH_PASSWORD_IS_SIP_ONLY = true;

/**
 * VoiceTel gateways are flat: no name, direction, codecs, CPS, transport, failover or weights
 * ([digest] §4 "Trunk groups"). One trunk group = one gateway; the first destination by priority
 * is the gateway address; the rest is kept in connection state so reads return what was set.
 */
export const TRUNK_META_STATE_PREFIX = 'voicetel:trunk:';
export const DEFAULT_TRUNK_DIRECTION = 'both' as const;

/**
 * deleteTrunk is `DELETE /gateways/{id}` → 204 ([spec] gatewaysDelete; [digest] §2.6.5). Its 404 is
 * read as "already gone" (the spec's example body for it is a copy-paste, "Field Required: number").
 * Its 409 "Cannot remove — DIDs still routed to it" is passed on as conflict: the adapter does not
 * move numbers off on its own. The account-wide SIP auth type and IP ACL are left as they are (other
 * gateways may need those CIDRs); whether VoiceTel itself touches the ACL on delete is not said, and we
 * assume it does not. System route ids are never sent (they are read-only; the answer is undocumented).
 */
export const DELETE_GATEWAY_KEEPS_ACL = true;

/** Our "release" maps to DELETE /numbers/{number} (remove from account), not POST …/release, which
 * returns the number to the network for good ("cannot be re-assigned", [digest] §3.17). */
export const RELEASE_USES_DELETE = true;

/** [spec] orders: `numbers` max 100 per request; we split larger orders and suffix the key per chunk. */
export const MAX_NUMBERS_PER_ORDER = 100;
/** [spec] Idempotency-Key pattern. */
export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

/** [spec] inventorySearch.quantity: "Maximum results, 1–1000." */
export const MAX_INVENTORY_QUANTITY = 1000;

/**
 * `tnMask` is "Prefix or wildcard pattern; 201, 201555, 201555*" ([spec] gives no length): it is
 * read as anchored at the start only, `*` being any run of digits, and at most 10 characters (the
 * sandbox refuses longer ones with 400 "Invalid tnMask"). [INF] A search it cannot say exactly (an
 * area code with a vanity word, a pattern anchored at the end) asks for the widest mask that holds
 * and filters what comes back.
 */
export const TN_MASK_MAX_LENGTH = 10;

/**
 * The inventory has no toll-free flag or search parameter ([digest] §4 "DID search"); toll-free
 * numbers are searched by their 8xx prefix as `tnMask`, one prefix at a time.
 */
export const TOLL_FREE_SEARCH_BY_PREFIX = true;

/** Inventory items carry no feature flags. US local numbers get e911 (US-only service, [digest] §3.19). */
export const FEATURES_LOCAL_US: NumberFeature[] = ['voice', 'sms', 'e911', 'cnam'];
export const FEATURES_LOCAL_CA: NumberFeature[] = ['voice', 'sms', 'cnam'];
export const FEATURES_TOLL_FREE: NumberFeature[] = ['voice'];

/** Canadian province codes: inventory `province` in this set means country CA. */
export const CA_PROVINCES = ['AB', 'BC', 'MB', 'NB', 'NL', 'NS', 'NT', 'NU', 'ON', 'PE', 'QC', 'SK', 'YT'];

/** Account rates from GET /account (6/hour) are cached in state so searches can show `rates.did`. */
export const ACCOUNT_RATES_STATE_KEY = 'voicetel:account:rates';

/**
 * [spec] GET /account/cdr rows carry no disposition, SIP cause, answer time or PDD ([digest] §4). Rows
 * with a billed duration are read as answered; zero-duration rows (if the upstream sends any) as this.
 */
export const ZERO_DURATION_DISPOSITION: CallDisposition = 'no_answer';
/**
 * [spec] and [digest] §4: CDR rows carry no direction field, yet the account's inbound calls (to its
 * DIDs) are billed there too. A row whose called number (`dst`) is one of the account's own numbers
 * (GET /numbers, not rate-limited) is read as inbound; every other row as outbound.
 */
export const CDR_INBOUND_WHEN_DST_OWNED = true;
/**
 * [spec] types `dst` as a ten-digit number, but international calls cannot fit. We read the forms a
 * US switch logs: `011` + country code + number (the NANP international prefix), 11 digits with a
 * leading `1`, or more than 11 digits as country code + number. Nothing gets `+1` unless it is NANP.
 */
export const CDR_INTERNATIONAL_PREFIX = '011';
/**
 * [spec] rows give only a start time and a billed duration (no ring or answer time): an answered
 * call is taken as answered at its start (ring time unknown, read as 0) and ending `dur` seconds later.
 */
export const CDR_ANSWER_AT_START = true;
/**
 * 6 CDR reads an hour per source IP ([001]), shared by every connection to the host: the scheduled
 * pull takes one window every 30 minutes (2 an hour), leaving the rest for on-demand reads and retries.
 * The range has no page size, so one window is one request; 24 h is the upstream's own default range.
 */
export const CDR_PULL_MIN_INTERVAL_MS = 30 * 60 * 1000;
export const CDR_PULL_MAX_WINDOW_MS = 24 * 60 * 60 * 1000;
/**
 * [spec] rows are keyed by their start time, and a call shows once it has ended: a window is read
 * again from 4 hours before it, so a call up to that long, still running when the window before it
 * was read, is not lost. One window is one request all the same.
 */
export const CDR_PULL_LATE_LOG_MS = 4 * 60 * 60 * 1000;
/** No pagination on /account/cdr: one pull returns the whole range, so `limit` and `cursor` are not used. */
export const CDR_RANGE_IS_ONE_PAGE = true;

/**
 * [spec] portSubmitRequest.desiredDueDate is typed `date-time` (sample "2026-05-18T12:00:00Z") but
 * described "(YYYY-MM-DD)". We send the typed form at noon UTC.
 */
export const formatDesiredDueDate = (date: string) => `${date}T12:00:00Z`;

/** [digest] §3.16: availability must be confirmed within the prior hour; we re-check after 50 minutes. */
export const PORTABILITY_FRESH_MS = 50 * 60 * 1000;
export const PORTABILITY_STATE_PREFIX = 'voicetel:portable:';
/** POST /ports has no idempotency key and charges $6/TN: our reference → pid is remembered in state. */
export const PORT_REFERENCE_STATE_PREFIX = 'voicetel:port-ref:';

/**
 * [spec] portSummary.status is free text with no enum ([digest] §2.6.6: "map defensively"); the words
 * below are guesses from the spec's one example ("Complete") and common LNP wording. Matched in order,
 * case-insensitively ("FOC Received" is FOC, not "received"); a word none of them matches is `unknown`,
 * shown to staff verbatim, never read as pending.
 */
export const PORT_STATUS_PATTERNS: readonly (readonly [RegExp, PortInStatus])[] = [
  [/\bpartial(?:ly)?\b.*\b(?:complete|ported)/i, 'partially_completed'],
  [/\bcompleted?\b|\bported\b|\bactivated\b/i, 'completed'],
  [/reject|denied|fail|exception/i, 'exception'],
  [/cancel/i, 'cancelled'],
  [/\bfoc\b|confirmed|scheduled/i, 'foc_scheduled'],
  [/pend|progress|review/i, 'pending'],
  [/submit|received|\bnew\b|\bopen\b/i, 'submitted'],
];

/**
 * [spec] a rejected port carries its reason only in the free-text `message`. Read as a typed exception
 * by the losing carriers' usual words (lib/providers/port-rejections.ts); VoiceTel has no code of its own.
 */
export const PORT_REJECTION_PATTERNS: PortRejectionPatterns = CARRIER_REJECTION_PATTERNS;

/**
 * GET /ports/{pid} is not among the 6/hour endpoints ([001] intro), so polling spends none of
 * BUDGETS. Ports move in hours or days, and the list endpoint's 502 "Port-status backend was not
 * reachable" says the backend is fragile: one read per order every 10 minutes is plenty.
 */
export const PORT_STATUS_POLL_INTERVAL_MS = 10 * 60_000;

/**
 * [spec] availability names no rate centre and says nothing of coverage, only `portable` with the
 * network's `reason`. A portable answer is read as "VoiceTel serves the rate centre"; a refusal whose
 * reason speaks of the rate centre or coverage as "it does not"; any other refusal leaves it unsaid.
 */
export const RATE_CENTER_REFUSAL_PATTERN = /rate\s*cent(?:er|re)|coverage/i;
/**
 * [spec] availability has no wireless flag; a losing carrier whose name says wireless or mobile is
 * read as a wireless number (its carrier will want the port-out PIN). Other names leave it unsaid.
 */
export const WIRELESS_CARRIER_PATTERN = /wireless|mobil|cellular|\bpcs\b/i;

/**
 * [001] POST /ports answers with `pid`, `loaUrl`, `message`, but no status: the adapter reads the port
 * back once (GET /ports/{pid}) for the upstream's own status word, and falls back to this when that
 * read fails after the port was already placed (and charged).
 */
export const PORT_SUBMITTED_STATUS_WORD = 'Submitted';

/**
 * [digest] §2.6.6: no LOA upload endpoint and no document upload of any kind. The LOA is signed at
 * `loaUrl` (kept from the submit answer); a bill the portal holds is not sent anywhere.
 */
export const PORT_DOCUMENTS_NOT_UPLOADED = true;

/** [spec] e911 POST requires `callername`; when neither the record nor the address names one. */
export const DEFAULT_E911_CALLER_NAME = 'SUBSCRIBER';
/** Address ids from POST /e911/validations are cached so provisioning can use PUT /e911/{dn}. */
export const E911_ADDRESS_STATE_PREFIX = 'voicetel:e911-address:';

/**
 * No invoice resource exists ([digest] §4 "Invoices"). Credits (with their `paid` flag, "customer
 * has fulfilled the invoice") are the nearest thing and are listed as invoices.
 */
export const INVOICES_FROM_CREDITS = true;

/** 402 (insufficient funds / service not enabled) has no domain kind: it is the caller's to fix. */
export const PAYMENT_REQUIRED_KIND = 'invalid' as const;

/** Money: account, credits, payments, MRC are float USD; VoiceTel sells in USD only. */
export const CURRENCY = 'USD' as const;

/** PayPal payment statuses that moved money to us (negative ledger) or back (positive). */
export const PAYMENT_CREDITED = ['Completed', 'Canceled_Reversal'];
export const PAYMENT_DEBITED = ['Reversed', 'Refunded'];
/** PayPal statuses where no money moved (yet): no ledger line. Any other status is refused as malformed, never skipped. */
export const PAYMENT_NOT_BOOKED = ['Created', 'Pending', 'Denied', 'Failed', 'Expired', 'Voided'];
