'use server';

import { revalidatePath } from 'next/cache';
import { accountAction } from '@/lib/auth/action';
import { formatE164 } from '@/lib/format';
import { removeFromCart } from '@/lib/services/number-cart';
import { removeFromCartSchema } from '@/lib/validations/numbers';

export const removeFromCartAction = accountAction({
  schema: removeFromCartSchema,
  permission: 'technical.write',
  async run({ itemId }, access) {
    const e164 = await removeFromCart(access, itemId);
    revalidatePath('/numbers', 'layout');
    return { message: `Removed ${formatE164(e164)}; its hold is released.` };
  },
});
