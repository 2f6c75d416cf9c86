import 'server-only';
import { getDb, type Db, type Tx } from '@/lib/db/client';
import { getAuditActionsByAccountSubtree, getAuditEventsByAccountSubtree, getLiveAuditTargets, getPlatformAuditActions, getPlatformAuditEvents, insertAuditEvent, type AuditFilter, type AuditTargetIds } from '@/lib/db/queries/audit';
import type { AuditEvent } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { apiKeyLabel, can, type AccountAccess, type SessionUser } from '@/lib/auth/access';
import { log } from '@/lib/log';
import { startOfDayUtc } from '@/lib/validations/common';
import { auditDiff, auditEventLabel, auditSubject, csvRow, formatIp, type AuditDiffRow } from '@/lib/views/audit-events';

export interface AuditEntry {
  accountId: string;
  action: string;
  targetType: string;
  targetId?: string;
  before?: unknown;
  after?: unknown;
}

/** Written in the same transaction as the change it describes, so neither exists without the other. */
export async function recordAudit(db: Db | Tx, access: Pick<AccountAccess, 'actor' | 'actingAsStaff' | 'ip' | 'account'>, entry: AuditEntry) {
  const { actor } = access;
  await insertAuditEvent(db, {
    accountId: entry.accountId,
    actorUserId: actor.kind === 'user' ? actor.user.id : null,
    actorApiKeyId: actor.kind === 'api_key' ? actor.apiKey.id : null,
    actorEmail: actor.kind === 'user' ? actor.user.email : apiKeyLabel(actor.apiKey),
    actingAsAccountId: access.actingAsStaff ? access.account.id : null,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId,
    before: entry.before ?? null,
    after: entry.after ?? null,
    ip: access.ip ?? null,
  });
}

/** Staff changing a customer's records from the operator pages (not acting in the account): the customer's log shows it, marked as staff. */
export async function recordStaffAccountAudit(db: Db | Tx, staff: { id: string; email: string }, entry: AuditEntry & { ip?: string }) {
  await insertAuditEvent(db, {
    accountId: entry.accountId,
    actorUserId: staff.id,
    actorEmail: staff.email,
    actingAsAccountId: entry.accountId,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId,
    before: entry.before ?? null,
    after: entry.after ?? null,
    ip: entry.ip ?? null,
  });
}

/** Platform-level changes by operator staff (provider connections, prices): no customer account. */
export async function recordPlatformAudit(db: Db | Tx, actor: { id: string; email: string }, entry: Omit<AuditEntry, 'accountId'> & { ip?: string }) {
  await insertAuditEvent(db, {
    accountId: null,
    actorUserId: actor.id,
    actorEmail: actor.email,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId,
    before: entry.before ?? null,
    after: entry.after ?? null,
    ip: entry.ip ?? null,
  });
}

/** An audit event as the log shows it: words for the key, a diff of fields, a link to the object while it exists. */
export interface AuditEventView {
  id: number;
  at: Date;
  actor: string;
  /** Done by the carrier's staff acting in the account. */
  byOperatorStaff: boolean;
  action: string;
  label: string;
  accountName: string;
  /** What the event is about, when the record names it (a number, an email, a name). */
  subject?: string;
  /** The object's page, when it still exists and the viewer's pages reach it. */
  link?: { href: string; label: string };
  targetType: string;
  targetId: string | null;
  diff: AuditDiffRow[];
  ip: string;
}

const TARGET_NOUNS: Record<string, string> = {
  phone_number: 'number',
  trunk_group: 'trunk group',
  e911_address: 'emergency address',
  number_order: 'order',
  account: 'account',
  membership: 'member',
};

