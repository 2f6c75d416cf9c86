import 'server-only';

/**
 * Trunk groups as the public API shows them: the services' rows and outcomes in JSON, carriers
 * numbered ("Carrier 1") and their names scrubbed from every message for customers, as the pages do.
 */
import type { z } from 'zod';
import type { AccountAccess } from '@/lib/auth/access';
import type { TrunkGroup } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { scrubProviderNames } from '@/lib/services/carrier-labels';
import { getTrunkGroupDetail, getTrunkGroupUpstreamLabels, type SaveResult, type SyncOutcome, type TrunkGroupInput } from '@/lib/services/trunk-groups';
import { fieldErrorsOf } from '@/lib/validations/form-data';
import { trunkGroupInputSchema } from '@/lib/validations/trunk-groups';
import type { trunkGroupPatchBody, trunkGroupSaveSchema, trunkGroupSchema, trunkSyncOutcomeSchema } from '../contracts/trunk-groups';

const staffOf = (access: AccountAccess) => access.user.isOperatorStaff;

export function trunkGroupJson(access: AccountAccess, group: TrunkGroup, numbers?: number): z.input<typeof trunkGroupSchema> {
  return {
    id: group.id,
    name: group.name,
    direction: group.direction,
    auth: group.auth,
    allowedIps: group.allowedIps,
    destinations: group.destinations.map(({ host, port, transport, priority, weight }) => ({ host, port, transport, priority, weight })),
    maxChannels: group.maxChannels,
    maxCps: group.maxCps,
    codecs: group.codecs,
    techPrefix: group.techPrefix,
    callerIdPolicy: group.callerIdPolicy,
    callerIdNumber: group.callerIdNumber,
    digestUsername: group.digestUsername,
    status: group.status,
    syncStatus: group.syncStatus,
    syncDetail: group.syncDetail === null ? null : scrubProviderNames(group.syncDetail, staffOf(access), 'A carrier'),
    ...(numbers === undefined ? {} : { numbers: Number(numbers) }),
    version: group.version,
    createdAt: group.createdAt.toISOString(),
    updatedAt: group.updatedAt.toISOString(),
  };
}

/** One push, carrier by carrier, under the labels the sync status uses. */
export async function syncOutcomeJson(access: AccountAccess, trunkGroupId: string, outcome: SyncOutcome): Promise<z.input<typeof trunkSyncOutcomeSchema>> {
  const labels = await getTrunkGroupUpstreamLabels(access, trunkGroupId);
  const staff = staffOf(access);
  const upstreams = outcome.upstreams.map((upstream) => {
    const carrier = labels.get(upstream.connectionId) ?? 'A carrier';
    return { carrier, state: upstream.ok ? ('applied' as const) : ('failed' as const), reason: upstream.ok ? null : scrubProviderNames(upstream.detail, staff, carrier) };
  });
  return { status: outcome.status, upstreams: upstreams.sort((left, right) => left.carrier.localeCompare(right.carrier, 'en', { numeric: true })) };
}

export async function saveAnswer(access: AccountAccess, result: SaveResult): Promise<z.input<typeof trunkGroupSaveSchema>> {
  // Read again: the saved row predates the push, whose status the answer reports.
  const { group } = await getTrunkGroupDetail(access, result.group.id);
  return {
    trunkGroup: trunkGroupJson(access, group),
    sync: await syncOutcomeJson(access, result.group.id, result.sync),
    warnings: result.warnings,
    ...(result.digestPassword ? { digestPassword: result.digestPassword } : {}),
  };
}

/** The form's rules and messages on a JSON body; field errors keyed by path (`destinations.1.host`). */
export function parseTrunkGroupInput(json: unknown): TrunkGroupInput {
  const parsed = trunkGroupInputSchema.safeParse(json);
  if (!parsed.success) throw new AppError('invalid:body', 'The trunk group is not valid; see `fields`.', { fieldErrors: fieldErrorsOf(parsed.error) });
  return parsed.data;
}

/** A PATCH body over the group as it is: what it leaves out stays, `null` clears. */
export function mergeTrunkGroupPatch(group: TrunkGroup, patch: z.output<typeof trunkGroupPatchBody>): Record<string, unknown> {
  const current: Record<string, unknown> = {
    name: group.name,
    direction: group.direction,
    auth: group.auth,
    allowedIps: group.allowedIps,
    destinations: group.destinations,
    maxChannels: group.maxChannels ?? undefined,
    maxCps: group.maxCps ?? undefined,
    codecs: group.codecs,
    techPrefix: group.techPrefix ?? undefined,
    callerIdPolicy: group.callerIdPolicy,
    callerIdNumber: group.callerIdNumber ?? undefined,
  };
  const merged = { ...current };
  for (const [field, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    merged[field] = value === null ? undefined : value;
  }
  return merged;
}
