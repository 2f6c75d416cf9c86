import 'server-only';

/**
 * Which upstream sells a number several of them offer, and why, in words a customer can read.
 *
 * The criteria, in order: the upstream can register an emergency address (E911), it can carry more
 * of the account's trunk groups, it answered reliably when searched, it costs us least. The
 * customer's price comes from the price list and is the same whichever upstream sells the number,
 * so the upstream's cost only moves our margin: it must not outrank what the number can do for the
 * customer (a number without E911 is a 911 call without a street address). An unreliable upstream
 * is likely to fail the order, so reliability comes before cost, as it always did here.
 */
import type { Db } from '@/lib/db/client';
import type { UpstreamChoiceCriterion, UpstreamChoiceRecord } from '@/lib/db/schema';
import { getProviderConnections } from '@/lib/db/queries/providers';
import { getActiveTrunkGroupsByAccount, getTrunkGroupCopiesByGroups } from '@/lib/db/queries/trunk-groups';
import { upstreamLimitsOf } from '@/lib/providers/registry';
import { hasCapability, type ProviderAdapter } from '@/lib/providers/types';
import { checkTrunkForCarrier } from '@/lib/validations/trunk-groups';
import { providerNameOf } from './carrier-labels';
import { providerSupportsE911 } from './e911-capability';
import { fromUnits, toUnits } from './pricing';

export type { UpstreamChoiceCriterion, UpstreamChoiceRecord };

/** Ordered: the first criterion on which two offers differ decides between them. */
export const CHOICE_CRITERIA: readonly UpstreamChoiceCriterion[] = ['e911', 'trunk_groups', 'reliability', 'price'];

export interface TrunkGroupFit {
  id: string;
  name: string;
  fits: boolean;
}

/** What the ranking knows of one upstream's offer of a number. */
export interface UpstreamOffer {
  connectionId: string;
  provider: string;
  /** What the upstream charges us a month; undefined when unknown (it ranks after every known cost). */
  cost?: string;
  reliable: boolean;
  e911: boolean;
  /** The account's active trunk groups and whether this upstream can carry each. */
  trunkGroups: readonly TrunkGroupFit[];
}

const fitting = (offer: UpstreamOffer) => offer.trunkGroups.filter((group) => group.fits).length;
const costOf = (offer: UpstreamOffer) => (offer.cost === undefined ? Number.POSITIVE_INFINITY : toUnits(offer.cost));

/** Negative when `a` is the better offer on this criterion, positive when `b` is, 0 when equal. */
const COMPARE: Record<UpstreamChoiceCriterion, (a: UpstreamOffer, b: UpstreamOffer) => number> = {
  e911: (a, b) => Number(b.e911) - Number(a.e911),
  trunk_groups: (a, b) => fitting(b) - fitting(a),
  reliability: (a, b) => Number(b.reliable) - Number(a.reliable),
  price: (a, b) => {
    const left = costOf(a);
    const right = costOf(b);
    return left === right ? 0 : left < right ? -1 : 1;
  },
};

/** The first criterion on which the two offers differ, or undefined when they are equal on all. */
export function decidingCriterion(a: UpstreamOffer, b: UpstreamOffer): UpstreamChoiceCriterion | undefined {
  return CHOICE_CRITERIA.find((criterion) => COMPARE[criterion](a, b) !== 0);
}

function compareOffers(a: UpstreamOffer, b: UpstreamOffer): number {
  const criterion = decidingCriterion(a, b);
  // Equal on every criterion: the connection id, so the same offers always give the same choice.
  return criterion ? COMPARE[criterion](a, b) : a.connectionId.localeCompare(b.connectionId);
}

/** The offers best first. Pure: no input is changed. */
export function rankOffers<Offer extends UpstreamOffer>(offers: readonly Offer[]): Offer[] {
  return [...offers].sort(compareOffers);
}

