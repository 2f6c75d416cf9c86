'use server';

import { revalidatePath } from 'next/cache';
import { accountAction } from '@/lib/auth/action';
import { formatMonth } from '@/lib/format';
import { previewDraftInvoice } from '@/lib/services/billing-overview';
import { previewDraftSchema } from '@/lib/validations/invoices';
import { totalDueText } from '@/lib/views/invoices';

export interface DraftPreview {
  invoiceId: string;
  number: string;
  month: string;
  totalDue: string;
  unratedCalls: number;
  unpricedNumbers: number;
}

/** Billing roles compute the draft of this month so far (or of last month while it is not issued) and see what it leaves out. */
export const previewDraftInvoiceAction = accountAction({
  schema: previewDraftSchema,
  permission: 'billing.read',
  accountField: 'accountId',
  async run({ month }, access) {
    const { invoice, gaps } = await previewDraftInvoice(access, { month });
    revalidatePath('/billing/invoices');
    revalidatePath('/billing');
    return {
      message: `Draft ${invoice.number} of ${formatMonth(month)} computed.`,
      data: { invoiceId: invoice.id, number: invoice.number, month, totalDue: totalDueText(invoice.totalDueCents, invoice.currency), unratedCalls: gaps.unratedCalls, unpricedNumbers: gaps.unpricedNumbers } satisfies DraftPreview,
    };
  },
});
