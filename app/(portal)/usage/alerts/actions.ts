'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { accountAction } from '@/lib/auth/action';
import { acknowledgeQualityAlert, getQualityAlert } from '@/lib/services/quality-alerts';

export const acknowledgeQualityAlertAction = accountAction({
  schema: z.object({ alertId: z.string() }),
  permission: 'technical.write',
  // An unknown or foreign alert answers "not found" before anything else.
  load: (raw, access) => getQualityAlert(access, raw.alertId ?? ''),
  async run(_input, access, { subject }) {
    const alert = await acknowledgeQualityAlert(access, subject.id);
    revalidatePath('/usage/alerts');
    revalidatePath(`/usage/alerts/${subject.id}`);
    return { message: `Acknowledged by ${alert.acknowledgedBy ?? 'you'}.` };
  },
});
