/**
 * The one port-in state machine, whichever upstream wins the numbers:
 *
 *   draft → submitted → pending → foc_scheduled → completed
 *              ↘          ↘            ↘
 *                       exception → (corrected) submitted
 *   any live state → cancelled; some numbers done, others not → partially_completed
 *
 * The customer only submits, resubmits after an exception, and cancels. Everything past submitted
 * is said by the upstream (polling) or by our staff. Pure: services call `assertTransition`.
 */
import type { PortActorKind, PortNumberStatus, PortStatus } from './types';

type Mover = 'customer' | 'operator';

const moverOf = (actor: PortActorKind): Mover => (actor === 'customer' ? 'customer' : 'operator');

/** Allowed moves, by who may make them. The operator side is staff, the upstream and our jobs. */
const TRANSITIONS: Record<PortStatus, Partial<Record<PortStatus, readonly Mover[]>>> = {
  draft: { submitted: ['customer'], cancelled: ['customer', 'operator'] },
  submitted: { pending: ['operator'], foc_scheduled: ['operator'], exception: ['operator'], completed: ['operator'], partially_completed: ['operator'], cancelled: ['customer', 'operator'] },
  pending: { foc_scheduled: ['operator'], exception: ['operator'], completed: ['operator'], partially_completed: ['operator'], cancelled: ['customer', 'operator'] },
  foc_scheduled: { foc_scheduled: ['operator'], pending: ['operator'], exception: ['operator'], completed: ['operator'], partially_completed: ['operator'], cancelled: ['customer', 'operator'] },
  exception: { submitted: ['customer', 'operator'], pending: ['operator'], foc_scheduled: ['operator'], partially_completed: ['operator'], completed: ['operator'], cancelled: ['customer', 'operator'] },
  partially_completed: { partially_completed: ['operator'], completed: ['operator'], exception: ['operator'], cancelled: ['customer', 'operator'] },
  completed: {},
  cancelled: {},
};

export const TERMINAL_PORT_STATUSES: readonly PortStatus[] = ['completed', 'cancelled'];
/** States in which the upstream still has something to say. */
export const LIVE_PORT_STATUSES: readonly PortStatus[] = ['submitted', 'pending', 'foc_scheduled', 'exception', 'partially_completed'];

export class ForbiddenPortTransition extends Error {
  constructor(
    readonly from: PortStatus,
    readonly to: PortStatus,
    readonly actor: PortActorKind,
  ) {
    super(describeRefusal(from, to, actor));
    this.name = 'ForbiddenPortTransition';
  }
}

function describeRefusal(from: PortStatus, to: PortStatus, actor: PortActorKind): string {
  if (TERMINAL_PORT_STATUSES.includes(from)) return `This port is ${PORT_STATUS_LABELS[from].toLowerCase()}; it can no longer change.`;
  const allowed = TRANSITIONS[from][to];
  if (allowed && actor === 'customer') return 'Only our porting team or the carrier can move a submitted port forward.';
  return `A port cannot go from ${PORT_STATUS_LABELS[from].toLowerCase()} to ${PORT_STATUS_LABELS[to].toLowerCase()}.`;
}

export function canTransition(from: PortStatus, to: PortStatus, actor: PortActorKind): boolean {
  return TRANSITIONS[from][to]?.includes(moverOf(actor)) ?? false;
}

export function assertTransition(from: PortStatus, to: PortStatus, actor: PortActorKind): void {
  if (!canTransition(from, to, actor)) throw new ForbiddenPortTransition(from, to, actor);
}

/** Where an operator may move a port from here (the staff view's choices). */
export function operatorTargets(from: PortStatus): PortStatus[] {
  return (Object.keys(TRANSITIONS[from]) as PortStatus[]).filter((to) => TRANSITIONS[from][to]?.includes('operator'));
}

/**
 * The order's state from its numbers' states. Cancelled numbers (removed from the order) do not
 * count; all done ⇒ completed; some done ⇒ partially_completed; otherwise the least advanced live
 * state, with an exception on any number putting the order in exception.
 */
export function rollUpPortStatus(numbers: readonly PortNumberStatus[]): PortStatus {
  const live = numbers.filter((status) => status !== 'cancelled');
  if (!live.length) return 'cancelled';
  const completed = live.filter((status) => status === 'completed').length;
  if (completed === live.length) return 'completed';
  if (completed > 0) return 'partially_completed';
  if (live.includes('exception')) return 'exception';
  if (live.includes('draft')) return 'draft';
  if (live.includes('submitted')) return 'submitted';
  if (live.includes('pending')) return 'pending';
  return 'foc_scheduled';
}

export const PORT_STATUS_LABELS: Record<PortStatus, string> = {
  draft: 'Draft',
  submitted: 'Submitted',
  pending: 'Pending',
  foc_scheduled: 'FOC scheduled',
  exception: 'Exception',
  partially_completed: 'Partially completed',
  completed: 'Completed',
  cancelled: 'Cancelled',
};
