import { pushCdrs } from '@/lib/api/contracts/cdrs';
import { withAccount } from '@/lib/api/handler';
import { pushCdrs as pushCdrBody } from '@/lib/services/cdr-push';

export const dynamic = 'force-dynamic';

/** CDRs from a customer's switch, NDJSON or CSV, read as the body streams in (keys with `cdr:write` only). */
export const POST = withAccount(pushCdrs, async ({ access, request }) => pushCdrBody(access, request.body, request.headers.get('content-type')));
