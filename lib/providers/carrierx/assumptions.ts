/**
 * Every guess this adapter makes where the CarrierX seed document (003, "Core API Reference") is
 * silent, truncated or self-contradictory. References: /work/shared/reference/carrierx.md (the
 * digest; §n below) and the seed itself. [EXT] = from current public docs, not in the seed, unverified.
 * A live account should be able to correct any of these by editing this one file.
 */
import type { TollFreePrefix } from '../types';

/** §1.1: the Core API lives under `/core/v2` of the host; the connection's base URL is the bare host. */
export const CORE_API_PREFIX = '/core/v2';

/**
 * §1.5 / §4.1: the documented default `limit` is 10 but some collections answer with 1000, so we
 * always send one. 1000 is the documented maximum.
 */
export const DEFAULT_PAGE_LIMIT = 100;
export const MAX_PAGE_LIMIT = 1000;

/**
 * §3.12 [EXT]: number search is `GET /phonenumber/available_dids` with `filter=` on the fields
 * `country_code`, `state`, `npa`, `npa_nxx`, `locality`, `capabilities` and `phonenumber`. The
 * "Browse Available DIDs" section is missing from the seed (§0.1), so path, fields and the item
 * shape (assumed to be the DID object of §3.10) are all unverified.
 */
export const AVAILABLE_DIDS_PATH = '/phonenumber/available_dids';
export const SEARCH_FILTER_FIELDS = {
  country: 'country_code',
  state: 'state',
  npa: 'npa',
  npaNxx: 'npa_nxx',
  rateCenter: 'locality',
  phonenumber: 'phonenumber',
} as const;

/**
 * [EXT] nothing says the inventory can be asked for consecutive runs, so `consecutive` in a search
 * query is not passed upstream: a whole page (`limit` = MAX_PAGE_LIMIT) is read and the first run of
 * `quantity` consecutive numbers in it is the answer; otherwise `quantity` becomes `limit`. [INF]
 */
export const SUPPORTS_CONSECUTIVE_SEARCH = false;

/** §3.10: `country_code` is ISO 3166-1 alpha-3 on DIDs. */
export const COUNTRY_ALPHA3 = { US: 'USA', CA: 'CAN' } as const;

/**
 * §3.12: toll-free is not a separate inventory in anything we have; we search toll-free as
 * `npa in (800, 833, …)` (or `npa eq` a single prefix) on the same endpoint. [INF]
 */
export const TOLL_FREE_NPAS: readonly TollFreePrefix[] = ['800', '833', '844', '855', '866', '877', '888'];

/**
 * §1.6: `like` uses `%` as its wildcard; our search pattern uses `*` for "any run of digits".
 * A pattern is matched against the 11-digit `phonenumber` (leading 1, no plus). [INF]
 */
export const PATTERN_WILDCARD = '%';

/**
 * §3.10: DID `price` is a decimal string with no billing period; we treat it as monthly, in USD
 * (CarrierX publishes USD prices; no currency field exists). [INF]
 */
export const DID_PRICE_PERIOD = 'monthly' as const;
export const CURRENCY = 'USD' as const;

/**
 * §3.10: renting takes no idempotency key. We tag each rented DID with our order id in the
 * user-defined `string_key_1` so `getOrder` can find what a crashed order did rent, and so
 * `orderNumbers` can look up, before renting, what an earlier call of the same order already rented
 * and report those lines `active` instead of renting again (a re-rent answers 404). [INF]
 */
export const ORDER_KEY_FIELD = 'string_key_1' as const;

/**
 * §5 "DID checkout": the error for "that number is no longer available" is not documented. The
 * sandbox answers 404 "no item error"; any 4xx other than auth is taken as "this line failed". [INF]
 */
export const RENT_LINE_FAILURE_KINDS = ['invalid', 'not_found', 'conflict'] as const;

/**
 * §3.10: a DID is routed by its `trunk_group_sid` ("routes the DID to a trunk group", create +
 * update, in the PATCH-modifiable list). routeNumbers PATCHes it one DID at a time, found by
 * `phonenumber eq` (a number not among the rented DIDs is reported as not on the account).
 * Unrouting ("back to the upstream's default") is undocumented: §1.3 only says a `null` value
 * removes a key of a nested object. We send `trunk_group_sid: null` at the top level and read a
 * DID without a trunk group as routed nowhere of ours (whatever CarrierX does with its calls). [INF]
 */
export const UNROUTE_TRUNK_GROUP_SID = null;

