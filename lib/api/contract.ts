/**
 * The public API's contract: each endpoint is declared once here (method, path, zod schemas for
 * params, query, body and answer, the permission it needs) and used twice: by its route handler
 * (`lib/api/handler.ts` parses and authorizes with it) and by the OpenAPI document
 * (`lib/api/openapi.ts`), so the published document cannot drift from what the routes accept.
 *
 * Conventions (as Twilio and Telnyx users expect): JSON bodies, unknown fields refused, camelCase
 * fields, ISO 8601 times in UTC, E.164 numbers, lists as `{ data, nextCursor }` (pass `cursor`
 * to get the next page; `nextCursor` is null on the last), errors as
 * `{ "error": { "code", "message", "fields"? } }`.
 */
import { z } from 'zod';
import '@/lib/validations/zod-messages';
import type { Permission } from '@/lib/auth/permissions';
import type { ApiKeyScope } from '@/lib/validations/api-keys';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** Who may call it: a permission in the account (sessions and API keys), operator staff, or anyone. */
export type EndpointAccess = { permission: Permission } | { staff: true } | { public: true };

export interface Endpoint<
  Params extends z.ZodType = z.ZodType,
  Query extends z.ZodType = z.ZodType,
  Body extends z.ZodType = z.ZodType,
  Answer extends z.ZodType = z.ZodType,
> {
  method: HttpMethod;
  /** OpenAPI path under /api/v1, parameters in braces: `/numbers/{e164}`. */
  path: string;
  operationId: string;
  tag: string;
  summary: string;
  description?: string;
  access: EndpointAccess;
  params?: Params;
  query?: Query;
  body?: Body;
  /** The JSON body may be left out: an empty body reads as `{}` (every field of `body` optional). */
  bodyOptional?: boolean;
  /** The success answer's JSON. */
  answer: Answer;
  /** 200 unless said (201 for creations, 202 for accepted work). */
  status?: 200 | 201 | 202;
  /** Other media types the endpoint answers by `Accept` (`text/csv`), beside JSON. */
  alsoAnswers?: readonly string[];
  /** Error statuses this endpoint may answer beyond the ones every endpoint of its kind may. */
  errors?: readonly number[];
  /** An API key scope the caller needs beyond the permission: sessions and keys without it get 403 `forbidden:scope`. */
  scope?: ApiKeyScope;
  /**
   * The success answer holds a secret, shown this once: in `secret` (`true`: every success holds
   * one), or in the named field of the successes that generated one (`{ field }`: a trunk group's
   * digest password). Secrets are stored hashed or sealed, never as they were answered: so an
   * `Idempotency-Key`'s kept answer leaves the secret out, and a replay of a success that showed
   * one answers 409 `conflict:secret_already_shown` naming what was made.
   */
  answersSecretOnce?: true | { field: string };
  /**
   * The body is not JSON but read by the handler itself as a stream (`request.body`), in one of
   * these media types: the wrapper neither buffers nor parses it, and `Idempotency-Key` does not
   * apply (the body is not kept to fingerprint).
   */
  streamedBody?: { required: boolean; content: Record<string, { schema: z.ZodType; example?: string }> };
}

export function defineEndpoint<Params extends z.ZodType, Query extends z.ZodType, Body extends z.ZodType, Answer extends z.ZodType>(
  endpoint: Endpoint<Params, Query, Body, Answer>,
): Endpoint<Params, Query, Body, Answer> {
  return endpoint;
}

export const errorBody = z
  .object({
    error: z.object({
      code: z.string().meta({ description: 'Machine-readable: `kind:subject`, e.g. `invalid:request`, `not_found:number`.', example: 'not_found:number' }),
      message: z.string().meta({ description: 'What went wrong and what to do, for the developer reading the log.' }),
      fields: z.record(z.string(), z.array(z.string())).optional().meta({ description: 'Messages by field path (`rows.1.cidr`), for invalid input.' }),
    }),
  })
  .meta({ id: 'Error' });

/** A `limit` query parameter: a whole number within bounds, with one message for every way it is wrong. */
export function limitParam({ max, fallback, description }: { max: number; fallback: number; description: string }) {
  const message = `limit must be a whole number from 1 to ${max}`;
  return z.coerce.number({ error: message }).int(message).min(1, message).max(max, message).default(fallback).meta({ description });
}

/** The `cursor`/`limit` query of every list. */
export const pageQuery = {
  cursor: z.string().max(500).optional().meta({ description: 'The `nextCursor` of the previous page.' }),
  limit: limitParam({ max: 200, fallback: 50, description: 'Items per page, 1–200 (default 50).' }),
};

/** `{ data, nextCursor }` for a list of `item`. */
export function pageOf<Item extends z.ZodType>(item: Item) {
  return z.object({ data: z.array(item), nextCursor: z.string().nullable() });
}

/** Every account endpoint may name the account it acts in (default: the key's own account, or the session's current one). */
export const accountIdQuery = z.string().uuid('accountId must be an account id (a UUID) you can reach').optional().meta({
  description: 'Act in this account (a sub-account of the key’s account). Default: the key’s own account.',
});

export const isoTime = z.string().meta({ format: 'date-time', description: 'ISO 8601, UTC' });
export const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/).meta({ description: 'E.164', example: '+14155550123' });

/**
 * The query an endpoint accepts: its own, plus `accountId` on every account endpoint. The route
 * wrapper parses with it and the OpenAPI document publishes it.
 */
export function queryOf(endpoint: Endpoint): z.ZodObject | undefined {
  const own = endpoint.query instanceof z.ZodObject ? endpoint.query : undefined;
  if (!('permission' in endpoint.access)) return own;
  return own ? own.extend({ accountId: accountIdQuery }) : z.object({ accountId: accountIdQuery });
}
