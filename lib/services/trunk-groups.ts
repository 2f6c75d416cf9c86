import 'server-only';

/**
 * Trunk groups: the portal's one model, saved as the desired state and then pushed to every
 * upstream that carries the group's numbers. Each upstream copy records what it holds, what it
 * cannot express, and (from the read-back job) where it drifted.
 */
import { randomBytes } from 'node:crypto';
import { assertCan, type AccountAccess } from '@/lib/auth/access';
import { getDb, type Db, type Tx } from '@/lib/db/client';
import type { TrunkDestinationRow, TrunkGroup } from '@/lib/db/schema';
import { getEnabledProviderConnections, getProvidersOfConnections } from '@/lib/db/queries/providers';
import { clearRoutingRefusals, markDefaultRouteUnconfirmed, markRoutingRefused } from '@/lib/db/queries/number-routing';
import { formatE164 } from '@/lib/format';
import {
  countRoutedNumbersOfTrunkGroup,
  deleteTrunkGroupById,
  getAppliedTrunkUpstreams,
  getAssignableNumbers,
  getConnectionsCarryingTrunkGroup,
  getNumbersByIdsInAccount,
  getNumbersOfTrunkGroup,
  getRoutedNumbersOfTrunkGroup,
  getTrunkGroupAudit,
  getTrunkGroupById,
  getTrunkGroupByIdUnscoped,
  getTrunkGroupIdByName,
  getTrunkGroupNamesByAccount,
  getTrunkGroupUpstream,
  getTrunkGroupUpstreams,
  getTrunkGroupsByAccount,
  getTrunkGroupsPageByAccount,
  insertTrunkGroup,
  saveAppliedTrunkUpstream,
  saveFailedTrunkUpstream,
  setTrunkGroupOfNumbers,
  setTrunkUpstreamDrift,
  updateTrunkGroupById,
} from '@/lib/db/queries/trunk-groups';
import { AppError } from '@/lib/errors';
import { getEnv } from '@/lib/env';
import { log } from '@/lib/log';
import { PROVIDER_NAMES, ProviderError, refusalOf, type RefusedField } from '@/lib/providers/errors';
import { upstreamLimitsOf } from '@/lib/providers/registry';
import { hasCapability, requireCapability, type ProviderId, type RouteNumberResult } from '@/lib/providers/types';
import { checkAllowlistWidth, checkCidrsForUpstream, checkLimitsWithinAccount, checkTrunkAcrossCarriers, checkTrunkForCarrier, type CallerIdPolicy } from '@/lib/validations/trunk-groups';
import { getAccountRequiringE911, getAccountsOnPath, getTrunkLimitTotalsBySubtrees, lockBillingAccount } from '@/lib/db/queries/accounts';
import { dispatchAccountEventsSoon, publishAccountEvent } from './account-events';
import { effectiveLimitsOf } from './accounts';
import { recordAudit } from './audit';
import { describeSync, syncTone, upstreamLabels } from './carrier-labels';
import { getRoutingOfNumbers } from './number-routing';
import { getConnectionAdapter, getEnabledAdapters } from './providers';
import { closeStaffTaskIfOpen, openStaffTask } from './staff-tasks';
import { staffDetailOf, translateRefusal, translateReported, type TranslatedRefusal } from './upstream-refusals';
import { openSecret, sealSecret } from './secret-box';
import { compareTrunk, fieldLabel, specOf } from './trunk-model';

export interface TrunkGroupInput {
  name: string;
  direction: 'inbound' | 'outbound' | 'both';
  auth: 'ip' | 'digest' | 'both';
  allowedIps: string[];
  destinations: TrunkDestinationRow[];
  maxChannels?: number;
  maxCps?: number;
  codecs: string[];
  techPrefix?: string;
  callerIdPolicy: CallerIdPolicy;
  callerIdNumber?: string;
}

export interface SaveResult {
  group: TrunkGroup;
  /** Only when a password was generated or rotated: shown once, never again. */
  digestPassword?: string;
  sync: SyncOutcome;
  /** Settings some connected carriers will not carry, and which (see checkTrunkAcrossCarriers). */
  warnings: string[];
}

function newDigestUsername(name: string) {
  const base = name.toLowerCase().replace(/[^a-z0-9]+/g, '').slice(0, 12) || 'trunk';
  return `${base}${randomBytes(3).toString('hex')}`;
}

function newDigestPassword() {
  return randomBytes(18).toString('base64url');
}

/**
 * A trunk group may not promise more than its account's effective limits (the tightest on the path
 * to the billing account), and the channels of every trunk group under an account may not add up
 * to more than that account's concurrent calls, for each account on the path. Runs in the saving
 * transaction under the billing account's lock, so two saves cannot both take the last channels.
 */
async function checkAccountLimits(tx: Tx, access: AccountAccess, input: TrunkGroupInput, current?: TrunkGroup) {
  await lockBillingAccount(tx, { billingAccountId: access.account.billingAccountId });
  const chain = await getAccountsOnPath(tx, { path: access.account.path });
  const effective = effectiveLimitsOf(chain);
  const errors = checkLimitsWithinAccount(
    { maxChannels: input.maxChannels, maxCps: input.maxCps },
    { maxConcurrentCalls: effective.maxConcurrentCalls.value, maxCallsPerSecond: effective.maxCallsPerSecond.value },
    { maxConcurrentCalls: effective.maxConcurrentCalls.setBy?.name ?? access.account.name, maxCallsPerSecond: effective.maxCallsPerSecond.setBy?.name ?? access.account.name },
  );
  // Only a group that promises more channels than before can take an account over its total.
  const grows = input.maxChannels !== undefined && input.maxChannels > (current?.maxChannels ?? 0);
  if (!errors.maxChannels && grows) {
    const limited = chain.filter((account) => account.maxConcurrentCalls !== null);
    const totals = await getTrunkLimitTotalsBySubtrees(tx, { billingAccountId: access.account.billingAccountId, accountIds: limited.map((account) => account.id), exceptTrunkGroupId: current?.id });
    // The nearest account first: its total is the one the user can most likely do something about.
    for (const account of [...limited].reverse()) {
      const others = totals.get(account.id)?.channels ?? 0;
      if (others + input.maxChannels! > account.maxConcurrentCalls!) {
        const left = Math.max(0, account.maxConcurrentCalls! - others);
        errors.maxChannels = `${account.name} allows ${account.maxConcurrentCalls!.toLocaleString('en-US')} concurrent calls and its trunk groups already have ${others.toLocaleString('en-US')}: at most ${left.toLocaleString('en-US')} here`;
        break;
      }
    }
  }
  if (Object.keys(errors).length > 0) {
    const fieldErrors = Object.fromEntries(Object.entries(errors).map(([field, message]) => [field, [message]]));
    throw new AppError('invalid:trunk_limits', 'Some limits are above what the account allows.', { fieldErrors });
  }
}

