'use server';

import { revalidatePath } from 'next/cache';
import { accountAction } from '@/lib/auth/action';
import { moveNumber, releaseNumber } from '@/lib/services/numbers';
import { moveNumberSchema, releaseNumberSchema } from '@/lib/validations/number-inventory';
import { formatE164 } from '@/lib/format';

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
