import { beforeAll, describe, expect, it } from 'vitest';
import { getDashboardCountsByAccount } from '@/lib/db/queries/dashboard';
import { phoneNumbers, providerConnections } from '@/lib/db/schema';
import { sealCredentials } from '@/lib/services/secret-box';
import { useTestDatabase } from '../support/db';
import { seedTwoTenants } from '../support/fixtures';

describe('dashboard counts', () => {
  const test = useTestDatabase();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    const [connection] = await test.db
      .insert(providerConnections)
      .values({ provider: 'voicetel', name: 'Counts', baseUrl: 'http://127.0.0.1:9', credentialsCiphertext: sealCredentials({ username: 'u', password: 'p' }), enabled: false })
      .returning();
    const number = (accountId: string, e164: string, extra: Partial<typeof phoneNumbers.$inferInsert> = {}) => ({ accountId, e164, kind: 'local' as const, npa: '312', connectionId: connection!.id, monthly: '1.2500', ...extra });
    await test.db.insert(phoneNumbers).values([
      number(tenants.acme.id, '+13125550001', { e911Status: 'registered' }),
      number(tenants.acme.id, '+13125550002', { e911Status: 'failed' }),
      number(tenants.acme.id, '+13125550003'),
      number(tenants.acme.id, '+13125550004', { status: 'released', e911Status: 'none' }),
      number(tenants.east.id, '+13125550005'),
      number(tenants.globex.id, '+13125550006'),
    ]);
  });

  it('counts the subtree’s live numbers and their E911 coverage over the same scope (the account’s own share beside it)', async () => {
    expect(await getDashboardCountsByAccount(test.db, { accountId: tenants.acme.id, accountPath: tenants.acme.path })).toMatchObject({
      subAccounts: 2,
      numbers: 4,
      e911: { total: 4, unregistered: 3, own: { total: 3, unregistered: 2 } },
      notRouted: { total: 0, own: 0 },
      drifted: [],
    });
    expect(await getDashboardCountsByAccount(test.db, { accountId: tenants.east.id, accountPath: tenants.east.path })).toMatchObject({ numbers: 1, e911: { total: 1, unregistered: 1 } });
    expect(await getDashboardCountsByAccount(test.db, { accountId: tenants.globex.id, accountPath: tenants.globex.path })).toMatchObject({ numbers: 1, e911: { total: 1, unregistered: 1 } });
  });
});
