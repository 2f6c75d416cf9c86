/**
 * The provider interface: domain types every adapter maps its wire format to, the capability groups
 * an adapter is made of, and the lookups services use to ask "can this one do X" instead of checking
 * provider names.
 */
import type { PortExceptionCode } from '../ports/types';
import type { ProviderError, Refusal } from './errors';
import type { ProviderHttp } from './http';
import type { RateBudget } from './rate-budget';
import type { ProviderStateStore } from './state-store';

export const PROVIDER_IDS = ['voicetel', 'vitcom', 'carrierx', 'voicemeup'] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];

export const CAPABILITIES = [
  'numbers.search',
  'numbers.hold',
  'numbers.order',
  'numbers.list',
  'numbers.release',
  'numbers.route',
  'trunks.create',
  'trunks.update',
  'trunks.read',
  'trunks.delete',
  'port.check',
  'port.submit',
  'port.status',
  'e911.validate',
  'e911.provision',
  'e911.remove',
  'e911.list',
  'cdrs',
  'invoices',
  'balance',
  'ledger',
] as const;
export type Capability = (typeof CAPABILITIES)[number];

/** Decimal string with up to 6 places ("0.0125"); never a float, since these are money. */
export type Amount = string;
export interface Money {
  amount: Amount;
  currency: 'USD' | 'CAD';
}

/** North American numbers are kept as E.164 (`+13125550100`). */
export type E164 = string;
export type NumberKind = 'local' | 'tollfree';
export type NumberFeature = 'voice' | 'sms' | 'mms' | 'fax' | 'e911' | 'cnam';

export const TOLL_FREE_PREFIXES = ['800', '833', '844', '855', '866', '877', '888'] as const;
export type TollFreePrefix = (typeof TOLL_FREE_PREFIXES)[number];

export interface NumberSearchQuery {
  kind: NumberKind;
  country?: 'US' | 'CA';
  /** Two-letter state or province. */
  state?: string;
  npa?: string;
  nxx?: string;
  rateCenter?: string;
  tollFreePrefix?: TollFreePrefix;
  /** Digits and `*` (any run of digits) only; vanity letters are mapped to keypad digits before here. */
  pattern?: string;
  quantity: number;
  consecutive?: boolean;
}

export interface AvailableNumber {
  e164: E164;
  kind: NumberKind;
  country: 'US' | 'CA';
  state?: string;
  rateCenter?: string;
  npa: string;
  nxx: string;
  features: NumberFeature[];
  /** What the upstream charges us, where it says. */
  cost?: { monthly?: Money; setup?: Money };
  /** Upstream-specific handle needed to hold or order this number, if any. */
  providerRef?: string;
}

export interface NumberHold {
  holdRef: string;
  numbers: E164[];
  expiresAt: Date;
}

export interface OrderRequest {
  numbers: E164[];
  /** Our order id; adapters pass it upstream as an idempotency key where the upstream takes one. */
  idempotencyKey: string;
  trunkRef?: string;
  holdRef?: string;
}

export type OrderLineStatus = 'active' | 'pending' | 'failed';
export interface OrderLine {
  e164: E164;
  status: OrderLineStatus;
  reason?: string;
}
export interface OrderResult {
  upstreamOrderId?: string;
  lines: OrderLine[];
}

export type OwnedNumberStatus = 'active' | 'pending' | 'suspended' | 'releasing';
export interface OwnedNumber {
  e164: E164;
  kind: NumberKind;
  status: OwnedNumberStatus;
  state?: string;
  rateCenter?: string;
  trunkRef?: string;
  e911Provisioned?: boolean;
  cost?: { monthly?: Money };
  providerRef?: string;
}

/**
 * Points owned numbers' inbound calls at a trunk group (`trunkRef` as createTrunk/getTrunk/listTrunks
 * hand it out), or back to the upstream's default routing when `trunkRef` is null.
 */
export interface RouteNumbersRequest {
  numbers: E164[];
  trunkRef: string | null;
}
/** One line per requested number, in request order: a number the upstream refuses is `ok: false` with a reason. */
export interface RouteNumberResult {
  e164: E164;
  ok: boolean;
  /** The upstream's words (for staff). */
  reason?: string;
  /** What the refusal means (lib/services/upstream-refusals.ts words it for the customer). */
  refusal?: Refusal;
}

export interface Page<T> {
  items: T[];
  /** Opaque; absent when there is no further page. */
  nextCursor?: string;
}