/** The best offer and the record of why it won, to keep with the search result, cart line and order line. */
export function chooseUpstream<Offer extends UpstreamOffer>(offers: readonly Offer[]): { best: Offer; choice: UpstreamChoiceRecord } {
  const ranked = rankOffers(offers);
  const best = ranked[0];
  if (!best) throw new Error('chooseUpstream needs at least one offer');
  const runnerUp = ranked[1];
  const knownCosts = offers.filter((offer) => offer.cost !== undefined).map(costOf);
  return {
    best,
    choice: {
      decidedBy: runnerUp ? (decidingCriterion(best, runnerUp) ?? 'tie') : 'only_offer',
      offers: offers.length,
      e911: best.e911,
      trunkGroups: best.trunkGroups.map((group) => ({ id: group.id, name: group.name, fits: group.fits })),
      reliable: best.reliable,
      lowestPrice: offers.length > 1 && best.cost !== undefined && costOf(best) === Math.min(...knownCosts),
      cost: best.cost ?? null,
      passedOver: ranked.slice(1).map((offer) => ({
        connectionId: offer.connectionId,
        provider: offer.provider,
        cost: offer.cost ?? null,
        lostOn: decidingCriterion(best, offer) ?? 'tie',
      })),
    },
  };
}

/** What an upstream's descriptor and adapter say about carrying trunk groups. */
export interface UpstreamTrunkFacts {
  provider: string;
  hasTrunks: boolean;
  canCreateTrunks: boolean;
}

/** A trunk group as the fit check reads it (a row of the account's groups). */
export type TrunkGroupSettings = Parameters<typeof checkTrunkForCarrier>[0];

/**
 * Why this upstream could not carry the group (empty when it can): it has no trunk API, it cannot
 * create one and holds no copy of this group, or a rule its descriptor declares refuses a setting
 * (the same rules trunk-group forms check: `checkTrunkForCarrier`).
 */
export function trunkGroupFitProblems(group: TrunkGroupSettings, upstream: UpstreamTrunkFacts, hasCopy: boolean): string[] {
  const name = providerNameOf(upstream.provider);
  if (!upstream.hasTrunks) return [`${name} has no trunk groups through its API`];
  if (!hasCopy && !upstream.canCreateTrunks) return [`${name} cannot create trunk groups through its API`];
  return checkTrunkForCarrier(group, upstreamLimitsOf(upstream.provider)).map((problem) => `${name}: ${problem.rule}`);
}

export interface UpstreamFit {
  e911: boolean;
  trunkGroups: TrunkGroupFit[];
}

/** For a search: per connection, whether it can register E911 and carry each of the account's active trunk groups. */
export async function getUpstreamFits(db: Db, { accountId, upstreams }: { accountId: string; upstreams: readonly { connectionId: string; provider: string; adapter: ProviderAdapter }[] }): Promise<Map<string, UpstreamFit>> {
  const groups = (await getActiveTrunkGroupsByAccount(db, { accountId })).map((group) => ({ ...group, maxChannels: group.maxChannels ?? undefined, maxCps: group.maxCps ?? undefined }));
  const copies = await getTrunkGroupCopiesByGroups(db, { trunkGroupIds: groups.map((group) => group.id) });
  const copied = new Set(copies.filter((copy) => copy.trunkRef).map((copy) => `${copy.trunkGroupId}|${copy.connectionId}`));
  return new Map(
    upstreams.map(({ connectionId, provider, adapter }) => {
      const facts: UpstreamTrunkFacts = { provider, hasTrunks: hasCapability(adapter, 'trunks'), canCreateTrunks: hasCapability(adapter, 'trunks.create') };
      const trunkGroups = groups.map((group) => ({ id: group.id, name: group.name, fits: trunkGroupFitProblems(group, facts, copied.has(`${group.id}|${connectionId}`)).length === 0 }));
      return [connectionId, { e911: providerSupportsE911(provider), trunkGroups }];
    }),
  );
}

export interface ChoiceView {
  /** The number's carrier can register an emergency address (live, not as searched). */
  e911: boolean;
  /** Plain reasons, in the customer's words: never the upstream's name. */
  reasons: string[];
  /** What the customer should know before buying (a trunk group this carrier cannot carry). */
  warnings: string[];
  /** Staff only: the upstream, and what it was chosen over. */
  upstream?: string;
  staffDetail?: string;
}

