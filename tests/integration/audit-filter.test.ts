import { beforeAll, describe, expect, it } from 'vitest';
import { getAuditEventsByAccountSubtree } from '@/lib/db/queries/audit';
import { auditEvents } from '@/lib/db/schema';
import { useTestDatabase } from '../support/db';
import { seedTwoTenants } from '../support/fixtures';

describe('audit log filters match what was typed, literally', () => {
  const test = useTestDatabase();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    const event = (actorEmail: string, action: string) => ({ accountId: tenants.acme.id, actorEmail, action, targetType: 'account', targetId: tenants.acme.id });
    await test.db.insert(auditEvents).values([event('a_b@acme.example', 'account.rename'), event('axb@acme.example', 'account.rename'), event('c%d@acme.example', 'account_suspend')]);
  });

  const actors = async (filter: { actor?: string; action?: string }) =>
    (await getAuditEventsByAccountSubtree(test.db, { accountPath: tenants.acme.path, filter })).map((row) => row.event.actorEmail).sort();

  it('treats % and _ in Who and Action as characters, not wildcards', async () => {
    expect(await actors({ actor: 'a_b' })).toEqual(['a_b@acme.example']);
    expect(await actors({ actor: '%' })).toEqual(['c%d@acme.example']);
    expect(await actors({ actor: 'a\\' })).toEqual([]);
    expect(await actors({ action: 'account_' })).toEqual(['c%d@acme.example']);
    expect(await actors({ actor: 'ACME.example' })).toHaveLength(3);
  });
});
