/**
 * Every page, action and route handler, registered once. The isolation suite tries each as a user
 * of another account and as every role that must not reach it. A feature adds its surfaces here.
 */
import type { Role } from '@/lib/auth/permissions';
import { BILLING_SURFACES } from './surfaces-billing';
import { INVOICE_DOCUMENT_SURFACES } from './surfaces-invoice-documents';
import { DEVELOPER_SURFACES } from './surfaces-developers';
import { DISPUTE_SURFACES } from './surfaces-disputes';
import { E911_SURFACES } from './surfaces-e911';
import { LEDGER_SURFACES } from './surfaces-ledger';
import { PORT_IN_SURFACES } from './surfaces-port-ins';
import { QUALITY_ALERT_SURFACES } from './surfaces-quality-alerts';
import { QUOTE_SURFACES } from './surfaces-quote';
import { RATE_DECK_SURFACES } from './surfaces-rate-decks';
import { USAGE_SURFACES } from './surfaces-usage';

export interface SurfaceContext {
  /** An account the signed-in Acme roles reach (a sub-account of their membership). */
  accountId: string;
  /** Another membership or sub-account in the same account, for ids that must belong to `accountId`. */
  membershipId: string;
  invitationId: string;
  connectionId: string;
  /** A phone number row of `accountId`. */
  numberId: string;
  /** A number order and a stored number search of the signed-in roles' current (top) account. */
  orderId: string;
  searchId: string;
  searchNumber: string;
  /** A trunk group of the signed-in roles' current (top) account. */
  trunkGroupId: string;
  /** An e911 address and a cart item of that side; absent, the surfaces name ids that exist nowhere. */
  e911AddressId?: string;
  cartItemId?: string;
  /** An API key, a webhook endpoint and one of its deliveries of that side; absent, ids that exist nowhere. */
  apiKeyId?: string;
  webhookId?: string;
  webhookDeliveryId?: string;
  /** A quality alert of that side; absent, an id that exists nowhere. */
  qualityAlertId?: string;
  /** A prepared CDR export of that side; absent, an id that exists nowhere. */
  cdrExportId?: string;
  /** The secret of an open invitation to `accountId` (its link's token); absent, one no invitation has. */
  invitationToken?: string;
  /** An issued invoice of that side's billing account, one of its usage lines, a dispute of a call on it, and calls of it no dispute holds (comma-joined); absent, ids that exist nowhere. */
  disputeInvoiceId?: string;
  disputeLineId?: string;
  disputeId?: string;
  disputeCallIds?: string;
  /** An invoice of that side's billing account; absent, an id that exists nowhere. */
  invoiceId?: string;
  /** A port-in of that side and one of its documents; absent, ids that exist nowhere. */
  portInId?: string;
  portDocumentId?: string;
  /** A submitted port-in of that side (staff never see drafts) and its LOA. */
  livePortInId?: string;
  livePortDocumentId?: string;
}

const ALL_ROLES: Role[] = ['owner', 'admin', 'technical', 'finance', 'viewer'];
const MANAGERS: Role[] = ['owner', 'admin'];
const TECHNICAL_READERS: Role[] = ['owner', 'admin', 'technical', 'viewer'];
const TECHNICAL_WRITERS: Role[] = ['owner', 'admin', 'technical'];

interface Base {
  name: string;
  /** Operator-only surfaces belong to no customer account: everyone else gets 403. */
  platform?: boolean;
  /** Roles that may use it; every other role must get 403 or 404. Empty: operator staff only. */
  allowed: Role[];
}

export interface PageSurface extends Base {
  kind: 'page';
  /** `url`: the account id is in the URL (a foreign one must 404); `current`: the session's account. */
  scope: 'url' | 'current';
  load: () => Promise<{ default: (props: never) => Promise<unknown> }>;
  params?: (context: SurfaceContext) => Record<string, string>;
}

