'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { errorState, formToObject, type ActionState } from '@/lib/auth/action';
import type { AccountAccess } from '@/lib/auth/access';
import { authorize } from '@/lib/auth/guard';
import { getDb } from '@/lib/db/client';
import { getNumbersByIdsInAccount, getTrunkGroupUpstreams } from '@/lib/db/queries/trunk-groups';
import { AppError } from '@/lib/errors';
import {
  assignNumbers,
  createTrunkGroup,
  deleteTrunkGroup,
  getTrunkGroupDetail,
  reapplyTrunkGroup,
  rotateDigestPassword,
  setTrunkGroupStatus,
  updateTrunkGroup,
  type SaveResult,
  type SyncOutcome,
} from '@/lib/services/trunk-groups';
import { trunkGroupInputSchema, trunkGroupStatusSchema } from '@/lib/validations/trunk-groups';
import { describeSync, scrubState, upstreamLabels } from '@/lib/services/carrier-labels';

export interface TrunkSaveData {
  trunkGroupId: string;
  name: string;
  /** Only right after credentials were generated or rotated; shown once, never stored in the browser. */
  digestUsername?: string;
  digestPassword?: string;
}

type State<Data = undefined> = ActionState<Data>;

const staffOf = (access: AccountAccess) => access.user.isOperatorStaff;

function refresh(trunkGroupId?: string) {
  revalidatePath('/trunk-groups');
  revalidatePath('/numbers');
  if (trunkGroupId) revalidatePath(`/trunk-groups/${trunkGroupId}`);
}

async function syncMessage(access: AccountAccess, trunkGroupId: string, outcome: SyncOutcome) {
  const rows = await getTrunkGroupUpstreams(await getDb(), { trunkGroupId });
  const labels = upstreamLabels(
    rows.map((row) => ({ connectionId: row.upstream.connectionId, provider: row.provider, connectionName: row.connectionName })),
    staffOf(access),
  );
  return describeSync(outcome, labels, staffOf(access));
}

/** Field errors keyed by the whole path (`destinations.1.port`), as the form shows them. */
function trunkFormErrors(error: z.ZodError): State<never> {
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of error.issues) (fieldErrors[issue.path.length ? issue.path.map(String).join('.') : 'form'] ??= []).push(issue.message);
  return { status: 'error', message: 'Please correct the highlighted fields.', code: 'invalid:form', fieldErrors };
}

/** Runs `work` for a signed-in user allowed to change trunk groups; every failure becomes a state. */
async function guarded<Data>(accountId: string | undefined, work: (access: AccountAccess) => Promise<State<Data>>): Promise<State<Data>> {
  let staff = false;
  try {
    const access = await authorize('technical.write', accountId);
    staff = staffOf(access);
    return await work(access);
  } catch (error) {
    return scrubState(errorState(error), staff);
  }
}

const idOf = (raw: Record<string, string>, key: string) => {
  const value = raw[key]?.trim();
  if (!value) throw new AppError(key === 'accountId' ? 'not_found:account' : 'not_found:trunk_group');
  return value;
};

async function saved(access: AccountAccess, result: SaveResult, verb: string): Promise<State<TrunkSaveData>> {
  refresh(result.group.id);
  const sync = await syncMessage(access, result.group.id, result.sync);
  return {
    status: 'success',
    message: `${verb} ${result.group.name}. ${sync}`,
    data: {
      trunkGroupId: result.group.id,
      name: result.group.name,
      ...(result.digestPassword ? { digestUsername: result.group.digestUsername ?? undefined, digestPassword: result.digestPassword } : {}),
    },
  };
}

/** The form names the account it was opened in, so a switch in another tab cannot redirect the write. */
export async function createTrunkGroupAction(_previous: State<TrunkSaveData>, formData: FormData): Promise<State<TrunkSaveData>> {
  const raw = formToObject(formData);
  if (!raw.accountId) return errorState(new AppError('not_found:account'));
  return guarded(raw.accountId, async (access) => {
    const parsed = trunkGroupInputSchema.safeParse(raw);
    if (!parsed.success) return trunkFormErrors(parsed.error);
    return saved(access, await createTrunkGroup(access, parsed.data), 'Created');
  });
}

export async function updateTrunkGroupAction(_previous: State<TrunkSaveData>, formData: FormData): Promise<State<TrunkSaveData>> {
  const raw = formToObject(formData);
  return guarded(undefined, async (access) => {
    const trunkGroupId = idOf(raw, 'trunkGroupId');
    const parsed = trunkGroupInputSchema.safeParse(raw);
    if (!parsed.success) {
      // A foreign id answers "not found" before anything about the form.
      await getTrunkGroupDetail(access, trunkGroupId);
      return trunkFormErrors(parsed.error);
    }
    return saved(access, await updateTrunkGroup(access, trunkGroupId, parsed.data), 'Saved');
  });
}

