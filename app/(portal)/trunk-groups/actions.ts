'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { accountAction, type ActionResult, type ErrorActionState } from '@/lib/auth/action';
import type { AccountAccess } from '@/lib/auth/access';
import { AppError } from '@/lib/errors';
import { formatE164 } from '@/lib/format';
import { serializeTrunkGroupList } from '@/lib/url-state/trunk-groups';
import {
  assignNumbers,
  createTrunkGroup,
  deleteTrunkGroup,
  describeAssignment,
  getAccountNumbersByIds,
  getTrunkGroupDetail,
  getTrunkGroupUpstreamLabels,
  reapplyTrunkGroup,
  rotateDigestPassword,
  setTrunkGroupStatus,
  unconfirmedText,
  updateTrunkGroup,
  type SaveResult,
  type SyncOutcome,
} from '@/lib/services/trunk-groups';
import { idListField } from '@/lib/validations/form-data';
import { trunkGroupInputSchema, trunkGroupStatusSchema } from '@/lib/validations/trunk-groups';
import { describeSync, scrubState, syncTone } from '@/lib/services/carrier-labels';

export interface TrunkSaveData {
  trunkGroupId: string;
  name: string;
  /** Only right after credentials were generated or rotated; shown once, never stored in the browser. */
  digestUsername?: string;
  digestPassword?: string;
  /** Settings some of our carriers will not carry (saved, and said). */
  warnings?: string[];
}

const staffOf = (access: AccountAccess) => access.user.isOperatorStaff;

function refresh(trunkGroupId?: string) {
  revalidatePath('/trunk-groups');
  revalidatePath('/numbers');
  if (trunkGroupId) revalidatePath(`/trunk-groups/${trunkGroupId}`);
}

async function syncMessage(access: AccountAccess, trunkGroupId: string, outcome: SyncOutcome) {
  return describeSync(outcome, await getTrunkGroupUpstreamLabels(access, trunkGroupId), staffOf(access));
}

/** Customers see "the carrier" where operator staff see which upstream said what. */
function presentError(state: ErrorActionState, access: AccountAccess | undefined): ErrorActionState {
  const scrubbed = scrubState(state, access ? staffOf(access) : false);
  return scrubbed.status === 'error' ? scrubbed : state;
}

/** The id the form names; blank answers "not found" like an unknown one. */
async function trunkGroupIdOf(raw: Record<string, string>): Promise<string> {
  const value = raw.trunkGroupId?.trim();
  if (!value) throw new AppError('not_found:trunk_group');
  return value;
}

/** The trunk group the form names, in the caller's account (a foreign id is "not found"). */
async function trunkGroupOf(raw: Record<string, string>, access: AccountAccess) {
  return (await getTrunkGroupDetail(access, await trunkGroupIdOf(raw))).group;
}

async function saved(access: AccountAccess, result: SaveResult, verb: string): Promise<ActionResult<TrunkSaveData>> {
  refresh(result.group.id);
  const sync = await syncMessage(access, result.group.id, result.sync);
  return {
    message: `${verb} ${result.group.name}. ${sync}`,
    tone: syncTone(result.sync),
    data: {
      trunkGroupId: result.group.id,
      name: result.group.name,
      ...(result.warnings.length ? { warnings: result.warnings } : {}),
      ...(result.digestPassword ? { digestUsername: result.group.digestUsername ?? undefined, digestPassword: result.digestPassword } : {}),
    },
  };
}

const noFields = z.object({});

/** The form names the account it was opened in, so a switch in another tab cannot redirect the write. */
export const createTrunkGroupAction = accountAction({
  schema: trunkGroupInputSchema,
  permission: 'technical.write',
  accountField: 'accountId',
  presentError,
  run: async (input, access) => saved(access, await createTrunkGroup(access, input), 'Created'),
});

export const updateTrunkGroupAction = accountAction({
  schema: trunkGroupInputSchema,
  permission: 'technical.write',
  load: trunkGroupOf,
  presentError,
  run: async (input, access, { subject: group }) => saved(access, await updateTrunkGroup(access, group.id, input), 'Saved'),
});

export const rotateTrunkPasswordAction = accountAction({
  schema: noFields,
  permission: 'technical.write',
  load: trunkGroupIdOf,
  presentError,
  async run(_input, access, { subject: trunkGroupId }) {
    const result = await saved(access, await rotateDigestPassword(access, trunkGroupId), 'Rotated the password of');
    return { ...result, message: `${result?.message} Update your PBX with the new password.` };
  },
});

