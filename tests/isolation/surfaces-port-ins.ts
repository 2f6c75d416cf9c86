/**
 * Port-ins (issue 16) for the isolation suite (merged into SURFACES): the customer's list, new draft,
 * a port's page, its wizard and its generated LOA; the staff list, a port's staff page, its
 * document download and the staff actions. Technical roles read (viewer included) and write; finance
 * gets nothing. Without a seeded port per side, ids that exist nowhere (which must 404 like anyone
 * else's). The /api/v1/ports operations are covered by api-isolation.test.ts from their contracts.
 *
 * The wizard's actions send what the wizard sends; those that would reach a carrier (portability,
 * submit) name the submitted port, which the state machine no longer lets the customer change.
 */
import type { Role } from '@/lib/auth/permissions';
import { earliestFocDate } from '@/lib/ports/foc-date';
import type { Surface } from './surfaces';

const TECHNICAL_READERS: Role[] = ['owner', 'admin', 'technical', 'viewer'];
const TECHNICAL_WRITERS: Role[] = ['owner', 'admin', 'technical'];
const NOWHERE = '00000000-0000-4000-8000-00000000a071';
const staffActions = () => import('@/app/(portal)/operator/port-ins/actions');
const portActions = () => import('@/app/(portal)/port-ins/actions');