export async function rotateTrunkPasswordAction(_previous: State<TrunkSaveData>, formData: FormData): Promise<State<TrunkSaveData>> {
  const raw = formToObject(formData);
  return guarded(undefined, async (access) => {
    const result = await rotateDigestPassword(access, idOf(raw, 'trunkGroupId'));
    const state = await saved(access, result, 'Rotated the password of');
    return state.status === 'success' ? { ...state, message: `${state.message} Update your PBX with the new password.` } : state;
  });
}

export async function setTrunkGroupStatusAction(_previous: State, formData: FormData): Promise<State> {
  const raw = formToObject(formData);
  return guarded(undefined, async (access) => {
    const trunkGroupId = idOf(raw, 'trunkGroupId');
    const { status } = trunkGroupStatusSchema.parse({ status: raw.status ?? 'active' });
    const outcome = await setTrunkGroupStatus(access, trunkGroupId, status);
    refresh(trunkGroupId);
    if (status === 'disabled') return { status: 'success', message: "Disabled: its numbers now go to each carrier's default route, not to these hosts." };
    return { status: 'success', message: outcome ? `Enabled. ${await syncMessage(access, trunkGroupId, outcome)}` : 'Enabled.' };
  });
}

export async function reapplyTrunkGroupAction(_previous: State, formData: FormData): Promise<State> {
  const raw = formToObject(formData);
  return guarded(undefined, async (access) => {
    const trunkGroupId = idOf(raw, 'trunkGroupId');
    const outcome = await reapplyTrunkGroup(access, trunkGroupId);
    refresh(trunkGroupId);
    return { status: 'success', message: await syncMessage(access, trunkGroupId, outcome) };
  });
}

const numberIdsSchema = z
  .string({ message: 'Choose at least one number' })
  .transform((text) => [...new Set(text.split(',').map((id) => id.trim()).filter(Boolean))])
  .pipe(z.array(z.string()).min(1, 'Choose at least one number').max(500, 'Choose at most 500 numbers at a time'));

function numberIdsOf(raw: Record<string, string>): string[] {
  const parsed = numberIdsSchema.safeParse(raw.numberIds ?? '');
  if (!parsed.success) throw new AppError('invalid:numbers', parsed.error.issues[0]?.message ?? 'Choose at least one number', { fieldErrors: { numberIds: parsed.error.issues.map((issue) => issue.message) } });
  return parsed.data;
}

const countText = (count: number) => `${count} number${count === 1 ? '' : 's'}`;

export async function assignTrunkNumbersAction(_previous: State, formData: FormData): Promise<State> {
  const raw = formToObject(formData);
  return guarded(undefined, async (access) => {
    const trunkGroupId = idOf(raw, 'trunkGroupId');
    const { group } = await getTrunkGroupDetail(access, trunkGroupId);
    const { changed, sync } = await assignNumbers(access, { trunkGroupId, numberIds: numberIdsOf(raw) });
    refresh(trunkGroupId);
    const syncText = sync ? ` ${await syncMessage(access, trunkGroupId, sync)}` : '';
    return { status: 'success', message: `${countText(changed)} now route${changed === 1 ? 's' : ''} to ${group.name}.${syncText}` };
  });
}

export async function unassignTrunkNumbersAction(_previous: State, formData: FormData): Promise<State> {
  const raw = formToObject(formData);
  return guarded(undefined, async (access) => {
    const trunkGroupId = idOf(raw, 'trunkGroupId');
    const { group } = await getTrunkGroupDetail(access, trunkGroupId);
    const numberIds = numberIdsOf(raw);
    const numbers = await getNumbersByIdsInAccount(await getDb(), { accountId: access.account.id, numberIds });
    if (numbers.length !== numberIds.length) throw new AppError('not_found:number', 'Some of those numbers are not in this account.');
    if (numbers.some((number) => number.trunkGroupRef !== group.id)) {
      throw new AppError('conflict:trunk_numbers', `Some of those numbers no longer route to ${group.name}. Reload the page and try again.`);
    }
    const { changed } = await assignNumbers(access, { trunkGroupId: null, numberIds, fromTrunkGroupId: group.id });
    refresh(trunkGroupId);
    return { status: 'success', message: `${countText(changed)} no longer route${changed === 1 ? 's' : ''} to ${group.name}: calls to ${changed === 1 ? 'it' : 'them'} are not delivered until assigned to a trunk group again.` };
  });
}

export async function deleteTrunkGroupAction(_previous: State, formData: FormData): Promise<State> {
  const raw = formToObject(formData);
  let kept = 0;
  const state = await guarded(undefined, async (access) => {
    kept = (await deleteTrunkGroup(access, idOf(raw, 'trunkGroupId'))).left.length;
    refresh();
    return { status: 'success' } as const;
  });
  if (state.status === 'success') redirect(`/trunk-groups?deleted=1${kept > 0 ? `&kept=${kept}` : ''}`);
  return state;
}
