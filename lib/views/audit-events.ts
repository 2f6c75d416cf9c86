/**
 * How an audit event reads to a person: a plain label for its key, its before/after as a diff of
 * fields, the caller's address as they know it, and CSV cells a spreadsheet will not run. Pure
 * functions: the page, the table and the CSV export share them.
 */
import { formatDateTime, formatE164 } from '@/lib/format';

/**
 * Every event key the code writes, with the words the audit log shows for it. A unit test reads the
 * code for the keys it records and fails when one has no label here.
 */
export const AUDIT_EVENT_LABELS: Record<string, string> = {
  'account.create': 'Sub-account created',
  'account.rename': 'Account renamed',
  'account.limits': 'Account limits changed',
  'account.e911_policy': 'Emergency-address rule changed',
  'account.suspend': 'Account suspended',
  'account.reactivate': 'Account reactivated',
  'user.invite': 'Person invited',
  'user.invite_revoke': 'Invitation withdrawn',
  'user.join': 'Invitation accepted',
  'user.password_change': 'Password changed',
  'user.two_factor_enable': 'Two-factor authentication turned on',
  'user.two_factor_disable': 'Two-factor authentication turned off',
  'user.two_factor_recovery_codes': 'New two-factor recovery codes made',
  'account.two_factor_policy': 'Two-factor requirement changed',
  'user.role_change': 'Member’s role changed',
  'user.remove': 'Member removed',
  'number.release': 'Number released',
  'number.release_failed': 'Number release not confirmed (number kept)',
  'number.move': 'Number moved to another account',
  'order.place': 'Numbers ordered',
  'trunk_group.create': 'Trunk group created',
  'trunk_group.update': 'Trunk group changed',
  'trunk_group.rotate_password': 'Trunk group password changed',
  'trunk_group.delete': 'Trunk group deleted',
  'trunk_group.assign_numbers': 'Numbers routed to trunk group',
  'trunk_group.unassign_numbers': 'Numbers taken off trunk group',
  'trunk_group.enable': 'Trunk group enabled',
  'trunk_group.disable': 'Trunk group disabled',
  'trunk_group.reapply': 'Trunk group re-applied at the carriers',
  'e911.address_create': 'Emergency address added',
  'e911.address_update': 'Emergency address changed',
  'e911.address_delete': 'Emergency address deleted',
  'e911.address_recheck': 'Emergency address checked again with the carriers',
  'e911.assign': 'Emergency address set on numbers',
  'e911.unassign': 'Emergency address removed from numbers',
  'webhook.create': 'Webhook endpoint added',
  'webhook.update': 'Webhook endpoint changed',
  'webhook.enable': 'Webhook endpoint enabled',
  'webhook.disable': 'Webhook endpoint disabled',
  'webhook.delete': 'Webhook endpoint deleted',
  'webhook.rotate_secret': 'Webhook signing secret rotated',
  'webhook.redeliver': 'Webhook event sent again',
  'webhook.test': 'Webhook test event sent',
  'quality_alert.acknowledge': 'Quality alert acknowledged',
  // Recorded before staff acting-as had a start and a stop; older trails still hold it.
  'operator.act_as': 'Carrier staff opened this account',
  'staff.acting_as': 'Carrier staff started acting in this account',
  'staff.acting_as.stop': 'Carrier staff stopped acting in this account',
  'staff_task.resolve': 'Staff task marked done',
  'staff_task.resolved_by_itself': 'Staff task closed (the problem went away)',
  'provider.connect': 'Carrier connection added',
  'provider.update': 'Carrier connection changed',
  'provider.test': 'Carrier connection tested',
  'provider.enable': 'Carrier connection enabled',
  'provider.disable': 'Carrier connection disabled',
  'price.default.set': 'Default price set',
  'price.override.create': 'Price override added',
  'price.override.update': 'Price override changed',
  'price.override.delete': 'Price override deleted',
  'price.cost.set': 'Carrier cost set',
  'price.cost.clear': 'Carrier cost cleared',
  'job.retry': 'Failed job retried',
  'api_key.create': 'API key created',
  'api_key.revoke': 'API key revoked',
  'billing.payment.record': 'Payment recorded',
  'billing.prepayment.record': 'Prepayment recorded',
  'billing.adjustment.record': 'Ledger adjustment recorded',
  'billing.entry.reverse': 'Ledger entry reversed',
  'billing.prepay_tier.start': 'Prepay tier started (discount on usage)',
  'billing.prepay_tier.end': 'Prepay tier ended (prepaid credit used up)',
  'rate_deck.create': 'Rate deck created',
  'rate_deck.default': 'Default rate deck changed',
  'rate_deck.publish': 'Rate deck version published',
  'rate_deck.assign': 'Rate deck assigned',
  'rate_deck.unassign': 'Own rate deck removed (inherits again)',
  'dispute.open': 'Invoiced calls disputed',
  'dispute.decide': 'Dispute decided',
  'billing.profile.update': 'Invoice settings changed (currency, tax, terms)',
  'invoice.draft_generated': 'Invoice draft computed',
  'invoice.issued': 'Invoice issued',
  'invoice.voided': 'Invoice voided',
  'invoice.discount_added': 'Discount added to an invoice draft',
  'invoice.discount_removed': 'Discount removed from an invoice draft',
  'port_in.created': 'Port-in draft started',
  'port_in.submitted': 'Port-in submitted',
  'port_in.cancelled': 'Port-in cancelled',
  'port_in.transition': 'Port-in moved by our porting team',
  'port_in.comment': 'Port-in comment by our porting team',
  'port_in.poll': 'Port-in status asked of the carrier',
};

