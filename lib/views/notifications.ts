/**
 * What a notification says and who may get one: pure functions shared by the service (in-app rows,
 * e-mail), the preferences page and the tests. Words are the customer's: never a carrier's name or
 * its error text (events may carry those in `reason`; notifications leave it out).
 */
import type { AccountEventData, AccountEventType } from '@/lib/api/events';
import type { Permission } from '@/lib/auth/permissions';
import { formatDate, formatE164, formatMoney, formatMonth } from '@/lib/format';
import { PORT_EXCEPTION_TEXT } from '@/lib/ports/types';
import { disputeReference, dueSentence } from './disputes';

/** The right a member needs to hear about an event: what they would need to open its page. */
export const NOTIFICATION_PERMISSION: Record<AccountEventType, Permission> = {
  'order.completed': 'account.read',
  'number.released': 'technical.read',
  'trunk_group.sync_failed': 'technical.read',
  'e911.registration_failed': 'technical.read',
  'quality.alert': 'usage.read',
  'invoice.issued': 'billing.read',
  'invoice.voided': 'billing.read',
  'billing.spend_threshold': 'billing.read',
  'billing.prepay_ended': 'billing.read',
  'dispute.opened': 'billing.read',
  'dispute.decided': 'billing.read',
  'port.submitted': 'technical.read',
  'port.foc_set': 'technical.read',
  'port.exception': 'technical.read',
  'port.completed': 'technical.read',
  'port.cancelled': 'technical.read',
};

export interface ChannelChoice {
  inApp: boolean;
  email: boolean;
}

/** Failures are worth an e-mail by default; everything shows in the bell. */
export const DEFAULT_NOTIFICATION_CHOICE: Record<AccountEventType, ChannelChoice> = {
  'order.completed': { inApp: true, email: false },
  'number.released': { inApp: true, email: false },
  'trunk_group.sync_failed': { inApp: true, email: true },
  'e911.registration_failed': { inApp: true, email: true },
  'quality.alert': { inApp: true, email: true },
  'invoice.issued': { inApp: true, email: true },
  'invoice.voided': { inApp: true, email: true },
  'billing.spend_threshold': { inApp: true, email: true },
  'billing.prepay_ended': { inApp: true, email: true },
  'dispute.opened': { inApp: true, email: true },
  'dispute.decided': { inApp: true, email: true },
  'port.submitted': { inApp: true, email: false },
  'port.foc_set': { inApp: true, email: true },
  'port.exception': { inApp: true, email: true },
  'port.completed': { inApp: true, email: true },
  'port.cancelled': { inApp: true, email: false },
};

/** The preferences page's words for each event type. */
export const NOTIFICATION_TYPE_LABELS: Record<AccountEventType, { label: string; description: string }> = {
  'order.completed': { label: 'Number orders', description: 'An order of numbers finished, in full or in part.' },
  'number.released': { label: 'Released numbers', description: 'A number was released from an account.' },
  'trunk_group.sync_failed': { label: 'Trunk group problems', description: 'A trunk group could not be applied at one of our carriers.' },
  'e911.registration_failed': { label: 'Emergency address problems', description: 'An emergency (E911) address could not be registered for a number.' },
  'quality.alert': { label: 'Call quality alerts', description: 'ASR or PDD of a trunk group and destination left its normal range for the time of week, and when it came back.' },
  'invoice.issued': { label: 'Invoices', description: 'A monthly invoice was issued (the PDF is on the Billing page).' },
  'invoice.voided': { label: 'Voided invoices', description: 'An issued invoice was voided; a corrected one replaces it.' },
  'billing.spend_threshold': { label: 'Spend cap and credit alerts', description: 'Spending this month reached 80% or 100% of a monthly spend cap, or 80% or 100% of the credit limit is used.' },
  'billing.prepay_ended': { label: 'Prepay discount', description: 'The prepaid credit was used up, so the prepay discount no longer applies.' },
  'dispute.opened': { label: 'Disputes received', description: 'We received a dispute of invoiced calls, with the time it will be decided by (two business days).' },
  'dispute.decided': { label: 'Dispute decisions', description: 'A dispute was accepted, partly accepted or rejected; a credit shows on the next invoice.' },
  'port.submitted': { label: 'Port-ins submitted', description: 'A port-in was submitted to the losing carrier, or resubmitted after a correction.' },
  'port.foc_set': { label: 'Port-in dates', description: 'The losing carrier committed to a date (FOC) for a port-in, or moved it.' },
  'port.exception': { label: 'Port-in exceptions', description: 'A port-in, or some of its numbers, was refused; what to fix is on the port.' },
  'port.completed': { label: 'Port-ins completed', description: 'Ported numbers are live on the account; their emergency address is asked for.' },
  'port.cancelled': { label: 'Port-ins cancelled', description: 'A port-in was cancelled.' },
};

