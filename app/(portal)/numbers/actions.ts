'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { accountAction } from '@/lib/auth/action';
import { AppError } from '@/lib/errors';
import { assignE911Address, unassignE911, type NumberE911Result } from '@/lib/services/e911';
import { moveNumber, releaseNumber } from '@/lib/services/numbers';
import { assignNumbers, describeAssignment, getTrunkGroupDetail } from '@/lib/services/trunk-groups';
import { moveNumberSchema, releaseNumberSchema } from '@/lib/validations/number-inventory';
import { formatE164 } from '@/lib/format';
import { registrationTone } from '@/lib/views/e911';
import { scrubProviderNames } from '@/lib/services/carrier-labels';

function refresh(numberId: string) {
  revalidatePath('/numbers');
  revalidatePath(`/numbers/${numberId}`);
}


export const releaseNumberAction = accountAction({
  schema: releaseNumberSchema,
  permission: 'technical.write',
  async run({ numberId }, access) {
    const outcome = await releaseNumber(access, numberId);
    refresh(numberId);
    return { message: outcome.message };
  },
});

export const moveNumberAction = accountAction({
  schema: moveNumberSchema,
  permission: 'subaccounts.manage',
  async run(input, access) {
    const moved = await moveNumber(access, input);
    refresh(input.numberId);
    return { message: `${formatE164(moved.e164)} moved from ${moved.from} to ${moved.to}.` };
  },
});

const routeNumbersSchema = z.object({
  trunkGroupId: z.string({ message: 'Choose a trunk group' }).trim().min(1, 'Choose a trunk group'),
  numberIds: z
    .string({ message: 'Tick the numbers to route first' })
    .transform((text) => [...new Set(text.split(',').map((id) => id.trim()).filter(Boolean))])
    .pipe(z.array(z.string()).min(1, 'Tick the numbers to route first').max(500, 'Route at most 500 numbers at a time')),
});

/** "Route to trunk group" on My numbers: the same assignment as on the trunk group's page. */
export const assignNumbersToTrunkGroupAction = accountAction({
  schema: routeNumbersSchema,
  permission: 'technical.write',
  async run({ trunkGroupId, numberIds }, access) {
    const { group } = await getTrunkGroupDetail(access, trunkGroupId);
    const { sync, movedFrom } = await assignNumbers(access, { trunkGroupId: group.id, numberIds });
    revalidatePath('/numbers');
    revalidatePath('/trunk-groups');
    revalidatePath(`/trunk-groups/${group.id}`);
    // What each number's carrier did, not only the group's push: a refused number is named, never counted as routed.
    return describeAssignment(access, group, numberIds, sync, movedFrom);
  },
});

const numberIdsField = (verb: string) =>
  z
    .string({ message: `Tick the numbers to ${verb} first` })
    .transform((text) => [...new Set(text.split(',').map((id) => id.trim()).filter(Boolean))])
    .pipe(z.array(z.string()).min(1, `Tick the numbers to ${verb} first`).max(500, `Choose at most 500 numbers at a time`));

const assignE911Schema = z.object({
  addressId: z.string({ message: 'Choose an emergency address' }).trim().min(1, 'Choose an emergency address'),
  numberIds: numberIdsField('register'),
});

const unassignE911Schema = z.object({
  numberId: z.string({ message: 'Choose a number' }).trim().min(1, 'Choose a number'),
});

function refreshE911(numberIds: string[]) {
  revalidatePath('/numbers');
  revalidatePath('/e911');
  revalidatePath('/dashboard');
  for (const numberId of numberIds) revalidatePath(`/numbers/${numberId}`);
}

/** "+1 312-555-0101 (reason)": upstream names are kept from customers. */
const withReason = (result: NumberE911Result, staff: boolean, fallback: string) => `${formatE164(result.e164)} (${scrubProviderNames(result.detail ?? fallback, staff, 'the carrier')})`;

/** "2 registered, 1 failed: +1 312-555-0101 (reason)." */
function describeE911Results(results: NumberE911Result[], staff: boolean): string {
  const of = (status: NumberE911Result['status']) => results.filter((result) => result.status === status);
  const failed = of('failed');
  const unsupported = of('unsupported');
  const pending = of('pending');
  const parts = [`${of('registered').length} registered`];
  if (failed.length) parts.push(`${failed.length} failed: ${failed.map((result) => withReason(result, staff, 'registration failed')).join('; ')}`);
  if (unsupported.length) parts.push(`${unsupported.length} not supported by the number’s carrier: ${unsupported.map((result) => formatE164(result.e164)).join(', ')}`);
  if (pending.length) parts.push(`${pending.length} still pending: ${pending.map((result) => formatE164(result.e164)).join(', ')}`);
  return `${parts.join(', ')}.`;
}

/** "Set emergency address" on My numbers (bulk) and on a number's page (one number). */
export const assignE911ToNumbersAction = accountAction({
  schema: assignE911Schema,
  permission: 'technical.write',
  async run({ addressId, numberIds }, access) {
    const results = await assignE911Address(access, { addressId, numberIds });
    refreshE911(numberIds);
    return { message: describeE911Results(results, access.user.isOperatorStaff), tone: registrationTone(results) };
  },
});

/** "Remove" on a number's page: the registration is removed upstream and the number has no address. */
export const unassignE911FromNumberAction = accountAction({
  schema: unassignE911Schema,
  permission: 'technical.write',
  async run({ numberId }, access) {
    const [result] = await unassignE911(access, [numberId]);
    refreshE911([numberId]);
    if (!result) throw new AppError('not_found:number');
    if (result.status !== 'none') {
      throw new AppError('unavailable:e911_release', `The emergency address could not be removed from ${withReason(result, access.user.isOperatorStaff, 'the carrier did not confirm it')}.`);
    }
    return { message: `${formatE164(result.e164)} no longer has an emergency address.` };
  },
});
