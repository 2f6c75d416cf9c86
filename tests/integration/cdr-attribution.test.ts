import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { cdrs, phoneNumbers, portIns, trunkGroups } from '@/lib/db/schema';
import { ingestCdrBatch, type CdrInput } from '@/lib/services/cdr-ingest';
import { insertIdleConnection } from '../support/billing';
import { useTestDatabase } from '../support/db';
import { seedTwoTenants } from '../support/fixtures';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Pulled calls arrive hours or days after they were made (daily files, late windows): they belong
 * to whoever held the number when the call began, not to whoever holds it when the call arrives.
 */
describe('call attribution by who held the number at the time', () => {
  const test = useTestDatabase();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  let upstream: string;
  let otherUpstream: string;
  // Acme releases at `released`; Globex buys the number a day later and holds it now.
  const released = new Date(Math.floor((Date.now() - 5 * DAY) / HOUR) * HOUR);
  const after = (ms: number) => new Date(released.getTime() + ms);
  let sequence = 0;

  const pulled = (call: { did: string; at: Date; direction?: 'inbound' | 'outbound'; seconds?: number; connectionId?: string }): CdrInput => {
    const direction = call.direction ?? 'inbound';
    const other = '+14155550100';
    const connectionId = call.connectionId ?? upstream;
    const seconds = call.seconds ?? 60;
    return {
      source: `conn:${connectionId}`,
      sourceId: `held-${sequence++}`,
      direction,
      from: direction === 'inbound' ? other : call.did,
      to: direction === 'inbound' ? call.did : other,
      inviteAt: call.at,
      answerAt: new Date(call.at.getTime() + 1000),
      endAt: new Date(call.at.getTime() + 1000 + seconds * 1000),
      billsec: seconds,
      sipCode: 200,
      connectionId,
    };
  };
  const ingest = (calls: CdrInput[], scope?: { accountIds: ReadonlySet<string> }) =>
    ingestCdrBatch(
      test.db,
      calls.map((input, i) => ({ line: i + 1, input })),
      scope,
    );
  const stored = async (input: CdrInput) => {
    const rows = await test.db.select({ accountId: cdrs.accountId, trunkGroupId: cdrs.trunkGroupId }).from(cdrs).where(eq(cdrs.sourceId, input.sourceId));
    return rows;
  };
  const trunk = async (accountId: string, name: string) => {
    const [row] = await test.db.insert(trunkGroups).values({ accountId, name, direction: 'both', auth: 'ip', allowedIps: ['192.0.2.10/32'], destinations: [], codecs: ['PCMU'] }).returning();
    return row!.id;
  };

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    upstream = (await insertIdleConnection(test.db, 'Attribution upstream')).id;
    otherUpstream = (await insertIdleConnection(test.db, 'Another upstream')).id;
  });

  it("bills a call made before a release to the account that released it, not to the number's next holder", async () => {
    const e164 = '+13125559001';
    const acmeTrunk = await trunk(tenants.acme.id, 'Acme PBX');
    const globexTrunk = await trunk(tenants.globex.id, 'Globex PBX');
    await test.db.insert(phoneNumbers).values([
      { accountId: tenants.acme.id, e164, kind: 'local', npa: '312', connectionId: upstream, monthly: '1.0000', trunkGroupRef: acmeTrunk, activatedAt: new Date(released.getTime() - 60 * DAY), status: 'released', releasedAt: released, billedUntil: after(10 * DAY) },
      { accountId: tenants.globex.id, e164, kind: 'local', npa: '312', connectionId: upstream, monthly: '1.0000', trunkGroupRef: globexTrunk, activatedAt: after(DAY) },
    ]);
    const beforeRelease = pulled({ did: e164, at: after(-DAY) });
    // Started half a minute before the release and talked on for ten minutes.
    const acrossRelease = pulled({ did: e164, at: after(-30_000), seconds: 600 });
    const outbound = pulled({ did: e164, at: after(-2 * HOUR), direction: 'outbound' });
    const globexCall = pulled({ did: e164, at: after(2 * DAY) });
    const result = await ingest([beforeRelease, acrossRelease, outbound, globexCall]);
    expect(result).toEqual({ accepted: 4, duplicates: 0, rejected: [], unattributed: 0 });
    for (const call of [beforeRelease, acrossRelease, outbound]) expect(await stored(call)).toEqual([{ accountId: tenants.acme.id, trunkGroupId: acmeTrunk }]);
    expect(await stored(globexCall)).toEqual([{ accountId: tenants.globex.id, trunkGroupId: globexTrunk }]);
  });

  it("keeps a released number's calls on its account while it is still billed and nobody else holds it, on its own upstream only", async () => {
    const e164 = '+13125559002';
    await test.db.insert(phoneNumbers).values({ accountId: tenants.acme.id, e164, kind: 'local', npa: '312', connectionId: upstream, monthly: '1.0000', activatedAt: new Date(released.getTime() - 60 * DAY), status: 'released', releasedAt: released, billedUntil: after(2 * DAY) });
    // Released here before the carrier released it: its calls still reach Acme's trunk meanwhile.
    const stillRouted = pulled({ did: e164, at: after(6 * HOUR) });
    const otherCarrier = pulled({ did: e164, at: after(6 * HOUR), connectionId: otherUpstream });
    const billedOut = pulled({ did: e164, at: after(3 * DAY) });
    const result = await ingest([stillRouted, otherCarrier, billedOut]);
    expect(result).toMatchObject({ accepted: 1, unattributed: 2 });
    expect(await stored(stillRouted)).toEqual([{ accountId: tenants.acme.id, trunkGroupId: null }]);
    expect(await stored(otherCarrier)).toEqual([]);
    expect(await stored(billedOut)).toEqual([]);
  });

  it('takes the trunk group of the holding the call fell in when one account bought the number back', async () => {
    const e164 = '+13125559003';
    const first = await trunk(tenants.acme.id, 'Acme old PBX');
    const second = await trunk(tenants.acme.id, 'Acme new PBX');
    await test.db.insert(phoneNumbers).values([
      { accountId: tenants.acme.id, e164, kind: 'local', npa: '312', connectionId: upstream, monthly: '1.0000', trunkGroupRef: first, activatedAt: new Date(released.getTime() - 60 * DAY), status: 'released', releasedAt: released, billedUntil: after(10 * DAY) },
      { accountId: tenants.acme.id, e164, kind: 'local', npa: '312', connectionId: upstream, monthly: '1.0000', trunkGroupRef: second, activatedAt: after(DAY) },
    ]);
    const old = pulled({ did: e164, at: after(-DAY) });
    const between = pulled({ did: e164, at: after(6 * HOUR) });
    const now = pulled({ did: e164, at: after(2 * DAY) });
    expect(await ingest([old, between, now])).toMatchObject({ accepted: 3, unattributed: 0 });
    expect(await stored(old)).toEqual([{ accountId: tenants.acme.id, trunkGroupId: first }]);
    expect(await stored(between)).toEqual([{ accountId: tenants.acme.id, trunkGroupId: first }]);
    expect(await stored(now)).toEqual([{ accountId: tenants.acme.id, trunkGroupId: second }]);
  });

  it('gives a ported-in number the calls its winning upstream carried between the port and the poll that saw it complete', async () => {
    const e164 = '+12145559004';
    const submitted = after(-2 * DAY);
    const polled = after(-DAY);
    const [port] = await test.db
      .insert(portIns)
      .values({ accountId: tenants.globex.id, reference: 'PRT-ATTR01', status: 'completed', step: 'review', connectionId: upstream, submittedAt: submitted, completedAt: polled })
      .returning();
    await test.db.insert(phoneNumbers).values({ accountId: tenants.globex.id, e164, kind: 'local', npa: '214', connectionId: upstream, monthly: '1.0000', portInId: port!.id, activatedAt: polled });
    const beforePoll = pulled({ did: e164, at: new Date(polled.getTime() - 2 * HOUR) });
    // Carried elsewhere, or before the port was even asked for: not a call the port brought.
    const elsewhere = pulled({ did: e164, at: new Date(polled.getTime() - 2 * HOUR), connectionId: otherUpstream });
    const beforeSubmission = pulled({ did: e164, at: new Date(submitted.getTime() - HOUR) });
    const result = await ingest([beforePoll, elsewhere, beforeSubmission]);
    expect(result).toMatchObject({ accepted: 1, unattributed: 2 });
    expect(await stored(beforePoll)).toEqual([{ accountId: tenants.globex.id, trunkGroupId: null }]);
    expect(await stored(elsewhere)).toEqual([]);
    expect(await stored(beforeSubmission)).toEqual([]);
  });

  it("lands a push with the key's account that held the number at the time; another tenant's time is refused like a number nobody holds", async () => {
    const e164 = '+13125559005';
    const lateNumber = '+13125559006';
    await test.db.insert(phoneNumbers).values([
      { accountId: tenants.globexBranch.id, e164, kind: 'local', npa: '312', connectionId: upstream, monthly: '1.0000', activatedAt: new Date(released.getTime() - 60 * DAY), status: 'released', releasedAt: released, billedUntil: after(DAY) },
      { accountId: tenants.acme.id, e164, kind: 'local', npa: '312', connectionId: upstream, monthly: '1.0000', activatedAt: after(DAY) },
      // Live here only after the call its switch reports: a push still lands it with the holder.
      { accountId: tenants.globex.id, e164: lateNumber, kind: 'local', npa: '312', connectionId: upstream, monthly: '1.0000', activatedAt: new Date() },
    ]);
    const pushed = (call: Parameters<typeof pulled>[0]): CdrInput => ({ ...pulled(call), source: 'globex-switch', connectionId: undefined });
    const branchTime = pushed({ did: e164, at: after(-DAY) });
    const acmeTime = pushed({ did: e164, at: after(2 * DAY) });
    const nobody = pushed({ did: '+13125559099', at: after(2 * DAY) });
    const beforeActivation = pushed({ did: lateNumber, at: new Date(Date.now() - HOUR) });
    const result = await ingest([branchTime, acmeTime, nobody, beforeActivation], { accountIds: new Set([tenants.globex.id, tenants.globexBranch.id]) });
    expect(result.accepted).toBe(2);
    expect(result.rejected.map((r) => r.line)).toEqual([2, 3]);
    expect(result.rejected[0]!.reason).toBe(result.rejected[1]!.reason);
    expect(await stored(branchTime)).toEqual([{ accountId: tenants.globexBranch.id, trunkGroupId: null }]);
    expect(await stored(acmeTime)).toEqual([]);
    expect(await stored(beforeActivation)).toEqual([{ accountId: tenants.globex.id, trunkGroupId: null }]);
  });
});