/** The limits the trunk group form checks as the user types: the account's effective ones. */
export async function getTrunkFormLimits(access: AccountAccess): Promise<{ name: string; maxConcurrentCalls: number | null; maxCallsPerSecond: number | null }> {
  const effective = effectiveLimitsOf(await getAccountsOnPath(await getDb(), { path: access.account.path }));
  return { name: access.account.name, maxConcurrentCalls: effective.maxConcurrentCalls.value, maxCallsPerSecond: effective.maxCallsPerSecond.value };
}

/** The operator's widest allowed block (TRUNK_ALLOWLIST_WIDEST_PREFIX, /24 by default), for every group whatever its carriers. */
function assertAllowlistWidth(input: TrunkGroupInput) {
  if (input.auth === 'digest') return;
  const problems = checkAllowlistWidth(input.allowedIps, getEnv().trunkAllowlistWidestPrefix);
  if (problems.length > 0) throw new AppError('invalid:trunk_cidr', 'Some allowed address blocks are too wide.', { fieldErrors: { allowedIps: problems } });
}

/** Each upstream that will carry the group must accept its address blocks (VoiceTel: /8, /16, /24, /32 only). */
async function assertUpstreamsAccept(db: Db, allowedIps: string[], auth: TrunkGroupInput['auth'], connectionIds: string[]) {
  if (auth === 'digest' || connectionIds.length === 0) return;
  const connections = await getProvidersOfConnections(db, { connectionIds });
  const problems = [...new Set(connections.flatMap((connection) => checkCidrsForUpstream(upstreamLimitsOf(connection.provider), allowedIps, PROVIDER_NAMES[connection.provider as ProviderId])))];
  if (problems.length > 0) {
    throw new AppError('invalid:trunk_cidr', 'A carrier of these numbers cannot take some of the allowed addresses.', { fieldErrors: { allowedIps: problems } });
  }
}

/**
 * Every enabled carrier's rules, on create and edit: a setting none of them can carry is refused
 * (field errors naming each one's rule), one only some can carry comes back as a warning naming them.
 */
async function checkConnectedCarriers(access: AccountAccess, input: TrunkGroupInput): Promise<{ refuse(): void; warnings: string[] }> {
  const enabled = await getEnabledAdapters('trunks');
  const labels = upstreamLabels(
    enabled.map(({ connection }) => ({ connectionId: connection.id, provider: connection.provider, connectionName: connection.name })),
    access.user.isOperatorStaff,
  );
  const carriers = enabled
    .map(({ connection, adapter }) => ({ label: labels.get(connection.id) ?? 'A carrier', limits: upstreamLimitsOf(connection.provider), canCreate: hasCapability(adapter, 'trunks.create') }))
    .sort((left, right) => left.label.localeCompare(right.label, 'en', { numeric: true }));
  const { fieldErrors, warnings } = checkTrunkAcrossCarriers(input, carriers);
  return {
    warnings,
    // Thrown by the caller after the account's own limits: what the user can fix is said first.
    refuse() {
      if (Object.keys(fieldErrors).length > 0) throw new AppError('invalid:trunk_carriers', 'None of our carriers can carry some of these settings.', { fieldErrors });
    },
  };
}

function snapshot(group: TrunkGroup) {
  return {
    name: group.name,
    direction: group.direction,
    auth: group.auth,
    allowedIps: group.allowedIps,
    destinations: group.destinations.map((d) => `${d.host}:${d.port}/${d.transport} p${d.priority} w${d.weight}`),
    maxChannels: group.maxChannels,
    maxCps: group.maxCps,
    codecs: group.codecs,
    techPrefix: group.techPrefix,
    callerIdPolicy: group.callerIdPolicy,
    status: group.status,
  };
}

function nameTaken(): never {
  throw new AppError('conflict:trunk_name', 'Another trunk group of this account has that name.', { fieldErrors: { name: ['Another trunk group of this account has that name'] } });
}

export async function createTrunkGroup(access: AccountAccess, input: TrunkGroupInput): Promise<SaveResult> {
  assertCan(access, 'technical.write');
  assertAllowlistWidth(input);
  const db = await getDb();
  const digestPassword = input.auth !== 'ip' ? newDigestPassword() : undefined;
  const carriers = await checkConnectedCarriers(access, input);
  const group = await db.transaction(async (tx) => {
    await checkAccountLimits(tx, access, input);
    carriers.refuse();
    if (await getTrunkGroupIdByName(tx, { accountId: access.account.id, name: input.name })) nameTaken();
    const created = await insertTrunkGroup(tx, {
      accountId: access.account.id,
      ...input,
      maxChannels: input.maxChannels ?? null,
      maxCps: input.maxCps ?? null,
      techPrefix: input.techPrefix ?? null,
      callerIdNumber: input.callerIdNumber ?? null,
      digestUsername: digestPassword ? newDigestUsername(input.name) : null,
      digestPasswordCiphertext: digestPassword ? sealSecret(digestPassword) : null,
    });
    if (!created) throw new AppError('internal:trunk_create');
    await recordAudit(tx, access, { accountId: access.account.id, action: 'trunk_group.create', targetType: 'trunk_group', targetId: created.id, after: snapshot(created) });
    return created;
  });
  return { group, digestPassword, sync: await syncTrunkGroup(group.id), warnings: carriers.warnings };
}

export async function updateTrunkGroup(access: AccountAccess, trunkGroupId: string, input: TrunkGroupInput): Promise<SaveResult> {
  assertCan(access, 'technical.write');
  assertAllowlistWidth(input);
  const db = await getDb();
  await assertUpstreamsAccept(db, input.allowedIps, input.auth, await getConnectionsCarryingTrunkGroup(db, { trunkGroupId }));
  let digestPassword: string | undefined;
  const carriers = await checkConnectedCarriers(access, input);
  const group = await db.transaction(async (tx) => {
    const current = await getTrunkGroupById(tx, { trunkGroupId, accountId: access.account.id });
    if (!current) throw new AppError('not_found:trunk_group');
    await checkAccountLimits(tx, access, input, current);
    carriers.refuse();
    if (input.name !== current.name) {
      if (await getTrunkGroupIdByName(tx, { accountId: access.account.id, name: input.name })) nameTaken();
    }
    // Turning digest on for the first time generates the credentials; they are shown once.
    const needsCredentials = input.auth !== 'ip' && !current.digestPasswordCiphertext;
    if (needsCredentials) digestPassword = newDigestPassword();
    const updated = await updateTrunkGroupById(tx, {
      trunkGroupId: current.id,
      changes: {
        ...input,
        maxChannels: input.maxChannels ?? null,
        maxCps: input.maxCps ?? null,
        techPrefix: input.techPrefix ?? null,
        callerIdNumber: input.callerIdNumber ?? null,
        ...(needsCredentials ? { digestUsername: newDigestUsername(input.name), digestPasswordCiphertext: sealSecret(digestPassword!) } : {}),
        version: current.version + 1,
        syncStatus: 'pending',
        updatedAt: new Date(),
      },
    });
    await recordAudit(tx, access, { accountId: access.account.id, action: 'trunk_group.update', targetType: 'trunk_group', targetId: current.id, before: snapshot(current), after: snapshot(updated!) });
    return updated!;
  });
  return { group, digestPassword, sync: await syncTrunkGroup(group.id), warnings: carriers.warnings };
}

