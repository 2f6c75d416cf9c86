import 'server-only';

/**
 * Where a number's calls really go. A number on a trunk group is routed as configured only when the
 * group is active and the group's copy on the number's own upstream is applied at the group's
 * current version; a carrier that refused, failed or has not yet taken the group leaves the number
 * on its default route (or on settings the customer has since changed). Derived from the group and
 * its per-upstream row, and from the one thing stored per number: that carrier's refusal to point
 * this number at the group, or (the group being disabled) to move it to its default route
 * (routing_refused_at, set and cleared by routeNumbersUpstream). routingCondition in lib/db/queries/number-routing.ts
 * is the same rule in SQL (the My numbers filter and the dashboard's counts).
 */
import { assertCan, type AccountAccess } from '@/lib/auth/access';
import { getDb } from '@/lib/db/client';
import { getRoutingFactsByNumberIds, getTrunkGroupNumbersByConnection } from '@/lib/db/queries/number-routing';
import { getTrunkGroupById, getTrunkGroupUpstreams } from '@/lib/db/queries/trunk-groups';
import { AppError } from '@/lib/errors';
import { scrubProviderNames, upstreamLabels } from './carrier-labels';

export const ROUTING_STATES = ['routed', 'not_routed', 'carrier_default'] as const;
export type NumberRoutingState = (typeof ROUTING_STATES)[number];

/** `default_unconfirmed`: the group is disabled, but the carrier has not confirmed sending the number to its default route. */
export type NotRoutedCause = 'group_missing' | 'group_disabled' | 'default_unconfirmed' | 'not_set_up' | 'pending' | 'failed' | 'copy_disabled' | 'outdated' | 'refused';

export interface RoutingGroup {
  name: string;
  status: 'active' | 'disabled';
  version: number;
}

/** The group's copy on the number's upstream (trunk_group_upstreams), if there is one. */
export interface RoutingCopy {
  status: 'pending' | 'applied' | 'failed' | 'disabled';
  appliedVersion: number | null;
  lastError: string | null;
}

/** The number as the rule reads it: its group, and its carrier's refusal to route it there, if any. */
export interface RoutingNumber {
  trunkGroupRef: string | null;
  routingRefusedAt?: Date | null;
  /** The refusal as the customer reads it (lib/services/upstream-refusals.ts, 'route_number'). */
  routingRefusal?: string | null;
}

export interface NumberRouting {
  state: NumberRoutingState;
  cause?: NotRoutedCause;
  /** Why it is not routed, in plain words (a carrier's refusal as recorded: scrub before a customer reads it). */
  reason?: string;
}

const sentence = (text: string) => text.trim().replace(/[.\s]+$/, '');

/** The one rule: pure, so the pages, the banner and the dashboard cannot disagree. */
export function numberRoutingOf(number: RoutingNumber, group: RoutingGroup | null | undefined, copy: RoutingCopy | null | undefined): NumberRouting {
  if (!number.trunkGroupRef) return { state: 'carrier_default' };
  // On a disabled group a refusal is the carrier's to move the number off it (routeNumbersUpstream): not the default route yet.
  if (group?.status === 'disabled' && number.routingRefusedAt) {
    return { state: 'not_routed', cause: 'default_unconfirmed', reason: `${group.name} is disabled, but this number’s carrier has not confirmed moving it to its default route: calls to it may still reach the hosts it was routed to.` };
  }
  const routing = groupRoutingOf(group, copy);
  // What is wrong with the group itself is said first: it concerns every number, and re-applying it routes them again.
  if (routing.state === 'routed' && number.routingRefusedAt) {
    return { state: 'not_routed', cause: 'refused', reason: number.routingRefusal ?? 'This number’s carrier refused to route this number to its trunk group, so it keeps its previous routing.' };
  }
  return routing;
}

