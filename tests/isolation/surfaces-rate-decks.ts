/**
 * Rate decks (merged into SURFACES): the customer's rates page for the roles that see money, and
 * the staff pages, actions and CSV export, for operator staff only. The import is a POST with a
 * file (tried as customers and from another origin in tests/integration/rate-decks.test.ts); the
 * public GET /api/v1/rates is covered with every published operation by api-isolation.test.ts.
 */
import type { Role } from '@/lib/auth/permissions';
import type { Surface } from './surfaces';

const MONEY: Role[] = ['owner', 'admin', 'finance'];
const NOWHERE = '00000000-0000-4000-8000-00000000dec5';
const deckActions = () => import('@/app/(portal)/operator/rate-decks/actions');

export const RATE_DECK_SURFACES: Surface[] = [
  { kind: 'page', name: 'rates', scope: 'current', allowed: MONEY, load: () => import('@/app/(portal)/billing/rates/page') },
  { kind: 'page', name: 'operator rate decks', scope: 'current', platform: true, allowed: [], load: () => import('@/app/(portal)/operator/rate-decks/page') },
  { kind: 'page', name: 'operator rate deck', scope: 'current', platform: true, allowed: [], load: () => import('@/app/(portal)/operator/rate-decks/[deckId]/page'), params: () => ({ deckId: NOWHERE }) },
  {
    kind: 'page',
    name: 'operator rate deck version',
    scope: 'current',
    platform: true,
    allowed: [],
    load: () => import('@/app/(portal)/operator/rate-decks/[deckId]/versions/[versionId]/page'),
    params: () => ({ deckId: NOWHERE, versionId: NOWHERE }),
  },
  {
    kind: 'route',
    name: 'GET rate deck version CSV export',
    platform: true,
    allowed: [],
    load: async () => (await import('@/app/(portal)/operator/rate-decks/[deckId]/versions/[versionId]/export/route')).GET,
    url: () => `http://portal.test/operator/rate-decks/${NOWHERE}/versions/${NOWHERE}/export`,
    params: () => ({ deckId: NOWHERE, versionId: NOWHERE }),
  },
  { kind: 'action', name: 'create rate deck', platform: true, allowed: [], load: async () => (await deckActions()).createRateDeckAction, form: () => ({ name: 'Isolation probe deck', purpose: 'sell', currency: 'USD' }) },
  { kind: 'action', name: 'make rate deck default', platform: true, allowed: [], load: async () => (await deckActions()).makeDefaultRateDeckAction, form: () => ({ deckId: NOWHERE }) },
  { kind: 'action', name: 'assign rate deck', platform: true, allowed: [], load: async () => (await deckActions()).assignRateDeckAction, form: ({ accountId }) => ({ deckId: NOWHERE, accountId }) },
  { kind: 'action', name: 'remove an account’s own rate deck', platform: true, allowed: [], load: async () => (await deckActions()).unassignRateDeckAction, form: ({ accountId }) => ({ accountId }) },
];
