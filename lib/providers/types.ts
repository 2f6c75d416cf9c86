/**
 * The provider interface: domain types every adapter maps its wire format to, and the capability
 * list pages use to ask "who can do X" instead of checking provider names.
 */
import type { ProviderError } from './errors';
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
  reason?: string;
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
}

export type PortInStatus = 'draft' | 'submitted' | 'pending' | 'foc' | 'completed' | 'rejected' | 'cancelled';
export interface PortInRequest {
  numbers: E164[];
  /** Our port-in id; used as an idempotency handle where possible. */
  reference: string;
  losingCarrier?: string;
  accountNumber: string;
  pin?: string;
  authorizedName: string;
  businessName?: string;
  serviceAddress: E911Address;
  billingTelephoneNumber?: E164;
  requestedFocDate?: string;
  loa?: { filename: string; contentType: string; content: Uint8Array };
}
export interface PortIn {
  portRef: string;
  status: PortInStatus;
  numbers: E164[];
  focDate?: string;
  rejectReason?: string;
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
  sipCode?: number;
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
}
export interface LedgerEntry {
  entryRef: string;
  at: Date;
  description: string;
  /** Positive is a charge to us, negative a credit or payment. */
  amount: Money;
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

/**
 * One adapter instance serves one connection. Operations a provider lacks are absent; check
 * `capabilities` (or `hasCapability`) before calling.
 */
export interface ProviderAdapter {
  readonly provider: ProviderId;
  readonly capabilities: ReadonlySet<Capability>;

  testConnection(): Promise<ConnectionTestResult>;

  searchNumbers?(query: NumberSearchQuery): Promise<AvailableNumber[]>;
  holdNumbers?(numbers: AvailableNumber[]): Promise<NumberHold>;
  releaseHold?(hold: NumberHold): Promise<void>;
  orderNumbers?(request: OrderRequest): Promise<OrderResult>;
  /** For reconciliation after a crash: what the upstream knows of an order we placed. */
  getOrder?(request: { idempotencyKey: string; upstreamOrderId?: string; numbers: E164[] }): Promise<OrderResult | null>;
  listNumbers?(request: { cursor?: string; limit?: number }): Promise<Page<OwnedNumber>>;
  releaseNumber?(e164: E164): Promise<void>;
  /**
   * Routes each number on its own: a refused number (not on the account, say) is reported and the
   * others are still routed. An unknown or unusable `trunkRef` fails the whole call (not_found /
   * invalid), as does an upstream that is down or rejects the credentials.
   */
  routeNumbers?(request: RouteNumbersRequest): Promise<RouteNumberResult[]>;

  createTrunk?(spec: TrunkGroupSpec): Promise<TrunkGroup>;
  updateTrunk?(trunkRef: string, spec: TrunkGroupSpec): Promise<TrunkGroup>;
  getTrunk?(trunkRef: string): Promise<TrunkGroup | null>;
  listTrunks?(): Promise<TrunkGroup[]>;
  /** Idempotent: a trunkRef the upstream no longer has, or not of this adapter's shape, is success; an upstream that is down or refuses the credentials throws (ProviderError). */
  deleteTrunk?(trunkRef: string): Promise<void>;

  checkPortability?(numbers: E164[]): Promise<PortabilityResult[]>;
  submitPortIn?(request: PortInRequest): Promise<PortIn>;
  getPortIn?(portRef: string): Promise<PortIn | null>;

  validateE911?(address: E911Address): Promise<E911Validation>;
  provisionE911?(record: E911Record): Promise<E911Record>;
  removeE911?(e164: E164): Promise<void>;
  /** Every emergency record the upstream holds on the account, for reconciling against the portal's intent. */
  listE911?(): Promise<E911Record[]>;

  pullCdrs?(request: CdrPullRequest): Promise<Page<Cdr>>;
  listInvoices?(request: { since?: Date }): Promise<Invoice[]>;
  listLedger?(request: { since: Date; until: Date }): Promise<LedgerEntry[]>;
  getBalance?(): Promise<Balance>;
}

export interface ProviderContext {
  connectionId: string;
  baseUrl: string;
  /** Decrypted; adapters must never log or return them. */
  credentials: Record<string, string>;
  http: ProviderHttp;
  /** Small persisted key/value state per connection: API keys, rate budgets, cursors. */
  state: ProviderStateStore;
  now?: () => Date;
}

export interface ProviderDescriptor {
  id: ProviderId;
  name: string;
  capabilities: readonly Capability[];
  /** The credential fields the connection form asks for. */
  credentialFields: readonly { name: string; label: string; secret: boolean }[];
  defaultBaseUrl: string;
  /** Request budgets the adapter keeps in the connection's state, shown as "remaining" on the Providers page. */
  rateBudgets?: readonly RateBudget[];
  create(context: ProviderContext): ProviderAdapter;
}

export function hasCapability(adapter: Pick<ProviderAdapter, 'capabilities'>, capability: Capability): boolean {
  return adapter.capabilities.has(capability);
}
