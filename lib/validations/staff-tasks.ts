import { z } from 'zod';

/** Staff mark one task done; an id that is not a task is "not found", never a field message. */
export const resolveStaffTaskSchema = z.object({ taskId: z.string().trim().min(1, 'Unknown task') });

export const STAFF_TASK_LISTS = ['open', 'done'] as const;
export type StaffTaskList = (typeof STAFF_TASK_LISTS)[number];

/** `?status=done` shows the done list; anything else the open one. */
export const staffTaskListOf = (value: unknown): StaffTaskList => (value === 'done' ? 'done' : 'open');
