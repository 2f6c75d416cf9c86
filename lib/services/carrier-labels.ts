import 'server-only';

/**
 * How trunk-group sync results read to a person. Customers never learn which upstream carries their
 * numbers: each upstream copy is "Carrier 1", "Carrier 2"… (the same numbering on the page and in
 * action messages); operator staff see the provider and connection names.
 */
import type { ActionState } from '@/lib/auth/action';
import { PROVIDER_NAMES } from '@/lib/providers/errors';
import type { ProviderId } from '@/lib/providers/types';
import type { SyncOutcome } from '@/lib/services/trunk-groups';

export function providerNameOf(provider: string): string {
  return PROVIDER_NAMES[provider as ProviderId] ?? provider;
}

export interface UpstreamRef {
  connectionId: string;
  provider: string;
  connectionName?: string;
}

const PROVIDER_DISPLAY_NAMES = Object.values(PROVIDER_NAMES)
  .sort((left, right) => right.length - left.length);

/** connectionId → what the viewer may call that upstream; stable order (provider, then connection). */
export function upstreamLabels(upstreams: readonly UpstreamRef[], staff: boolean): Map<string, string> {
  const sorted = [...upstreams].sort((left, right) => left.provider.localeCompare(right.provider) || left.connectionId.localeCompare(right.connectionId));
  return new Map(sorted.map((upstream, index) => [upstream.connectionId, staff ? `${providerNameOf(upstream.provider)}${upstream.connectionName ? ` · ${upstream.connectionName}` : ''}` : `Carrier ${index + 1}`]));
}

/** Provider names in a service message replaced by the customer's label for that upstream. */
export function scrubProviderNames(text: string, staff: boolean, label = 'A carrier'): string {
  if (staff) return text;
  let result = text;
  for (const name of PROVIDER_DISPLAY_NAMES) result = result.split(name).join(label);
  return result;
}

/** A sentence for a customer with our upstreams' names as "the carrier", capitalised where a sentence starts. */
export function withCarrierAsTheCarrier<T extends string | null>(text: T, staff: boolean): T {
  if (text === null || staff) return text;
  return scrubProviderNames(text, false, 'the carrier')
    // "to the VoiceTel network" reads "to the carrier network", not "to the the carrier network".
    .replace(/\b(the) the carrier\b/gi, '$1 carrier')
    .replace(/(^|[.!?:]\s+)the carrier/g, (_, start: string) => `${start}The carrier`) as T;
}

/** An action's error state with provider names hidden from customers (field errors included). */
export function scrubState<Data>(state: ActionState<Data>, staff: boolean): ActionState<Data> {
  if (staff || state.status !== 'error') return state;
  const fieldErrors = state.fieldErrors
    ? Object.fromEntries(Object.entries(state.fieldErrors).map(([key, messages]) => [key, messages.map((message) => scrubProviderNames(message, false))]))
    : undefined;
  return { ...state, message: scrubProviderNames(state.message, false), fieldErrors };
}

const upstreamsText = (count: number) => `${count} upstream${count === 1 ? '' : 's'}`;

/** "Applied on 2 upstreams." or which upstream failed and why. */
/** How a sync's message reads: anything short of every carrier applying it is not a success. */
export function syncTone(outcome: SyncOutcome | undefined): 'partial' | 'failed' | undefined {
  if (!outcome || outcome.upstreams.length === 0) return undefined;
  const failed = outcome.upstreams.filter((upstream) => !upstream.ok).length;
  if (failed === 0) return undefined;
  return failed === outcome.upstreams.length ? 'failed' : 'partial';
}

export function describeSync(outcome: SyncOutcome, labels: Map<string, string>, staff: boolean): string {
  const total = outcome.upstreams.length;
  if (total === 0) return 'No numbers route here yet: the settings are saved and go to the carriers when the first number is assigned.';
  const labelOf = (upstream: SyncOutcome['upstreams'][number]) => labels.get(upstream.connectionId) ?? (staff ? providerNameOf(upstream.provider) : 'A carrier');
  const failed = outcome.upstreams.filter((upstream) => !upstream.ok);
  if (failed.length === 0) {
    const names = staff ? ` (${outcome.upstreams.map(labelOf).join(', ')})` : '';
    return `Applied on ${upstreamsText(total)}${names}.`;
  }
  const reasons = failed.map((upstream) => `${labelOf(upstream)} failed: ${scrubProviderNames(upstream.detail, staff, labelOf(upstream))}`).join(' ');
  const applied = total - failed.length;
  return `${applied === 0 ? `Not applied on any of ${upstreamsText(total)}.` : `Applied on ${applied} of ${upstreamsText(total)}.`} ${reasons}`;
}