export type TrunkDirection = 'inbound' | 'outbound' | 'both';
export type TrunkAuth = 'ip' | 'digest' | 'both';
export interface TrunkDestination {
  host: string;
  port: number;
  transport: 'udp' | 'tcp' | 'tls';
  priority: number;
  weight: number;
}
export interface TrunkGroupSpec {
  name: string;
  direction: TrunkDirection;
  auth: TrunkAuth;
  /** CIDRs we accept traffic from (IP auth). */
  allowedIps: string[];
  /** Where inbound calls are delivered. */
  destinations: TrunkDestination[];
  maxChannels?: number;
  maxCps?: number;
  codecs?: string[];
  digestUsername?: string;
  /** Write-only: adapters send it, never return it. */
  digestPassword?: string;
}
export interface TrunkGroup extends Omit<TrunkGroupSpec, 'digestPassword'> {
  trunkRef: string;
  enabled: boolean;
}

export interface PortabilityResult {
  e164: E164;
  portable: boolean;
  losingCarrier?: string;
  reason?: string;
  /** Where the upstream names it. */
  rateCenter?: string;
  /** Whether the upstream serves the number's rate centre (can win it), where it says. */
  rateCenterPortable?: boolean;
  /** The LRN of the switch serving the number today, where the upstream reports it. */
  localRoutingNumber?: E164;
  /** A mobile number (the losing carrier will want the port-out PIN), where the upstream says. */
  wireless?: boolean;
}

export const PORT_IN_STATUSES = ['submitted', 'pending', 'foc_scheduled', 'exception', 'completed', 'partially_completed', 'cancelled', 'unknown'] as const;
/** What an upstream says of a port: `unknown` is a status word the adapter does not know (never read as pending). */
export type PortInStatus = (typeof PORT_IN_STATUSES)[number];
export interface PortException {
  code: PortExceptionCode;
  message: string;
}
export interface PortInRequest {
  numbers: E164[];
  /** Our port-in id; used as an idempotency handle where possible. */
  reference: string;
  subscriberType: 'business' | 'residential';
  losingCarrier?: string;
  accountNumber: string;
  pin?: string;
  authorizedName: string;
  businessName?: string;
  serviceAddress: E911Address;
  billingTelephoneNumber?: E164;
  requestedFocDate?: string;
  loa?: { filename: string; contentType: string; content: Uint8Array };
  /** A recent bill from the losing carrier, where the upstream takes one. */
  bill?: { filename: string; contentType: string; content: Uint8Array };
}
export interface PortIn {
  portRef: string;
  status: PortInStatus;
  /** The upstream's own status word(s), verbatim: staff see it, and 'unknown' always carries it. */
  upstreamStatus: string;
  numbers: E164[];
  /** Per number where the upstream says (VITCOM accepts only some numbers of an order: the others are `exception` / number_not_portable). */
  numberStatuses?: { e164: E164; status: PortInStatus; exception?: PortException }[];
  /** YYYY-MM-DD */
  focDate?: string;
  exception?: PortException;
  /** The upstream's human text. */
  message?: string;
  /** Where the upstream wants the signed LOA, if it hands one out. */
  loaUrl?: string;
  updatedAt?: Date;
}

export interface E911Address {
  name?: string;
  street: string;
  unit?: string;
  city: string;
  state: string;
  postalCode: string;
  country: 'US' | 'CA';
}
export interface E911Validation {
  valid: boolean;
  /** The upstream's own id for the validated address, where it keeps one (VoiceTel's `addressid`). */
  addressRef?: string;
  normalized?: E911Address;
  alternates?: E911Address[];
  reason?: string;
}
export interface E911Record {
  e164: E164;
  address: E911Address;
  callerName?: string;
  e911Ref?: string;
  /** The upstream's id for the address, as `validateE911` returned it: provisioning by id skips a second validation. */
  addressRef?: string;
}

export type CallDisposition = 'answered' | 'busy' | 'no_answer' | 'failed' | 'cancelled';
export interface Cdr {
  /** Stable per provider; the CDR store dedupes on it. */
  providerCallId: string;
  direction: 'inbound' | 'outbound';
  from: string;
  to: string;
  startedAt: Date;
  answeredAt?: Date;
  endedAt?: Date;
  disposition: CallDisposition;
  durationSec: number;
  /**
   * The billed duration: the talk time after the provider's rounding to its billing increment
   * (and any minimum), so it may exceed `durationSec` (e.g. 61 s billed as 120 s at 60/60, or as
   * 66 s at 6/6). 0 when the call was not billed.
   */
  billableSec: number;
  /** Post-dial delay: invite to first ringing/progress, when the upstream reports it. */
  pddMs?: number;
  /** The first 18x, where the upstream reports the instant rather than only the delay. */
  ringingAt?: Date;
  sipCode?: number;
  /** ITU-T Q.850 release cause, where the upstream gives one. */
  q850Cause?: number;
  /** Mean opinion score (1–5), where the upstream measures it. */
  mos?: number;
  cost?: Money;
  trunkRef?: string;
}
export interface CdrPullRequest {
  since: Date;
  until: Date;
  /** From the previous page's `nextCursor`, to resume where a pull stopped. */
  cursor?: string;
  limit?: number;
}

