'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { staffAction } from '@/lib/auth/action';
import { PORT_STATUS_LABELS } from '@/lib/ports/state-machine';
import { addStaffPortComment, pollPortNow, transitionPortAsStaff } from '@/lib/services/staff-port-ins';
import { portCommentSchema, staffPortTransitionSchema } from '@/lib/validations/port-ins';

const portInId = z.string().uuid('No such port-in.');

const refresh = (id: string) => {
  revalidatePath('/operator/port-ins');
  revalidatePath(`/operator/port-ins/${id}`);
};

/** Staff move a port to a state the state machine allows, with its exception code, FOC date or comment. */
export const transitionPortAction = staffAction({
  schema: z.object({ portInId }).and(staffPortTransitionSchema),
  async run({ portInId: id, ...input }, { user, ip }) {
    const port = await transitionPortAsStaff(user, id, input, { ip });
    refresh(id);
    return { message: `${port.reference} is now ${PORT_STATUS_LABELS[port.status].toLowerCase()}.` };
  },
});

/** A comment on the timeline: public (the customer reads it) or internal (staff only). */
export const addStaffPortCommentAction = staffAction({
  schema: z.object({ portInId }).and(portCommentSchema),
  async run({ portInId: id, body, internal }, { user, ip }) {
    await addStaffPortComment(user, id, { body, internal: internal ?? false }, { ip });
    refresh(id);
    return { message: internal ? 'Internal note added.' : 'Comment added; the customer can read it.' };
  },
});

/** Asks the winning carrier for the port's state now, outside the job's schedule. */
export const pollPortNowAction = staffAction({
  schema: z.object({ portInId }),
  async run({ portInId: id }, { user, ip }) {
    const outcome = await pollPortNow(user, id, { ip });
    refresh(id);
    return { message: outcome.message, ...(outcome.ok ? {} : { tone: 'failed' as const }) };
  },
});