export interface ActionSurface extends Base {
  kind: 'action';
  /**
   * `current`: acts on the session's own account or user and names no account or object id (a secret
   * token at most); it must not succeed for another tenant.
   */
  scope?: 'current';
  load: () => Promise<(state: never, formData: FormData) => Promise<{ status: string; code?: string }>>;
  form: (context: SurfaceContext) => Record<string, string>;
  /** Text-area fields of the form: a line break is text there, not bad input. */
  multiline?: string[];
}

export interface RouteSurface extends Base {
  kind: 'route';
  load: () => Promise<(request: Request, context: never) => Promise<Response>>;
  url: (context: SurfaceContext) => string;
  params: (context: SurfaceContext) => Record<string, string>;
}

export type Surface = PageSurface | ActionSurface | RouteSurface;

const accountActions = () => import('@/app/(portal)/account/actions');
const providerActions = () => import('@/app/(portal)/operator/providers/actions');
const numberActions = () => import('@/app/(portal)/numbers/actions');
const priceActions = () => import('@/app/(portal)/operator/prices/actions');
const trunkActions = () => import('@/app/(portal)/trunk-groups/actions');
/** A complete, valid trunk-group form (as the browser posts it). */
const trunkForm = (name: string) => ({
  name,
  direction: 'both',
  auth: 'both',
  allowedIps: '44.10.20.30',
  'destinations.0.host': '44.10.20.30',
  'destinations.0.port': '5060',
  'destinations.0.transport': 'udp',
  codecs: 'PCMU,PCMA',
  callerIdPolicy: 'pass_through',
});

