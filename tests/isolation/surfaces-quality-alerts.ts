/**
 * The quality alerts pages and the acknowledge action, for the isolation suite (merged into
 * SURFACES). An alert of the side when the suite seeds one (`context.qualityAlertId`), else an id
 * that exists nowhere (which must 404 like any other id of someone else's).
 */
import type { Role } from '@/lib/auth/permissions';
import type { Surface } from './surfaces';

const ALL_ROLES: Role[] = ['owner', 'admin', 'technical', 'finance', 'viewer'];
const TECHNICAL_WRITERS: Role[] = ['owner', 'admin', 'technical'];
const NOWHERE = '00000000-0000-4000-8000-0000000a1e27';

export const QUALITY_ALERT_SURFACES: Surface[] = [
  { kind: 'page', name: 'quality alerts', scope: 'current', allowed: ALL_ROLES, load: () => import('@/app/(portal)/usage/alerts/page') },
  {
    kind: 'page',
    name: 'quality alert detail',
    scope: 'url',
    allowed: ALL_ROLES,
    load: () => import('@/app/(portal)/usage/alerts/[alertId]/page'),
    params: ({ qualityAlertId }) => ({ alertId: qualityAlertId ?? NOWHERE }),
  },
  {
    kind: 'action',
    name: 'acknowledge quality alert',
    allowed: TECHNICAL_WRITERS,
    load: async () => (await import('@/app/(portal)/usage/alerts/actions')).acknowledgeQualityAlertAction,
    form: ({ qualityAlertId }) => ({ alertId: qualityAlertId ?? NOWHERE }),
  },
];