const ACRONYMS: Record<string, string> = { ip: 'IP', ips: 'IPs', id: 'ID', ids: 'IDs', url: 'URL', e911: 'E911', sip: 'SIP', cps: 'CPS', npa: 'Area code', e164: 'Number', usd: 'USD' };

/** `allowedIps` → "Allowed IPs", `billed_until` → "Billed until", `e911` → "E911". */
export function humanize(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s._-]+/)
    .filter(Boolean)
    .map((word) => ACRONYMS[word.toLowerCase()] ?? word.toLowerCase());
  const text = words.join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The label of an event key; a key without one still reads as words: `port_in.submit` → "Port in: submit". */
export function auditEventLabel(action: string): string {
  const known = AUDIT_EVENT_LABELS[action];
  if (known) return known;
  const [subject, ...rest] = action.split('.');
  if (rest.length === 0) return humanize(action);
  const detail = rest.map((part) => humanize(part)).join(' ');
  // Lower-case the detail's first letter unless it starts an acronym ("SIP", "IP").
  const tail = /^[A-Z][a-z]/.test(detail) || detail.length === 1 ? detail.charAt(0).toLowerCase() + detail.slice(1) : detail;
  return `${humanize(subject ?? '')}: ${tail.replace(/ ([A-Z])([a-z])/g, (_, upper: string, lower: string) => ` ${upper.toLowerCase()}${lower}`)}`;
}

/** Field names the log shows with other words than `humanize` would give them. */
const FIELD_LABELS: Record<string, string> = {
  dueNow: 'Due now',
  maxConcurrentCalls: 'Concurrent calls limit',
  maxCallsPerSecond: 'Calls per second limit',
  monthlySpendCap: 'Monthly spend cap',
  internationalAllowed: 'International calls',
  requireE911ForRouting: 'Emergency address required before routing',
  callerIdPolicy: 'Caller ID',
  credentialsChanged: 'Credentials changed',
  upstreamRemoved: 'Removed at carriers',
  upstreamLeft: 'Kept at carriers',
  endedSessions: 'Other sessions ended',
  ok: 'Test passed',
};

