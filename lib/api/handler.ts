/**
 * The one wrapper of every /api/v1 route handler (DESIGN.md §6 "one principal"): it resolves who
 * is asking — `Authorization: Bearer <API key>` or the session cookie — checks the endpoint's
 * permission in the account, rate-limits API keys, parses params, query and body with the
 * endpoint's zod schemas (unknown fields refused, bodies over 1 MB 413, non-JSON 415; a
 * `streamedBody` endpoint reads its own body), checks an API key scope the endpoint needs, honours
 * `Idempotency-Key` on writes, and answers every error as `{"error":{"code","message","fields"}}`
 * with the status `lib/errors.ts` gives its kind.
 */
import 'server-only';
import { z } from 'zod';
import { apiKeyAccessInOwnAccount, assertCan, resolveApiKeyAccess, type AccountAccess, type ApiKeyActor, type SessionUser } from '@/lib/auth/access';
import { authenticateApiKeyWithAccount } from '@/lib/auth/api-key-auth';
import { clientIp } from '@/lib/auth/client-ip';
import { authorize, getSessionUser } from '@/lib/auth/guard';
import { queryStringProblems } from '@/lib/auth/route';
import { getDb } from '@/lib/db/client';
import type { Account } from '@/lib/db/schema';
import { getEnv } from '@/lib/env';
import { AppError, toPublicError } from '@/lib/errors';
import { log } from '@/lib/log';
import { queryOf, type Endpoint } from './contract';
import { apiFieldErrors } from './field-errors';
import { requestFingerprint, withIdempotency, type StoredAnswer } from './idempotency';
import { rateLimitHeaders, takeApiToken, type RateLimitState } from './rate-limit';

export const MAX_BODY_BYTES = 1024 * 1024;

type RouteContext = { params: Promise<Record<string, string | string[]>> };
type RouteHandler = (request: Request, context: RouteContext) => Promise<Response>;

type Parsed<Schema, Fallback> = [Exclude<Schema, undefined>] extends [never] ? Fallback : Exclude<Schema, undefined> extends z.ZodType ? z.output<Exclude<Schema, undefined>> : Fallback;

export interface CallContext<E extends Endpoint> {
  request: Request;
  params: Parsed<E['params'], Record<string, never>>;
  query: Parsed<E['query'], Record<string, never>>;
  body: Parsed<E['body'], undefined>;
  ip?: string;
}

type Answer<E extends Endpoint> = z.input<E['answer']> | Response;

const isNextInterrupt = (error: unknown) =>
  Boolean(error && typeof error === 'object' && 'digest' in error && String((error as { digest: unknown }).digest).startsWith('NEXT_'));

/** The JSON error answer of the API. */
export function errorResponse(error: unknown, request?: Request): Response {
  const normalized = error instanceof z.ZodError ? new AppError('invalid:request', 'The request is not valid; see `fields`.', { fieldErrors: apiFieldErrors(error) }) : error;
  const publicError = toPublicError(normalized);
  if (publicError.status >= 500) log.error('api.failed', { url: request?.url, error });
  const headers: Record<string, string> = { 'cache-control': 'no-store' };
  if (normalized instanceof AppError && normalized.retryAfterMs) headers['retry-after'] = String(Math.max(1, Math.ceil(normalized.retryAfterMs / 1000)));
  if (normalized instanceof AppError && normalized.rateLimit) Object.assign(headers, rateLimitHeaders(normalized.rateLimit));
  if (publicError.code.startsWith('unauthorized:')) headers['www-authenticate'] = 'Bearer realm="carrier-portal"';
  return Response.json(errorBodyOf(publicError), { status: publicError.status, headers });
}

function errorBodyOf(publicError: ReturnType<typeof toPublicError>) {
  return { error: { code: publicError.code, message: publicError.message, ...(publicError.fieldErrors ? { fields: publicError.fieldErrors } : {}) } };
}

/** Strict: a parameter or field the schema does not name is refused, not ignored. */
function strict(schema: z.ZodType): z.ZodType {
  return schema instanceof z.ZodObject ? schema.strict() : schema;
}

function parseOrThrow(schema: z.ZodType, value: unknown, code: `${string}:${string}`, message: string) {
  const parsed = strict(schema).safeParse(value);
  if (!parsed.success) throw new AppError(code as `invalid:${string}`, message, { fieldErrors: apiFieldErrors(parsed.error) });
  return parsed.data;
}

function queryObject(url: URL): Record<string, string> {
  const query: Record<string, string> = Object.create(null);
  for (const [key, value] of url.searchParams) if (!Object.hasOwn(query, key)) query[key] = value;
  return query;
}

