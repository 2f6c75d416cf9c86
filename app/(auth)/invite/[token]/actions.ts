'use server';

import { cookies, headers } from 'next/headers';
import { errorState, formToObject, type ActionState } from '@/lib/auth/action';
import { clientIp } from '@/lib/auth/client-ip';
import { signIn } from '@/lib/auth/config';
import { CURRENT_ACCOUNT_COOKIE } from '@/lib/auth/guard';
import { acceptInvitation } from '@/lib/services/users';
import { acceptInvitationSchema } from '@/lib/validations/account';

export async function acceptInvitationAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  let accepted: { email: string; accountId: string };
  const parsed = acceptInvitationSchema.safeParse(formToObject(formData));
  if (!parsed.success) return errorState(parsed.error);
  try {
    accepted = await acceptInvitation(parsed.data, clientIp(await headers()));
  } catch (error) {
    return errorState(error);
  }
  (await cookies()).set(CURRENT_ACCOUNT_COOKIE, accepted.accountId, { httpOnly: true, sameSite: 'lax', path: '/' });
  await signIn('credentials', { email: accepted.email, password: parsed.data.password, redirectTo: '/dashboard' });
  return { status: 'success' };
}