export const SURFACES: Surface[] = [
  { kind: 'page', name: 'dashboard', scope: 'current', allowed: ALL_ROLES, load: () => import('@/app/(portal)/dashboard/page') },
  {
    kind: 'route',
    name: 'GET /api/v1/dashboard/numbers-and-spend',
    allowed: ALL_ROLES,
    load: async () => (await import('@/app/api/v1/dashboard/numbers-and-spend/route')).GET,
    url: ({ accountId }) => `http://portal.test/api/v1/dashboard/numbers-and-spend?accountId=${accountId}`,
    params: () => ({}),
  },
  { kind: 'page', name: 'account tree', scope: 'current', allowed: MANAGERS, load: () => import('@/app/(portal)/account/page') },
  { kind: 'page', name: 'audit log', scope: 'current', allowed: MANAGERS, load: () => import('@/app/(portal)/account/audit/page') },
  {
    kind: 'route',
    name: 'GET /api/v1/audit/export',
    allowed: MANAGERS,
    load: async () => (await import('@/app/api/v1/audit/export/route')).GET,
    url: ({ accountId }) => `http://portal.test/api/v1/audit/export?accountId=${accountId}&action=account`,
    params: () => ({}),
  },
  {
    kind: 'page',
    name: 'account settings',
    scope: 'url',
    allowed: MANAGERS,
    load: () => import('@/app/(portal)/account/[accountId]/page'),
    params: ({ accountId }) => ({ accountId }),
  },
  { kind: 'page', name: 'operator outbox', scope: 'current', platform: true, allowed: [], load: () => import('@/app/(portal)/operator/outbox/page') },
  { kind: 'page', name: 'operator providers', scope: 'current', platform: true, allowed: [], load: () => import('@/app/(portal)/operator/providers/page') },
  { kind: 'page', name: 'operator jobs', scope: 'current', platform: true, allowed: [], load: () => import('@/app/(portal)/operator/jobs/page') },
  { kind: 'page', name: 'operator carrier scorecard', scope: 'current', platform: true, allowed: [], load: () => import('@/app/(portal)/operator/scorecard/page') },
  { kind: 'page', name: 'operator margins', scope: 'current', platform: true, allowed: [], load: () => import('@/app/(portal)/operator/margins/page') },
  { kind: 'page', name: 'operator reconciliation', scope: 'current', platform: true, allowed: [], load: () => import('@/app/(portal)/operator/reconciliation/page') },
  {
    kind: 'action',
    name: 'fetch upstream statements now',
    platform: true,
    allowed: [],
    load: async () => (await import('@/app/(portal)/operator/reconciliation/actions')).fetchStatementsAction,
    form: () => ({ period: '2026-01' }),
  },
  { kind: 'action', name: 'retry failed job', platform: true, allowed: [], load: async () => (await import('@/app/(portal)/operator/jobs/actions')).retryJobAction, form: () => ({ queue: 'reconcile-orders', jobId: '00000000-0000-4000-8000-000000000000' }) },
  { kind: 'page', name: 'operator staff tasks', scope: 'current', platform: true, allowed: [], load: () => import('@/app/(portal)/operator/tasks/page') },
  { kind: 'action', name: 'resolve staff task', platform: true, allowed: [], load: async () => (await import('@/app/(portal)/operator/tasks/actions')).resolveStaffTaskAction, form: () => ({ taskId: '00000000-0000-4000-8000-000000000000' }) },

  { kind: 'action', name: 'create sub-account', allowed: MANAGERS, load: async () => (await accountActions()).createSubAccountAction, form: ({ accountId }) => ({ parentId: accountId, name: `Probe ${Math.floor(performance.now())}` }) },
  { kind: 'action', name: 'rename account', allowed: MANAGERS, load: async () => (await accountActions()).renameAccountAction, form: ({ accountId }) => ({ accountId, name: 'Acme East' }) },
  { kind: 'action', name: 'update limits', allowed: MANAGERS, load: async () => (await accountActions()).updateLimitsAction, form: ({ accountId }) => ({ accountId, maxConcurrentCalls: '200' }) },
  { kind: 'action', name: 'set emergency-routing rule', allowed: MANAGERS, load: async () => (await accountActions()).updateRoutingPolicyAction, form: ({ accountId }) => ({ accountId, requireE911ForRouting: 'off' }) },
  { kind: 'action', name: 'set two-factor policy', allowed: ['owner'], load: async () => (await accountActions()).updateTwoFactorPolicyAction, form: ({ accountId }) => ({ accountId, requireTwoFactor: 'off' }) },
  { kind: 'action', name: 'set account status', allowed: MANAGERS, load: async () => (await accountActions()).setAccountStatusAction, form: ({ accountId }) => ({ accountId, status: 'active' }) },
  { kind: 'action', name: 'invite user', allowed: MANAGERS, load: async () => (await accountActions()).inviteUserAction, form: ({ accountId }) => ({ accountId, email: 'probe@acme.example', role: 'viewer' }) },
  { kind: 'action', name: 'change role', allowed: MANAGERS, load: async () => (await accountActions()).changeRoleAction, form: ({ accountId, membershipId }) => ({ accountId, membershipId, role: 'viewer' }) },
  { kind: 'action', name: 'remove membership', allowed: MANAGERS, load: async () => (await accountActions()).removeMembershipAction, form: ({ accountId, membershipId }) => ({ accountId, membershipId }) },
  { kind: 'action', name: 'revoke invitation', allowed: MANAGERS, load: async () => (await accountActions()).revokeInvitationAction, form: ({ accountId, invitationId }) => ({ accountId, invitationId }) },
  { kind: 'action', name: 'switch account', allowed: ALL_ROLES, load: async () => (await import('@/app/(portal)/actions')).switchAccountAction, form: ({ accountId }) => ({ accountId }) },
  // Invitations are addressed to an email: a signed-in user of any account holding someone else's link is refused.
  {
    kind: 'action',
    name: 'accept invitation as signed-in user',
    scope: 'current',
    allowed: ALL_ROLES,
    load: async () => (await import('@/app/(auth)/invite/[token]/actions')).acceptInvitationAsUserAction,
    form: ({ invitationToken }) => ({ token: invitationToken ?? 'isolation-probe-token-0000000000' }),
  },

  // The user's own profile: no account is involved. A wrong current password, so nothing changes.
  { kind: 'page', name: 'profile', scope: 'current', allowed: ALL_ROLES, load: () => import('@/app/(portal)/profile/page') },
  { kind: 'page', name: 'security (2FA)', scope: 'current', allowed: ALL_ROLES, load: () => import('@/app/(portal)/profile/security/page') },
  {
    kind: 'action',
    name: 'change password',
    scope: 'current',
    allowed: ALL_ROLES,
    load: async () => (await import('@/app/(portal)/profile/actions')).changePasswordAction,
    form: () => ({ currentPassword: 'not-the-current-password', newPassword: 'Tangerine-Harbor-Quartz-91', confirmPassword: 'Tangerine-Harbor-Quartz-91' }),
  },

  { kind: 'action', name: 'add provider connection', platform: true, allowed: [], load: async () => (await providerActions()).createConnectionAction, form: () => ({ provider: 'voicetel', name: 'Probe', baseUrl: 'http://127.0.0.1:9', 'credential.username': 'u', 'credential.password': 'p' }) },
  { kind: 'action', name: 'update provider connection', platform: true, allowed: [], load: async () => (await providerActions()).updateConnectionAction, form: ({ connectionId }) => ({ connectionId, name: 'Probe', baseUrl: 'http://127.0.0.1:9' }) },
  { kind: 'action', name: 'test provider connection', platform: true, allowed: [], load: async () => (await providerActions()).testConnectionAction, form: ({ connectionId }) => ({ connectionId }) },
  { kind: 'action', name: 'enable provider connection', platform: true, allowed: [], load: async () => (await providerActions()).setConnectionEnabledAction, form: ({ connectionId }) => ({ connectionId, enabled: 'false' }) },

  {
    kind: 'route',
    name: 'GET /api/v1/accounts/:id',
    allowed: ALL_ROLES,
    load: async () => (await import('@/app/api/v1/accounts/[accountId]/route')).GET,
    url: ({ accountId }) => `http://portal.test/api/v1/accounts/${accountId}`,
    params: ({ accountId }) => ({ accountId }),
  },

  { kind: 'page', name: 'my numbers', scope: 'current', allowed: TECHNICAL_READERS, load: () => import('@/app/(portal)/numbers/(list)/page') },
  {
    kind: 'page',
    name: 'number detail',
    scope: 'url',
    allowed: TECHNICAL_READERS,
    load: () => import('@/app/(portal)/numbers/[numberId]/page'),
    params: ({ numberId }) => ({ numberId }),
  },
  { kind: 'action', name: 'release number', allowed: TECHNICAL_WRITERS, load: async () => (await numberActions()).releaseNumberAction, form: ({ numberId }) => ({ numberId }) },
  { kind: 'action', name: 'move number', allowed: MANAGERS, load: async () => (await numberActions()).moveNumberAction, form: ({ numberId, accountId }) => ({ numberId, targetAccountId: accountId }) },
  // Without an address id in the context, one that exists nowhere (the number must still not be reachable).
  { kind: 'action', name: 'set emergency address of numbers', allowed: TECHNICAL_WRITERS, load: async () => (await numberActions()).assignE911ToNumbersAction, form: ({ numberId, e911AddressId }) => ({ addressId: e911AddressId ?? '00000000-0000-4000-8000-00000000e912', numberIds: numberId }) },
  { kind: 'action', name: 'remove emergency address of number', allowed: TECHNICAL_WRITERS, load: async () => (await numberActions()).unassignE911FromNumberAction, form: ({ numberId }) => ({ numberId }) },
  {
    kind: 'route',
    name: 'GET /api/v1/numbers/export',
    allowed: TECHNICAL_READERS,
    load: async () => (await import('@/app/api/v1/numbers/export/route')).GET,
    url: ({ accountId }) => `http://portal.test/api/v1/numbers/export?accountId=${accountId}&state=IL`,
    params: () => ({}),
  },

  { kind: 'page', name: 'buy numbers', scope: 'current', allowed: TECHNICAL_READERS, load: () => import('@/app/(portal)/numbers/buy/page') },
  { kind: 'page', name: 'cart', scope: 'current', allowed: TECHNICAL_READERS, load: () => import('@/app/(portal)/numbers/cart/page') },
  { kind: 'page', name: 'checkout', scope: 'current', allowed: TECHNICAL_WRITERS, load: () => import('@/app/(portal)/numbers/checkout/page') },
  { kind: 'page', name: 'number order', scope: 'url', allowed: ALL_ROLES, load: () => import('@/app/(portal)/numbers/orders/[orderId]/page'), params: ({ orderId }) => ({ orderId }) },
  // Finance reads the orders for what they cost; technical roles for what was bought.
  { kind: 'page', name: 'orders', scope: 'current', allowed: ALL_ROLES, load: () => import('@/app/(portal)/numbers/orders/page') },
  {
    kind: 'route',
    name: 'GET /api/v1/orders/:id',
    allowed: ALL_ROLES,
    load: async () => (await import('@/app/api/v1/orders/[orderId]/route')).GET,
    url: ({ orderId }) => `http://portal.test/api/v1/orders/${orderId}`,
    params: ({ orderId }) => ({ orderId }),
  },
  {
    kind: 'route',
    name: 'GET /api/v1/number-searches/:id',
    allowed: TECHNICAL_READERS,
    load: async () => (await import('@/app/api/v1/number-searches/[searchId]/route')).GET,
    url: ({ searchId }) => `http://portal.test/api/v1/number-searches/${searchId}?sort=monthly`,
    params: ({ searchId }) => ({ searchId }),
  },
  { kind: 'action', name: 'add to cart', allowed: TECHNICAL_WRITERS, load: async () => (await import('@/app/(portal)/numbers/buy/actions')).addToCartAction, form: ({ searchId, searchNumber }) => ({ searchId, numbers: searchNumber }) },
  { kind: 'action', name: 'remove from cart', allowed: TECHNICAL_WRITERS, load: async () => (await import('@/app/(portal)/numbers/cart/actions')).removeFromCartAction, form: ({ cartItemId }) => ({ itemId: cartItemId ?? '00000000-0000-4000-8000-000000000002' }) },
  // The checkout form names its account and the numbers it showed.
  { kind: 'action', name: 'place order', allowed: TECHNICAL_WRITERS, load: async () => (await import('@/app/(portal)/numbers/checkout/actions')).placeOrderAction, form: ({ accountId }) => ({ accountId, idempotencyKey: 'isolation-probe-key-0001', expectNumbers: '+13125550100' }) },

  // Operator staff and customer accounts (issue 12.11): platform surfaces.

  { kind: 'page', name: 'operator customer accounts', scope: 'current', platform: true, allowed: [], load: () => import('@/app/(portal)/operator/accounts/page') },
  { kind: 'action', name: 'act as a customer account', platform: true, allowed: [], load: async () => (await import('@/app/(portal)/operator/accounts/actions')).actAsAccountAction, form: ({ accountId }) => ({ accountId }) },
  { kind: 'action', name: 'stop acting as a customer account', platform: true, allowed: [], load: async () => (await import('@/app/(portal)/operator/accounts/actions')).stopActingAction, form: () => ({}) },
  // Asks for the status the account already has: staff change nothing the other surfaces rely on.
  {
    kind: 'action',
    name: 'suspend or reactivate an account as staff',
    platform: true,
    allowed: [],
    load: async () => (await import('@/app/(portal)/operator/accounts/actions')).setAccountStatusAsStaffAction,
    form: ({ accountId }) => ({ accountId, status: 'active', reason: 'Isolation probe' }),
    multiline: ['reason'],
  },
  { kind: 'page', name: 'operator staff audit log', scope: 'current', platform: true, allowed: [], load: () => import('@/app/(portal)/operator/audit/page') },

  // The operator's price list: platform surfaces.

  { kind: 'page', name: 'operator prices', scope: 'current', platform: true, allowed: [], load: () => import('@/app/(portal)/operator/prices/page') },

  { kind: 'action', name: 'save price override', platform: true, allowed: [], load: async () => (await priceActions()).saveOverrideAction, form: () => ({ kind: 'local', state: 'TX', monthly: '1.10', setup: '0.50' }) },
  { kind: 'action', name: 'set default price', platform: true, allowed: [], load: async () => (await priceActions()).setDefaultPriceAction, form: () => ({ kind: 'local', monthly: '1.25', setup: '0.50' }) },
  { kind: 'action', name: 'delete price override', platform: true, allowed: [], load: async () => (await priceActions()).deleteOverrideAction, form: () => ({ priceId: '00000000-0000-4000-8000-000000000000' }) },
  { kind: 'action', name: 'set connection cost', platform: true, allowed: [], load: async () => (await priceActions()).setConnectionCostAction, form: ({ connectionId }) => ({ connectionId, kind: 'local', monthly: '0.40', setup: '0' }) },
  { kind: 'action', name: 'clear connection cost', platform: true, allowed: [], load: async () => (await priceActions()).clearConnectionCostAction, form: ({ connectionId }) => ({ connectionId, kind: 'tollfree' }) },

  // Trunk groups. "delete trunk group" stays last: once the owner has deleted the group, later
  // surfaces naming it would only see "not found".

  { kind: 'page', name: 'trunk groups', scope: 'current', allowed: TECHNICAL_READERS, load: () => import('@/app/(portal)/trunk-groups/(list)/page') },
  { kind: 'page', name: 'new trunk group', scope: 'current', allowed: TECHNICAL_WRITERS, load: () => import('@/app/(portal)/trunk-groups/new/page') },
  {
    kind: 'page',
    name: 'trunk group detail',
    scope: 'url',
    allowed: TECHNICAL_READERS,
    load: () => import('@/app/(portal)/trunk-groups/[trunkGroupId]/page'),
    params: ({ trunkGroupId }) => ({ trunkGroupId }),
  },
  {
    kind: 'page',
    name: 'edit trunk group',
    scope: 'url',
    allowed: TECHNICAL_WRITERS,
    load: () => import('@/app/(portal)/trunk-groups/[trunkGroupId]/edit/page'),
    params: ({ trunkGroupId }) => ({ trunkGroupId }),
  },
  {
    kind: 'route',
    name: 'GET /api/v1/trunk-groups/:id/sync',
    allowed: TECHNICAL_READERS,
    load: async () => (await import('@/app/api/v1/trunk-groups/[trunkGroupId]/sync/route')).GET,
    url: ({ trunkGroupId }) => `http://portal.test/api/v1/trunk-groups/${trunkGroupId}/sync`,
    params: ({ trunkGroupId }) => ({ trunkGroupId }),
  },
  { kind: 'action', name: 'create trunk group', allowed: TECHNICAL_WRITERS, load: async () => (await trunkActions()).createTrunkGroupAction, form: ({ accountId }) => ({ accountId, ...trunkForm(`Probe ${Math.floor(performance.now())}`) }) },
  { kind: 'action', name: 'update trunk group', allowed: TECHNICAL_WRITERS, load: async () => (await trunkActions()).updateTrunkGroupAction, form: ({ trunkGroupId }) => ({ trunkGroupId, ...trunkForm('Isolation trunk') }) },
  { kind: 'action', name: 'rotate trunk password', allowed: TECHNICAL_WRITERS, load: async () => (await trunkActions()).rotateTrunkPasswordAction, form: ({ trunkGroupId }) => ({ trunkGroupId }) },
  { kind: 'action', name: 're-apply trunk group', allowed: TECHNICAL_WRITERS, load: async () => (await trunkActions()).reapplyTrunkGroupAction, form: ({ trunkGroupId }) => ({ trunkGroupId }) },
  { kind: 'action', name: 'assign numbers to trunk group', allowed: TECHNICAL_WRITERS, load: async () => (await trunkActions()).assignTrunkNumbersAction, form: ({ trunkGroupId, numberId }) => ({ trunkGroupId, numberIds: numberId }) },
  { kind: 'action', name: 'unassign numbers from trunk group', allowed: TECHNICAL_WRITERS, load: async () => (await trunkActions()).unassignTrunkNumbersAction, form: ({ trunkGroupId, numberId }) => ({ trunkGroupId, numberIds: numberId }) },
  { kind: 'action', name: 'route numbers to trunk group (My numbers)', allowed: TECHNICAL_WRITERS, load: async () => (await numberActions()).assignNumbersToTrunkGroupAction, form: ({ trunkGroupId, numberId }) => ({ trunkGroupId, numberIds: numberId }) },
  { kind: 'action', name: 'enable or disable trunk group', allowed: TECHNICAL_WRITERS, load: async () => (await trunkActions()).setTrunkGroupStatusAction, form: ({ trunkGroupId }) => ({ trunkGroupId, status: 'active' }) },
  { kind: 'action', name: 'delete trunk group', allowed: TECHNICAL_WRITERS, load: async () => (await trunkActions()).deleteTrunkGroupAction, form: ({ trunkGroupId }) => ({ trunkGroupId }) },

  // E911 (its own file: address probes are created per account).
  ...E911_SURFACES,
  ...DEVELOPER_SURFACES,
  ...QUALITY_ALERT_SURFACES,
  ...USAGE_SURFACES,
  ...QUOTE_SURFACES,
  ...LEDGER_SURFACES,
  ...BILLING_SURFACES,
  ...INVOICE_DOCUMENT_SURFACES,
  ...DISPUTE_SURFACES,
  ...PORT_IN_SURFACES,
  ...RATE_DECK_SURFACES,
];