/** The rule for any number of the group on that copy's upstream. */
function groupRoutingOf(group: RoutingGroup | null | undefined, copy: RoutingCopy | null | undefined): NumberRouting {
  if (!group) return { state: 'not_routed', cause: 'group_missing', reason: 'Its trunk group no longer exists, so calls go to the carrier’s default route.' };
  if (group.status === 'disabled') return { state: 'not_routed', cause: 'group_disabled', reason: `${group.name} is disabled, so calls go to the carrier’s default route.` };
  if (!copy) return { state: 'not_routed', cause: 'not_set_up', reason: `${group.name} has not been set up at this number’s carrier yet, so calls go to the carrier’s default route.` };
  switch (copy.status) {
    case 'pending':
      return { state: 'not_routed', cause: 'pending', reason: `${group.name} is still being set up at this number’s carrier.` };
    case 'failed':
      return {
        state: 'not_routed',
        cause: 'failed',
        reason: copy.lastError ? `This number’s carrier did not accept ${group.name}: ${sentence(copy.lastError)}.` : `This number’s carrier did not accept ${group.name}.`,
      };
    case 'disabled':
      return { state: 'not_routed', cause: 'copy_disabled', reason: `${group.name} is switched off at this number’s carrier.` };
    case 'applied':
      if (copy.appliedVersion !== null && copy.appliedVersion !== group.version) {
        return { state: 'not_routed', cause: 'outdated', reason: `This number’s carrier still holds an older version of ${group.name}’s settings; the latest changes did not reach it.` };
      }
      return { state: 'routed' };
  }
}

/** What the customer can do about it, by cause. */
export function routingNextStep(cause: NotRoutedCause, canWrite: boolean): string {
  const someone = (text: string) => (canWrite ? text : `Someone with technical access to this account can ${text.charAt(0).toLowerCase()}${text.slice(1)}`);
  switch (cause) {
    case 'pending':
      return 'This settles on its own within a minute; reload the page to see the result.';
    case 'group_disabled':
      return someone('Enable the trunk group to route them to it again.');
    case 'default_unconfirmed':
      return someone('Re-apply the trunk group to ask the carrier again. If it keeps failing, contact support.');
    case 'group_missing':
      return someone('Route them to another trunk group on My numbers.');
    case 'refused':
      return someone('Re-apply the trunk group to try these numbers again. If the carrier refuses them again, move them to another trunk group or contact support.');
    default:
      return someone(
        'Re-apply the trunk group to try again. If the carrier refuses it again, move these numbers to a trunk group that carrier accepts (or change the settings it refused), or contact support.',
      );
  }
}

export interface NumberRoutingView extends NumberRouting {
  trunkGroup?: { id: string; name: string };
  /** Staff only: the carrier's own words for its refusal to route this number (or to move it to its default route). */
  staffDetail?: string;
}

/**
 * The routing of these numbers of the account's subtree (others are left out), by number id, with
 * carrier names hidden from customers.
 */
export async function getRoutingOfNumbers(access: AccountAccess, numberIds: string[]): Promise<Map<string, NumberRoutingView>> {
  assertCan(access, 'technical.read');
  const staff = access.user.isOperatorStaff;
  const rows = await getRoutingFactsByNumberIds(await getDb(), { numberIds, accountPath: access.account.path });
  return new Map(
    rows.map((row) => {
      const routing = numberRoutingOf(row, row.group, row.upstream);
      const view: NumberRoutingView = {
        ...routing,
        reason: routing.reason ? scrubProviderNames(routing.reason, staff, 'This number’s carrier') : undefined,
        trunkGroup: row.group ? { id: row.group.id, name: row.group.name } : undefined,
        staffDetail: staff && (routing.cause === 'refused' || routing.cause === 'default_unconfirmed') ? (row.routingRefusalDetail ?? undefined) : undefined,
      };
      return [row.numberId, view];
    }),
  );
}

export interface TrunkGroupRoutingProblem {
  /** What the viewer may call the upstream ("Carrier 2" for customers). */
  label: string;
  numbers: number;
  cause: NotRoutedCause;
  reason: string;
  nextStep: string;
}

export interface TrunkGroupRouting {
  routed: number;
  /** Numbers not routed as configured whose calls do not reach the group's hosts. */
  notRouted: number;
  /** The first numbers not routed as configured (number order within each upstream). */
  sample: { id: string; e164: string }[];
  problems: TrunkGroupRoutingProblem[];
  /**
   * Numbers of a disabled group whose carrier has not confirmed moving them to its default route:
   * calls to them may still reach the hosts. Counted apart from `notRouted`, since they may well reach them.
   */
  mayReachHosts: { numbers: number; sample: { id: string; e164: string }[]; problems: TrunkGroupRoutingProblem[] };
}