const joinAnd = (items: readonly string[]) => (items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`);

function lostOnText(lost: UpstreamChoiceRecord['passedOver'][number], chosenCost: string | null): string {
  switch (lost.lostOn) {
    case 'e911':
      return 'no E911';
    case 'trunk_groups':
      return 'carries fewer of the account’s trunk groups';
    case 'reliability':
      return 'not answering reliably when searched';
    case 'price':
      return lost.cost === null ? 'cost unknown' : chosenCost ? `costs ${fromUnits(toUnits(lost.cost) - toUnits(chosenCost), 4)} more a month` : 'costs more';
    case 'tie':
      return 'equal on every criterion';
  }
}

/**
 * The reasons a customer (or staff) reads beside a cart, checkout or order line. `e911` is the live
 * answer for the line's connection; `choice` is what the ranking recorded (absent on older lines).
 * Staff also get the upstream's label and what it was chosen over.
 */
export function describeChoice(
  choice: UpstreamChoiceRecord | null | undefined,
  { e911, staff, upstreamLabel, labelOf }: { e911: boolean; staff: boolean; upstreamLabel?: string; labelOf?: (connectionId: string, provider: string) => string },
): ChoiceView {
  const reasons: string[] = [];
  const warnings: string[] = [];
  if (e911) reasons.push('supports E911');
  const groups = choice?.trunkGroups ?? [];
  const carried = groups.filter((group) => group.fits).map((group) => group.name);
  const notCarried = groups.filter((group) => !group.fits).map((group) => group.name);
  if (carried.length > 0) reasons.push(`supports your trunk group${carried.length === 1 ? '' : 's'} ${joinAnd(carried)}`);
  if (notCarried.length > 0) warnings.push(`cannot be routed to your trunk group${notCarried.length === 1 ? '' : 's'} ${joinAnd(notCarried)}`);
  if (choice?.lowestPrice) reasons.push('lowest price');
  else if (choice?.decidedBy === 'reliability') reasons.push('most reliable carrier for it right now');
  if (choice?.decidedBy === 'only_offer') reasons.push('the only carrier offering it');
  if (!staff) return { e911, reasons, warnings };
  const name = (connectionId: string, provider: string) => labelOf?.(connectionId, provider) ?? providerNameOf(provider);
  const over = (choice?.passedOver ?? []).map((lost) => `${name(lost.connectionId, lost.provider)} (${lostOnText(lost, choice?.cost ?? null)})`);
  const staffDetail = choice ? (over.length > 0 ? `Chosen over ${joinAnd(over)}.` : 'No other upstream offered it.') : 'Bought before the portal recorded why.';
  return { e911, reasons, warnings, upstream: upstreamLabel, staffDetail };
}

/**
 * What the cart, checkout and order page say beside each line: E911 from the line's connection as it
 * is now (a deleted connection registers nothing), the rest from the recorded choice; staff also
 * read the upstream by provider and connection name.
 */
export async function describeLines<Line extends { connectionId: string; choice: UpstreamChoiceRecord | null }>(db: Db, lines: readonly Line[], { staff }: { staff: boolean }): Promise<ChoiceView[]> {
  if (lines.length === 0) return [];
  const connections = new Map((await getProviderConnections(db)).map((connection) => [connection.id, connection]));
  const label = (connectionId: string, provider: string) => {
    const connection = connections.get(connectionId);
    return connection ? `${providerNameOf(connection.provider)} · ${connection.name}` : providerNameOf(provider);
  };
  return lines.map((line) => {
    const connection = connections.get(line.connectionId);
    return describeChoice(line.choice, {
      e911: connection ? providerSupportsE911(connection.provider) : false,
      staff,
      upstreamLabel: connection ? label(connection.id, connection.provider) : 'A deleted connection',
      labelOf: label,
    });
  });
}
