import { describe, expect, it } from 'vitest';
import { numberRoutingOf, routingNextStep, type RoutingCopy, type RoutingGroup } from '@/lib/services/number-routing';

const group: RoutingGroup = { name: 'Main PBX', status: 'active', version: 3 };
const routedNumber = { trunkGroupRef: '00000000-0000-4000-8000-000000000001' };
const copy = (overrides: Partial<RoutingCopy>): RoutingCopy => ({ status: 'applied', appliedVersion: 3, lastError: null, ...overrides });

describe('numberRoutingOf', () => {
  it('calls a number without a trunk group "carrier default", whatever else is known', () => {
    expect(numberRoutingOf({ trunkGroupRef: null }, undefined, undefined)).toEqual({ state: 'carrier_default' });
    expect(numberRoutingOf({ trunkGroupRef: null }, group, copy({ status: 'failed' }))).toEqual({ state: 'carrier_default' });
  });

  it('is routed only when the group is active and its copy on the number’s upstream holds the current version', () => {
    expect(numberRoutingOf(routedNumber, group, copy({}))).toEqual({ state: 'routed' });
    // A copy applied before versions were recorded is taken as current, as the sync table does.
    expect(numberRoutingOf(routedNumber, group, copy({ appliedVersion: null }))).toEqual({ state: 'routed' });
  });

  it('is not routed when the carrier refused the group, and says the carrier’s reason', () => {
    const routing = numberRoutingOf(routedNumber, group, copy({ status: 'failed', lastError: 'VoiceTel refused it: the destination host is not allowed.' }));
    expect(routing).toEqual({
      state: 'not_routed',
      cause: 'failed',
      reason: 'This number’s carrier did not accept Main PBX: VoiceTel refused it: the destination host is not allowed.',
    });
    expect(numberRoutingOf(routedNumber, group, copy({ status: 'failed', lastError: null }))).toMatchObject({ state: 'not_routed', cause: 'failed', reason: 'This number’s carrier did not accept Main PBX.' });
  });

  it('is not routed while the carrier has not taken the group, holds an older version, or switched it off', () => {
    expect(numberRoutingOf(routedNumber, group, undefined)).toMatchObject({ state: 'not_routed', cause: 'not_set_up' });
    expect(numberRoutingOf(routedNumber, group, copy({ status: 'pending', appliedVersion: null }))).toMatchObject({ state: 'not_routed', cause: 'pending' });
    expect(numberRoutingOf(routedNumber, group, copy({ appliedVersion: 2 }))).toMatchObject({ state: 'not_routed', cause: 'outdated', reason: expect.stringContaining('older version of Main PBX') });
    expect(numberRoutingOf(routedNumber, group, copy({ status: 'disabled' }))).toMatchObject({ state: 'not_routed', cause: 'copy_disabled' });
  });

  it('is not routed when the group is disabled, even where its copy is applied', () => {
    expect(numberRoutingOf(routedNumber, { ...group, status: 'disabled' }, copy({}))).toEqual({
      state: 'not_routed',
      cause: 'group_disabled',
      reason: 'Main PBX is disabled, so calls go to the carrier’s default route.',
    });
  });

  it('is not routed when its group is gone', () => {
    expect(numberRoutingOf(routedNumber, undefined, undefined)).toMatchObject({ state: 'not_routed', cause: 'group_missing' });
  });

  it('is not routed when the carrier refused this number, with the stored sentence, though the group is applied there', () => {
    const refusedAt = new Date('2026-12-01T10:00:00Z');
    const sentence = 'VoiceTel does not list (214) 555-0100 on our account, so it could not be routed. We opened a task for our team; you’ll see the result here.';
    expect(numberRoutingOf({ ...routedNumber, routingRefusedAt: refusedAt, routingRefusal: sentence }, group, copy({}))).toEqual({ state: 'not_routed', cause: 'refused', reason: sentence });
    expect(numberRoutingOf({ ...routedNumber, routingRefusedAt: refusedAt, routingRefusal: null }, group, copy({}))).toMatchObject({ state: 'not_routed', cause: 'refused', reason: expect.stringMatching(/refused to route this number/) });
    // A sentence without the time it was met is no refusal (the column the SQL twin reads is routing_refused_at).
    expect(numberRoutingOf({ ...routedNumber, routingRefusedAt: null, routingRefusal: sentence }, group, copy({}))).toEqual({ state: 'routed' });
  });

  it('says what is wrong with the group before a refusal of the number, and nothing for a number without a group', () => {
    const refused = { ...routedNumber, routingRefusedAt: new Date(), routingRefusal: 'Refused.' };
    // On a disabled group the refusal is the carrier's to move the number to its default route: calls may still reach the hosts.
    expect(numberRoutingOf(refused, { ...group, status: 'disabled' }, copy({}))).toEqual({
      state: 'not_routed',
      cause: 'default_unconfirmed',
      reason: 'Main PBX is disabled, but this number’s carrier has not confirmed moving it to its default route: calls to it may still reach the hosts it was routed to.',
    });
    expect(numberRoutingOf({ ...refused, routingRefusedAt: null }, { ...group, status: 'disabled' }, copy({}))).toMatchObject({ state: 'not_routed', cause: 'group_disabled' });
    expect(numberRoutingOf(refused, group, copy({ status: 'failed' }))).toMatchObject({ state: 'not_routed', cause: 'failed' });
    expect(numberRoutingOf(refused, group, copy({ appliedVersion: 2 }))).toMatchObject({ state: 'not_routed', cause: 'outdated' });
    expect(numberRoutingOf(refused, undefined, undefined)).toMatchObject({ state: 'not_routed', cause: 'group_missing' });
    expect(numberRoutingOf({ ...refused, trunkGroupRef: null }, group, copy({}))).toEqual({ state: 'carrier_default' });
  });

  it('is green-worthy ("routed") for exactly one combination per copy status', () => {
    const states = (['pending', 'applied', 'failed', 'disabled'] as const).flatMap((status) =>
      [null, 2, 3].flatMap((appliedVersion) => (['active', 'disabled'] as const).map((groupStatus) => ({ status, appliedVersion, groupStatus, routing: numberRoutingOf(routedNumber, { ...group, status: groupStatus }, copy({ status, appliedVersion })) }))),
    );
    // A refusal of the number leaves no combination routed.
    for (const row of states) expect(numberRoutingOf({ ...routedNumber, routingRefusedAt: new Date() }, { ...group, status: row.groupStatus }, copy({ status: row.status, appliedVersion: row.appliedVersion })).state).toBe('not_routed');
    expect(states.filter((row) => row.routing.state === 'routed').map(({ status, appliedVersion, groupStatus }) => ({ status, appliedVersion, groupStatus }))).toEqual([
      { status: 'applied', appliedVersion: null, groupStatus: 'active' },
      { status: 'applied', appliedVersion: 3, groupStatus: 'active' },
    ]);
    for (const row of states.filter((candidate) => candidate.routing.state !== 'routed')) expect(row.routing.reason).toBeTruthy();
  });
});

describe('routingNextStep', () => {
  it('tells a writer to re-apply, move the numbers or contact support, and a reader who can', () => {
    expect(routingNextStep('failed', true)).toMatch(/^Re-apply the trunk group.*move these numbers to a trunk group that carrier accepts.*contact support/);
    expect(routingNextStep('failed', false)).toMatch(/^Someone with technical access to this account can re-apply/);
    expect(routingNextStep('group_disabled', true)).toBe('Enable the trunk group to route them to it again.');
    expect(routingNextStep('pending', false)).toMatch(/settles on its own/);
    expect(routingNextStep('refused', true)).toMatch(/^Re-apply the trunk group to try these numbers again.*move them to another trunk group or contact support/);
    expect(routingNextStep('refused', false)).toMatch(/^Someone with technical access to this account can re-apply/);
  });
});
