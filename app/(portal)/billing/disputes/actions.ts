'use server';

import { redirect } from 'next/navigation';
import { z } from 'zod';
import { accountAction } from '@/lib/auth/action';
import { getDisputeFor, openCreditNoteInvoiceFor } from '@/lib/services/disputes';

/** Opens the invoice that shows a dispute's credit note: that month's invoice, or its draft computed now. */
export const openCreditNoteInvoiceAction = accountAction({
  schema: z.object({ disputeId: z.string() }),
  permission: 'billing.read',
  // An unknown or foreign dispute answers "not found" before anything else.
  load: (raw, access) => getDisputeFor(access, raw.disputeId ?? ''),
  async run(_input, access, { subject }) {
    const invoiceId = await openCreditNoteInvoiceFor(access, subject.id);
    redirect(`/billing/invoices/${invoiceId}`);
  },
});
