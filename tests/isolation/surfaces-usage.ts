/**
 * Usage & quality: the overview, the calls search, its exports and the live feed (merged into
 * SURFACES). Every role reads usage; exports name an id that exists nowhere unless the suite seeds one.
 */
import type { Role } from '@/lib/auth/permissions';
import type { Surface } from './surfaces';

const ALL_ROLES: Role[] = ['owner', 'admin', 'technical', 'finance', 'viewer'];
const NOWHERE = '00000000-0000-4000-8000-0000000ca115';

export const USAGE_SURFACES: Surface[] = [
  { kind: 'page', name: 'usage and quality', scope: 'current', allowed: ALL_ROLES, load: () => import('@/app/(portal)/usage/page') },
  { kind: 'page', name: 'calls (CDR search)', scope: 'current', allowed: ALL_ROLES, load: () => import('@/app/(portal)/usage/calls/page') },
  { kind: 'page', name: 'live calls', scope: 'current', allowed: ALL_ROLES, load: () => import('@/app/(portal)/usage/live/page') },
  {
    kind: 'action',
    name: 'prepare CDR export',
    allowed: ALL_ROLES,
    load: async () => (await import('@/app/(portal)/usage/calls/actions')).prepareCdrExportAction,
    form: ({ accountId }) => ({ accountId, from: new Date(Date.now() - 86_400_000).toISOString(), to: new Date().toISOString() }),
  },
  {
    kind: 'route',
    name: 'GET CDR export download',
    allowed: ALL_ROLES,
    load: async () => (await import('@/app/(portal)/usage/calls/exports/[exportId]/route')).GET,
    // `progress`: the export's state as JSON, whatever it is (a queued file has nothing to download yet).
    url: ({ cdrExportId }) => `http://portal.test/usage/calls/exports/${cdrExportId ?? NOWHERE}?progress`,
    params: ({ cdrExportId }) => ({ exportId: cdrExportId ?? NOWHERE }),
  },
  {
    kind: 'route',
    name: 'GET /api/v1/cdrs/live (server-sent events)',
    allowed: ALL_ROLES,
    load: async () => (await import('@/app/api/v1/cdrs/live/route')).GET,
    url: ({ accountId }) => `http://portal.test/api/v1/cdrs/live?accountId=${accountId}`,
    params: () => ({}),
  },
];