function targetIdsOf(events: { event: AuditEvent }[]): AuditTargetIds {
  const ids: AuditTargetIds = { numbers: [], trunkGroups: [], e911Addresses: [], orders: [], accounts: [], memberships: [] };
  const bucket: Record<string, keyof AuditTargetIds> = { phone_number: 'numbers', trunk_group: 'trunkGroups', e911_address: 'e911Addresses', number_order: 'orders', account: 'accounts', membership: 'memberships' };
  for (const { event } of events) {
    const key = bucket[event.targetType];
    if (key && event.targetId) ids[key].push(event.targetId);
  }
  return ids;
}

/** Links to the objects that still exist, for the pages this viewer may open. */
async function linksFor(db: Db, access: AccountAccess, events: { event: AuditEvent }[]) {
  const technical = can(access, 'technical.read');
  const manager = can(access, 'subaccounts.manage');
  const live = await getLiveAuditTargets(db, { accountId: access.account.id, accountPath: access.account.path, orderScope: { subtree: manager }, ids: targetIdsOf(events) });
  return (event: AuditEvent): string | undefined => {
    const id = event.targetId?.toLowerCase();
    if (!id) return undefined;
    switch (event.targetType) {
      case 'phone_number':
        return technical && live.numbers.has(id) ? `/numbers/${id}` : undefined;
      case 'trunk_group':
        return technical && live.trunkGroups.has(id) ? `/trunk-groups/${id}` : undefined;
      case 'e911_address':
        return technical && live.e911Addresses.has(id) ? `/e911/${id}` : undefined;
      case 'number_order':
        return technical && live.orders.has(id) ? `/numbers/orders/${id}` : undefined;
      case 'account':
        return manager && live.accounts.has(id) ? `/account/${id}` : undefined;
      case 'membership': {
        const accountId = live.memberships.get(id);
        return manager && accountId ? `/account/${accountId}` : undefined;
      }
      default:
        return undefined;
    }
  };
}

function viewOf(event: AuditEvent, accountName: string, href: string | undefined, options: { maxItems?: number } = {}): AuditEventView {
  const subject = auditSubject(event.before, event.after);
  const noun = TARGET_NOUNS[event.targetType] ?? 'object';
  return {
    id: event.id,
    at: event.createdAt,
    actor: event.actorEmail ?? 'system',
    byOperatorStaff: Boolean(event.actingAsAccountId),
    action: event.action,
    label: auditEventLabel(event.action),
    accountName,
    subject,
    link: href ? { href, label: subject ? `Open ${subject}` : `Open the ${noun}` } : undefined,
    targetType: event.targetType,
    targetId: event.targetId,
    diff: auditDiff(event.before, event.after, options),
    ip: formatIp(event.ip),
  };
}

/** The form's days (`YYYY-MM-DD`, UTC) as the query's instants: From at its start, To through its end. */
export function auditQueryOf(filter: { action?: string; actor?: string; from?: string; to?: string }): AuditFilter {
  return {
    action: filter.action,
    actor: filter.actor,
    from: filter.from ? startOfDayUtc(filter.from) : undefined,
    to: filter.to ? new Date(startOfDayUtc(filter.to).getTime() + 86_400_000) : undefined,
  };
}

/** One page of the audit trail of the account and its subtree, newest first, and every action recorded there (for the filter). */
export async function getAuditLog(access: AccountAccess, { filter, beforeId, limit }: { filter: AuditFilter; beforeId?: number; limit: number }) {
  if (!access.permissions.has('audit.read')) throw new AppError('forbidden:role');
  const db = await getDb();
  const [rows, actions] = await Promise.all([
    getAuditEventsByAccountSubtree(db, { accountPath: access.account.path, filter, beforeId, limit }),
    getAuditActionsByAccountSubtree(db, { accountPath: access.account.path }),
  ]);
  const hrefOf = await linksFor(db, access, rows);
  return {
    events: rows.map(({ event, accountName }) => viewOf(event, accountName, hrefOf(event), { maxItems: 10 })),
    actions: actions.map((action) => ({ value: action, label: auditEventLabel(action) })).sort((a, b) => a.label.localeCompare(b.label)),
  };
}

