import { PORT_DELIVERIES, PORT_WIZARD_STEPS, type PortDelivery, type PortExceptionCode, type PortNumberStatus, type PortStatus, type PortWizardStep } from '@/lib/ports/types';

export type StatusTone = 'slate' | 'green' | 'amber' | 'red' | 'indigo';

export const PORT_STEP_LABELS: Record<PortWizardStep, string> = {
  numbers: 'Numbers',
  portability: 'Portability',
  subscriber: 'Subscriber',
  documents: 'Documents',
  foc: 'FOC date',
  review: 'Review',
};

export function portStatusTone(status: PortStatus | PortNumberStatus): StatusTone {
  if (status === 'completed') return 'green';
  if (status === 'exception') return 'red';
  if (status === 'cancelled' || status === 'draft') return 'slate';
  if (status === 'partially_completed') return 'amber';
  return 'indigo';
}

export const PORT_NUMBER_STATUS_LABELS: Record<PortNumberStatus, string> = {
  draft: 'Draft',
  submitted: 'Submitted',
  pending: 'Pending',
  foc_scheduled: 'FOC scheduled',
  exception: 'Exception',
  completed: 'Completed',
  cancelled: 'Removed',
};

/** The list's tabs: each a set of order states. */
export const PORT_LIST_FILTERS = [
  { value: 'drafts', label: 'Drafts', statuses: ['draft'] },
  { value: 'in-progress', label: 'In progress', statuses: ['submitted', 'pending', 'foc_scheduled', 'partially_completed'] },
  { value: 'exceptions', label: 'Exceptions', statuses: ['exception'] },
  { value: 'completed', label: 'Completed', statuses: ['completed'] },
  { value: 'cancelled', label: 'Cancelled', statuses: ['cancelled'] },
] as const satisfies readonly { value: string; label: string; statuses: readonly PortStatus[] }[];
export type PortListFilter = (typeof PORT_LIST_FILTERS)[number]['value'];

/** Where the customer corrects what an exception is about. */
export function stepForException(code: PortExceptionCode | string | null): PortWizardStep {
  switch (code) {
    case 'rate_center_not_portable':
    case 'number_not_portable':
      return 'portability';
    case 'foc_rejected':
      return 'foc';
    case 'loa_invalid':
      return 'documents';
    case 'other':
    case null:
      return 'review';
    default:
      return 'subscriber';
  }
}

export const isPortStep = (value: unknown): value is PortWizardStep => typeof value === 'string' && (PORT_WIZARD_STEPS as readonly string[]).includes(value);

export const wizardHref = (portInId: string, step: PortWizardStep) => `/port-ins/${portInId}/wizard?step=${step}`;

export function nextStep(step: PortWizardStep): PortWizardStep | null {
  return PORT_WIZARD_STEPS[PORT_WIZARD_STEPS.indexOf(step) + 1] ?? null;
}

export function previousStep(step: PortWizardStep): PortWizardStep | null {
  const index = PORT_WIZARD_STEPS.indexOf(step);
  return index > 0 ? (PORT_WIZARD_STEPS[index - 1] ?? null) : null;
}

export const plural = (count: number, noun: string) => `${count.toLocaleString('en-US')} ${noun}${count === 1 ? '' : 's'}`;

/** `?submitted=` as the submit action writes it; anything else is no outcome at all. */
export function submittedOutcomeOf(value: unknown): PortDelivery | null {
  return typeof value === 'string' && (PORT_DELIVERIES as readonly string[]).includes(value) ? (value as PortDelivery) : null;
}

export interface PortNotice {
  tone: 'success' | 'waiting';
  text: string;
}

export const AWAITING_CARRIER_TEXT =
  'Awaiting the carrier: the order is not with the carrier yet, or the carrier has not confirmed it. We will send it again in a few minutes, after checking that the carrier did not already take it (so it is never placed twice); there is nothing for you to do.';
export const HELD_WHILE_SUSPENDED_TEXT = 'Not sent to the carrier: the account is suspended. The port is sent to the carrier once the account is active again.';
export const WITHDRAWAL_PENDING_TEXT = 'Cancellation requested — the carrier’s order is being withdrawn; the numbers may still move until it is. Our porting team is asking the carrier to withdraw it, and this page says Cancelled once it has.';

/**
 * What the top of a port's page says about where the order stands with the carrier. It is read from
 * the port, so a reload tells the truth; the query string only adds the one-time "Submitted." once
 * the carrier has the order, never for an order waiting to be sent or refused.
 */
export function portNoticeOf(
  port: { status: PortStatus; awaitingCarrier: boolean; heldWhileSuspended: boolean; carrierHasOrder: boolean; withdrawalPending: boolean },
  submitted: PortDelivery | null,
): PortNotice | null {
  if (port.withdrawalPending) return { tone: 'waiting', text: WITHDRAWAL_PENDING_TEXT };
  if (port.heldWhileSuspended) return { tone: 'waiting', text: HELD_WHILE_SUSPENDED_TEXT };
  if (port.awaitingCarrier) return { tone: 'waiting', text: AWAITING_CARRIER_TEXT };
  if (submitted === 'sent' && port.carrierHasOrder && port.status !== 'exception') {
    return { tone: 'success', text: 'Submitted. We tell you here, by notification and by webhook when the losing carrier sets the FOC date or refuses something.' };
  }
  return null;
}