export interface NotificationMessage {
  title: string;
  body: string;
  /** A portal path. */
  link: string;
}

/** Pages the event's objects live on, found by the service (a number's page needs its id). */
export interface NotificationTargets {
  numberId?: string;
}

const REGION_NAMES = new Intl.DisplayNames(['en'], { type: 'region' });

/** `GB` → "United Kingdom"; `ZZ` (no country) and unknown codes stay readable. */
export function regionName(code: string): string {
  if (code === 'ZZ') return 'numbers without a country';
  try {
    return REGION_NAMES.of(code) ?? code;
  } catch {
    return code;
  }
}

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

export function notificationMessage<Type extends AccountEventType>(
  type: Type,
  data: AccountEventData<Type>,
  context: { accountName: string } & NotificationTargets,
): NotificationMessage {
  const { accountName, numberId } = context;
  switch (type) {
    case 'order.completed': {
      const order = data as AccountEventData<'order.completed'>;
      const link = `/numbers/orders/${order.orderId}`;
      const bought = plural(order.activated.length, 'number is', 'numbers are');
      if (order.status === 'completed') return { title: 'Number order complete', body: `${bought} now on ${accountName}.`, link };
      if (order.status === 'partial') {
        return { title: 'Number order partly complete', body: `${bought} now on ${accountName}; ${plural(order.failed.length, 'number', 'numbers')} could not be bought and were not charged.`, link };
      }
      return { title: 'Number order failed', body: `None of the ${plural(order.failed.length, 'number', 'numbers')} could be bought for ${accountName}; nothing was charged.`, link };
    }
    case 'number.released': {
      const released = data as AccountEventData<'number.released'>;
      return { title: 'Number released', body: `${formatE164(released.e164)} was released from ${accountName}.`, link: numberId ? `/numbers/${numberId}` : '/numbers' };
    }
    case 'trunk_group.sync_failed': {
      const group = data as AccountEventData<'trunk_group.sync_failed'>;
      return {
        title: 'Trunk group not applied',
        body: `“${group.name}” in ${accountName} could not be applied at a carrier. Open it to see what went wrong and apply it again.`,
        link: `/trunk-groups/${group.trunkGroupId}`,
      };
    }
    case 'e911.registration_failed': {
      const failure = data as AccountEventData<'e911.registration_failed'>;
      return {
        title: 'Emergency address not registered',
        body: `The emergency address of ${formatE164(failure.e164)} in ${accountName} could not be registered. Open it to see what to do next.`,
        link: numberId ? `/numbers/${numberId}` : failure.addressId ? `/e911/${failure.addressId}` : '/e911',
      };
    }
    case 'invoice.issued': {
      const invoice = data as AccountEventData<'invoice.issued'>;
      const due = invoice.dueAt ? `, due by ${formatDate(new Date(invoice.dueAt), 'long')}` : '';
      return { title: `Invoice ${invoice.number} issued`, body: `The invoice of ${accountName} for ${formatMonth(invoice.periodStart.slice(0, 7))} is issued${due}. The amount and the PDF are on the Billing page.`, link: `/billing/invoices/${invoice.invoiceId}` };
    }
    case 'invoice.voided': {
      const invoice = data as AccountEventData<'invoice.voided'>;
      return { title: `Invoice ${invoice.number} voided`, body: `Invoice ${invoice.number} of ${accountName} was voided: ${invoice.reason}. A corrected invoice replaces it.`, link: `/billing/invoices/${invoice.invoiceId}` };
    }
    case 'billing.spend_threshold': {
      const alert = data as AccountEventData<'billing.spend_threshold'>;
      const month = formatMonth(alert.periodStart.slice(0, 7));
      if (alert.limit === 'credit_limit') {
        return {
          title: alert.thresholdPercent >= 100 ? 'Credit limit reached' : `${alert.thresholdPercent}% of the credit limit used`,
          body: `${accountName} has used ${alert.usedPercent}% of its credit limit (its balance less usage not invoiced yet). Orders beyond the credit left are refused; a payment restores it.`,
          link: '/billing',
        };
      }
      return {
        title: alert.thresholdPercent >= 100 ? 'Monthly spend cap reached' : `${alert.thresholdPercent}% of the monthly spend cap`,
        body: `${accountName} and its sub-accounts have spent ${alert.usedPercent}% of their monthly spend cap in ${month} (calls, number charges and orders in progress). Orders that would pass the cap are refused.`,
        link: '/billing',
      };
    }
    case 'billing.prepay_ended': {
      const ended = data as AccountEventData<'billing.prepay_ended'>;
      return {
        title: 'Prepay discount ended',
        body: `The prepaid credit of ${accountName} is used up, so its ${ended.discountPercent}% prepay discount no longer applies from ${formatDate(new Date(ended.endedAt), 'long')}. A new prepayment of $10,000 or more restores it.`,
        link: '/billing',
      };
    }
    case 'dispute.opened': {
      const opened = data as AccountEventData<'dispute.opened'>;
      return {
        title: `Dispute ${disputeReference(opened.disputeId)} received`,
        body: `We received the dispute of ${plural(opened.calls, 'call', 'calls')} on ${opened.line} of invoice ${opened.invoiceNumber} (${accountName}). It will be ${dueSentence(new Date(opened.dueAt))}; if it is not, it is credited in full.`,
        link: `/billing/disputes/${opened.disputeId}`,
      };
    }
    case 'dispute.decided': {
      const decided = data as AccountEventData<'dispute.decided'>;
      const reference = disputeReference(decided.disputeId);
      if (decided.status === 'rejected') return { title: `Dispute ${reference} rejected`, body: `The dispute on invoice ${decided.invoiceNumber} of ${accountName} was rejected. Open it to read why.`, link: `/billing/disputes/${decided.disputeId}` };
      const nothingCredited = decided.credited !== undefined && Number(decided.credited) === 0;
      const how = decided.automatic ? (nothingCredited ? 'was not decided in time, so it was accepted' : 'was not decided in time, so it was accepted in full') : decided.status === 'accepted' ? 'was accepted' : 'was partly accepted';
      const credit = nothingCredited
        ? 'Nothing further is credited: earlier disputes already credited these calls in full.'
        : decided.credited !== undefined
          ? `A credit note of ${formatMoney(decided.credited, decided.currency)} shows on the next invoice.`
          : 'The credit note shows on the next invoice; open the dispute to see the amount.';
      return {
        title: `Dispute ${reference} ${decided.status === 'accepted' ? 'accepted' : 'partly accepted'}`,
        body: `The dispute on invoice ${decided.invoiceNumber} of ${accountName} ${how}. ${credit}`,
        link: `/billing/disputes/${decided.disputeId}`,
      };
    }
    case 'port.submitted': {
      const port = data as AccountEventData<'port.submitted'>;
      return {
        title: `Port-in ${port.reference} ${port.resubmitted ? 'resubmitted' : 'submitted'}`,
        body: `${plural(port.numbers.length, 'number', 'numbers')} of ${accountName} ${port.resubmitted ? 'were sent again' : 'are on their way'} to the losing carrier. We will tell you when it commits to a date.`,
        link: `/port-ins/${port.portInId}`,
      };
    }
    case 'port.foc_set': {
      const port = data as AccountEventData<'port.foc_set'>;
      const day = formatDate(new Date(`${port.focDate}T12:00:00Z`), 'long');
      return port.previousFocDate
        ? { title: `Port-in ${port.reference}: date moved`, body: `The losing carrier moved the port of ${plural(port.numbers.length, 'number', 'numbers')} in ${accountName} from ${formatDate(new Date(`${port.previousFocDate}T12:00:00Z`), 'long')} to ${day}.`, link: `/port-ins/${port.portInId}` }
        : { title: `Port-in ${port.reference}: date set`, body: `The losing carrier will release ${plural(port.numbers.length, 'number', 'numbers')} of ${accountName} on ${day} (FOC).`, link: `/port-ins/${port.portInId}` };
    }
    case 'port.exception': {
      const port = data as AccountEventData<'port.exception'>;
      const { label, fix } = PORT_EXCEPTION_TEXT[port.code];
      return { title: `Port-in ${port.reference}: ${label.toLowerCase()}`, body: `${plural(port.numbers.length, 'number', 'numbers')} of ${accountName} could not be ported yet. ${fix}`, link: `/port-ins/${port.portInId}` };
    }
    case 'port.completed': {
      const port = data as AccountEventData<'port.completed'>;
      const shown = port.numbers.slice(0, 5).map(formatE164).join(', ') + (port.numbers.length > 5 ? ` and ${port.numbers.length - 5} more` : '');
      return {
        title: port.status === 'completed' ? `Port-in ${port.reference} complete` : `Port-in ${port.reference} partly complete`,
        body: `${shown} ${port.numbers.length === 1 ? 'is' : 'are'} now live on ${accountName}. Register an emergency (E911) address for ${port.numbers.length === 1 ? 'it' : 'them'} so 911 calls reach the right place.`,
        link: '/e911',
      };
    }
    case 'port.cancelled': {
      const port = data as AccountEventData<'port.cancelled'>;
      return { title: `Port-in ${port.reference} cancelled`, body: `The port-in ${port.reference} of ${accountName} was cancelled; its numbers stay with the losing carrier.`, link: `/port-ins/${port.portInId}` };
    }
    case 'quality.alert': {
      const alert = data as AccountEventData<'quality.alert'>;
      const what = alert.metric === 'asr' ? 'ASR' : 'PDD p50';
      const value = (v: number) => (alert.metric === 'asr' ? `${Math.round(v * 100)}%` : `${(v / 1000).toFixed(1)} s`);
      const where = `calls to ${regionName(alert.destination)}${alert.trunkGroupName ? ` on “${alert.trunkGroupName}”` : ''} in ${accountName}`;
      if (alert.status === 'resolved') {
        return { title: `${what} back to normal`, body: `${what} of ${where} is back within its normal range (${value(alert.observed)}; normally ${value(alert.baseline)}).`, link: `/usage/alerts/${alert.alertId}` };
      }
      return {
        title: alert.metric === 'asr' ? 'ASR dropped' : 'PDD rose',
        body: `${what} of ${where} was ${value(alert.observed)} over 15 minutes (${alert.attempts} attempts); at this time of the week it is normally ${value(alert.baseline)}.`,
        link: `/usage/alerts/${alert.alertId}`,
      };
    }
    default:
      throw new Error(`No notification wording for ${String(type)}`);
  }
}

/** The e-mail for a notification: the same words, the link in full, and where to change the choice. */
export function notificationMail(message: NotificationMessage, context: { appUrl: string; accountName: string }): { subject: string; text: string } {
  return {
    subject: `${message.title} – ${context.accountName}`,
    text: [
      message.body,
      '',
      `Open it in the portal: ${context.appUrl}${message.link}`,
      '',
      `You get this e-mail as a member of ${context.accountName}. Choose which notifications reach you by e-mail: ${context.appUrl}/profile/notifications`,
    ].join('\n'),
  };
}