async function readBody(request: Request): Promise<string> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return new TextDecoder('utf-8', { fatal: false }).decode(Buffer.concat(chunks));
}

const tooLarge = () => new AppError('too_large:body', `The request body is larger than ${MAX_BODY_BYTES / 1024 / 1024} MB.`);

function isJson(contentType: string | null): boolean {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type);
}

/** The body as the endpoint's schema reads it; `rawBody` is what the idempotency fingerprint hashes. */
function parseBody(endpoint: Endpoint, request: Request, rawBody: string): unknown {
  if (!endpoint.body) {
    if (rawBody.trim()) throw new AppError('invalid:body', `${endpoint.method} ${endpoint.path} takes no request body.`);
    return undefined;
  }
  if (endpoint.bodyOptional && !rawBody.trim()) return parseOrThrow(endpoint.body, {}, 'invalid:body', 'The request body is not valid; see `fields`.');
  if (!isJson(request.headers.get('content-type'))) {
    throw new AppError('unsupported_media_type:body', 'Send the body as JSON with Content-Type: application/json.');
  }
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    throw new AppError('invalid:json', 'The request body is not valid JSON.');
  }
  return parseOrThrow(endpoint.body, json, 'invalid:body', 'The request body is not valid; see `fields`.');
}

const WRITE_METHODS = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

/**
 * A browser session's write must come from the portal's own pages: a cross-site form cannot send
 * JSON, and an `Origin` naming another site is refused outright.
 */
function assertSameOrigin(request: Request) {
  const origin = request.headers.get('origin');
  if (!origin) return;
  const allowed = new Set([new URL(request.url).origin, getEnv().appUrl]);
  if (!allowed.has(origin)) throw new AppError('forbidden:origin', 'Cross-site requests with a session are refused; use an API key.');
}

type Principal = { kind: 'api_key'; key: ApiKeyActor; account: Account; rate: RateLimitState } | { kind: 'user'; user: SessionUser };

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** The secret of `Authorization: Bearer <secret>`, or undefined when the header is absent or not of that form. */
export function bearerSecretOf(request: Request): string | undefined {
  return BEARER.exec(request.headers.get('authorization') ?? '')?.[1];
}

async function principalOf(request: Request, ip: string | undefined): Promise<Principal> {
  if (request.headers.has('authorization')) {
    const secret = bearerSecretOf(request);
    if (!secret) throw new AppError('unauthorized:api_key', 'Send the API key as `Authorization: Bearer cp_live_…`.');
    const db = await getDb();
    const { key, account } = await authenticateApiKeyWithAccount(db, secret, ip);
    const rate = await takeApiToken(db, { keyId: key.id, accountId: key.accountId });
    return { kind: 'api_key', key, account, rate };
  }
  const user = await getSessionUser();
  if (!user) throw new AppError('unauthorized:session', 'Authenticate with `Authorization: Bearer <API key>` (or a portal session).');
  return { kind: 'user', user };
}

interface Prepared {
  principal?: Principal;
  context: CallContext<Endpoint>;
  rawBody: string;
}

async function prepare(endpoint: Endpoint, request: Request, routeContext: RouteContext, authenticate: boolean): Promise<Prepared> {
  const url = new URL(request.url);
  const problems = queryStringProblems(url.searchParams);
  if (problems) throw new AppError('invalid:query', 'The query string holds characters no parameter accepts.', { fieldErrors: problems });
  const ip = clientIp(request.headers);
  const principal = authenticate ? await principalOf(request, ip) : undefined;
  const rawParams = await routeContext.params;
  const params = endpoint.params ? parseOrThrowNotFound(endpoint, rawParams) : {};
  // A streamed body is the handler's to read, after the caller is known: never buffered here.
  const rawBody = WRITE_METHODS.has(request.method) && !endpoint.streamedBody ? await readBody(request) : '';
  const querySchema = queryOf(endpoint);
  const query = querySchema ? parseOrThrow(querySchema, queryObject(url), 'invalid:query', 'Some query parameters are not valid; see `fields`.') : emptyQuery(url);
  const body = endpoint.streamedBody ? undefined : parseBody(endpoint, request, rawBody);
  return { principal, rawBody, context: { request, params, query, body, ip } as CallContext<Endpoint> };
}

function emptyQuery(url: URL) {
  const names = [...url.searchParams.keys()];
  if (names.length) throw new AppError('invalid:query', 'This endpoint takes no query parameters.', { fieldErrors: Object.fromEntries(names.map((name) => [name, ['Unknown parameter']])) });
  return {};
}

