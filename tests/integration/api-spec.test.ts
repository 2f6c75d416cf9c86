/**
 * The spec test (issue 13.4): every operation of the published OpenAPI document, called through its
 * real route handler with real objects, answers a success and its errors exactly as the document
 * says (status and body, checked by ajv against /api/v1/openapi.json's document).
 */
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { users } from '@/lib/db/schema';
import { startUserSession } from '@/lib/auth/sessions';
import { useTestDatabase } from '../support/db';
import { enableTwoFactorFor } from '../support/two-factor';
import { publishedOperations } from '../support/openapi';
import { useSandboxes } from '../support/sandboxes';
import {
  OPERATION_FIXTURES,
  callOperation,
  endpointOf,
  expectErrorShape,
  fixtureOf,
  liftRateLimits,
  missingParams,
  permissionOf,
  routeHandlerOf,
  seedApiWorld,
  type ApiWorld,
} from '../support/api-operations';

const session = vi.hoisted(() => ({ userId: undefined as string | undefined, accountCookie: undefined as string | undefined }));
vi.mock('@/lib/auth/config', async () => (await import('../support/next-mocks')).authConfigMock(session));
vi.mock('next/headers', async () => (await import('../support/next-mocks')).nextHeadersMock(session));
vi.mock('next/cache', () => ({ revalidatePath: () => undefined, revalidateTag: () => undefined }));
// Work scheduled after the answer (an order's carrier calls) is not what this suite checks.
vi.mock('next/server', () => ({ after: () => undefined }));

liftRateLimits();

const OPERATIONS = publishedOperations();

describe('every published operation answers as its OpenAPI document says', () => {
  const test = useTestDatabase();
  const sandboxes = useSandboxes();
  let world: ApiWorld;

  beforeAll(async () => {
    await sandboxes.connect(test.db);
    world = await seedApiWorld(test.db);
  });

  it('has a contract, a route handler and a fixture for every operation', async () => {
    const missing = OPERATIONS.filter((operation) => !OPERATION_FIXTURES[operation.operationId]).map((operation) => operation.operationId);
    expect(missing, `add a fixture for ${missing.join(', ')} to OPERATION_FIXTURES in tests/support/api-operations.ts`).toEqual([]);
    for (const operation of OPERATIONS) await routeHandlerOf(endpointOf(operation.operationId));
  });

  describe.each(OPERATIONS)('$method $path ($operationId)', ({ operationId }) => {
    const endpoint = endpointOf(operationId);
    const account = permissionOf(endpoint) !== undefined;

    it('succeeds with the documented status and body', async () => {
      const fixture = fixtureOf(operationId);
      const call = await fixture.success(world);
      let answer;
      if (fixture.succeedsAs) {
        const user = (await test.db.select().from(users).where(eq(users.email, fixture.succeedsAs.session)))[0]!;
        session.userId = user.id;
        session.accountCookie = world.tenants.acme.id;
        if (fixture.succeedsAs.steppedUp) {
          await enableTwoFactorFor(test.db, user.id);
          Object.assign(session, { sessionId: await startUserSession(test.db, { userId: user.id, secondFactorAt: new Date() }), email: user.email, name: user.name });
        }
        try {
          answer = await callOperation(endpoint, call, undefined);
        } finally {
          Object.assign(session, { userId: undefined, accountCookie: undefined, sessionId: undefined });
        }
      } else {
        answer = await callOperation(endpoint, call, world.keys.acme.admin);
      }
      expect(answer.status, `${operationId}${fixture.note ? ` (needs ${fixture.note})` : ''}: ${answer.text.slice(0, 400)}`).toBe(endpoint.status ?? 200);
    });

    it.runIf(account)('answers 401 without a key', async () => {
      const answer = await callOperation(endpoint, await fixtureOf(operationId).success(world), undefined);
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expectErrorShape(answer, operationId);
    });

    it('answers 400 to a query parameter it does not take, naming it', async () => {
      const call = await fixtureOf(operationId).success(world);
      const answer = await callOperation(endpoint, { ...call, query: [call.query, 'colour=red'].filter(Boolean).join('&') }, world.keys.acme.admin);
      expect(answer.status).toBe(400);
      expect(JSON.stringify(answer.body.error.fields), 'the refusal names the parameter').toContain('colour');
      expectErrorShape(answer, operationId);
    });

    it.runIf(Boolean(endpoint.params))('answers 404 for ids that name nothing, and for malformed ones', async () => {
      const call = await fixtureOf(operationId).success(world);
      for (const params of [missingParams(call.params), Object.fromEntries(Object.keys(call.params ?? {}).map((name) => [name, 'not an id']))]) {
        const answer = await callOperation(endpoint, { ...call, params }, world.keys.acme.admin);
        expect(answer.status, JSON.stringify(params)).toBe(404);
        expectErrorShape(answer, operationId);
      }
    });

    it.runIf(Boolean(endpoint.body))('answers 400 to an unknown body field and 415 to a body that is not JSON', async () => {
      const call = await fixtureOf(operationId).success(world);
      const unknown = await callOperation(endpoint, { ...call, json: { ...(call.json as object), colour: 'red' } }, world.keys.acme.admin);
      expect(unknown.status).toBe(400);
      expectErrorShape(unknown, operationId);
      const notJson = await callOperation(endpoint, call, world.keys.acme.admin, { body: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect(notJson.status).toBe(415);
      expectErrorShape(notJson, operationId);
    });
  });
});
