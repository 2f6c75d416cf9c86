import { getOpenApiDocument } from '@/lib/api/contracts/meta';
import { withPublic } from '@/lib/api/handler';
import { buildOpenApiDocument } from '@/lib/api/openapi';
import { getEnv } from '@/lib/env';

export const dynamic = 'force-dynamic';

// The contracts only change with a deploy: build the document once per process.
let serialized: string | undefined;

function documentJson(): string {
  serialized ??= JSON.stringify(buildOpenApiDocument(getEnv().appUrl));
  return serialized;
}

/** The public API's OpenAPI 3.1 document, for anyone (no sign-in), from any origin. */
export const GET = withPublic(getOpenApiDocument, async () =>
  new Response(documentJson(), {
    status: 200,
    headers: {
      'content-type': 'application/json',
      'access-control-allow-origin': '*',
      'cache-control': 'public, max-age=300',
    },
  }),
);
