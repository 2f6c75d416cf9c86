/**
 * Port-ins (issue 16) for the isolation suite (merged into SURFACES): the customer's list, new draft,
 * a port's page, its wizard and its generated LOA; the staff list, a port's staff page, its
 * document download and the staff actions. Technical roles read (viewer included) and write; finance
 * gets nothing. Without a seeded port per side, ids that exist nowhere (which must 404 like anyone
 * else's). The /api/v1/ports operations are covered by api-isolation.test.ts from their contracts.
 */
import type { Role } from '@/lib/auth/permissions';
import type { Surface } from './surfaces';

const TECHNICAL_READERS: Role[] = ['owner', 'admin', 'technical', 'viewer'];
const TECHNICAL_WRITERS: Role[] = ['owner', 'admin', 'technical'];
const NOWHERE = '00000000-0000-4000-8000-00000000a071';
const staffActions = () => import('@/app/(portal)/operator/port-ins/actions');

export const PORT_IN_SURFACES: Surface[] = [
  { kind: 'page', name: 'port-ins', scope: 'current', allowed: TECHNICAL_READERS, load: () => import('@/app/(portal)/port-ins/page') },
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