/** For the trunk group's page: its numbers that are not routed as configured, and why, per upstream. */
export async function getTrunkGroupRouting(access: AccountAccess, trunkGroupId: string, { sample = 10 }: { sample?: number } = {}): Promise<TrunkGroupRouting> {
  assertCan(access, 'technical.read');
  const db = await getDb();
  const group = await getTrunkGroupById(db, { trunkGroupId, accountId: access.account.id });
  if (!group) throw new AppError('not_found:trunk_group');
  const staff = access.user.isOperatorStaff;
  const canWrite = access.permissions.has('technical.write') && !access.readOnly;
  const [byConnection, copies] = await Promise.all([getTrunkGroupNumbersByConnection(db, { trunkGroupId: group.id, accountId: group.accountId, sample }), getTrunkGroupUpstreams(db, { trunkGroupId: group.id })]);
  // Labels numbered over the copies and the connections alike, as the sync table numbers them.
  const refs = new Map<string, { connectionId: string; provider: string; connectionName?: string }>();
  for (const { upstream, provider, connectionName } of copies) refs.set(upstream.connectionId, { connectionId: upstream.connectionId, provider, connectionName });
  for (const row of byConnection) if (!refs.has(row.connectionId)) refs.set(row.connectionId, { connectionId: row.connectionId, provider: row.provider, connectionName: row.connectionName });
  const labels = upstreamLabels([...refs.values()], staff);
  const copyOf = new Map(copies.map(({ upstream }) => [upstream.connectionId, upstream]));

  const result: TrunkGroupRouting = { routed: 0, notRouted: 0, sample: [], problems: [], mayReachHosts: { numbers: 0, sample: [], problems: [] } };
  for (const row of byConnection) {
    const routing = numberRoutingOf({ trunkGroupRef: group.id }, group, copyOf.get(row.connectionId));
    const label = labels.get(row.connectionId) ?? 'A carrier';
    if (routing.state === 'routed') {
      result.routed += row.numbers - row.refused;
      if (row.refused === 0) continue;
      // The group holds on this carrier, but it refused some numbers: each says why on My numbers; the banner gives the first.
      result.notRouted += row.refused;
      result.sample.push(...row.refusedSample);
      const first = scrubProviderNames(row.firstRefusal ?? '', staff, label).replace('This number’s carrier', label);
      const reason = row.refused === 1 ? first : `${label} refused to route ${row.refused.toLocaleString('en-US')} of these numbers to ${group.name}. The first: ${first}`;
      result.problems.push({ label, numbers: row.refused, cause: 'refused', reason, nextStep: routingNextStep('refused', canWrite) });
      continue;
    }
    // A disabled group's numbers its carrier did not confirm moving off it (marked as refused) are said apart.
    const unconfirmed = routing.cause === 'group_disabled' ? row.refused : 0;
    if (unconfirmed > 0) {
      const count = unconfirmed.toLocaleString('en-US');
      const some = unconfirmed === 1 ? (row.numbers === 1 ? 'this number' : '1 of these numbers') : unconfirmed === row.numbers ? `these ${count} numbers` : `${count} of these numbers`;
      result.mayReachHosts.numbers += unconfirmed;
      result.mayReachHosts.sample.push(...row.refusedSample);
      result.mayReachHosts.problems.push({
        label,
        numbers: unconfirmed,
        cause: 'default_unconfirmed',
        reason: `${label} has not confirmed moving ${some} to its default route: calls to ${unconfirmed === 1 ? 'it' : 'them'} may still reach the hosts ${unconfirmed === 1 ? 'it was' : 'they were'} routed to.`,
        nextStep: routingNextStep('default_unconfirmed', canWrite),
      });
    }
    const rest = row.numbers - unconfirmed;
    if (rest === 0) continue;
    const marked = new Set(row.refusedSample.map((number) => number.id));
    result.notRouted += rest;
    result.sample.push(...(unconfirmed > 0 ? row.sample.filter((number) => !marked.has(number.id)) : row.sample));
    const reason = scrubProviderNames(routing.reason!, staff, label).replace('This number’s carrier', label);
    // A disabled group reads the same on every upstream: one line, not one per carrier.
    const same = result.problems.find((problem) => problem.reason === reason);
    if (same) same.numbers += rest;
    else result.problems.push({ label, numbers: rest, cause: routing.cause!, reason, nextStep: routingNextStep(routing.cause!, canWrite) });
  }
  const inOrder = (numbers: { id: string; e164: string }[]) => numbers.sort((left, right) => left.e164.localeCompare(right.e164)).slice(0, sample);
  result.sample = inOrder(result.sample);
  result.mayReachHosts.sample = inOrder(result.mayReachHosts.sample);
  return result;
}
