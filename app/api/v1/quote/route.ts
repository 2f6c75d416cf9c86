import { quoteCdrFile } from '@/lib/api/contracts/quote';
import { withAccount } from '@/lib/api/handler';
import { quoteCdrUpload } from '@/lib/services/quote';

export const dynamic = 'force-dynamic';

/** A CDR file priced on the caller's deck: the public endpoint, and what the quote page uploads to. */
export const POST = withAccount(quoteCdrFile, async ({ access, request }) => quoteCdrUpload(access, request.body, request.headers.get('content-type')));