export async function rotateDigestPassword(access: AccountAccess, trunkGroupId: string): Promise<SaveResult> {
  assertCan(access, 'technical.write');
  const db = await getDb();
  const digestPassword = newDigestPassword();
  const group = await db.transaction(async (tx) => {
    const current = await getTrunkGroupById(tx, { trunkGroupId, accountId: access.account.id });
    if (!current) throw new AppError('not_found:trunk_group');
    if (current.auth === 'ip') throw new AppError('invalid:trunk_auth', 'This trunk group authenticates by IP only: it has no password to rotate.');
    const updated = await updateTrunkGroupById(tx, {
      trunkGroupId: current.id,
      changes: { digestUsername: current.digestUsername ?? newDigestUsername(current.name), digestPasswordCiphertext: sealSecret(digestPassword), version: current.version + 1, syncStatus: 'pending', updatedAt: new Date() },
    });
    await recordAudit(tx, access, { accountId: access.account.id, action: 'trunk_group.rotate_password', targetType: 'trunk_group', targetId: current.id });
    return updated!;
  });
  return { group, digestPassword, sync: await syncTrunkGroup(group.id), warnings: [] };
}

/** Refuses while numbers still route here; the user is offered to move them first. */
export interface DeleteOutcome {
  /** Upstreams whose copy of the group was deleted. */
  removed: ProviderId[];
  /** Upstreams that cannot delete a trunk group through their API: their copy stays, carrying no numbers. */
  left: ProviderId[];
}

/**
 * Deletes a group that routes no numbers: each carrier's copy first (where the carrier can delete
 * one), then the group. A carrier that fails keeps the group in the portal, so nothing is
 * orphaned; deleting again is safe (a copy already gone counts as deleted).
 */
export async function deleteTrunkGroup(access: AccountAccess, trunkGroupId: string): Promise<DeleteOutcome> {
  assertCan(access, 'technical.write');
  const db = await getDb();
  const current = await getTrunkGroupById(db, { trunkGroupId, accountId: access.account.id });
  if (!current) throw new AppError('not_found:trunk_group');
  await assertRoutesNoNumbers(db, current);

  const outcome: DeleteOutcome = { removed: [], left: [] };
  for (const { upstream, provider } of await getTrunkGroupUpstreams(db, { trunkGroupId: current.id })) {
    if (!upstream.trunkRef) continue;
    // A connection removed or disabled since cannot be asked: its copy stays, like one that cannot delete.
    const adapter = await getConnectionAdapter(upstream.connectionId).then(({ adapter }) => adapter, () => undefined);
    const deletion = adapter?.trunks?.delete;
    if (!deletion) {
      outcome.left.push(provider as ProviderId);
      continue;
    }
    try {
      await deletion.delete(upstream.trunkRef);
      outcome.removed.push(provider as ProviderId);
    } catch (error) {
      log.warn('trunk.delete_upstream_failed', { trunkGroupId: current.id, connectionId: upstream.connectionId, error });
      const carrier = access.user.isOperatorStaff ? PROVIDER_NAMES[provider as ProviderId] : 'One of our carriers';
      throw new AppError('unavailable:trunk_delete', `${carrier} did not confirm removing ${current.name}, so it is kept; please try again shortly.`, { cause: error });
    }
  }

  await db.transaction(async (tx) => {
    // Numbers routed to it meanwhile keep it.
    await assertRoutesNoNumbers(tx, current);
    await deleteTrunkGroupById(tx, { trunkGroupId: current.id });
    await recordAudit(tx, access, {
      accountId: access.account.id,
      action: 'trunk_group.delete',
      targetType: 'trunk_group',
      targetId: current.id,
      before: snapshot(current),
      after: { upstreamRemoved: outcome.removed, upstreamLeft: outcome.left },
    });
  });
  return outcome;
}

async function assertRoutesNoNumbers(db: Db | Tx, group: TrunkGroup) {
  const carrying = await countRoutedNumbersOfTrunkGroup(db, { trunkGroupId: group.id });
  if (carrying > 0) {
    throw new AppError('conflict:trunk_in_use', `${group.name} still routes ${carrying} number${carrying === 1 ? '' : 's'}: move them to another trunk group (or unassign them) first.`);
  }
}

export interface AssignOutcome {
  /** Numbers whose group changed. */
  changed: number;
  sync?: SyncOutcome;
  /**
   * Unassigning: numbers their carrier did not confirm moving to its default route. They stay in
   * their trunk group, since calls to them still reach its hosts as far as we know.
   */
  kept?: string[];
  /**
   * Assigning: the numbers that were on another active trunk group, by number id, with that group's
   * name. A carrier that does not route them to the new group most likely still routes them there.
   */
  movedFrom?: Record<string, string>;
}

/** Routes numbers of the account to the group (or, with `null`, away from any group), then syncs. */
export async function assignNumbers(access: AccountAccess, input: { trunkGroupId: string | null; numberIds: string[]; fromTrunkGroupId?: string }): Promise<AssignOutcome> {
  assertCan(access, 'technical.write');
  const db = await getDb();
  const target = input.trunkGroupId ? await getTrunkGroupById(db, { trunkGroupId: input.trunkGroupId, accountId: access.account.id }) : null;
  if (input.trunkGroupId && !target) throw new AppError('not_found:trunk_group');
  const numbers = await getNumbersByIdsInAccount(db, { accountId: access.account.id, numberIds: input.numberIds });
  if (numbers.length !== new Set(input.numberIds).size) throw new AppError('not_found:number', 'Some of those numbers are not in this account.');
  if (!target) return unassignNumbers(db, access, numbers);
  await assertE911Registered(db, access, numbers);
  await assertUpstreamsAccept(db, target.allowedIps, target.auth, [...new Set(numbers.map((number) => number.connectionId))]);
  const movedFrom = await activeGroupsLeft(db, access.account.id, numbers, target.id);
  await moveNumbersToGroup(db, access, numbers, target);
  const sync = await syncTrunkGroup(target.id);
  // A disabled group keeps its numbers in the portal but sends no calls: they route to the carrier's default.
  await routeNumbersUpstream(db, numbers.map((number) => ({ e164: number.e164, connectionId: number.connectionId })), target.status === 'active' ? target.id : null);
  return { changed: numbers.length, sync, movedFrom };
}