/** A path that names nothing this endpoint can hold (a malformed id) is "not found", as an unknown one is. */
function parseOrThrowNotFound(endpoint: Endpoint, rawParams: Record<string, string | string[]>) {
  const parsed = endpoint.params!.safeParse(rawParams);
  if (!parsed.success) throw new AppError(`not_found:${endpoint.tag.toLowerCase().replace(/[^a-z0-9]+/g, '_')}`, 'Nothing with that id exists here.');
  return parsed.data;
}

async function answerOf(endpoint: Endpoint, run: () => Promise<unknown>): Promise<StoredAnswer | Response> {
  try {
    const result = await run();
    if (result instanceof Response) return result;
    return { status: endpoint.status ?? 200, body: result ?? null };
  } catch (error) {
    if (isNextInterrupt(error)) throw error;
    const normalized = error instanceof z.ZodError ? new AppError('invalid:request', 'The request is not valid; see `fields`.', { fieldErrors: apiFieldErrors(error) }) : error;
    const publicError = toPublicError(normalized);
    // Refusals (4xx) are answers like any other, and kept for the Idempotency-Key; our failures are not.
    if (publicError.status >= 500 || publicError.status === 429) throw error;
    return { status: publicError.status, body: errorBodyOf(publicError) };
  }
}

/** Marks a kept answer that showed a secret, where only some answers of the endpoint hold one. */
const SECRET_SHOWN = '#secretShown';

const isObject = (value: unknown): value is Record<string, unknown> => Boolean(value) && typeof value === 'object' && !Array.isArray(value);

/** The kept copy of an answer that shows a secret once: everything but the secret. */
function withoutSecret(secretOnce: NonNullable<Endpoint['answersSecretOnce']>) {
  const field = secretOnce === true ? 'secret' : secretOnce.field;
  return (body: unknown): unknown => {
    if (!isObject(body) || !(field in body)) return body;
    const kept = Object.fromEntries(Object.entries(body).filter(([name]) => name !== field));
    return secretOnce === true ? kept : { ...kept, [SECRET_SHOWN]: true };
  };
}

/** Whether a kept success showed a secret: every one does with `answersSecretOnce: true`. */
const showedSecret = (secretOnce: NonNullable<Endpoint['answersSecretOnce']>, body: unknown) => secretOnce === true || (isObject(body) && SECRET_SHOWN in body);

/** The id of what an answer made: its own `id`, or that of the object it holds (`{ trunkGroup: { id } }`). */
function madeIdOf(body: unknown): string | undefined {
  if (!isObject(body)) return undefined;
  if (typeof body.id === 'string') return body.id;
  const held = Object.values(body).find((value) => isObject(value) && typeof value.id === 'string') as { id: string } | undefined;
  return held?.id;
}

async function respond(
  endpoint: Endpoint,
  request: Request,
  prepared: Prepared,
  idempotencyPrincipal: string | undefined,
  run: () => Promise<unknown>,
): Promise<Response> {
  const headers: Record<string, string> = { 'cache-control': 'no-store' };
  if (prepared.principal?.kind === 'api_key') Object.assign(headers, rateLimitHeaders(prepared.principal.rate));
  const idempotencyKey = request.headers.get('idempotency-key');
  if (idempotencyKey !== null && idempotencyPrincipal && WRITE_METHODS.has(request.method)) {
    const url = new URL(request.url);
    const stored = await withIdempotency(
      await getDb(),
      { principal: idempotencyPrincipal, key: idempotencyKey, fingerprint: requestFingerprint(request.method, url, prepared.rawBody) },
      async () => {
        const answer = await answerOf(endpoint, run);
        return answer instanceof Response ? { status: answer.status, body: await answer.clone().json().catch(() => null) } : answer;
      },
      endpoint.answersSecretOnce ? withoutSecret(endpoint.answersSecretOnce) : undefined,
    );
    if (stored.replayed) headers['idempotent-replayed'] = 'true';
    if (stored.replayed && endpoint.answersSecretOnce && stored.status < 300 && showedSecret(endpoint.answersSecretOnce, stored.body)) {
      const made = madeIdOf(stored.body);
      const error = toPublicError(
        new AppError(
          'conflict:secret_already_shown',
          `This Idempotency-Key already ${request.method === 'PATCH' ? 'changed' : 'made'} ${made ?? 'this'}, and its secret was answered that once only. If it was lost, make a new one (and revoke or rotate the old).`,
        ),
      );
      return Response.json(errorBodyOf(error), { status: error.status, headers });
    }
    return Response.json(stored.body, { status: stored.status, headers });
  }
  const answer = await answerOf(endpoint, run);
  if (answer instanceof Response) {
    for (const [name, value] of Object.entries(headers)) if (!answer.headers.has(name)) answer.headers.set(name, value);
    return answer;
  }
  return Response.json(answer.body, { status: answer.status, headers });
}