export const PORT_IN_SURFACES: Surface[] = [
  { kind: 'page', name: 'port-ins', scope: 'current', allowed: TECHNICAL_READERS, load: () => import('@/app/(portal)/port-ins/(list)/page') },
  { kind: 'page', name: 'new port-in', scope: 'current', allowed: TECHNICAL_WRITERS, load: () => import('@/app/(portal)/port-ins/new/page') },
  {
    kind: 'page',
    name: 'port-in detail',
    scope: 'url',
    allowed: TECHNICAL_READERS,
    load: () => import('@/app/(portal)/port-ins/[portInId]/page'),
    params: ({ portInId }) => ({ portInId: portInId ?? NOWHERE }),
  },
  {
    kind: 'page',
    name: 'port-in wizard',
    scope: 'url',
    // A viewer is shown the port read-only (or sent to its page), never refused.
    allowed: TECHNICAL_READERS,
    load: () => import('@/app/(portal)/port-ins/[portInId]/wizard/page'),
    params: ({ portInId }) => ({ portInId: portInId ?? NOWHERE }),
  },
  {
    kind: 'action',
    name: 'start a port-in draft',
    // Names no port: a draft in the caller's own account at most.
    scope: 'current',
    allowed: TECHNICAL_WRITERS,
    load: async () => (await portActions()).createPortDraftAction,
    form: () => ({ label: 'Isolation probe' }),
  },
  {
    kind: 'action',
    name: 'save port numbers',
    allowed: TECHNICAL_WRITERS,
    load: async () => (await portActions()).savePortNumbersAction,
    form: ({ portInId }) => ({ portInId: portInId ?? NOWHERE, numbers: '+14695550100' }),
  },
  {
    kind: 'action',
    name: 'check port portability',
    allowed: TECHNICAL_WRITERS,
    load: async () => (await portActions()).checkPortabilityAction,
    // The submitted port, which can no longer be changed: no carrier is asked.
    form: ({ livePortInId }) => ({ portInId: livePortInId ?? NOWHERE }),
  },
  {
    kind: 'action',
    name: 'choose port winning carrier',
    allowed: TECHNICAL_WRITERS,
    load: async () => (await portActions()).choosePortConnectionAction,
    form: ({ portInId, connectionId }) => ({ portInId: portInId ?? NOWHERE, connectionId }),
  },
  {
    kind: 'action',
    name: 'save port subscriber',
    allowed: TECHNICAL_WRITERS,
    load: async () => (await portActions()).savePortSubscriberAction,
    form: ({ portInId }) => ({
      portInId: portInId ?? NOWHERE,
      subscriberType: 'business',
      subscriberName: 'ACME TELECOM LLC',
      authorizedPerson: 'Jane Roe',
      losingCarrier: 'AT&T',
      accountNumber: 'AC-99812',
      street: '2200 ROSS AVE',
      city: 'DALLAS',
      state: 'TX',
      postalCode: '75201',
    }),
  },
  {
    kind: 'action',
    name: 'continue port wizard step',
    allowed: TECHNICAL_WRITERS,
    load: async () => (await portActions()).continuePortStepAction,
    form: ({ portInId }) => ({ portInId: portInId ?? NOWHERE, to: 'numbers' }),
  },
  {
    kind: 'action',
    name: 'save port schedule',
    allowed: TECHNICAL_WRITERS,
    load: async () => (await portActions()).savePortScheduleAction,
    form: ({ portInId, trunkGroupId }) => ({ portInId: portInId ?? NOWHERE, requestedFocDate: earliestFocDate(new Date(Date.now() + 14 * 86_400_000), 3), trunkGroupId }),
  },
  {
    kind: 'action',
    name: 'submit port-in',
    allowed: TECHNICAL_WRITERS,
    load: async () => (await portActions()).submitPortInAction,
    // The submitted port (pending → submitted is a move the machine refuses): nothing goes to a carrier.
    form: ({ livePortInId }) => ({ portInId: livePortInId ?? NOWHERE }),
  },
  {
    kind: 'action',
    name: 'cancel port-in',
    allowed: TECHNICAL_WRITERS,
    load: async () => (await portActions()).cancelPortInAction,
    form: ({ portInId }) => ({ portInId: portInId ?? NOWHERE, reason: 'Isolation probe.' }),
    multiline: ['reason'],
  },
  {
    kind: 'action',
    name: 'port comment',
    allowed: TECHNICAL_WRITERS,
    load: async () => (await portActions()).addPortCommentAction,
    form: ({ portInId }) => ({ portInId: portInId ?? NOWHERE, body: 'Isolation probe.' }),
    multiline: ['body'],
  },
  {
    kind: 'action',
    name: 'sign port LOA',
    allowed: TECHNICAL_WRITERS,
    load: async () => (await portActions()).signPortLoaAction,
    // No drawing: refused before anything is stored (a drawn signature is the port-ins suites' subject).
    form: ({ portInId }) => ({ portInId: portInId ?? NOWHERE, typedName: 'Jane Roe', signature: '' }),
  },
  {
    kind: 'route',
    name: 'GET /port-ins/:id/loa',
    allowed: TECHNICAL_READERS,
    load: async () => (await import('@/app/(portal)/port-ins/[portInId]/loa/route')).GET,
    url: ({ portInId }) => `http://portal.test/port-ins/${portInId ?? NOWHERE}/loa`,
    params: ({ portInId }) => ({ portInId: portInId ?? NOWHERE }),
  },
  { kind: 'page', name: 'operator port-ins', scope: 'current', platform: true, allowed: [], load: () => import('@/app/(portal)/operator/port-ins/page') },
  {
    kind: 'page',
    name: 'operator port-in detail',
    scope: 'url',
    platform: true,
    allowed: [],
    load: () => import('@/app/(portal)/operator/port-ins/[portInId]/page'),
    params: ({ livePortInId: portInId }) => ({ portInId: portInId ?? NOWHERE }),
  },
  {
    kind: 'route',
    name: 'GET /operator/port-ins/:id/documents/:documentId',
    platform: true,
    allowed: [],
    load: async () => (await import('@/app/(portal)/operator/port-ins/[portInId]/documents/[documentId]/route')).GET,
    url: ({ livePortInId: portInId, livePortDocumentId: portDocumentId }) => `http://portal.test/operator/port-ins/${portInId ?? NOWHERE}/documents/${portDocumentId ?? NOWHERE}`,
    params: ({ livePortInId: portInId, livePortDocumentId: portDocumentId }) => ({ portInId: portInId ?? NOWHERE, documentId: portDocumentId ?? NOWHERE }),
  },
  {
    kind: 'action',
    name: 'staff port comment',
    platform: true,
    allowed: [],
    load: async () => (await staffActions()).addStaffPortCommentAction,
    form: ({ livePortInId: portInId }) => ({ portInId: portInId ?? NOWHERE, body: 'Isolation probe.', internal: 'on' }),
    multiline: ['body'],
  },
  {
    kind: 'action',
    name: 'staff port transition',
    platform: true,
    allowed: [],
    load: async () => (await staffActions()).transitionPortAction,
    // Pending → submitted is a move the machine refuses: the probe never changes a port.
    form: ({ livePortInId: portInId }) => ({ portInId: portInId ?? NOWHERE, to: 'submitted' }),
  },
  { kind: 'action', name: 'poll port now', platform: true, allowed: [], load: async () => (await staffActions()).pollPortNowAction, form: ({ livePortInId: portInId }) => ({ portInId: portInId ?? NOWHERE }) },
];