/** The active group each number is leaving for `targetId`, by number id (a handful of groups: one read each). */
async function activeGroupsLeft(db: Db, accountId: string, numbers: AccountNumber[], targetId: string): Promise<Record<string, string>> {
  const nameOf = new Map<string, string | null>();
  for (const ref of new Set(numbers.map((number) => number.trunkGroupRef))) {
    if (!ref || ref === targetId) continue;
    const group = await getTrunkGroupById(db, { trunkGroupId: ref, accountId });
    nameOf.set(ref, group?.status === 'active' ? group.name : null);
  }
  const movedFrom: Record<string, string> = {};
  for (const number of numbers) {
    const name = number.trunkGroupRef ? nameOf.get(number.trunkGroupRef) : null;
    if (name) movedFrom[number.id] = name;
  }
  return movedFrom;
}

const countText = (count: number) => `${count.toLocaleString('en-US')} number${count === 1 ? '' : 's'}`;
/** Reasons named in an assignment's message before "and K more". */
const REASONS_SHOWN = 5;
/** Numbers named per reason before "and K more". */
const NUMBERS_SHOWN = 5;

function listText(items: string[], limit: number): string {
  const shown = items.slice(0, limit);
  const rest = items.length - shown.length;
  if (rest > 0) return `${shown.join(', ')} and ${rest.toLocaleString('en-US')} more`;
  return shown.length <= 2 ? shown.join(' and ') : `${shown.slice(0, -1).join(', ')} and ${shown.at(-1)}`;
}

/**
 * An assignment as the user reads it: how many of the numbers now really route to the group, and for
 * each that does not, why. Read back through the routing rule after the carriers answered, so the
 * message says what the group's page and My numbers say; carrier names are hidden from customers.
 */
export async function describeAssignment(
  access: AccountAccess,
  group: Pick<TrunkGroup, 'id' | 'name'>,
  numberIds: string[],
  sync: SyncOutcome | undefined,
  movedFrom: AssignOutcome['movedFrom'] = {},
): Promise<{ message: string; tone?: 'partial' | 'failed' }> {
  const staff = access.user.isOperatorStaff;
  const [numbers, routing] = await Promise.all([getNumbersByIdsInAccount(await getDb(), { accountId: access.account.id, numberIds }), getRoutingOfNumbers(access, numberIds)]);
  const rows = numbers.map((number) => ({ id: number.id, e164: number.e164, routing: routing.get(number.id) })).sort((left, right) => left.e164.localeCompare(right.e164));
  const total = rows.length;
  const isAre = (count: number) => (count === 1 ? 'is' : 'are');
  const routed = rows.filter((row) => row.routing?.state === 'routed').length;
  const problems = rows.filter((row) => row.routing?.state !== 'routed' && row.routing?.cause !== 'group_disabled');
  // A disabled group sends its numbers to each carrier's default route: as asked, unless a carrier did not confirm it.
  if (rows.some((row) => row.routing?.cause === 'group_disabled' || row.routing?.cause === 'default_unconfirmed')) {
    const assigned = `${countText(total)} ${isAre(total)} assigned to ${group.name}, which is disabled`;
    if (problems.length === 0) return { message: `${assigned}: calls to ${total === 1 ? 'it' : 'them'} go to each carrier’s default route until you enable it.` };
    const one = problems.length === 1;
    return {
      message: `${assigned}, but the carriers have not confirmed moving ${listText(problems.map((row) => formatE164(row.e164)), NUMBERS_SHOWN)} to their default route: calls to ${one ? 'it' : 'them'} may still reach the hosts ${one ? 'it was' : 'they were'} routed to. Re-apply ${group.name} to ask again.`,
      tone: problems.length === total ? 'failed' : 'partial',
    };
  }
  const syncText = sync ? ` ${describeSync(sync, await getTrunkGroupUpstreamLabels(access, group.id), staff)}` : '';
  if (problems.length === 0) return { message: `${countText(total)} now route${total === 1 ? 's' : ''} to ${group.name}.${syncText}`, tone: syncTone(sync) };

  const byReason = new Map<string, string[]>();
  for (const row of problems) {
    const reason = reasonAfterMove(row.routing?.reason ?? 'It is not routed to this trunk group.', group.name, movedFrom[row.id]);
    byReason.set(reason, [...(byReason.get(reason) ?? []), formatE164(row.e164)]);
  }
  const reasons = [...byReason].slice(0, REASONS_SHOWN).map(([reason, shown]) => `${listText(shown, NUMBERS_SHOWN)}: ${reason}`);
  const unexplained = [...byReason.values()].slice(REASONS_SHOWN).reduce((sum, shown) => sum + shown.length, 0);
  if (unexplained > 0) reasons.push(`${countText(unexplained)} more ${isAre(unexplained)} not routed for other reasons: the trunk group’s page lists them.`);
  // A reason about the group on a carrier already says what its push did there: its summary would say it twice.
  const aboutTheGroup = problems.some((row) => row.routing?.cause !== 'refused');
  const detail = `${reasons.join(' ')}${aboutTheGroup ? '' : syncText}`;
  if (routed > 0) return { message: `${routed.toLocaleString('en-US')} of ${countText(total)} now route to ${group.name}; ${problems.length.toLocaleString('en-US')} ${isAre(problems.length)} not routed. ${detail}`, tone: 'partial' };
  return { message: `Saved: ${countText(total)} ${isAre(total)} assigned to ${group.name}, but ${total === 1 ? 'it is not' : 'none is'} routed to it yet. ${detail}`, tone: 'failed' };
}

/**
 * Why a number is not routed to the group it joined. One that came from another active group is most
 * likely still routed there by its carrier, not to the carrier's default route the rule assumes.
 */
function reasonAfterMove(reason: string, target: string, previous: string | undefined): string {
  if (!previous) return reason;
  const withoutDefaultRoute = reason.replace(/,? so calls go to (?:the|each) carrier’s default route\.?$/, '.').replace(/\.?\s*$/, '.');
  return `${withoutDefaultRoute} It is not yet routed to ${target}: until the carrier confirms it is, calls may still reach ${previous}’s hosts.`;
}

type AccountNumber = Awaited<ReturnType<typeof getNumbersByIdsInAccount>>[number];

/** Writes the numbers' new group (or none) and the audit entry of each group they join or leave. */
async function moveNumbersToGroup(db: Db, access: AccountAccess, numbers: AccountNumber[], target: TrunkGroup | null) {
  const previousGroups = [...new Set(numbers.map((number) => number.trunkGroupRef).filter((ref): ref is string => Boolean(ref)))];
  await db.transaction(async (tx) => {
    // A number moved to another account since it was read is not routed to this account's group.
    const routed = await setTrunkGroupOfNumbers(tx, { numberIds: numbers.map((number) => number.id), trunkGroupId: target?.id ?? null, accountId: access.account.id });
    if (routed !== numbers.length) throw new AppError('conflict:number_changed', 'Some of those numbers moved to another account meanwhile; reload and try again.');
    for (const groupId of new Set([...(target ? [target.id] : []), ...previousGroups])) {
      await recordAudit(tx, access, {
        accountId: access.account.id,
        action: groupId === target?.id ? 'trunk_group.assign_numbers' : 'trunk_group.unassign_numbers',
        targetType: 'trunk_group',
        targetId: groupId,
        after: { numbers: numbers.filter((number) => (groupId === target?.id ? true : number.trunkGroupRef === groupId)).map((number) => number.e164) },
      });
    }
  });
}

