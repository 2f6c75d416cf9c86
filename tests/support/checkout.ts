/** What the checkout form sends once its "cannot have E911" box is ticked: every such number in the user's cart. */
import type { AccountAccess } from '@/lib/auth/access';
import { getCart } from '@/lib/services/number-cart';

export async function confirmNoE911(access: AccountAccess): Promise<{ acknowledgedNoE911: string[] }> {
  return { acknowledgedNoE911: (await getCart(access)).noE911 };
}