/** The caller's access in the account the request names (`accountId`) or its default one, with the permission checked. */
async function accountAccessOf(principal: Principal, permission: Endpoint['access'] & { permission: unknown }, accountId: string | undefined, ip?: string): Promise<AccountAccess> {
  if (principal.kind === 'api_key') {
    // The key's own account was read with the key; only a sub-account needs its chain read.
    const access =
      accountId === undefined || accountId === principal.key.accountId
        ? apiKeyAccessInOwnAccount(principal.key, principal.account, ip)
        : await resolveApiKeyAccess(await getDb(), principal.key, accountId, ip);
    assertCan(access, permission.permission as Parameters<typeof assertCan>[1]);
    return access;
  }
  return authorize(permission.permission as Parameters<typeof authorize>[0], accountId);
}

/** Checked after the account (another tenant's account stays a 404 whatever the key's scopes). */
function assertScope(principal: Principal, scope: string) {
  if (principal.kind !== 'api_key') {
    throw new AppError('forbidden:scope', `Only an API key with the \`${scope}\` scope may call this endpoint; a portal session cannot. The carrier's operator staff issue such keys.`);
  }
  if (!principal.key.scopes.includes(scope)) {
    throw new AppError('forbidden:scope', `This API key lacks the \`${scope}\` scope. Ask the carrier's operator staff for a key with it.`);
  }
}

/** A route on one customer account, for API keys and sessions alike. */
export function withAccount<E extends Endpoint>(endpoint: E, handler: (context: CallContext<E> & { access: AccountAccess }) => Promise<Answer<E>>): RouteHandler {
  if (!('permission' in endpoint.access)) throw new Error(`${endpoint.operationId}: withAccount needs an endpoint with a permission`);
  const permission = endpoint.access;
  return async (request, routeContext) => {
    try {
      const prepared = await prepare(endpoint, request, routeContext, true);
      const principal = prepared.principal!;
      if (principal.kind === 'user' && WRITE_METHODS.has(request.method)) assertSameOrigin(request);
      const accountId = (prepared.context.query as { accountId?: string }).accountId;
      const access = await accountAccessOf(principal, permission, accountId, prepared.context.ip);
      if (endpoint.scope) assertScope(principal, endpoint.scope);
      // A session's account comes from its cookie, outside the fingerprinted request: one key
      // reused after switching account is a new request in the other account, not a replay.
      const idempotencyPrincipal = endpoint.streamedBody ? undefined : principal.kind === 'api_key' ? `key:${principal.key.id}` : `user:${principal.user.id}:${access.account.id}`;
      return await respond(endpoint, request, prepared, idempotencyPrincipal, () => handler({ ...(prepared.context as CallContext<E>), access }));
    } catch (error) {
      if (isNextInterrupt(error)) throw error;
      return errorResponse(error, request);
    }
  };
}

/** A platform route for the carrier's operator staff (sessions only). */
export function withStaff<E extends Endpoint>(endpoint: E, handler: (context: CallContext<E> & { staff: SessionUser }) => Promise<Answer<E>>): RouteHandler {
  return async (request, routeContext) => {
    try {
      const prepared = await prepare(endpoint, request, routeContext, true);
      const principal = prepared.principal!;
      if (principal.kind !== 'user' || !principal.user.isOperatorStaff) throw new AppError('forbidden:staff', 'Only the carrier’s operator staff can call this endpoint.');
      if (WRITE_METHODS.has(request.method)) assertSameOrigin(request);
      return await respond(endpoint, request, prepared, `user:${principal.user.id}`, () => handler({ ...(prepared.context as CallContext<E>), staff: principal.user }));
    } catch (error) {
      if (isNextInterrupt(error)) throw error;
      return errorResponse(error, request);
    }
  };
}

/** A route anyone may call (the OpenAPI document). */
export function withPublic<E extends Endpoint>(endpoint: E, handler: (context: CallContext<E>) => Promise<Answer<E>>): RouteHandler {
  return async (request, routeContext) => {
    try {
      const prepared = await prepare(endpoint, request, routeContext, false);
      return await respond(endpoint, request, prepared, undefined, () => handler(prepared.context as CallContext<E>));
    } catch (error) {
      if (isNextInterrupt(error)) throw error;
      return errorResponse(error, request);
    }
  };
}
