'use server';

import { headers } from 'next/headers';
import { errorState, formToObject, type ActionState } from '@/lib/auth/action';
import { clientIp } from '@/lib/auth/client-ip';
import { getSessionUser } from '@/lib/auth/guard';
import { AppError } from '@/lib/errors';
import { changePassword } from '@/lib/services/users';
import { changePasswordSchema } from '@/lib/validations/auth';

/** The user's own password: no account is involved, so it is not an accountAction. */
export async function changePasswordAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  try {
    const viewer = await getSessionUser();
    if (!viewer) throw new AppError('unauthorized:session');
    const input = changePasswordSchema.parse(formToObject(formData));
    const { endedSessions } = await changePassword(viewer, input, clientIp(await headers()));
    const elsewhere = endedSessions === 0 ? '' : ` You were signed out of ${endedSessions} other session${endedSessions === 1 ? '' : 's'}.`;
    return { status: 'success', message: `Your password was changed.${elsewhere}` };
  } catch (error) {
    return errorState(error);
  }
}