export interface Invoice {
  invoiceRef: string;
  periodStart?: string;
  periodEnd?: string;
  issuedAt: Date;
  total: Money;
  status: 'open' | 'paid' | 'void' | 'unknown';
  pdfUrl?: string;
  /** The part of `total` billed for calls (minutes), where the invoice itemizes it. */
  usage?: Money;
}
export interface LedgerEntry {
  entryRef: string;
  at: Date;
  description: string;
  /** Positive is a charge to us, negative a credit or payment. */
  amount: Money;
  /** What the entry is for, where the upstream says: `usage` is calls, what reconciliation compares with the cost rating. */
  kind?: 'usage' | 'payment' | 'fee' | 'tax' | 'order' | 'credit';
}
export interface Balance {
  /** Positive means we have credit with the upstream. */
  available: Money;
  creditLimit?: Money;
}

export interface ConnectionTestResult {
  ok: boolean;
  detail: string;
  /** Why it failed, for the caller to phrase (unreachable URL, bad credentials, wrong API). */
  failure?: ProviderError;
}

export interface NumbersCapability {
  search(query: NumberSearchQuery): Promise<AvailableNumber[]>;
  order(request: OrderRequest): Promise<OrderResult>;
  /** For reconciliation after a crash: what the upstream knows of an order we placed (null: nothing). */
  getOrder(request: { idempotencyKey: string; upstreamOrderId?: string; numbers: E164[] }): Promise<OrderResult | null>;
  list(request: { cursor?: string; limit?: number }): Promise<Page<OwnedNumber>>;
  /**
   * Routes each number on its own: a refused number (not on the account, say) is reported and the
   * others are still routed. An unknown or unusable `trunkRef` fails the whole call (not_found /
   * invalid), as does an upstream that is down or rejects the credentials.
   */
  route(request: RouteNumbersRequest): Promise<RouteNumberResult[]>;
  /** Upstreams that reserve numbers for a while before the order. */
  readonly holds?: NumberHoldsCapability;
  /** Upstreams that let us hand a number back through their API. */
  readonly release?: NumberReleaseCapability;
}
export interface NumberHoldsCapability {
  hold(numbers: AvailableNumber[]): Promise<NumberHold>;
  release(hold: NumberHold): Promise<void>;
}
export interface NumberReleaseCapability {
  release(e164: E164): Promise<void>;
}

export interface TrunksCapability {
  get(trunkRef: string): Promise<TrunkGroup | null>;
  list(): Promise<TrunkGroup[]>;
  update(trunkRef: string, spec: TrunkGroupSpec): Promise<TrunkGroup>;
  /** Upstreams where we create trunk groups (elsewhere the account comes with fixed ones). */
  readonly create?: TrunkCreateCapability;
  readonly delete?: TrunkDeleteCapability;
}
export interface TrunkCreateCapability {
  create(spec: TrunkGroupSpec): Promise<TrunkGroup>;
}
export interface TrunkDeleteCapability {
  /** Idempotent: a trunkRef the upstream no longer has, or not of this adapter's shape, is success; an upstream that is down or refuses the credentials throws (ProviderError). */
  delete(trunkRef: string): Promise<void>;
}

export interface PortsCapability {
  checkPortability(numbers: E164[]): Promise<PortabilityResult[]>;
  submit(request: PortInRequest): Promise<PortIn>;
  get(portRef: string): Promise<PortIn | null>;
  /** How often a job may ask for one order, within the upstream's limits. */
  readonly statusPollIntervalMs: number;
}

export interface E911Capability {
  validate(address: E911Address): Promise<E911Validation>;
  provision(record: E911Record): Promise<E911Record>;
  remove(e164: E164): Promise<void>;
  /** Every emergency record the upstream holds on the account, for reconciling against the portal's intent. */
  list(): Promise<E911Record[]>;
}

export interface CdrsCapability {
  pull(request: CdrPullRequest): Promise<Page<Cdr>>;
  /** How the scheduled pull must pace itself against this upstream's limits; absent: no constraint. */
  readonly pullPolicy?: CdrPullPolicy;
}
export interface CdrPullPolicy {
  /** Least time between two windows (a budget of N requests an hour leaves most of it to other reads). */
  minIntervalMs?: number;
  /** Widest window one pull may ask for. */
  maxWindowMs?: number;
  /**
   * The upstream lists calls by start time but logs each when it ends: every window is read from this
   * far before it, so a call still running when the previous window was read is not lost (a call read
   * again is a duplicate, which the store drops).
   */
  lateLogMs?: number;
}

