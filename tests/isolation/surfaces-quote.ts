/**
 * Quotes from a CDR file (merged into SURFACES): the page, for the roles that see money. The upload
 * itself is POST /api/v1/quote, covered with every published operation by api-isolation.test.ts.
 */
import type { Role } from '@/lib/auth/permissions';
import type { Surface } from './surfaces';

const MONEY: Role[] = ['owner', 'admin', 'finance'];

export const QUOTE_SURFACES: Surface[] = [{ kind: 'page', name: 'quote a CDR file', scope: 'current', allowed: MONEY, load: () => import('@/app/(portal)/billing/quote/page') }];