/**
 * Server actions, route handlers and pages that no customer account scopes, so the isolation and
 * cross-tenant suites do not try them as another tenant. Each says why. Anything else the code
 * exports (tests/security/discover.ts finds it) must be in SURFACES.
 */
export interface UnscopedEndpoint {
  kind: 'action' | 'route' | 'page';
  /** Repository-relative file, as discovery names it. */
  file: string;
  /** The export: a server action's name, a route handler's method, or `default` for a page. */
  export: string;
  reason: string;
}

export const UNSCOPED_ENDPOINTS: UnscopedEndpoint[] = [
  { kind: 'route', file: 'app/api/v1/openapi.json/route.ts', export: 'GET', reason: 'The public OpenAPI document (tests/unit/openapi-document.test.ts): the same for everyone, no account or object id.' },
  { kind: 'action', file: 'app/(auth)/login/actions.ts', export: 'signInAction', reason: 'Anonymous sign-in: an email and a password, no account or object id.' },
  { kind: 'action', file: 'app/(portal)/profile/security/actions.ts', export: 'startEnrolmentAction', reason: "The signed-in user's own two-factor authentication (tests/integration/two-factor.test.ts): no account or object id." },
  { kind: 'action', file: 'app/(portal)/profile/security/actions.ts', export: 'confirmEnrolmentAction', reason: "The signed-in user's own two-factor authentication (tests/integration/two-factor.test.ts): no account or object id." },
  { kind: 'action', file: 'app/(portal)/profile/security/actions.ts', export: 'regenerateCodesAction', reason: "The signed-in user's own two-factor authentication (tests/integration/two-factor.test.ts): no account or object id." },
  { kind: 'action', file: 'app/(portal)/profile/security/actions.ts', export: 'disableTwoFactorAction', reason: "The signed-in user's own two-factor authentication (tests/integration/two-factor.test.ts): no account or object id." },
  { kind: 'action', file: 'app/(portal)/profile/security/actions.ts', export: 'stepUpAction', reason: "The signed-in user's own two-factor authentication (tests/integration/two-factor.test.ts): no account or object id." },
  { kind: 'action', file: 'app/(portal)/profile/security/actions.ts', export: 'twoFactorStandingAction', reason: "Whether the signed-in user has two-factor authentication on (tests/integration/new-user-ux.test.ts): no account or object id." },
  {
    kind: 'action',
    file: 'app/(auth)/invite/[token]/actions.ts',
    export: 'acceptInvitationAsNewUserAction',
    reason: 'Anonymous: creates the invited person from the secret invitation token, the only authority (tests/integration/users.test.ts covers wrong, used and revoked tokens).',
  },
  { kind: 'action', file: 'app/(portal)/actions.ts', export: 'signOutAction', reason: 'Ends the caller’s own session; takes no input.' },
  { kind: 'route', file: 'app/api/health/route.ts', export: 'GET', reason: 'Public liveness probe: no session, no customer data.' },
  {
    kind: 'route',
    file: 'app/(portal)/operator/rate-decks/[deckId]/import/route.ts',
    export: 'POST',
    reason: 'Operator staff only, a file upload to a platform rate deck (no customer account): customers, anonymous callers and other origins are refused in tests/integration/rate-decks.test.ts; its forms are fuzzed in tests/security/bad-input.test.ts.',
  },
  { kind: 'route', file: 'app/api/auth/[...nextauth]/route.ts', export: 'GET', reason: 'Auth.js endpoints (session, CSRF, providers): the sign-in machinery itself.' },
  { kind: 'route', file: 'app/api/auth/[...nextauth]/route.ts', export: 'POST', reason: 'Auth.js endpoints (credentials callback, sign-out): the sign-in machinery itself.' },
  { kind: 'page', file: 'app/(auth)/login/page.tsx', export: 'default', reason: 'The anonymous sign-in form.' },
  { kind: 'page', file: 'app/(auth)/invite/[token]/page.tsx', export: 'default', reason: 'Anonymous: the secret invitation token is the authority.' },
  { kind: 'page', file: 'app/no-account/page.tsx', export: 'default', reason: 'Shown to a signed-in user with no membership: names no account.' },
  { kind: 'page', file: 'app/(portal)/page.tsx', export: 'default', reason: 'Only redirects to /dashboard.' },
  { kind: 'page', file: 'app/(portal)/notifications/page.tsx', export: 'default', reason: 'The caller’s own notifications, kept per user and read by the session’s user id only (no account id is taken); tests/integration/notifications.test.ts: another user’s id is not found.' },
  { kind: 'page', file: 'app/(portal)/profile/notifications/page.tsx', export: 'default', reason: 'The caller’s own notification settings: per user, no account involved.' },
  { kind: 'action', file: 'app/(portal)/profile/notifications/actions.ts', export: 'saveNotificationPreferencesAction', reason: 'Saves the caller’s own notification settings: per user, takes no account or object id.' },
  { kind: 'action', file: 'app/(portal)/notifications/actions.ts', export: 'markNotificationReadAction', reason: 'The caller’s own notifications, kept per user and read by the session’s user id only (no account id is taken); tests/integration/notifications.test.ts: another user’s id is not found.' },
  { kind: 'action', file: 'app/(portal)/notifications/actions.ts', export: 'markAllNotificationsReadAction', reason: 'The caller’s own notifications, kept per user and read by the session’s user id only (no account id is taken); tests/integration/notifications.test.ts: another user’s id is not found.' },
  { kind: 'action', file: 'app/(portal)/notifications/actions.ts', export: 'openNotificationAction', reason: 'The caller’s own notifications, kept per user and read by the session’s user id only (no account id is taken); tests/integration/notifications.test.ts: another user’s id is not found. Moves into the notification’s account only through the same membership check as the switcher.' },
  { kind: 'route', file: 'app/api/v1/notifications/route.ts', export: 'GET', reason: 'The caller’s own notifications, kept per user and read by the session’s user id only (no account id is taken); tests/integration/notifications.test.ts: another user’s id is not found.' },
  { kind: 'route', file: 'app/api/v1/notifications/unread-count/route.ts', export: 'GET', reason: 'The caller’s own notifications, kept per user and read by the session’s user id only (no account id is taken); tests/integration/notifications.test.ts: another user’s id is not found.' },
];