/**
 * Unassigning asks the carriers first: a number its carrier does not confirm moving to its default
 * route stays in its group (calls to it still reach the group's hosts), and the caller is told which.
 * When none is confirmed, nothing changes and the refusal says so.
 */
async function unassignNumbers(db: Db, access: AccountAccess, numbers: AccountNumber[]): Promise<AssignOutcome> {
  const { unconfirmed } = await routeNumbersUpstream(db, numbers.map((number) => ({ e164: number.e164, connectionId: number.connectionId })), null);
  const notMoved = new Set(unconfirmed.map(({ e164, connectionId }) => `${connectionId} ${e164}`));
  const kept = numbers.filter((number) => notMoved.has(`${number.connectionId} ${number.e164}`));
  const leaving = numbers.filter((number) => !notMoved.has(`${number.connectionId} ${number.e164}`));
  if (leaving.length === 0) {
    const one = kept.length === 1;
    const still = kept.every((number) => number.trunkGroupRef) ? `: calls to ${one ? 'it' : 'them'} still reach ${one ? 'its' : 'their'} trunk group’s hosts` : '';
    throw new AppError(
      'unavailable:number_routing',
      `The carrier did not confirm moving ${one ? formatE164(kept[0]!.e164) : `these ${kept.length} numbers`} to its default route, so nothing was changed${still}. Please try again in a few minutes.`,
    );
  }
  await moveNumbersToGroup(db, access, leaving, null);
  return { changed: leaving.length, kept: kept.map((number) => number.e164) };
}

/**
 * When the account (or one above it) requires it, every number joining a trunk group must already
 * have a registered emergency address; otherwise nothing is routed and the user is told which.
 */
/** Whether the account or one above it requires a registered e911 address before routing to a trunk group. */
export async function e911RequiredForRouting(db: Db, account: { id: string; path: string }): Promise<{ id: string } | undefined> {
  const chain = account.path.split('/').filter(Boolean);
  return getAccountRequiringE911(db, { accountIds: chain.length > 0 ? chain : [account.id] });
}

async function assertE911Registered(db: Db, access: AccountAccess, numbers: { e164: string; e911Status: string }[]) {
  const requiring = await e911RequiredForRouting(db, access.account);
  if (!requiring) return;
  const missing = numbers.filter((number) => number.e911Status !== 'registered').map((number) => number.e164);
  if (missing.length === 0) return;
  const shown = missing.length > 10 ? `${missing.slice(0, 10).join(', ')} and ${missing.length - 10} more` : missing.join(', ');
  throw new AppError(
    'conflict:e911_required',
    // An ancestor is not named: a sub-account's users may not see the accounts above it.
    `${requiring.id === access.account.id ? 'This account' : 'The account this one belongs to'} requires a registered emergency address before a number can be routed to a trunk group. ${missing.length === 1 ? 'This number has' : 'These numbers have'} none: ${shown}. Register them on the E911 page first.`,
  );
}

/** What the carriers answered to routeNumbersUpstream. */
export interface RouteOutcome {
  /**
   * Numbers a carrier refused, or whose call failed as a whole: as far as we know they keep their
   * previous routing. Numbers that needed no call (no copy of the group on their upstream, or an
   * upstream that routes no numbers through its API) are not among them.
   */
  unconfirmed: { e164: string; connectionId: string }[];
}

/** What a customer reads for a number its carrier did not confirm moving to its default route (numberRoutingOf words it in full). */
const DEFAULT_ROUTE_UNCONFIRMED = 'This number’s carrier has not confirmed moving it to its default route: calls to it may still reach the hosts it was routed to.';

/**
 * Points the numbers' inbound calls at the group's copy on their upstream, where the adapter can.
 * A number the carrier refuses keeps that refusal (the customer's sentence, the carrier's words for
 * staff, a staff task where only staff can act) until a later route of it succeeds or it leaves the
 * group; a call that fails as a whole marks every number it carried. With `null` (the carrier's
 * default route), a number the carrier does not confirm is marked only while its group is disabled:
 * its calls may still reach the hosts, and the group's page says so.
 */
export async function routeNumbersUpstream(db: Db, numbers: { e164: string; connectionId: string }[], trunkGroupId: string | null): Promise<RouteOutcome> {
  const outcome: RouteOutcome = { unconfirmed: [] };
  const byConnection = new Map<string, string[]>();
  for (const number of numbers) byConnection.set(number.connectionId, [...(byConnection.get(number.connectionId) ?? []), number.e164]);
  for (const [connectionId, e164s] of byConnection) {
    let carrier = 'One of our carriers';
    let results: RouteNumberResult[];
    try {
      const { adapter, connection } = await getConnectionAdapter(connectionId);
      carrier = PROVIDER_NAMES[connection.provider as ProviderId] ?? carrier;
      if (!adapter.numbers) continue;
      let trunkRef: string | null = null;
      if (trunkGroupId) {
        const copy = await getTrunkGroupUpstream(db, { trunkGroupId, connectionId });
        if (!copy?.trunkRef) continue;
        trunkRef = copy.trunkRef;
      }
      results = await adapter.numbers.route({ numbers: e164s, trunkRef });
    } catch (error) {
      log.warn('trunk.route_numbers_failed', { connectionId, error });
      outcome.unconfirmed.push(...e164s.map((e164) => ({ e164, connectionId })));
      if (!trunkGroupId) {
        const detail = staffDetailOf(error);
        await markDefaultRouteUnconfirmed(db, { connectionId, refusals: e164s.map((e164) => ({ e164, refusal: DEFAULT_ROUTE_UNCONFIRMED, detail })) }).catch((recordError: unknown) =>
          log.error('trunk.route_refusals_not_recorded', { connectionId, error: recordError }),
        );
        continue;
      }
      // The call as a whole failed (an unknown trunk answers not found): not a verdict on any one number being ours.
      const refusal = refusalOf(error);
      const translated = translateReported(refusal.code === 'unknown' ? undefined : refusal, staffDetailOf(error), 'route_number', { carrier });
      await recordRoutingRefusals(db, { connectionId, trunkGroupId, carrier, refusals: e164s.map((e164) => ({ e164, translated })) }).catch((recordError: unknown) => log.error('trunk.route_refusals_not_recorded', { connectionId, error: recordError }));
      continue;
    }
    const refused = results.filter((result) => !result.ok);
    // A number the carrier does not list has nothing routed there: its default route is not in doubt.
    const stillRouted = trunkGroupId ? refused : refused.filter((result) => result.refusal?.code !== 'number_not_on_account');
    outcome.unconfirmed.push(...stillRouted.map((result) => ({ e164: result.e164, connectionId })));
    if (refused.length > 0) log.warn('trunk.route_numbers_refused', { connectionId, refused });
    try {
      const settled = trunkGroupId ? results.filter((result) => result.ok) : results.filter((result) => !stillRouted.includes(result));
      await settleRoutingRefusals(db, { connectionId, trunkGroupId, routed: settled.map((result) => result.e164) });
      if (trunkGroupId && refused.length > 0) {
        const refusals = refused.map((result) => ({ e164: result.e164, translated: translateReported(result.refusal, result.reason, 'route_number', { carrier, number: formatE164(result.e164) }) }));
        await recordRoutingRefusals(db, { connectionId, trunkGroupId, carrier, refusals });
      }
      if (!trunkGroupId && stillRouted.length > 0) {
        await markDefaultRouteUnconfirmed(db, { connectionId, refusals: stillRouted.map((result) => ({ e164: result.e164, refusal: DEFAULT_ROUTE_UNCONFIRMED, detail: result.reason ?? 'no reason given' })) });
      }
    } catch (error) {
      // The routing itself happened; only our record of it is behind (a later route or re-apply writes it).
      log.error('trunk.route_refusals_not_recorded', { connectionId, error });
    }
  }
  return outcome;
}

