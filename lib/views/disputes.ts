/**
 * How a dispute reads: its due time in seed 000's words ("decided by Tue 8 Dec 17:00 UTC (2
 * business days)"), its status, a short reference and a summary of its reason. Pure: pages, the
 * notifications and the service share them.
 */
import { DISPUTE_STATUS_LABELS, type DisputeStatus } from '@/lib/validations/disputes';

/** Seed 000: "Credited within 2 business days or we eat it". */
export const DISPUTE_BUSINESS_DAYS = 2;

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (value: number) => String(value).padStart(2, '0');

/** "Tue 8 Dec 17:00 UTC"; the year is named when it is not `now`'s. */
export function formatDueTime(due: Date, now = new Date()): string {
  const year = due.getUTCFullYear() === now.getUTCFullYear() ? '' : ` ${due.getUTCFullYear()}`;
  return `${WEEKDAYS[due.getUTCDay()]} ${due.getUTCDate()} ${MONTHS[due.getUTCMonth()]}${year} ${pad(due.getUTCHours())}:${pad(due.getUTCMinutes())} UTC`;
}

/** "decided by Tue 8 Dec 17:00 UTC (2 business days)". */
export function dueSentence(due: Date, now = new Date()): string {
  return `decided by ${formatDueTime(due, now)} (${DISPUTE_BUSINESS_DAYS} business days)`;
}

/** A short reference people can quote: DSP- and the first eight hex digits of the id. */
export function disputeReference(disputeId: string): string {
  return `DSP-${disputeId.replace(/-/g, '').slice(0, 8).toUpperCase()}`;
}

/** The reason's first line, at most `max` characters (an ellipsis when cut). */
export function reasonSummary(reason: string, max = 80): string {
  const firstLine = reason.trim().split(/\r?\n/)[0]!.replace(/\s+/g, ' ');
  return firstLine.length <= max ? firstLine : `${firstLine.slice(0, max - 1).trimEnd()}…`;
}

export function disputeStatusLabel(status: DisputeStatus): string {
  return DISPUTE_STATUS_LABELS[status];
}

export type StatusTone = 'slate' | 'green' | 'amber' | 'red' | 'indigo';

export function disputeStatusTone(status: DisputeStatus, overdue = false): StatusTone {
  if (status === 'open') return overdue ? 'red' : 'amber';
  if (status === 'rejected') return 'slate';
  return 'green';
}

/** The credit note's words on the ledger and the next invoice. */
export function creditNoteDescription(disputeId: string, reason: string): string {
  return `Credit note for dispute ${disputeReference(disputeId)}: ${reasonSummary(reason)}`;
}
