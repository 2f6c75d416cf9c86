/**
 * Calling /api/v1 route handlers as a program would: a real API key (stored hashed, as the portal
 * stores it) in `Authorization: Bearer`, JSON bodies, the route's params.
 */
import { eq } from 'drizzle-orm';
import { generateApiKeySecret, hashApiKeySecret, visiblePrefix } from '@/lib/auth/api-key-secret';
import type { Db } from '@/lib/db/client';
import { apiKeys, users, type MemberRole } from '@/lib/db/schema';
import type { Endpoint } from '@/lib/api/contract';
import { headersFromClient } from './next-mocks';
import { expectConformsToSpec } from './openapi';

export interface TestApiKey {
  id: string;
  secret: string;
}

/** A key on `accountId` with `role`, created by `createdBy` (an email), as the API keys page would make it. */
export async function createTestApiKey(
  db: Db,
  { accountId, role, createdBy, name = `${role} key`, expiresAt, scopes = [] }: { accountId: string; role: Exclude<MemberRole, 'owner'>; createdBy: string; name?: string; expiresAt?: Date; scopes?: string[] },
): Promise<TestApiKey> {
  const [creator] = await db.select().from(users).where(eq(users.email, createdBy));
  if (!creator) throw new Error(`no user ${createdBy}`);
  const secret = generateApiKeySecret();
  const [key] = await db
    .insert(apiKeys)
    .values({ accountId, role, name, scopes, prefix: visiblePrefix(secret), secretHash: hashApiKeySecret(secret), createdByUserId: creator.id, expiresAt })
    .returning();
  return { id: key!.id, secret };
}

type Handler<Params> = (request: Request, context: { params: Promise<Params> }) => Promise<Response>;

export interface ApiCall<Params> {
  method?: string;
  /** Path and query under the host, e.g. `/api/v1/numbers?limit=5`. */
  url: string;
  params?: Params;
  key?: TestApiKey | string;
  /** A JSON value (sent with Content-Type: application/json), or a raw string with your own headers. */
  json?: unknown;
  body?: string;
  headers?: Record<string, string>;
  ip?: string;
  /** When given, the answer is checked against the published OpenAPI document (status and body). */
  endpoint?: Endpoint;
}

export interface ApiAnswer {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read answers of every shape
  body: any;
  text: string;
}

export async function callApi<Params extends Record<string, string>>(handler: Handler<Params>, call: ApiCall<Params>): Promise<ApiAnswer> {
  const headers = headersFromClient(call.ip ?? '198.51.100.7', call.headers ?? {});
  if (call.key) headers.set('authorization', `Bearer ${typeof call.key === 'string' ? call.key : call.key.secret}`);
  let body = call.body;
  if (call.json !== undefined) {
    body = JSON.stringify(call.json);
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  }
  const response = await handler(new Request(`http://portal.test${call.url}`, { method: call.method ?? 'GET', headers, body }), {
    params: Promise.resolve((call.params ?? {}) as Params),
  });
  const text = await response.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  const answer = { status: response.status, headers: response.headers, body: parsed, text };
  if (call.endpoint) expectConformsToSpec(call.endpoint, answer);
  return answer;
}