async function recordRoutingRefusals(db: Db, { connectionId, trunkGroupId, carrier, refusals }: { connectionId: string; trunkGroupId: string; carrier: string; refusals: { e164: string; translated: TranslatedRefusal }[] }) {
  const byNumber = new Map(refusals.map((entry) => [entry.e164, entry.translated]));
  const marked = await markRoutingRefused(db, { trunkGroupId, connectionId, refusals: refusals.map(({ e164, translated }) => ({ e164, refusal: translated.customer, detail: translated.staffDetail })) });
  for (const number of marked) {
    const translated = byNumber.get(number.e164);
    if (!translated?.staffTask) continue;
    const platformWide = translated.staffTask === 'credentials';
    await openStaffTask(db, {
      accountId: platformWide ? null : number.accountId,
      kind: translated.staffTask,
      subject: platformWide ? { type: 'provider_connection', id: connectionId } : { type: 'phone_number', id: number.id },
      connectionId,
      title: platformWide ? `${carrier} rejects the connection's credentials` : `${carrier} refused to route ${formatE164(number.e164)} to its trunk group`,
      detail: translated.staffDetail,
    });
  }
}

/** Numbers the carrier routed as asked: their refusal, and the task it opened, are over. */
async function settleRoutingRefusals(db: Db, { connectionId, trunkGroupId, routed }: { connectionId: string; trunkGroupId: string | null; routed: string[] }) {
  for (const number of await clearRoutingRefusals(db, { connectionId, e164s: routed })) {
    if (trunkGroupId) await closeStaffTaskIfOpen(db, { kind: 'number_not_on_account', subject: { type: 'phone_number', id: number.id }, connectionId });
  }
}

export interface StatusChange {
  name: string;
  /** The group already had that status (changed elsewhere, in another tab say): nothing was done. */
  unchanged: boolean;
  /** Enabling: the push to each upstream. */
  sync?: SyncOutcome;
  /** Its live numbers. */
  numbers: number;
  /**
   * Of them, those the carriers did not confirm routing as asked: when disabling, to their default
   * route (calls to them may still reach the hosts); when enabling, back to the group.
   */
  unconfirmed: number;
}

/**
 * Disabling stops calls reaching the group's hosts without losing its setup: its numbers are routed
 * back to each carrier's default (no carrier API can disable a trunk in place). Enabling pushes the
 * group again and routes the numbers back to it.
 */
export async function setTrunkGroupStatus(access: AccountAccess, trunkGroupId: string, status: 'active' | 'disabled'): Promise<StatusChange> {
  assertCan(access, 'technical.write');
  const db = await getDb();
  const current = await getTrunkGroupById(db, { trunkGroupId, accountId: access.account.id });
  if (!current) throw new AppError('not_found:trunk_group');
  if (current.status === status) return { name: current.name, unchanged: true, numbers: 0, unconfirmed: 0 };
  await db.transaction(async (tx) => {
    await updateTrunkGroupById(tx, { trunkGroupId: current.id, changes: { status, updatedAt: new Date() } });
    await recordAudit(tx, access, { accountId: access.account.id, action: status === 'disabled' ? 'trunk_group.disable' : 'trunk_group.enable', targetType: 'trunk_group', targetId: current.id, before: { status: current.status }, after: { status } });
  });
  const numbers = await getRoutedNumbersOfTrunkGroup(db, { trunkGroupId: current.id });
  const targets = numbers.map((number) => ({ e164: number.e164, connectionId: number.connectionId }));
  if (status === 'disabled') {
    const { unconfirmed } = await routeNumbersUpstream(db, targets, null);
    await recordDefaultRouting(db, current, { numbers: targets.length, unconfirmed: unconfirmed.length });
    return { name: current.name, unchanged: false, numbers: targets.length, unconfirmed: unconfirmed.length };
  }
  const sync = await syncTrunkGroup(current.id);
  const { unconfirmed } = await routeNumbersUpstream(db, targets, current.id);
  return { name: current.name, unchanged: false, sync, numbers: targets.length, unconfirmed: unconfirmed.length };
}

/**
 * A disabled group's state after its numbers were sent to the carriers' default route. Where a
 * carrier did not confirm some, the group reads failed until a re-apply gets them moved: calls to
 * them may still reach the hosts of a PBX someone meant to cut off.
 */
async function recordDefaultRouting(db: Db, group: TrunkGroup, { numbers, unconfirmed }: { numbers: number; unconfirmed: number }) {
  if (unconfirmed === 0) {
    await updateTrunkGroupById(db, { trunkGroupId: group.id, changes: { syncDetail: "Disabled: its numbers are routed to each carrier's default, so calls no longer reach these hosts." } });
    return;
  }
  const syncDetail = `Disabled, but the carriers have not confirmed moving ${unconfirmedText(unconfirmed, numbers)} to their default route: calls to ${unconfirmed === 1 ? 'it' : 'them'} may still reach these hosts. Re-apply the trunk group to ask again.`;
  await db.transaction(async (tx) => {
    await updateTrunkGroupById(tx, { trunkGroupId: group.id, changes: { syncStatus: 'failed', syncDetail } });
    await publishAccountEvent(tx, { accountId: group.accountId, type: 'trunk_group.sync_failed', data: { trunkGroupId: group.id, name: group.name, reason: syncDetail } });
  });
  dispatchAccountEventsSoon();
}

/** "its number", "any of its 3 numbers", "2 of its 5 numbers". */
export function unconfirmedText(unconfirmed: number, numbers: number): string {
  if (unconfirmed < numbers) return `${unconfirmed.toLocaleString('en-US')} of its ${numbers.toLocaleString('en-US')} numbers`;
  return numbers === 1 ? 'its number' : `any of its ${numbers.toLocaleString('en-US')} numbers`;
}

