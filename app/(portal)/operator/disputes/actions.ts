'use server';

import { revalidatePath } from 'next/cache';
import { staffAction } from '@/lib/auth/action';
import { formatCents } from '@/lib/format';
import { decideDispute } from '@/lib/services/disputes';
import { decideDisputeSchema } from '@/lib/validations/disputes';

/** Staff decide an open dispute, once: a credit posts its credit note in the same transaction. */
export const decideDisputeAction = staffAction({
  schema: decideDisputeSchema,
  async run(input, { user, ip }) {
    const dispute = await decideDispute(user, input, { ip });
    revalidatePath('/operator/disputes');
    revalidatePath(`/operator/disputes/${dispute.id}`);
    const credited = dispute.creditedCents ? `${formatCents(dispute.creditedCents, dispute.currency)} credited: the credit note shows on the next invoice.` : 'Nothing credited.';
    return { message: `${dispute.reference} ${dispute.status === 'rejected' ? 'rejected' : dispute.status === 'accepted' ? 'accepted' : 'partly accepted'}. ${credited}` };
  },
});
