/**
 * Every guess this adapter makes where the VoiceMeUp "XML Engine API" seed (004) is silent or
 * contradicts itself. Section numbers point into /work/shared/reference/voicemeup.md (the digest),
 * `Lnn` into the seed. A live account should correct these constants, and nothing else should
 * need to change.
 */

/** §1.1: one RPC endpoint; the operation is picked by `request_type`. The path is verbatim (L14). */
export const ENDPOINT_PATH = '/xml_engine/xml_engine.php';
export const LIVE_BASE_URL = 'https://developer.voicemeup.com';

/** §1.3: the method is never stated; the only example is a query string, so every call is a GET. */
export const HTTP_METHOD = 'GET' as const;

/**
 * §0.1: only seven request-type names are verbatim (get_calls, get_recordings, get_voicemails,
 * call_dispatch, get_account_preferences, get_funding_details, report_call_issue). The rest are
 * INFERRED from each section's prose and the naming style; the digest lists alternatives beside each.
 */
export const REQUEST_TYPES = {
  getCalls: 'get_calls', // VERBATIM (L21)
  getFundingDetails: 'get_funding_details', // VERBATIM (L208)
  getDids: 'get_dids', // INFERRED §2.2 #8
  setDid: 'set_did', // INFERRED §2.2 #9 (alt. update_did)
  getDidInventory: 'get_did_inventory', // INFERRED §2.2 #10 (alt. get_dids_inventory)
  addDid: 'add_did', // INFERRED §2.2 #11 (alt. order_did, purchase_did)
  getAreaCodes: 'get_area_codes', // INFERRED §2.2 #13 (alt. get_npas)
  getRatecenters: 'get_ratecenters', // INFERRED §2.2 #15
  getPeers: 'get_peers', // INFERRED §2.3 #16
  setPeer: 'set_peer', // INFERRED §2.3 #17 (alt. update_peer)
  getTransactions: 'get_transactions', // INFERRED §2.4 #25 (alt. get_account_transactions)
  e911GetEndpoints: 'e911_get_endpoints', // INFERRED §2.5 #32 (alt. get_e911)
  e911ValidateAddress: 'e911_validate_address', // INFERRED §2.5 #33
  e911UpdateAddress: 'e911_update_address', // INFERRED §2.5 #36 (alt. e911_provision)
  e911DeleteAddress: 'e911_delete_address', // INFERRED §2.5 #37
} as const;

/**
 * §0.4, §1.4: the seed prints no XML at all. The envelope below is MODELED: a `<response>` root
 * holding `<status>` ("success" / "failed"; "failed" is the only verbatim status value, L237),
 * `<errors><error><type/><description/></error></errors>` ("Error type" is the seed's column name,
 * L306) and `<notices>` for the codes that read as warnings (§3.1).
 */
export const ENVELOPE = {
  root: 'response',
  failedStatus: 'failed',
} as const;

/**
 * Element names of every list in a response; all MODELED except `calls/call_details`, which follows
 * the 2010 third-party script quoted in §1.4 (EXTERNAL evidence). fast-xml-parser is told these are
 * always arrays, so a one-row answer does not collapse into an object.
 */
export const LIST_PATHS = [
  'response.errors.error',
  'response.notices.notice',
  'response.calls.call_details',
  'response.dids.did',
  'response.inventory.did',
  'response.area_codes.area_code',
  'response.ratecenters.ratecenter',
  'response.peers.peer',
  'response.transactions.transaction',
  'response.endpoints.endpoint',
  'response.alternate_addresses.address',
] as const;

/** §1.5: error placement and HTTP status are undocumented; errors are read from the body, whatever the status. */
export const ERRORS_COME_WITH_HTTP_200 = true;

/**
 * §1.2: `currency` defaults to CAD upstream. We send it on every call so amounts are in a known
 * currency; a connection may set `currency` = "USD" among its credentials. EUR exists upstream but
 * not in our domain Money.
 */
export const DEFAULT_CURRENCY = 'CAD' as const;

/**
 * §3.4: CDR `date` + `time` carry no zone. VoiceMeUp is a Montréal company, so we read them as
 * Eastern time; a connection may override with a `time_zone` credential (IANA name).
 */
export const DEFAULT_TIME_ZONE = 'America/Toronto';

