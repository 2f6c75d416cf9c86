'use server';

import { revalidatePath } from 'next/cache';
import { accountAction } from '@/lib/auth/action';
import { formatE164 } from '@/lib/format';
import { addToCart } from '@/lib/services/number-cart';
import { addToCartSchema } from '@/lib/validations/numbers';

export const addToCartAction = accountAction({
  schema: addToCartSchema,
  permission: 'technical.write',
  async run({ searchId, numbers }, access) {
    const result = await addToCart(access, { searchId, numbers });
    revalidatePath('/numbers', 'layout');
    const parts: string[] = [];
    if (result.added.length) parts.push(`Added ${result.added.length} number${result.added.length === 1 ? '' : 's'} to your cart.`);
    if (result.alreadyInCart.length) parts.push(`${result.alreadyInCart.length} already in your cart.`);
    if (result.failed.length) parts.push(`Not added: ${result.failed.map((failure) => `${formatE164(failure.e164)} (${failure.reason})`).join('; ')}.`);
    // A partly added selection is not a success: the page shows it in amber, not as a green toast.
    return { message: parts.join(' '), data: { added: result.added.length, failed: result.failed.length } };
  },
});
