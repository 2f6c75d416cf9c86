'use server';

import { revalidatePath } from 'next/cache';
import { staffAction } from '@/lib/auth/action';
import { retryFailedJob } from '@/lib/services/jobs';
import { retryJobSchema } from '@/lib/validations/jobs';

export const retryJobAction = staffAction({
  schema: retryJobSchema,
  async run(input, { user, ip }) {
    await retryFailedJob(user, input, { ip });
    revalidatePath('/operator/jobs');
    return { message: `Retrying ${input.queue}: it runs again within a few seconds.` };
  },
});