/** §3.2: the digest recommends the maximum page size for `get_calls` (1..1000, default 25). */
export const CDR_PAGE_MAX = 1000;
export const CDR_PAGE_DEFAULT = 1000;

/**
 * §3.2: `pullCdrs` reads the first page as a date range (whole days in the account's zone, in log
 * order like the cursor; the order is undocumented, the digest's simulator rule) and resumes with
 * the `unique_id` cursor: calls logged after the last row read, in log order. The cursor mode has
 * no end date, so every row is trimmed to [since, until) and the walk stops at the first row that
 * started CDR_LOG_GRACE_MS or more after `until`. That rests on a guess: a call's CDR is logged
 * within that time of its start (talk time plus logging delay), so every call of the window sits
 * before that row in the log. A call longer than this (a stuck channel) would be missed by a pull
 * that reaches it only through the cursor. [INF]
 */
export const CDR_LOG_GRACE_MS = 24 * 60 * 60 * 1000;

/**
 * Upstream `get_calls` requests one `pullCdrs` page may spend skipping rows outside the window
 * before it hands back what it has (possibly nothing) with a cursor to go on. [INF]
 */
export const CDR_MAX_CALLS_PER_PAGE = 5;

/**
 * §1.4 (EXTERNAL): only "answered" is ever seen in `status`. The rest of the vocabulary is guessed
 * from Asterisk dispositions (VoiceMeUp runs Asterisk-style peers); unknown values map to 'failed'.
 */
export const CALL_STATUS_MAP: Record<string, 'answered' | 'busy' | 'no_answer' | 'failed' | 'cancelled'> = {
  answered: 'answered',
  busy: 'busy',
  'no answer': 'no_answer',
  noanswer: 'no_answer',
  no_answer: 'no_answer',
  failed: 'failed',
  congestion: 'failed',
  chanunavail: 'failed',
  cancel: 'cancelled',
  cancelled: 'cancelled',
  canceled: 'cancelled',
};

/**
 * §1.4 (EXTERNAL): `duration` is seconds. Nothing says whether it counts ringing; we treat it as
 * the billable talk time of answered calls and 0 for the rest. No PDD, SIP code or answer time is
 * reported (§4), so those Cdr fields stay empty.
 */
export const DURATION_IS_TALK_TIME = true;

/**
 * §3.4 "negative unless followed by CR" (L211, VERBATIM) holds for account_balance and funds_left.
 * We apply the same marker to transaction amounts (a plain amount is a charge, "CR" a credit);
 * that part is a guess.
 */
export const CREDIT_MARKER = /\s*CR\s*$/i;

/**
 * §2.4 #24: only account_balance and funds_left are named. We read funds_left − balance as the
 * credit line (funds you may still spend beyond the balance) when it is positive.
 */
export const FUNDS_LEFT_INCLUDES_CREDIT_LINE = true;

/** §2.2 #10: the inventory has no price (§4: "no per-DID price"); features are a guess per type. */
export const INVENTORY_FEATURES = {
  local: ['voice', 'fax', 'e911', 'cnam'],
  tollfree: ['voice', 'fax'],
} as const;

/** §2.2 #11: `add_did` returns nothing documented for a number that is gone; we read these codes as "no longer available". */
export const ADD_DID_UNAVAILABLE_CODES = ['phone_number_invalid', 'did_id_invalid', 'phone_number_not_found'] as const;

/**
 * §3.4: array parameters (`options`, `client_peer_ids`) have no documented encoding; `client_peer_ids`
 * is "comma separated" in set_did (L84), so every array goes out comma-joined.
 */
export const ARRAY_SEPARATOR = ',';

/**
 * §2.3 #17: `friendly_name` must be "alphanumeric, 2–32". We strip everything else (spaces too)
 * rather than have every trunk named "Main trunk" rejected.
 */
export const FRIENDLY_NAME = { pattern: /[^A-Za-z0-9]/g, min: 2, max: 32 } as const;

/** §2.3 #17: codecs "g729", "ulaw", "alaw", "g726", "gsm", "ilbc"; common SDP names map onto them. */
export const CODEC_ALIASES: Record<string, string> = {
  g729: 'g729',
  ulaw: 'ulaw',
  pcmu: 'ulaw',
  g711u: 'ulaw',
  alaw: 'alaw',
  pcma: 'alaw',
  g711a: 'alaw',
  g726: 'g726',
  gsm: 'gsm',
  ilbc: 'ilbc',
};

