/**
 * The port-in wizard's forms (issue 16.1): a refused step keeps what was typed and saves nothing,
 * the losing carrier's PIN is never sent back, and another account's port or a read-only role gets
 * nothing from them.
 */
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { resolveAccess } from '@/lib/auth/access';
import { users } from '@/lib/db/schema';
import { useTestDatabase } from '../support/db';
import { seedTwoTenants, sessionUser } from '../support/fixtures';

const session = vi.hoisted(() => ({ userId: undefined as string | undefined, accountCookie: undefined as string | undefined }));

vi.mock('@/lib/auth/config', async () => (await import('../support/next-mocks')).authConfigMock(session));
vi.mock('next/headers', async () => (await import('../support/next-mocks')).nextHeadersMock(session));
vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));

const form = (entries: Record<string, string>) => {
  const data = new FormData();
  for (const [key, value] of Object.entries(entries)) data.set(key, value);
  return data;
};
const idle = { status: 'idle' } as const;
const actions = () => import('@/app/(portal)/port-ins/actions');

describe('port-in wizard forms', () => {
  const test = useTestDatabase();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  let portInId: string;

  async function signInAs(email: string, accountId?: string) {
    const [user] = await test.db.select().from(users).where(eq(users.email, email));
    session.userId = user!.id;
    session.accountCookie = accountId;
  }

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    const { createPortDraft } = await import('@/lib/services/port-ins');
    const access = await resolveAccess(test.db, await sessionUser(test.db, 'tech@acme.example'), tenants.acme.id);
    portInId = (await createPortDraft(access, { label: 'Forms' })).id;
  });

  it('numbers: a bad line is named by its line number, the list typed comes back and nothing is saved', async () => {
    await signInAs('tech@acme.example', tenants.acme.id);
    const typed = { portInId, numbers: '(630) 555-1234\nnot a number' };
    const result = await (await actions()).savePortNumbersAction(idle, form(typed));
    expect(result).toMatchObject({ status: 'error', values: typed });
    expect(result.status === 'error' && result.fieldErrors?.numbers).toEqual([expect.stringContaining('line 2: “not a number” is not a valid phone number')]);
    const { getPortDetail } = await import('@/lib/services/port-ins');
    const access = await resolveAccess(test.db, await sessionUser(test.db, 'tech@acme.example'), tenants.acme.id);
    expect((await getPortDetail(access, portInId)).numbers).toEqual([]);
  });

  it('numbers: saved with the count, the split and the duplicates removed', async () => {
    await signInAs('tech@acme.example', tenants.acme.id);
    const result = await (await actions()).savePortNumbersAction(idle, form({ portInId, numbers: '630-555-1234\n+1 800 555 0199\n6305551234' }));
    expect(result).toMatchObject({ status: 'success', data: { count: 2, local: 1, tollFree: 1, duplicates: ['+16305551234'] } });
  });

  it('subscriber: a refused form keeps every field but the PIN', async () => {
    await signInAs('tech@acme.example', tenants.acme.id);
    const typed = { portInId, subscriberType: 'business', subscriberName: 'Acme Telecom LLC', authorizedPerson: '', accountNumber: '4471-2203', pin: '8812', street: '233 S Wacker Dr', city: 'Chicago', state: 'IL', postalCode: '60606' };
    const result = await (await actions()).savePortSubscriberAction(idle, form(typed));
    expect(result.status).toBe('error');
    if (result.status !== 'error') return;
    expect(result.fieldErrors?.authorizedPerson).toBeDefined();
    expect(result.values).toMatchObject({ subscriberName: 'Acme Telecom LLC', accountNumber: '4471-2203' });
    expect(result.values).not.toHaveProperty('pin');
    expect(JSON.stringify(result)).not.toContain('8812');
  });

  it('another account’s port is not found, whatever the form says', async () => {
    await signInAs('owner@globex.example', tenants.globex.id);
    const { savePortNumbersAction, addPortCommentAction } = await actions();
    expect(await savePortNumbersAction(idle, form({ portInId, numbers: '6305551234' }))).toMatchObject({ status: 'error', code: 'not_found:port_in' });
    expect(await addPortCommentAction(idle, form({ portInId, body: 'hello' }))).toMatchObject({ status: 'error', code: 'not_found:port_in' });
  });

  it('a viewer may not change a draft', async () => {
    await signInAs('viewer@acme.example', tenants.acme.id);
    const result = await (await actions()).savePortNumbersAction(idle, form({ portInId, numbers: '6305551234' }));
    expect(result).toMatchObject({ status: 'error', code: 'forbidden:role' });
  });
});
