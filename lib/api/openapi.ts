/**
 * The OpenAPI 3.1 document of /api/v1, built from the endpoint contracts (lib/api/contracts) and
 * the account event schemas (lib/api/events), so it says exactly what the routes accept and answer.
 * Served publicly at /api/v1/openapi.json and rendered by the portal's API page.
 */
import { z } from 'zod';
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject, type ZodOpenApiResponseObject, type ZodOpenApiResponsesObject } from 'zod-openapi';
import { errorBody, queryOf, type Endpoint } from './contract';
import type { OpenApiJson } from './curl-examples';
import { API_ENDPOINTS, API_TAGS } from './contracts';
import { ACCOUNT_EVENT_LABELS, ACCOUNT_EVENT_TYPES, accountEventData } from './events';

export const API_VERSION = '1.0.0';

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'The request is not valid: `error.fields` says which parameter or field, and why.',
  401: 'No valid API key (or session).',
  403: 'The key’s role may not do this, or the account is suspended.',
  404: 'Nothing with that id in the accounts this key reaches.',
  409: 'Conflicts with the current state (or a request with the same Idempotency-Key is still running).',
  413: 'The body is larger than 1 MB.',
  415: 'The body is not JSON.',
  422: 'The Idempotency-Key was used with a different request.',
  429: 'Rate limit reached: wait `Retry-After` seconds.',
  502: 'A carrier answered with something unreadable or refused our credentials.',
  503: 'A carrier or the service is unavailable; retry later.',
};

const WRITE = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

/** The error statuses an endpoint may answer: those of every endpoint of its kind, plus its own. */
export function errorStatusesOf(endpoint: Endpoint): number[] {
  const statuses = new Set<number>([400, 429]);
  if (!('public' in endpoint.access)) {
    statuses.add(401);
    statuses.add(403);
  }
  if (endpoint.params || 'permission' in endpoint.access) statuses.add(404);
  if (WRITE.has(endpoint.method)) [409, 413, 415, 422].forEach((status) => statuses.add(status));
  for (const status of endpoint.errors ?? []) statuses.add(status);
  return [...statuses].sort((a, b) => a - b);
}

const rateLimitHeaders = z.object({
  'RateLimit-Limit': z.string().optional().meta({ description: 'Requests the bucket holds (API keys).' }),
  'RateLimit-Remaining': z.string().optional().meta({ description: 'Requests left now.' }),
  'RateLimit-Reset': z.string().optional().meta({ description: 'Seconds until the bucket is full again.' }),
});

function operationOf(endpoint: Endpoint): ZodOpenApiOperationObject {
  const status = String(endpoint.status ?? 200);
  const successContent: Record<string, { schema: z.ZodType }> = { 'application/json': { schema: endpoint.answer } };
  for (const type of endpoint.alsoAnswers ?? []) successContent[type] = { schema: z.string() };
  const responses: Record<string, ZodOpenApiResponseObject> = {
    [status]: { description: endpoint.summary, headers: rateLimitHeaders, content: successContent },
  };
  for (const code of errorStatusesOf(endpoint)) {
    responses[String(code)] = {
      description: ERROR_DESCRIPTIONS[code] ?? 'Error',
      ...(code === 429 ? { headers: z.object({ 'Retry-After': z.string().meta({ description: 'Seconds to wait.' }) }) } : {}),
      content: { 'application/json': { schema: errorBody } },
    };
  }
  const query = queryOf(endpoint);
  return {
    operationId: endpoint.operationId,
    tags: [endpoint.tag],
    summary: endpoint.summary,
    ...(endpoint.description ? { description: endpoint.description } : {}),
    ...('public' in endpoint.access ? { security: [] } : {}),
    requestParams: {
      ...(endpoint.params instanceof z.ZodObject ? { path: endpoint.params } : {}),
      ...(query ? { query } : {}),
      ...(WRITE.has(endpoint.method) && !endpoint.streamedBody
        ? { header: z.object({ 'Idempotency-Key': z.string().max(255).optional().meta({ description: 'Repeat a request safely: the same key and body answer the first answer for 24 hours.' }) }) }
        : {}),
    },
    ...(endpoint.body ? { requestBody: { required: !endpoint.bodyOptional, content: { 'application/json': { schema: endpoint.body } } } } : {}),
    ...(endpoint.streamedBody ? { requestBody: { required: endpoint.streamedBody.required, content: endpoint.streamedBody.content } } : {}),
    responses: responses as ZodOpenApiResponsesObject,
  };
}

function webhooksOf(): ZodOpenApiPathsObject {
  return Object.fromEntries(
    ACCOUNT_EVENT_TYPES.map((type) => [
      type,
      {
        post: {
          summary: ACCOUNT_EVENT_LABELS[type],
          description:
            'Signed as Standard Webhooks say: headers `webhook-id`, `webhook-timestamp`, `webhook-signature` (`v1,` + base64 HMAC-SHA256 of `id.timestamp.body` with the endpoint’s secret). Answer 2xx within 15 s; other answers are retried for 24 hours.',
          requestBody: {
            content: {
              'application/json': {
                schema: z.object({ type: z.literal(type), timestamp: z.string().meta({ format: 'date-time' }), data: accountEventData[type].extend({ accountId: z.string().uuid().meta({ description: 'The account the event happened in (this one or a sub-account).' }) }) }),
              },
            },
          },
          responses: { '200': { description: 'Received.' } },
        },
      },
    ]),
  );
}

let published: { serverUrl: string; json: string; document: OpenApiJson } | undefined;

/**
 * The document as served (plain JSON), built once per process: the contracts only change with a
 * deploy. The route serves `json`; the docs page reads `document`.
 */
export function publishedOpenApi(serverUrl: string): { json: string; document: OpenApiJson } {
  if (published?.serverUrl !== serverUrl) {
    const json = JSON.stringify(buildOpenApiDocument(serverUrl));
    published = { serverUrl, json, document: JSON.parse(json) as OpenApiJson };
  }
  return published;
}

export function buildOpenApiDocument(serverUrl: string) {
  const paths: ZodOpenApiPathsObject = {};
  for (const endpoint of API_ENDPOINTS) {
    (paths[endpoint.path] ??= {})[endpoint.method.toLowerCase() as 'get'] = operationOf(endpoint);
  }
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Carrier Portal API',
      version: API_VERSION,
      description:
        'Everything a customer does in the portal, for programs. Authenticate with `Authorization: Bearer cp_live_…` (create keys under Developers → API keys). JSON in and out, unknown fields refused, times in ISO 8601 UTC, numbers in E.164, lists paged by `cursor`. Errors: `{"error":{"code","message","fields"}}`.',
    },
    servers: [{ url: `${serverUrl.replace(/\/$/, '')}/api/v1` }],
    tags: [...API_TAGS],
    security: [{ apiKey: [] }],
    components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', bearerFormat: 'cp_live_…', description: 'An API key of the account.' } } },
    paths,
    webhooks: webhooksOf(),
  });
}
