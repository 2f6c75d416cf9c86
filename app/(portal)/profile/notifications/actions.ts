'use server';

import { echoValues, errorState, formToObject, type ActionState } from '@/lib/auth/action';
import { getSessionUser } from '@/lib/auth/guard';
import { AppError } from '@/lib/errors';
import { saveNotificationPreferences } from '@/lib/services/notifications';
import { nestFields } from '@/lib/validations/form-data';
import { notificationPreferencesSchema } from '@/lib/validations/notifications';

/** The user's own choices: no account is involved, so it is not an accountAction. */
export async function saveNotificationPreferencesAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  const raw = formToObject(formData);
  try {
    const user = await getSessionUser();
    if (!user) throw new AppError('unauthorized:session');
    await saveNotificationPreferences(user, notificationPreferencesSchema.parse(nestFields(raw)));
    return { status: 'success', message: 'Your notification settings were saved.' };
  } catch (error) {
    return { ...errorState(error), values: echoValues(raw) };
  }
}