export interface SyncOutcome {
  status: TrunkGroup['syncStatus'];
  upstreams: { connectionId: string; provider: ProviderId; ok: boolean; detail: string }[];
}

/**
 * A failed push as the customer reads it (the carrier's own words go to `lastErrorDetail`, for
 * staff); where only staff can act, the task is opened (one per group and carrier) and the sentence says so.
 */
async function recordSyncRefusal(db: Db, group: TrunkGroup, spec: ReturnType<typeof specOf>, connectionId: string, provider: ProviderId | undefined, error: unknown): Promise<string> {
  const name = provider ? PROVIDER_NAMES[provider] : 'One of our carriers';
  const refusal = refusalOf(error);
  const settingHint = provider && refusal.code === 'unsupported_setting' ? carrierRuleHint(spec, provider, refusal.field) : undefined;
  const translated = translateRefusal(error, 'trunk_sync', { carrier: name, settingHint });
  if (translated.staffTask) {
    const platformWide = translated.staffTask === 'credentials';
    await openStaffTask(db, {
      accountId: platformWide ? null : group.accountId,
      kind: translated.staffTask,
      subject: platformWide ? { type: 'provider_connection', id: connectionId } : { type: 'trunk_group', id: group.id },
      connectionId,
      title: platformWide ? `${name} rejects the connection's credentials` : `Link trunk group “${group.name}” on ${name}`,
      detail: translated.staffDetail,
    });
  }
  return translated.customer;
}

/** The carrier's declared rule the spec breaks for that setting, in the portal's words (see lib/validations/trunk-groups.ts). */
function carrierRuleHint(spec: ReturnType<typeof specOf>, provider: ProviderId, field: RefusedField | undefined): string | undefined {
  const problems = checkTrunkForCarrier(spec, upstreamLimitsOf(provider));
  return (problems.find((problem) => problem.field === field) ?? (field ? undefined : problems[0]))?.rule;
}

/**
 * Pushes the desired state to each upstream carrying the group's numbers. One upstream failing
 * leaves the others applied and the group "partially applied", with the reason kept per upstream.
 */
export async function syncTrunkGroup(trunkGroupId: string): Promise<SyncOutcome> {
  const db = await getDb();
  const group = await getTrunkGroupByIdUnscoped(db, { trunkGroupId });
  if (!group) throw new AppError('not_found:trunk_group');
  const connectionIds = await getConnectionsCarryingTrunkGroup(db, { trunkGroupId });
  const password = group.digestPasswordCiphertext ? openSecret(group.digestPasswordCiphertext) : undefined;
  const spec = specOf(group, password);
  const outcomes: SyncOutcome['upstreams'] = [];

  for (const connectionId of connectionIds) {
    const copy = await getTrunkGroupUpstream(db, { trunkGroupId: group.id, connectionId });
    let provider: ProviderId | undefined;
    try {
      const { adapter, connection } = await getConnectionAdapter(connectionId);
      provider = connection.provider as ProviderId;
      const name = PROVIDER_NAMES[provider];
      let applied;
      const trunks = requireCapability(adapter, 'trunks');
      if (copy?.trunkRef) applied = await trunks.update(copy.trunkRef, spec);
      else if (trunks.create) applied = await trunks.create.create(spec);
      else throw new ProviderError(provider, 'unsupported', { upstreamMessage: `${name} cannot create trunk groups through its API: staff link an existing one (its trunkRef) to this group`, refusal: { code: 'trunk_not_linked' } });
      const readBack = (await trunks.get(applied.trunkRef)) ?? applied;
      // Whatever differs right after applying is what this upstream cannot hold: said, not hidden.
      const limitations = compareTrunk(spec, readBack).map((difference) => `${name} does not keep the ${fieldLabel(difference.field)} (${difference.desired} → ${difference.actual})`);
      await saveAppliedTrunkUpstream(db, { trunkGroupId: group.id, connectionId, trunkRef: applied.trunkRef, appliedVersion: group.version, appliedState: readBack, limitations });
      await closeStaffTaskIfOpen(db, { kind: 'link_trunk', subject: { type: 'trunk_group', id: group.id }, connectionId });
      outcomes.push({ connectionId, provider, ok: true, detail: limitations.length ? `Applied; ${limitations.join('; ')}.` : 'Applied.' });
    } catch (error) {
      log.warn('trunk.sync_failed', { trunkGroupId, connectionId, error });
      const detail = await recordSyncRefusal(db, group, spec, connectionId, provider, error);
      await saveFailedTrunkUpstream(db, { trunkGroupId: group.id, connectionId, trunkRef: copy?.trunkRef ?? null, lastError: detail, lastErrorDetail: staffDetailOf(error) });
      outcomes.push({ connectionId, provider: provider ?? 'voicetel', ok: false, detail });
    }
  }

  const failed = outcomes.filter((outcome) => !outcome.ok);
  const status: TrunkGroup['syncStatus'] = outcomes.length === 0 ? 'not_needed' : failed.length === 0 ? 'applied' : failed.length === outcomes.length ? 'failed' : 'partially_applied';
  const syncDetail =
    outcomes.length === 0
      ? 'No numbers route here yet: the group is pushed to an upstream when its first number is assigned.'
      : failed.length === 0
        ? `Applied on ${outcomes.length} upstream${outcomes.length === 1 ? '' : 's'}.`
        : failed.map((outcome) => outcome.detail).join(' ');
  if (failed.length === 0) {
    await updateTrunkGroupById(db, { trunkGroupId: group.id, changes: { syncStatus: status, syncDetail } });
    return { status, upstreams: outcomes };
  }
  // Customers hear of it in the carrier-free words the page shows (syncDetail), never the carrier's own.
  await db.transaction(async (tx) => {
    await updateTrunkGroupById(tx, { trunkGroupId: group.id, changes: { syncStatus: status, syncDetail } });
    await publishAccountEvent(tx, { accountId: group.accountId, type: 'trunk_group.sync_failed', data: { trunkGroupId: group.id, name: group.name, reason: syncDetail } });
  });
  dispatchAccountEventsSoon();
  return { status, upstreams: outcomes };
}

/**
 * Job: reads every applied upstream copy back and records, field by field, where it no longer
 * matches what the upstream held right after our last apply (someone changed it behind our back).
 */