export const setTrunkGroupStatusAction = accountAction({
  schema: z.object({ status: trunkGroupStatusSchema.shape.status.default('active') }),
  permission: 'technical.write',
  load: trunkGroupIdOf,
  presentError,
  async run({ status }, access, { subject: trunkGroupId }) {
    const change = await setTrunkGroupStatus(access, trunkGroupId, status);
    refresh(trunkGroupId);
    if (change.unchanged) return { message: `${change.name} was already ${status === 'disabled' ? 'disabled' : 'enabled'} (changed elsewhere, perhaps in another tab), so nothing was done.` };
    const tone = change.unconfirmed === 0 ? undefined : change.unconfirmed === change.numbers ? ('failed' as const) : ('partial' as const);
    if (status === 'disabled') {
      if (!tone) return { message: "Disabled: its numbers now go to each carrier's default route, not to these hosts." };
      const one = change.unconfirmed === 1;
      return {
        message: `${change.name} is disabled here, but the carriers have not confirmed moving ${unconfirmedText(change.unconfirmed, change.numbers)} to their default route: calls to ${one ? 'it' : 'them'} may still reach these hosts. Press Re-apply to ask again; if it keeps failing, contact support.`,
        tone,
      };
    }
    const syncText = change.sync ? ` ${await syncMessage(access, trunkGroupId, change.sync)}` : '';
    const routedBack = tone ? ` The carriers did not route ${unconfirmedText(change.unconfirmed, change.numbers)} back to it: this page says which and why.` : '';
    return { message: `Enabled.${syncText}${routedBack}`, tone: tone ?? syncTone(change.sync) };
  },
});

export const reapplyTrunkGroupAction = accountAction({
  schema: noFields,
  permission: 'technical.write',
  load: trunkGroupIdOf,
  presentError,
  async run(_input, access, { subject: trunkGroupId }) {
    const outcome = await reapplyTrunkGroup(access, trunkGroupId);
    refresh(trunkGroupId);
    const message = await syncMessage(access, trunkGroupId, outcome);
    const moved = outcome.defaultRoute;
    if (!moved || moved.numbers === 0) return { message, tone: syncTone(outcome) };
    if (moved.unconfirmed === 0) return { message: `${message} The trunk group is disabled: its numbers go to each carrier's default route, not to these hosts.`, tone: syncTone(outcome) };
    return {
      message: `${message} The carriers still have not confirmed moving ${unconfirmedText(moved.unconfirmed, moved.numbers)} to their default route: calls to ${moved.unconfirmed === 1 ? 'it' : 'them'} may still reach these hosts. Try again in a few minutes; if it keeps failing, contact support.`,
      tone: moved.unconfirmed === moved.numbers ? ('failed' as const) : ('partial' as const),
    };
  },
});

const numberSelectionSchema = z.object({
  numberIds: idListField({ none: 'Choose at least one number', tooMany: 'Choose at most 500 numbers at a time' }),
});

const countText = (count: number) => `${count} number${count === 1 ? '' : 's'}`;

export const assignTrunkNumbersAction = accountAction({
  schema: numberSelectionSchema,
  permission: 'technical.write',
  load: trunkGroupOf,
  presentError,
  async run({ numberIds }, access, { subject: group }) {
    const { sync, movedFrom } = await assignNumbers(access, { trunkGroupId: group.id, numberIds });
    refresh(group.id);
    return describeAssignment(access, group, numberIds, sync, movedFrom);
  },
});

export const unassignTrunkNumbersAction = accountAction({
  schema: numberSelectionSchema,
  permission: 'technical.write',
  load: trunkGroupOf,
  presentError,
  async run({ numberIds }, access, { subject: group }) {
    const numbers = await getAccountNumbersByIds(access, numberIds);
    if (numbers.length !== numberIds.length) throw new AppError('not_found:number', 'Some of those numbers are not in this account.');
    if (numbers.some((number) => number.trunkGroupRef !== group.id)) {
      throw new AppError('conflict:trunk_numbers', `Some of those numbers no longer route to ${group.name}. Reload the page and try again.`);
    }
    const { changed, kept = [] } = await assignNumbers(access, { trunkGroupId: null, numberIds, fromTrunkGroupId: group.id });
    refresh(group.id);
    const left = `${countText(changed)} no longer route${changed === 1 ? 's' : ''} to ${group.name}: calls to ${changed === 1 ? 'it' : 'them'} ring on the carrier’s default route until assigned to a trunk group again.`;
    if (kept.length === 0) return { message: left };
    const one = kept.length === 1;
    return {
      message: `${left} The carrier did not confirm moving ${kept.map(formatE164).join(', ')} to its default route, so ${one ? 'it stays' : 'they stay'} on ${group.name} and calls to ${one ? 'it' : 'them'} still reach its hosts. Try again in a few minutes.`,
      tone: 'partial' as const,
    };
  },
});

export const deleteTrunkGroupAction = accountAction({
  schema: noFields,
  permission: 'technical.write',
  load: trunkGroupIdOf,
  presentError,
  async run(_input, access, { subject: trunkGroupId }) {
    const kept = (await deleteTrunkGroup(access, trunkGroupId)).left.length;
    refresh();
    redirect(serializeTrunkGroupList('/trunk-groups', { deleted: true, kept }));
  },
});
