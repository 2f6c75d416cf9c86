'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { accountAction } from '@/lib/auth/action';
import { getDb } from '@/lib/db/client';
import { getTrunkGroupUpstreams } from '@/lib/db/queries/trunk-groups';
import { moveNumber, releaseNumber } from '@/lib/services/numbers';
import { assignNumbers, getTrunkGroupDetail } from '@/lib/services/trunk-groups';
import { moveNumberSchema, releaseNumberSchema } from '@/lib/validations/number-inventory';
import { formatE164 } from '@/lib/format';
import { describeSync, upstreamLabels } from '../trunk-groups/present';

function refresh(numberId: string) {
  revalidatePath('/numbers');
  revalidatePath(`/numbers/${numberId}`);
}

const longDate = (date: Date) => date.toLocaleDateString('en-US', { month: 'long', day: 'numeric', year: 'numeric', timeZone: 'UTC' });

export const releaseNumberAction = accountAction({
  schema: releaseNumberSchema,
  permission: 'technical.write',
  async run({ numberId }, access) {
    const outcome = await releaseNumber(access, numberId);
    refresh(numberId);
    if (outcome.alreadyReleased) return { message: `${formatE164(outcome.e164)} was already released.` };
    return { message: `${formatE164(outcome.e164)} is released. It stays on your bill until ${longDate(outcome.billedUntil)}.` };
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
    const { changed, sync } = await assignNumbers(access, { trunkGroupId: group.id, numberIds });
    revalidatePath('/numbers');
    revalidatePath('/trunk-groups');
    revalidatePath(`/trunk-groups/${group.id}`);
    const staff = access.user.isOperatorStaff;
    const upstreams = await getTrunkGroupUpstreams(await getDb(), { trunkGroupId: group.id });
    const labels = upstreamLabels(upstreams.map(({ upstream, provider, connectionName }) => ({ connectionId: upstream.connectionId, provider, connectionName })), staff);
    const syncText = sync ? ` ${describeSync(sync, labels, staff)}` : '';
    return { message: `${changed} number${changed === 1 ? '' : 's'} now route${changed === 1 ? 's' : ''} to ${group.name}.${syncText}` };
  },
});