export function fieldLabel(field: string): string {
  return FIELD_LABELS[field] ?? humanize(field);
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const E164 = /^\+[1-9]\d{7,14}$/;

/** One value as text: yes/no, dates in UTC, phone numbers formatted, lists joined, nested objects as "Field value" pairs. */
export function formatAuditValue(value: unknown, { maxItems }: { maxItems?: number } = {}): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'string') {
    if (ISO_INSTANT.test(value)) {
      const date = new Date(value);
      if (!Number.isNaN(date.getTime())) return formatDateTime(date);
    }
    if (E164.test(value)) return formatE164(value);
    return value;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return 'none';
    const items = value.map((item) => formatAuditValue(item));
    if (maxItems !== undefined && items.length > maxItems) return `${items.slice(0, maxItems).join(', ')} and ${items.length - maxItems} more`;
    return items.join(', ');
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return '—';
    return entries.map(([key, item]) => `${fieldLabel(key)} ${formatAuditValue(item)}`).join('; ');
  }
  return String(value);
}

export interface AuditDiffRow {
  field: string;
  /** The field's label. */
  label: string;
  before: string;
  after: string;
  /** Present before, absent after (removed), or the reverse (added). */
  kind: 'changed' | 'added' | 'removed';
}

const asRecord = (value: unknown): Record<string, unknown> | undefined =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : value === null || value === undefined ? undefined : { value };

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Before and after as rows of (field, before, after): only fields that differ; a created object
 * shows its fields as added, a deleted one as removed. Field order: the before's, then new ones.
 */
export function auditDiff(before: unknown, after: unknown, options: { maxItems?: number } = {}): AuditDiffRow[] {
  const from = asRecord(before);
  const to = asRecord(after);
  const fields = [...new Set([...Object.keys(from ?? {}), ...Object.keys(to ?? {})])];
  const rows: AuditDiffRow[] = [];
  for (const field of fields) {
    const had = from !== undefined && field in from;
    const has = to !== undefined && field in to;
    if (had && has && same(from[field], to[field])) continue;
    rows.push({
      field,
      label: fieldLabel(field),
      before: had ? formatAuditValue(from[field], options) : '—',
      after: has ? formatAuditValue(to[field], options) : '—',
      kind: had && has ? 'changed' : has ? 'added' : 'removed',
    });
  }
  return rows;
}

/** What the event is about, in its own words, when the record names it (a number, an email, a name). */
export function auditSubject(before: unknown, after: unknown): string | undefined {
  for (const record of [asRecord(after), asRecord(before)]) {
    for (const key of ['number', 'e164', 'email', 'name', 'label']) {
      const value = record?.[key];
      if (typeof value === 'string' && value) return formatAuditValue(value);
    }
  }
  return undefined;
}

/**
 * The address as the person knows it: an IPv4 caller seen through an IPv6 socket (`::ffff:10.0.0.1`,
 * `::ffff:a00:1`, `0:0:0:0:0:ffff:10.0.0.1`) is shown as IPv4; anything else as stored.
 */
export function formatIp(ip: string | null | undefined): string {
  if (!ip) return '';
  const text = ip.trim();
  const mapped = /^(?:0{1,4}:){5}ffff:(.+)$|^::ffff:(.+)$/i.exec(text);
  const tail = mapped?.[1] ?? mapped?.[2];
  if (!tail) return text;
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(tail) && tail.split('.').every((part) => Number(part) <= 255)) return tail;
  const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(tail);
  if (!hex) return text;
  const high = parseInt(hex[1]!, 16);
  const low = parseInt(hex[2]!, 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/**
 * One CSV field (RFC 4180), safe to open in a spreadsheet: a cell starting with = + - @ (or a tab or
 * carriage return, which some spreadsheets skip before reading a formula) gets a leading apostrophe,
 * so it is text, never a formula; fields with a comma, quote or line break are quoted.
 */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRow(values: readonly (string | number | null | undefined)[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}
