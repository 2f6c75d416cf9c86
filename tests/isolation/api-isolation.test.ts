/**
 * Tenant isolation of every published /api/v1 operation (issue 13, Tests): keys of every role of
 * Globex never reach Acme's objects (404, the same answer as for an id that names nothing) nor see
 * Acme's rows in a list; Acme's own keys are refused by role exactly where the contract's
 * permission says; Globex's signed-in users (sessions) of every role reach nothing of Acme either.
 * Permissions come from the contracts, so new endpoints are covered as they land; the cross-tenant
 * suite counts every /api/v1 route of a published operation as covered here.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { ROLES } from '@/lib/auth/permissions';
import { useTestDatabase } from '../support/db';
import { seedRoleUsers } from '../support/fixtures';
import { publishedOperations } from '../support/openapi';
import { useSandboxes } from '../support/sandboxes';
import { KEY_ROLES, callOperation, endpointOf, expectErrorShape, fixtureOf, liftRateLimits, missingParams, permissionOf, rolesWith, seedApiWorld, type ApiWorld } from '../support/api-operations';

const session = vi.hoisted(() => ({ userId: undefined as string | undefined, accountCookie: undefined as string | undefined }));
vi.mock('@/lib/auth/config', async () => (await import('../support/next-mocks')).authConfigMock(session));
vi.mock('next/headers', async () => (await import('../support/next-mocks')).nextHeadersMock(session));
vi.mock('next/cache', () => ({ revalidatePath: () => undefined, revalidateTag: () => undefined }));
vi.mock('next/server', () => ({ after: () => undefined }));

liftRateLimits();

const ACCOUNT_OPERATIONS = publishedOperations().filter((operation) => permissionOf(endpointOf(operation.operationId)) !== undefined);

describe('API isolation: every operation × every key role of two tenants', () => {
  const test = useTestDatabase();
  const sandboxes = useSandboxes();
  let world: ApiWorld;
  let globexUsers: Awaited<ReturnType<typeof seedRoleUsers>>;

  beforeAll(async () => {
    await sandboxes.connect(test.db);
    world = await seedApiWorld(test.db);
    globexUsers = await seedRoleUsers(test.db, world.tenants.globex.id, 'globex-roles.example');
  });

  const leaks = (text: string) => world.acmeMarkers.filter((marker) => text.includes(marker));

  describe.each(ACCOUNT_OPERATIONS)('$method $path ($operationId)', ({ operationId }) => {
    const endpoint = endpointOf(operationId);
    const permission = permissionOf(endpoint)!;
    const allowed = rolesWith(permission);

    it.runIf(Boolean(endpoint.params))('answers Globex keys of every role about Acme’s objects exactly as about ids that name nothing', async () => {
      const call = await fixtureOf(operationId).success(world);
      for (const role of KEY_ROLES) {
        const key = world.keys.globex[role];
        const acmes = await callOperation(endpoint, call, key);
        const nothing = await callOperation(endpoint, { ...call, params: missingParams(call.params) }, key);
        expect([acmes.status, acmes.body?.error?.code], `Globex ${role} on Acme's object`).toEqual([nothing.status, nothing.body?.error?.code]);
        expect(acmes.status, `Globex ${role}: ${acmes.text.slice(0, 200)}`).toBe(allowed.includes(role) ? 404 : 403);
        expectErrorShape(acmes, `${operationId} as Globex ${role}`);
        expect(leaks(acmes.text)).toEqual([]);
      }
    });

    it.runIf(!endpoint.params)('never shows Globex keys any of Acme’s rows', async () => {
      const call = await fixtureOf(operationId).success(world);
      for (const role of KEY_ROLES) {
        const answer = await callOperation(endpoint, call, world.keys.globex[role]);
        expect(answer.status, `Globex ${role}: ${answer.text.slice(0, 200)}`).toBeLessThan(500);
        if (!allowed.includes(role)) expect(answer.body.error.code).toBe('forbidden:role');
        expect(leaks(answer.text), `Globex ${role} sees Acme`).toEqual([]);
      }
    });

    it('answers Globex keys that name one of Acme’s accounts with 404', async () => {
      const call = await fixtureOf(operationId).success(world);
      for (const accountId of [world.tenants.acme.id, world.tenants.east.id]) {
        for (const role of KEY_ROLES) {
          const answer = await callOperation(endpoint, { ...call, query: [call.query, `accountId=${accountId}`].filter(Boolean).join('&') }, world.keys.globex[role]);
          expect(answer.status, `Globex ${role} in ${accountId}: ${answer.text.slice(0, 200)}`).toBe(404);
          expect(answer.body.error.code).toBe('not_found:account');
        }
      }
    });

    // The same routes serve the portal's own pages through a session: Globex's signed-in users get no further than its keys.
    it('answers Globex’s signed-in users of every role about Acme’s objects and accounts as about nothing', async () => {
      const call = await fixtureOf(operationId).success(world);
      for (const role of ROLES) {
        session.userId = globexUsers[role].id;
        session.accountCookie = world.tenants.globex.id;
        const variants = [
          ...(endpoint.params ? [{ ...call, params: call.params }] : []),
          { ...call, query: [call.query, `accountId=${world.tenants.acme.id}`].filter(Boolean).join('&') },
        ];
        for (const variant of variants) {
          const answer = await callOperation(endpoint, variant, undefined, { headers: { origin: 'http://portal.test' } });
          expect([403, 404], `Globex ${role} session: ${answer.status} ${answer.text.slice(0, 200)}`).toContain(answer.status);
          expect(leaks(answer.text), `Globex ${role} session sees Acme`).toEqual([]);
        }
      }
      session.userId = undefined;
    });

    it(`refuses Acme's keys without ${permission} with 403 forbidden:role, and lets the others past the role check`, async () => {
      const fixture = fixtureOf(operationId);
      const call = await fixture.success(world);
      for (const role of KEY_ROLES) {
        const key = world.keys.acme[role];
        if (!allowed.includes(role)) {
          const refused = await callOperation(endpoint, call, key);
          expect([refused.status, refused.body?.error?.code], `Acme ${role}`).toEqual([403, 'forbidden:role']);
          continue;
        }
        // Past the role check without changing Acme's objects: an id that names nothing, or the fixture's own request.
        const answer = await callOperation(endpoint, endpoint.params ? { ...call, params: missingParams(call.params) } : call, key);
        if (fixture.keysRefused) expect(answer.body?.error?.code, `Acme ${role}`).toBe(fixture.keysRefused);
        else expect(answer.status, `Acme ${role}: ${answer.text.slice(0, 200)}`).not.toBe(403);
        expect(answer.status).toBeLessThan(500);
      }
    });
  });
});
