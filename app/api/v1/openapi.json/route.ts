import { getOpenApiDocument } from '@/lib/api/contracts/meta';
import { withPublic } from '@/lib/api/handler';
import { publishedOpenApi } from '@/lib/api/openapi';
import { getEnv } from '@/lib/env';

export const dynamic = 'force-dynamic';

/** The public API's OpenAPI 3.1 document, for anyone (no sign-in), from any origin. */
export const GET = withPublic(getOpenApiDocument, async () =>
  new Response(publishedOpenApi(getEnv().appUrl).json, {
    status: 200,
    headers: {
      'content-type': 'application/json',
      'access-control-allow-origin': '*',
      'cache-control': 'public, max-age=300',
    },
  }),
);
