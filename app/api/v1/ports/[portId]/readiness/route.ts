import { getPortReadinessEndpoint } from '@/lib/api/contracts/ports';
import { withAccount } from '@/lib/api/handler';
import { getPortReadiness } from '@/lib/services/port-ins';

export const dynamic = 'force-dynamic';

/** The readiness check of a port of the account: its score and the fixes, rule by rule. */
export const GET = withAccount(getPortReadinessEndpoint, async ({ access, params }) => getPortReadiness(access, params.portId));
