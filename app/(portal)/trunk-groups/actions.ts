'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { accountAction, type ActionResult, type ErrorActionState } from '@/lib/auth/action';
import type { AccountAccess } from '@/lib/auth/access';
import { AppError } from '@/lib/errors';
import { serializeTrunkGroupList } from '@/lib/url-state/trunk-groups';
import {
  assignNumbers,
  createTrunkGroup,
  deleteTrunkGroup,
  getAccountNumbersByIds,
  getTrunkGroupDetail,
  getTrunkGroupUpstreamLabels,
  reapplyTrunkGroup,
  rotateDigestPassword,
  setTrunkGroupStatus,
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
    const outcome = await setTrunkGroupStatus(access, trunkGroupId, status);
    refresh(trunkGroupId);
    if (status === 'disabled') return { message: "Disabled: its numbers now go to each carrier's default route, not to these hosts." };
    return { message: outcome ? `Enabled. ${await syncMessage(access, trunkGroupId, outcome)}` : 'Enabled.', tone: syncTone(outcome) };
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
    return { message: await syncMessage(access, trunkGroupId, outcome), tone: syncTone(outcome) };
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
    const { changed, sync } = await assignNumbers(access, { trunkGroupId: group.id, numberIds });
    refresh(group.id);
    const syncText = sync ? ` ${await syncMessage(access, group.id, sync)}` : '';
    return { message: `${countText(changed)} now route${changed === 1 ? 's' : ''} to ${group.name}.${syncText}`, tone: syncTone(sync) };
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
    const { changed } = await assignNumbers(access, { trunkGroupId: null, numberIds, fromTrunkGroupId: group.id });
    refresh(group.id);
    return { message: `${countText(changed)} no longer route${changed === 1 ? 's' : ''} to ${group.name}: calls to ${changed === 1 ? 'it' : 'them'} are not delivered until assigned to a trunk group again.` };
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