/** The staff page where what a platform event names is changed (a rate deck has its own). */
function platformLinkOf(event: AuditEvent): { href: string; label: string } | undefined {
  switch (event.targetType) {
    case 'provider_connection':
      return { href: '/operator/providers', label: 'Open Providers' };
    case 'number_price':
    case 'provider_number_cost':
      return { href: '/operator/prices', label: 'Open Prices' };
    case 'rate_deck':
      return event.targetId ? { href: `/operator/rate-decks/${encodeURIComponent(event.targetId)}`, label: 'Open the rate deck' } : undefined;
    case 'job':
      return { href: '/operator/jobs', label: 'Open Jobs' };
    case 'staff_task':
      return { href: '/operator/tasks', label: 'Open Staff tasks' };
    default:
      return undefined;
  }
}

export const PLATFORM_ACCOUNT_LABEL = 'Platform';

/**
 * One page of the platform-level trail (changes by operator staff that belong to no customer
 * account), newest first, and every action recorded there (for the filter). Staff only.
 */
export async function getPlatformAuditLog(staff: Pick<SessionUser, 'isOperatorStaff'>, { filter, beforeId, limit }: { filter: AuditFilter; beforeId?: number; limit: number }) {
  if (!staff.isOperatorStaff) throw new AppError('forbidden:staff', 'Only the carrier’s operator staff can do that.');
  const db = await getDb();
  const [rows, actions] = await Promise.all([getPlatformAuditEvents(db, { filter, beforeId, limit }), getPlatformAuditActions(db)]);
  return {
    events: rows.map((event) => ({ ...viewOf(event, PLATFORM_ACCOUNT_LABEL, undefined, { maxItems: 10 }), link: platformLinkOf(event) })),
    actions: actions.map((action) => ({ value: action, label: auditEventLabel(action) })).sort((a, b) => a.label.localeCompare(b.label)),
  };
}

export const AUDIT_EXPORT_BATCH = 500;

export const AUDIT_CSV_HEADER = ['time_utc', 'who', 'by_operator_staff', 'event', 'event_key', 'account', 'object_type', 'object_id', 'object', 'field', 'before', 'after', 'ip'];

/**
 * The filtered log as CSV, newest first, read a batch at a time (keyset on id) so a long trail never
 * sits in memory. One line per changed field (an event without a diff gets one line), every cell
 * made safe for spreadsheets. Nothing is read until the client starts reading.
 */
export function exportAuditCsv(access: AccountAccess, filter: AuditFilter, options: { batchSize?: number } = {}): ReadableStream<Uint8Array> {
  if (!access.permissions.has('audit.read')) throw new AppError('forbidden:role');
  const batchSize = options.batchSize ?? AUDIT_EXPORT_BATCH;
  const encoder = new TextEncoder();
  let beforeId: number | undefined;
  let started = false;
  const lines = (view: AuditEventView) => {
    const head = [view.at.toISOString(), view.actor, view.byOperatorStaff ? 'yes' : 'no', view.label, view.action, view.accountName, view.targetType, view.targetId, view.subject];
    if (view.diff.length === 0) return csvRow([...head, '', '', '', view.ip]);
    return view.diff.map((row) => csvRow([...head, row.label, row.before, row.after, view.ip])).join('');
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(csvRow(AUDIT_CSV_HEADER)));
        return;
      }
      try {
        const rows = await getAuditEventsByAccountSubtree(await getDb(), { accountPath: access.account.path, filter, beforeId, limit: batchSize });
        if (rows.length > 0) controller.enqueue(encoder.encode(rows.map(({ event, accountName }) => lines(viewOf(event, accountName, undefined))).join('')));
        const last = rows.at(-1);
        if (rows.length < batchSize || !last) controller.close();
        else beforeId = last.event.id;
      } catch (error) {
        log.error('audit.export_failed', { accountId: access.account.id, error });
        controller.error(error);
      }
    },
  });
}