/**
 * §3.12 [EXT]: trunk groups → trunks → endpoints. The seed has only `POST /trunk_groups/{sid}/trunks`.
 * Mapping of the portal's one TrunkGroup model onto that tree [INF]:
 * - one CarrierX trunk group per portal trunk group (`name`);
 * - one trunk + one `third_party` endpoint per destination, named `<group>#dst<n>`: the trunk carries
 *   `priority`/`weight`, the endpoint one address (host, port, transport) with direction `inbound`
 *   (calls CarrierX delivers to the customer);
 * - one trunk + endpoint named `<group>#ingress` carrying the customer's allowed source IPs as
 *   addresses with direction `outbound` (calls the customer sends out), and the digest credentials
 *   as `sip_username`/`sip_password` on those addresses (§3.5: they are create+update there, while
 *   the endpoint-level `out_sip_*` are create-only);
 * - direction: `inbound` = no ingress trunk, `outbound` = no destination trunks, `both` = both;
 * - `maxChannels` → each trunk's `in_capacity` and `out_capacity`; `codecs` → trunk `codec` as a
 *   comma-separated string; `maxCps` has no CarrierX field and is not kept;
 * - there is no enable/disable flag, so `enabled` is always true.
 */
export const TRUNK_NAME_SEPARATOR = '#';
export const DESTINATION_TRUNK_SUFFIX = 'dst';
export const INGRESS_TRUNK_SUFFIX = 'ingress';
export const DESTINATION_ADDRESS_DIRECTION = 'inbound' as const;
export const INGRESS_ADDRESS_DIRECTION = 'outbound' as const;
export const CODEC_SEPARATOR = ',';
/** §3.5: address `ip` is "IP address or FQDN". We send CIDRs verbatim except a `/32`, which we strip. [INF] */
export const STRIP_HOST_CIDR = true;
/** §3.5: `port` defaults to 5060 and the ingress addresses need one. */
export const DEFAULT_SIP_PORT = 5060;

/**
 * §4.17: PATCH merges nested objects but arrays (`addresses`) are not discussed; we send endpoint
 * changes as PUT (the whole object), and scalar trunk changes as PATCH. [INF]
 */
export const ENDPOINT_UPDATE_METHOD = 'PUT' as const;
export const TRUNK_UPDATE_METHOD = 'PATCH' as const;

/**
 * §3.12 [EXT]: deleteTrunk is `DELETE /trunk_groups/{trunk_group_sid}` → 204, then
 * `DELETE /endpoints/{endpoint_sid}` (§3.5, 204) for the endpoints behind the group's `#dst<n>` and
 * `#ingress` trunks; a 404 on either is "already gone". Guesses [INF]: deleting a group takes its
 * trunks with it but not their endpoints (endpoints are top-level objects); whether CarrierX refuses
 * while DIDs are routed to the group is not documented (the sandbox unroutes them; a refusal would
 * throw as mapped). An endpoint another trunk group still points at is kept. The endpoint sids wait
 * in connection state under this prefix until they are gone, so a retry finishes a part-done delete.
 */
export const PENDING_ENDPOINT_DELETE_STATE_PREFIX = 'carrierx:trunk-delete:';

/**
 * §3.3 / §4.4–4.5: CDR paging with `after=<dr_sid>` follows `date_stop` order; the time window is a
 * `filter` on `date_stop` (the seed has no date-filter example). Voice only: `type eq telecom`. [INF]
 */
export const CDR_TIME_FIELD = 'date_stop';
export const CDR_VOICE_TYPE = 'telecom';

/**
 * §5 "Call quality": there is no call status; answered = `date_talk` set. SIP causes below decide the
 * rest. [INF]
 */
export const SIP_BUSY = [486, 600] as const;
export const SIP_NO_ANSWER = [408, 480] as const;
export const SIP_CANCELLED = [487] as const;

/**
 * §4.30: invoice statuses → portal statuses. `complete` (charged) and `paid: true` are paid;
 * `uncollectable` is void; `error` is unknown; the rest are still open. [INF]
 */
export const INVOICE_STATUS_OPEN = ['open', 'created', 'charging', 'pending', 'reviewing', 'declined'] as const;
export const INVOICE_STATUS_PAID = ['complete'] as const;
export const INVOICE_STATUS_VOID = ['uncollectable'] as const;
/**
 * §4.30 invoice item types that are voice minutes (what the portal's cost rating prices); `bridge`,
 * `tts` and the lookups are other services. [INF]
 */
export const INVOICE_CALL_ITEM_TYPES: readonly string[] = ['toll', 'toll_free'];

/**
 * §5 "Account / balance": `GET /oauth/whoami` carries `balance` (string). For `postpay` partners
 * `spending_limit` is read as the credit limit. [INF]
 */
export const POSTPAY_CREDIT_FROM_SPENDING_LIMIT = true;

/** §3.10 / §4.11: DID `phonenumber` is 11 digits without `+`. */
export const NANP_DIGITS = 11;
