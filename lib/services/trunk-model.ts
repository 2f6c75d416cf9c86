import 'server-only';

/**
 * The trunk-group model as upstreams see it: the spec an adapter is given, and the field-by-field
 * comparison of what an upstream holds against what the portal wants (limitations and drift).
 */
import type { TrunkDriftField, TrunkGroup } from '@/lib/db/schema';
import type { TrunkGroup as UpstreamTrunk, TrunkGroupSpec } from '@/lib/providers/types';

export function specOf(group: Pick<TrunkGroup, 'name' | 'direction' | 'auth' | 'allowedIps' | 'destinations' | 'maxChannels' | 'maxCps' | 'codecs' | 'digestUsername'>, digestPassword?: string): TrunkGroupSpec {
  const inbound = group.direction !== 'outbound';
  const ipAuth = group.auth !== 'digest';
  return {
    name: group.name,
    direction: group.direction,
    auth: group.auth,
    allowedIps: ipAuth ? group.allowedIps : [],
    destinations: inbound ? group.destinations : [],
    maxChannels: group.maxChannels ?? undefined,
    maxCps: group.maxCps ?? undefined,
    codecs: group.codecs,
    digestUsername: group.auth !== 'ip' ? (group.digestUsername ?? undefined) : undefined,
    digestPassword: group.auth !== 'ip' ? digestPassword : undefined,
  };
}

const FIELD_LABELS: Record<string, string> = {
  direction: 'direction',
  auth: 'authentication type',
  allowedIps: 'allowed IP addresses',
  destinations: 'destination hosts',
  destinationWeights: 'destination weights',
  destinationPriorities: 'destination priorities',
  maxChannels: 'channel limit',
  maxCps: 'calls-per-second limit',
  codecs: 'codec order',
  digestUsername: 'digest username',
};

export function fieldLabel(field: string): string {
  return FIELD_LABELS[field] ?? field;
}

const show = (value: unknown) => (value === undefined || value === null || (Array.isArray(value) && value.length === 0) ? '—' : Array.isArray(value) ? value.join(', ') : String(value));

/** Field-by-field differences between what the portal wants and what the upstream holds. */
export function compareTrunk(desired: TrunkGroupSpec, actual: UpstreamTrunk): TrunkDriftField[] {
  const differences: TrunkDriftField[] = [];
  const compare = (field: string, want: unknown, have: unknown) => {
    if (show(want) !== show(have)) differences.push({ field, desired: show(want), actual: show(have) });
  };
  compare('direction', desired.direction, actual.direction);
  compare('auth', desired.auth, actual.auth);
  // Some upstreams keep one account-wide allowlist (VoiceTel's ACL): other groups' addresses there
  // are not drift; ours missing is.
  const missingIps = desired.allowedIps.filter((cidr) => !actual.allowedIps.includes(cidr));
  if (missingIps.length > 0) differences.push({ field: 'allowedIps', desired: show([...desired.allowedIps].sort()), actual: show([...actual.allowedIps].sort()) });
  const hosts = (list: TrunkGroupSpec['destinations']) => [...list].sort((a, b) => a.priority - b.priority || a.host.localeCompare(b.host));
  compare('destinations', hosts(desired.destinations).map((d) => `${d.host}:${d.port}/${d.transport}`), hosts(actual.destinations).map((d) => `${d.host}:${d.port}/${d.transport}`));
  compare('destinationPriorities', hosts(desired.destinations).map((d) => `${d.host}=${d.priority}`), hosts(actual.destinations).map((d) => `${d.host}=${d.priority}`));
  compare('destinationWeights', hosts(desired.destinations).map((d) => `${d.host}=${d.weight}`), hosts(actual.destinations).map((d) => `${d.host}=${d.weight}`));
  compare('maxChannels', desired.maxChannels, actual.maxChannels);
  compare('maxCps', desired.maxCps, actual.maxCps);
  compare('codecs', desired.codecs ?? [], actual.codecs ?? []);
  if (desired.digestUsername) compare('digestUsername', desired.digestUsername, actual.digestUsername);
  return differences;
}

/** Fields the portal keeps that no upstream API takes: applied by the portal, said plainly. */
export const PORTAL_ONLY_FIELDS = ['tech prefix', 'caller-ID policy'];