export async function checkTrunkDrift(): Promise<{ trunkGroupId: string; connectionId: string; drifted: number }[]> {
  const db = await getDb();
  const results: { trunkGroupId: string; connectionId: string; drifted: number }[] = [];
  // A connection staff disabled is not read; its copies keep the drift last recorded.
  const enabled = new Set((await getEnabledProviderConnections(db)).map((connection) => connection.id));
  for (const copy of await getAppliedTrunkUpstreams(db)) {
    if (!copy.trunkRef || !copy.appliedState || !enabled.has(copy.connectionId)) continue;
    try {
      const { adapter } = await getConnectionAdapter(copy.connectionId);
      const actual = await adapter.trunks?.get(copy.trunkRef);
      const drift = actual ? compareTrunk(copy.appliedState, actual) : [{ field: 'trunk', desired: copy.appliedState.name, actual: 'missing upstream' }];
      await setTrunkUpstreamDrift(db, { trunkGroupId: copy.trunkGroupId, connectionId: copy.connectionId, drift });
      results.push({ trunkGroupId: copy.trunkGroupId, connectionId: copy.connectionId, drifted: drift.length });
    } catch (error) {
      log.warn('trunk.drift_check_failed', { trunkGroupId: copy.trunkGroupId, connectionId: copy.connectionId, error });
    }
  }
  return results;
}

export interface ReapplyOutcome extends SyncOutcome {
  /** A disabled group: its numbers sent to the carriers' default route again, and how many the carriers did not confirm. */
  defaultRoute?: { numbers: number; unconfirmed: number };
}

export async function reapplyTrunkGroup(access: AccountAccess, trunkGroupId: string): Promise<ReapplyOutcome> {
  assertCan(access, 'technical.write');
  const group = await getTrunkGroupById(await getDb(), { trunkGroupId, accountId: access.account.id });
  if (!group) throw new AppError('not_found:trunk_group');
  const db = await getDb();
  let outcome: ReapplyOutcome = await syncTrunkGroup(group.id);
  // Points the group's numbers at it again on each carrier that took it: numbers refused before are retried.
  const applied = new Set(outcome.upstreams.filter((upstream) => upstream.ok).map((upstream) => upstream.connectionId));
  if (group.status === 'active' && applied.size > 0) {
    const numbers = (await getRoutedNumbersOfTrunkGroup(db, { trunkGroupId: group.id })).filter((number) => applied.has(number.connectionId));
    await routeNumbersUpstream(db, numbers.map((number) => ({ e164: number.e164, connectionId: number.connectionId })), group.id);
  }
  // A disabled group's numbers are sent to the default route again: those a carrier did not confirm before are retried.
  if (group.status === 'disabled') {
    const numbers = await getRoutedNumbersOfTrunkGroup(db, { trunkGroupId: group.id });
    const { unconfirmed } = await routeNumbersUpstream(db, numbers.map((number) => ({ e164: number.e164, connectionId: number.connectionId })), null);
    const defaultRoute = { numbers: numbers.length, unconfirmed: unconfirmed.length };
    await recordDefaultRouting(db, group, defaultRoute);
    outcome = { ...outcome, ...(defaultRoute.unconfirmed > 0 ? { status: 'failed' as const } : {}), defaultRoute };
  }
  await recordAudit(db, access, { accountId: access.account.id, action: 'trunk_group.reapply', targetType: 'trunk_group', targetId: group.id, after: { status: outcome.status } });
  return outcome;
}

export async function getTrunkGroupDetail(access: AccountAccess, trunkGroupId: string) {
  assertCan(access, 'technical.read');
  const db = await getDb();
  const group = await getTrunkGroupById(db, { trunkGroupId, accountId: access.account.id });
  if (!group) throw new AppError('not_found:trunk_group');
  const upstreams = await getTrunkGroupUpstreams(db, { trunkGroupId });
  return { group, upstreams };
}

function assertMayRead(access: AccountAccess) {
  if (!access.permissions.has('technical.read')) throw new AppError('forbidden:role');
}

/** The account's trunk groups with how many numbers each routes, by name. */
export async function listTrunkGroups(access: AccountAccess) {
  assertMayRead(access);
  return getTrunkGroupsByAccount(await getDb(), { accountId: access.account.id });
}

/** One page of the account's groups by name (the API's list): `limit + 1` rows, for `pageFrom`. */
export async function listTrunkGroupsPage(access: AccountAccess, { after, limit }: { after?: { name: string; id: string }; limit: number }) {
  assertMayRead(access);
  return getTrunkGroupsPageByAccount(await getDb(), { accountId: access.account.id, after, limit: limit + 1 });
}

/** The list page: each group, and on how many of its upstreams it drifted. */
export async function listTrunkGroupsWithDrift(access: AccountAccess) {
  assertMayRead(access);
  const db = await getDb();
  const groups = await getTrunkGroupsByAccount(db, { accountId: access.account.id });
  const drifted = await Promise.all(groups.map(async ({ group }) => (await getTrunkGroupUpstreams(db, { trunkGroupId: group.id })).filter(({ upstream }) => upstream.drift.length > 0).length));
  return groups.map((row, index) => ({ ...row, drifted: drifted[index] ?? 0 }));
}

/** Id and name of each of the account's groups (pickers and labels). */
export async function listTrunkGroupNames(access: AccountAccess) {
  assertMayRead(access);
  return getTrunkGroupNamesByAccount(await getDb(), { accountId: access.account.id });
}

/** The group page: numbers it routes, numbers that could join, its history, and the account's other groups. */
export async function getTrunkGroupNumbersAndHistory(access: AccountAccess, group: Pick<TrunkGroup, 'id' | 'accountId'>, { limit }: { limit: number }) {
  assertMayRead(access);
  if (group.accountId !== access.account.id) throw new AppError('not_found:trunk_group');
  const db = await getDb();
  const [numbers, assignable, events, groups] = await Promise.all([
    getNumbersOfTrunkGroup(db, { trunkGroupId: group.id, limit }),
    getAssignableNumbers(db, { accountId: access.account.id, trunkGroupId: group.id, limit }),
    getTrunkGroupAudit(db, { trunkGroupId: group.id, limit: 20 }),
    getTrunkGroupsByAccount(db, { accountId: access.account.id }),
  ]);
  return { numbers, assignable, events, groups };
}

/** Live numbers of the account among these ids. */
export async function getAccountNumbersByIds(access: AccountAccess, numberIds: string[]) {
  assertMayRead(access);
  return getNumbersByIdsInAccount(await getDb(), { accountId: access.account.id, numberIds });
}

/** What the viewer may call each upstream carrying the group ("Carrier 1"… for customers). */
export async function getTrunkGroupUpstreamLabels(access: AccountAccess, trunkGroupId: string): Promise<Map<string, string>> {
  assertMayRead(access);
  const db = await getDb();
  const group = await getTrunkGroupById(db, { trunkGroupId, accountId: access.account.id });
  if (!group) throw new AppError('not_found:trunk_group');
  const rows = await getTrunkGroupUpstreams(db, { trunkGroupId: group.id });
  return upstreamLabels(
    rows.map((row) => ({ connectionId: row.upstream.connectionId, provider: row.provider, connectionName: row.connectionName })),
    access.user.isOperatorStaff,
  );
}

/** Whether numbers of the account `access` is for need a registered emergency address before routing. */
export async function isE911RequiredForRouting(access: AccountAccess): Promise<boolean> {
  return Boolean(await e911RequiredForRouting(await getDb(), access.account));
}
