/**
 * Fuzzing every published /api/v1 operation (issue 13, Tests; DESIGN.md §5 "bad input"): random
 * path parameters, query strings and JSON bodies (wrong types, huge strings, nested junk, unicode,
 * numbers as strings, nulls, unknown fields) never answer 500, always answer a status the document
 * lists with the body it documents, and every refusal is the one error shape.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { queryOf } from '@/lib/api/contract';
import { resolveSchema, type OpenApiJson } from '@/lib/api/curl-examples';
import { publishedOpenApi } from '@/lib/api/openapi';
import { useTestDatabase } from '../support/db';
import { publishedOperations } from '../support/openapi';
import { useSandboxes } from '../support/sandboxes';
import { callOperation, endpointOf, expectErrorShape, fixtureOf, liftRateLimits, seedApiWorld, type ApiWorld } from '../support/api-operations';

const session = vi.hoisted(() => ({ userId: undefined as string | undefined, accountCookie: undefined as string | undefined }));
vi.mock('@/lib/auth/config', async () => (await import('../support/next-mocks')).authConfigMock(session));
vi.mock('next/headers', async () => (await import('../support/next-mocks')).nextHeadersMock(session));
vi.mock('next/cache', () => ({ revalidatePath: () => undefined, revalidateTag: () => undefined }));
vi.mock('next/server', () => ({ after: () => undefined }));

liftRateLimits();

const RUNS_PER_OPERATION = 25;

const junkText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer().map(String),
  fc.double().map(String),
  fc.constantFrom('', ' ', 'null', 'true', '0', '-1', '1e309', 'NaN', '%', '%ZZ', '../..', "'; drop table users; --", '\u0000', '\u202e', '😀', '+1415555012', '00000000-0000-0000-0000-000000000000'),
  fc.nat(20_000).map((length) => 'x'.repeat(length)),
);

const junkValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    junkText,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 8 }), tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** Field names the operation's body takes (so junk reaches its validation, not only the unknown-field check). */
function bodyFieldNames(document: OpenApiJson, path: string, method: string): string[] {
  const schema = resolveSchema(document, document.paths?.[path]?.[method.toLowerCase()]?.requestBody?.content?.['application/json']?.schema);
  const shapes = [schema, ...(schema.oneOf ?? schema.anyOf ?? []).map((option) => resolveSchema(document, option))];
  return [...new Set(shapes.flatMap((shape) => Object.keys(shape.properties ?? {})))];
}

describe('fuzzing every operation: never a 500, always a documented answer', () => {
  const test = useTestDatabase();
  const sandboxes = useSandboxes();
  let world: ApiWorld;
  const { document } = publishedOpenApi('http://portal.test');

  beforeAll(async () => {
    await sandboxes.connect(test.db);
    world = await seedApiWorld(test.db);
  });

  it.each(publishedOperations())('$method $path ($operationId)', async ({ operationId, path, method }) => {
    const endpoint = endpointOf(operationId);
    const real = await fixtureOf(operationId).success(world);
    const queryNames = Object.keys(queryOf(endpoint)?.shape ?? {});
    const fieldNames = bodyFieldNames(document, path, method);
    const name = fc.oneof(fc.constantFrom(...(queryNames.length ? queryNames : ['limit'])), fc.string({ maxLength: 12 }));
    const params = fc.record(Object.fromEntries(Object.entries(real.params ?? {}).map(([key, value]) => [key, fc.oneof(fc.constant(value), junkText)])));
    const query = fc.array(fc.tuple(name, junkText), { maxLength: 4 }).map((pairs) => new URLSearchParams(pairs).toString());
    const rawQuery = fc.constantFrom('%', '%ZZ=1', 'a=%00', 'cursor=%E0%A4%A', '=&&=');
    const knownFields = fieldNames.length ? fc.dictionary(fc.constantFrom(...fieldNames), junkValue, { maxKeys: fieldNames.length }) : fc.constant({});
    const body = fc.oneof(
      fc.record({ json: fc.tuple(knownFields, fc.dictionary(fc.string({ maxLength: 8 }), junkValue, { maxKeys: 2 })).map(([known, extra]) => ({ ...(real.json as object), ...known, ...(Math.random() < 0.5 ? extra : {}) })) }),
      fc.record({ json: junkValue }),
      fc.record({ raw: fc.oneof(junkText, fc.constantFrom('{', '{"a":', '[]', '{"__proto__":{"x":1}}', 'null')) }),
    );

    await fc.assert(
      fc.asyncProperty(params, fc.oneof(query, rawQuery), endpoint.body ? body : fc.constant(undefined), async (pathParams, queryString, sent) => {
        const call = { params: pathParams, query: queryString, json: sent && 'json' in sent ? sent.json : undefined };
        const raw = sent && 'raw' in sent ? { body: String(sent.raw), headers: { 'content-type': 'application/json' } } : {};
        const answer = await callOperation(endpoint, call, world.keys.acme.admin, raw);
        expect(answer.status, `${operationId}: ${answer.text.slice(0, 300)}`).toBeLessThan(500);
        if (answer.status >= 400) expectErrorShape(answer, operationId);
      }),
      { numRuns: RUNS_PER_OPERATION, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31), endOnFailure: true },
    );
  });
});
