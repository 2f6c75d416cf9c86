/**
 * PATCH /api/v1/ports/{portId} is all or nothing: a request refused for any of its fields saves none
 * of them (it saved each group on its own, so a refused FOC date still replaced the numbers).
 */
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import * as portsApi from '@/lib/api/contracts/ports';
import { portInNumbers, portIns } from '@/lib/db/schema';
import { earliestFocDate, minFocBusinessDays } from '@/lib/ports/foc-date';
import { createTrunkGroup } from '@/lib/services/trunk-groups';
import { callApi, createTestApiKey, type TestApiKey } from '../support/api';
import { liftRateLimits } from '../support/api-operations';
import { useTestDatabase } from '../support/db';
import { accessAs, seedTwoTenants, trunkGroupInput } from '../support/fixtures';
import { portableNumbers } from '../support/port-ins';

const session = vi.hoisted(() => ({ userId: undefined as string | undefined, accountCookie: undefined as string | undefined }));
vi.mock('@/lib/auth/config', async () => (await import('../support/next-mocks')).authConfigMock(session));
vi.mock('next/headers', async () => (await import('../support/next-mocks')).nextHeadersMock(session));

const SUBSCRIBER = { subscriberType: 'business', subscriberName: 'Acme East LLC', authorizedPerson: 'Jane Doe', accountNumber: '5550001234', serviceAddress: { street: '100 Congress Ave', city: 'Austin', state: 'TX', postalCode: '78701' } };

describe('API: PATCH a port draft, all or nothing', () => {
  const test = useTestDatabase();
  const numbers = portableNumbers();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  let key: TestApiKey;
  let routes: { ports: typeof import('@/app/api/v1/ports/route'); port: typeof import('@/app/api/v1/ports/[portId]/route') };
  let portId: string;
  let e164s: string[];

  const patch = (json: unknown) => callApi(routes.port.PATCH, { method: 'PATCH', url: `/api/v1/ports/${portId}`, params: { portId }, key, json, endpoint: portsApi.updatePort });
  const saved = async () => {
    const [port] = await test.db.select().from(portIns).where(eq(portIns.id, portId));
    const held = await test.db.select().from(portInNumbers).where(eq(portInNumbers.portInId, portId));
    return { port: port!, numbers: held.map((row) => row.e164).sort() };
  };

  beforeAll(async () => {
    liftRateLimits();
    tenants = await seedTwoTenants(test.db);
    key = await createTestApiKey(test.db, { accountId: tenants.acme.id, role: 'technical', createdBy: 'owner@acme.example', name: 'Acme technical key' });
    routes = { ports: await import('@/app/api/v1/ports/route'), port: await import('@/app/api/v1/ports/[portId]/route') };
    e164s = numbers(2);
    const created = await callApi(routes.ports.POST, { method: 'POST', url: '/api/v1/ports', key, json: { label: 'Two lines', numbers: e164s }, endpoint: portsApi.createPort });
    expect(created.status).toBe(201);
    portId = created.body.id;
    expect((await patch(SUBSCRIBER)).status).toBe(200);
  });

  it('new numbers with a FOC date it refuses: 400, and the draft keeps both its numbers', async () => {
    const before = await saved();
    const answer = await patch({ numbers: [e164s[0]], requestedFocDate: '2000-01-01' });
    expect(answer.status).toBe(400);
    expect(Object.keys(answer.body.error.fields)).toEqual(['requestedFocDate']);
    expect(answer.body.error.message).toMatch(/nothing was saved/);
    const after = await saved();
    expect(after.numbers).toEqual([...e164s].sort());
    expect(after.port.version).toBe(before.port.version);
  });

  it('a new subscriber name with a trunk group not in the account: 404, and the name is unchanged', async () => {
    const answer = await patch({ subscriberName: 'CHANGED NAME LLC', trunkGroupId: '00000000-0000-4000-8000-000000000000', requestedFocDate: earliestFocDate(new Date(), minFocBusinessDays('local', false)) });
    expect(answer.status).toBe(404);
    expect(answer.body.error.fields.trunkGroupId).toEqual(['Choose one of this account’s trunk groups.']);
    const after = await saved();
    expect(after.port.subscriberName).toBe('Acme East LLC');
    expect(after.port.requestedFocDate).toBeNull();
  });

  it('refusals of several groups come back together, and none of the request is saved', async () => {
    const answer = await patch({ numbers: ['not a number'], subscriberName: '', requestedFocDate: 'soon' });
    expect(answer.status).toBe(400);
    expect(Object.keys(answer.body.error.fields).sort()).toEqual(['numbers', 'requestedFocDate', 'subscriberName']);
    const after = await saved();
    expect(after.numbers).toEqual([...e164s].sort());
    expect(after.port.subscriberName).toBe('Acme East LLC');
  });

  it('a request every group of which is right is saved whole, each group seeing the ones before it', async () => {
    const { group } = await createTrunkGroup(await accessAs(test.db, 'owner@acme.example', tenants.acme.id), trunkGroupInput({ name: 'Port target' }));
    const focDate = earliestFocDate(new Date(), minFocBusinessDays('local', false));
    const answer = await patch({ numbers: [e164s[1]], subscriberName: 'Acme East Holdings LLC', requestedFocDate: focDate, trunkGroupId: group.id });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ subscriberName: 'Acme East Holdings LLC', requestedFocDate: focDate, trunkGroupId: group.id, numberCount: 1 });
    const after = await saved();
    expect(after.numbers).toEqual([e164s[1]]);
    expect(after.port).toMatchObject({ subscriberName: 'Acme East Holdings LLC', requestedFocDate: focDate, trunkGroupId: group.id, step: 'review' });
  });
});
