'use server';

import { revalidatePath } from 'next/cache';
import { staffAction } from '@/lib/auth/action';
import { resolveStaffTask } from '@/lib/services/staff-tasks';
import { resolveStaffTaskSchema } from '@/lib/validations/staff-tasks';

export const resolveStaffTaskAction = staffAction({
  schema: resolveStaffTaskSchema,
  async run({ taskId }, { user, ip }) {
    const task = await resolveStaffTask(user, taskId, { ip });
    revalidatePath('/operator/tasks');
    return { message: `Marked done: ${task.title}.` };
  },
});
