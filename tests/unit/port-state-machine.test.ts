import { describe, expect, it } from 'vitest';
import { assertTransition, canTransition, ForbiddenPortTransition, operatorTargets, rollUpPortStatus } from '@/lib/ports/state-machine';
import { PORT_STATUSES, type PortActorKind, type PortStatus } from '@/lib/ports/types';

const OPERATORS: PortActorKind[] = ['staff', 'upstream', 'system'];

describe('port-in state machine', () => {
  it('lets the customer submit a draft, resubmit after an exception, and cancel a live port — nothing else', () => {
    const allowed = PORT_STATUSES.flatMap((from) => PORT_STATUSES.filter((to) => canTransition(from, to, 'customer')).map((to) => `${from}→${to}`));
    expect(allowed.sort()).toEqual(
      ['draft→submitted', 'draft→cancelled', 'exception→submitted', 'submitted→cancelled', 'pending→cancelled', 'foc_scheduled→cancelled', 'exception→cancelled', 'partially_completed→cancelled'].sort(),
    );
  });

  it('refuses the customer every move past submitted, with a sentence that says who can', () => {
    for (const [from, to] of [
      ['submitted', 'pending'],
      ['pending', 'foc_scheduled'],
      ['foc_scheduled', 'completed'],
      ['submitted', 'exception'],
      ['pending', 'completed'],
    ] as [PortStatus, PortStatus][]) {
      expect(() => assertTransition(from, to, 'customer')).toThrow(ForbiddenPortTransition);
      expect(() => assertTransition(from, to, 'customer')).toThrow(/porting team or the carrier/);
      for (const actor of OPERATORS) expect(canTransition(from, to, actor)).toBe(true);
    }
  });

  it('keeps completed and cancelled final for everyone', () => {
    for (const from of ['completed', 'cancelled'] as PortStatus[]) {
      for (const to of PORT_STATUSES) {
        for (const actor of ['customer', ...OPERATORS] as PortActorKind[]) expect(canTransition(from, to, actor)).toBe(false);
      }
      expect(operatorTargets(from)).toEqual([]);
      expect(() => assertTransition(from, 'submitted', 'staff')).toThrow(/can no longer change/);
    }
  });

  it('never goes back to draft, and a draft never jumps past submitted', () => {
    for (const from of PORT_STATUSES) for (const actor of ['customer', ...OPERATORS] as PortActorKind[]) expect(canTransition(from, 'draft', actor)).toBe(false);
    for (const to of ['pending', 'foc_scheduled', 'exception', 'completed', 'partially_completed'] as PortStatus[]) {
      for (const actor of ['customer', ...OPERATORS] as PortActorKind[]) expect(canTransition('draft', to, actor)).toBe(false);
    }
  });

  it('lets an FOC date move (foc_scheduled → foc_scheduled) only on the operator side', () => {
    expect(canTransition('foc_scheduled', 'foc_scheduled', 'upstream')).toBe(true);
    expect(canTransition('foc_scheduled', 'foc_scheduled', 'customer')).toBe(false);
  });

  it('rolls the order up from its numbers', () => {
    expect(rollUpPortStatus(['completed', 'completed'])).toBe('completed');
    expect(rollUpPortStatus(['completed', 'exception'])).toBe('partially_completed');
    expect(rollUpPortStatus(['completed', 'foc_scheduled'])).toBe('partially_completed');
    expect(rollUpPortStatus(['pending', 'exception'])).toBe('exception');
    expect(rollUpPortStatus(['pending', 'foc_scheduled'])).toBe('pending');
    expect(rollUpPortStatus(['foc_scheduled', 'foc_scheduled'])).toBe('foc_scheduled');
    expect(rollUpPortStatus(['submitted', 'pending'])).toBe('submitted');
    // Numbers taken out of the order do not count.
    expect(rollUpPortStatus(['completed', 'cancelled'])).toBe('completed');
    expect(rollUpPortStatus(['cancelled'])).toBe('cancelled');
  });
});