/**
 * §4: peers are single SIP endpoints (host, auth, codecs), not trunk groups. A peer carries both
 * directions, talks UDP on 5060 unless told otherwise (neither is documented), and takes one IPv4
 * `host` ("valid IP address"). `updateTrunk` therefore refuses (ProviderError `invalid`) a spec it
 * could not store instead of dropping the parts: a maxChannels or maxCps (no such peer fields), a
 * direction other than `both`, more than one allowed IP or destination, a destination whose host
 * differs from the allowed IP or whose port/transport is not 5060/UDP, and any address on a
 * digest-only (dynamic) peer. No destinations means "deliver to the peer's host". [INF]
 */
export const PEER_DEFAULTS = { direction: 'both', port: 5060, transport: 'udp' } as const;

/**
 * §2.2 #9 / §4: a DID reaches a peer through `set_did` `client_peer_ids` (up to 5, comma separated)
 * plus the `enable_peer` option; there is no trunk group, so a trunkRef is one peer id. [INF] on
 * everything past that:
 * - routing to a peer sets `client_peer_ids` to that one peer and adds `enable_peer`; it drops
 *   `enable_forwarding` and `enable_ivr`, which would compete for the call (which one wins is
 *   undocumented), and keeps the rest (voicemail as the no-answer fallback, recording, fax);
 * - `options` is sent as the full desired set (§3.4: replace-or-add is undocumented), so the DID's
 *   current options are read with `get_dids` first;
 * - routeNumbers(null), "back to the upstream's default": a DID as `add_did` leaves it, with no peer.
 *   We send `client_peer_ids` empty (the documented default is NULL; clearing with an empty value is
 *   a guess) and the options without `enable_peer`;
 * - a DID whose options list something but not `enable_peer` does not ring its peers, so
 *   listNumbers reports no trunkRef for it; with no options listed at all, the first peer counts.
 */
export const ROUTE_OPTION = 'enable_peer';
export const ROUTE_REPLACES_OPTIONS: readonly string[] = ['enable_forwarding', 'enable_ivr'];
export const UNROUTED_PEER_IDS = '';

/**
 * §2.5 #33: `e911_validate_address` REQUIRES a `phone_number` although validation is about the
 * address. We validate against one of the account's own DIDs (the first from get_dids, cached).
 */
export const E911_VALIDATION_USES_ACCOUNT_DID = true;

/**
 * §2.5 #36: first_name and last_name are required to provision. When the record has no caller
 * name we split the address `name`, and fall back to this placeholder.
 */
export const E911_NAME_FALLBACK = { first: 'Subscriber', last: 'Unknown' } as const;

/**
 * §2.5 #32: `e911_get_endpoints` with no argument "will return all e911 endpoints locations"; the
 * seed does not say what an account with none answers. We read an empty `<endpoints/>` as no
 * records, and also `no_e911_endpoint_found` ("Number is not provisioned.", documented for a
 * phone_number lookup), in case the upstream answers an empty account that way. The endpoint
 * element is MODELED on the `e911_update_address` result (address fields + client_endpoint_id,
 * phone_number, first_name, last_name), like every other element name here.
 */
export const E911_NOT_FOUND_MEANS_NO_ENDPOINTS = true;

/**
 * §3.4 / #36: `language` is both the global UI parameter and the e911 subscriber language; we send
 * neither, so the account's preferred language applies.
 */
export const SEND_LANGUAGE = false;

/** §3.1: codes that come back as warnings beside a usable answer, not as failures. */
export const NOTICE_CODES = [
  'callerid_rejection_notice',
  'peer_excluded_from_sync',
  'alternate_address_provided',
  'last_endpoint_was_deleted',
] as const;

/** §2.5 #33/#36: the "may return failed and still contain alternate addresses" codes. */
export const E911_ADDRESS_FAILURE_CODES = [
  'alternate_address_provided',
  'civic_number_not_found',
  'street_not_found',
  'city_not_found',
  'state_not_found',
  'country_not_found',
  'postal_code_not_found',
] as const;

/** §3.3: countries, states and area codes are reference data; the doc asks callers to cache them. */
export const REFERENCE_CACHE_MS = 24 * 60 * 60 * 1000;

/** §3.3: no rate limit is documented; searches still cap their fan-out of inventory calls. */
export const SEARCH_MAX_INVENTORY_CALLS = 4;
