'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { accountAction } from '@/lib/auth/action';
import { createDispute } from '@/lib/services/disputes';
import { createDisputeFormSchema } from '@/lib/validations/disputes';

/** Disputes the ticked calls of a line; the service checks each belongs to it. Opens the dispute's page. */
export const createDisputeAction = accountAction({
  schema: createDisputeFormSchema,
  permission: 'billing.read',
  async run(input, access) {
    const dispute = await createDispute(access, input);
    revalidatePath(`/billing/invoices/${input.invoiceId}/lines/${input.lineId}`);
    revalidatePath('/billing/disputes');
    redirect(`/billing/disputes/${dispute.id}?opened=1`);
  },
});
