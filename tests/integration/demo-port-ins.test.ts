/**
 * The demo's port-ins (first npm start): a draft that resumes at the portability step and a port
 * the losing carrier rejected, whose page says what to fix; a second run adds nothing; no other
 * account sees them.
 */
import { describe, expect, it } from 'vitest';
import { seedDemoPortIns } from '@/lib/services/demo-port-ins';
import { getPortDetail, listPortIns } from '@/lib/services/port-ins';
import { useTestDatabase } from '../support/db';
import { accessAs, seedTwoTenants } from '../support/fixtures';

describe('demo port-ins', () => {
  const test = useTestDatabase();

  it('seeds a resumable draft and a rejected port once, in Acme Telecom only', async () => {
    const tenants = await seedTwoTenants(test.db);
    const now = new Date('2026-12-03T10:00:00Z');
    expect(await seedDemoPortIns(test.db, now)).toEqual({ created: 2 });
    expect(await seedDemoPortIns(test.db, now)).toEqual({ created: 0 });

    const tech = await accessAs(test.db, 'tech@acme.example', tenants.acme.id);
    const ports = await listPortIns(tech);
    expect(ports.map((port) => [port.label, port.status, port.numberCount]).sort()).toEqual([
      ['Chicago branch lines', 'draft', 3],
      ['Dallas office', 'exception', 2],
    ]);
    expect(ports.find((port) => port.status === 'draft')!.step).toBe('portability');

    const rejected = await getPortDetail(tech, ports.find((port) => port.status === 'exception')!.id);
    expect(rejected.exception).toMatchObject({ code: 'account_number_mismatch', label: 'Account number mismatch' });
    expect(rejected.exception!.fix).toMatch(/account number exactly as it is printed/);
    expect(rejected.canSubmit).toBe(true);
    expect(rejected.events.map((event) => event.toStatus)).toEqual(['draft', 'submitted', 'pending', 'exception']);
    expect(rejected.events.at(-1)!.actor).toBe('Carrier update');

    const globex = await accessAs(test.db, 'owner@globex.example', tenants.globex.id);
    expect(await listPortIns(globex)).toEqual([]);
    await expect(getPortDetail(globex, rejected.id)).rejects.toMatchObject({ code: 'not_found:port_in' });
  });
});