export interface BillingCapability {
  listInvoices(request: { since?: Date }): Promise<Invoice[]>;
  getBalance(): Promise<Balance>;
  /** Upstreams that list charges and payments line by line. */
  readonly ledger?: LedgerCapability;
}
export interface LedgerCapability {
  list(request: { since: Date; until: Date }): Promise<LedgerEntry[]>;
  /** Calls are booked as `usage` entries, one per UTC day: reconciliation compares them day by day. */
  readonly usageByDay?: boolean;
}

/**
 * One adapter instance serves one connection. A group the provider lacks is absent; services get a
 * group through `requireCapability` (or branch on `hasCapability`), never by provider name.
 */
export interface ProviderAdapter {
  readonly descriptor: ProviderDescriptor;
  testConnection(): Promise<ConnectionTestResult>;
  readonly numbers?: NumbersCapability;
  readonly trunks?: TrunksCapability;
  readonly e911?: E911Capability;
  readonly ports?: PortsCapability;
  readonly cdrs?: CdrsCapability;
  readonly billing?: BillingCapability;
}

/** What `requireCapability` hands out for each name: a group, or one of the parts only some upstreams have. */
export interface CapabilityGroups {
  numbers: NumbersCapability;
  'numbers.hold': NumberHoldsCapability;
  'numbers.release': NumberReleaseCapability;
  trunks: TrunksCapability;
  'trunks.create': TrunkCreateCapability;
  'trunks.delete': TrunkDeleteCapability;
  e911: E911Capability;
  ports: PortsCapability;
  cdrs: CdrsCapability;
  billing: BillingCapability;
  'billing.ledger': LedgerCapability;
}
export type CapabilityGroupName = keyof CapabilityGroups;

export interface ProviderContext {
  connectionId: string;
  baseUrl: string;
  /** Decrypted; adapters must never log or return them. */
  credentials: Record<string, string>;
  http: ProviderHttp;
  /** Small persisted key/value state per connection: API keys, cursors. */
  state: ProviderStateStore;
  /**
   * Where rate budgets are spent: one store per upstream host (the base URL's origin), shared by
   * every connection to it, since upstreams count requests per source IP, not per account. Without
   * it (a lone connection, a test) budgets live in `state`.
   */
  budgets?: ProviderStateStore;
  now?: () => Date;
}

/** What an upstream refuses before we ask it: the portal checks these where the user types. */
export interface UpstreamLimits {
  /** Prefix lengths the upstream accepts in a trunk's IP allowlist; null where any is accepted. */
  cidrPrefixes: readonly number[] | null;
  /** How many allowlist entries one trunk can hold, where that is limited. */
  maxAllowedIps?: number;
  /** Longest caller name the upstream takes on an e911 record, where a reference says so. */
  callerNameMaxLength?: number;
  /** What a trunk group there can hold, where narrower than the portal's model; absent: all of it. */
  trunk?: TrunkLimits;
}

/**
 * The trunk-group settings an upstream can carry. The portal checks a group against every enabled
 * upstream's when it is saved: a setting none can carry is refused, one only some can is a warning.
 */
export interface TrunkLimits {
  /** Directions a trunk there can be set to. */
  directions?: readonly TrunkDirection[];
  /** How calls from the PBX can be authenticated, where the group sends outbound calls. */
  outboundAuths?: readonly TrunkAuth[];
  /** Outbound calls are accepted from single addresses only (no blocks). */
  outboundSingleAddresses?: boolean;
  /** Most destinations kept (failover hosts beyond are dropped or refused). */
  maxDestinations?: number;
  /** Destinations must be IPv4 addresses, not host names. */
  destinationsIpv4Only?: boolean;
  /** The one host both sends and receives calls: the destination must be the allowed address. */
  destinationIsAllowedIp?: boolean;
  destinationPorts?: readonly number[];
  transports?: readonly TrunkDestination['transport'][];
  /** False where no channel limit can be set. */
  channelLimit?: boolean;
  /** False where no calls-per-second limit can be set. */
  cpsLimit?: boolean;
  /** Codecs it can offer (the portal's names); absent: any. */
  codecs?: readonly string[];
}

export interface ProviderDescriptor {
  id: ProviderId;
  name: string;
  /** The credential fields the connection form asks for. */
  credentialFields: readonly { name: string; label: string; secret: boolean }[];
  /** The sandbox's address: what the embedded demo connects to. */
  defaultBaseUrl: string;
  /** The live API's base URL as the provider's own document gives it; absent where it gives none. */
  documentedBaseUrl?: string;
  limits: UpstreamLimits;
  /** Request budgets the adapter spends per upstream host, shown as "remaining" on the Providers page. */
  rateBudgets?: readonly RateBudget[];
  create(context: ProviderContext): ProviderAdapter;
}

export { capabilitiesOf, hasCapability, requireCapability } from './capabilities';
