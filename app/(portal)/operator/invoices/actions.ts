'use server';

import { revalidatePath } from 'next/cache';
import { staffAction } from '@/lib/auth/action';
import { formatMonth } from '@/lib/format';
import { addDiscountForStaff, generateDraftForStaff, issueForStaff, removeDiscountForStaff, voidForStaff } from '@/lib/services/staff-invoices';
import { staffDiscountSchema, staffDraftSchema, staffIssueSchema, staffRemoveDiscountSchema, staffVoidSchema } from '@/lib/validations/invoices';
import { totalDueText } from '@/lib/views/invoices';

const refresh = (invoiceId?: string) => {
  revalidatePath('/operator/invoices');
  if (invoiceId) revalidatePath(`/operator/invoices/${invoiceId}`);
};

const plural = (count: number, one: string, many: string) => `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;

/** Staff compute (or recompute) the draft of a billing account for a month. */
export const generateDraftAction = staffAction({
  schema: staffDraftSchema,
  async run({ accountId, month }, { user, ip }) {
    const { invoice, gaps } = await generateDraftForStaff(user, { accountId, month }, ip);
    refresh(invoice.id);
    const left = [gaps.unratedCalls > 0 ? `${plural(gaps.unratedCalls, 'call', 'calls')} without a price` : null, gaps.unpricedNumbers > 0 ? `${plural(gaps.unpricedNumbers, 'number', 'numbers')} in no DID tier` : null].filter(Boolean);
    return {
      message: `Draft ${invoice.number} of ${formatMonth(month)}: ${totalDueText(invoice.totalDueCents, invoice.currency)}.${left.length > 0 ? ` Not billed: ${left.join(' and ')}.` : ''}`,
      data: { invoiceId: invoice.id },
    };
  },
});

export const addDiscountAction = staffAction({
  schema: staffDiscountSchema,
  async run(input, { user }) {
    const invoice = await addDiscountForStaff(user, input);
    refresh(invoice.id);
    return { message: `Discount “${input.description}” added; ${invoice.number} now totals ${totalDueText(invoice.totalDueCents, invoice.currency)}.` };
  },
});

export const removeDiscountAction = staffAction({
  schema: staffRemoveDiscountSchema,
  async run(input, { user }) {
    const invoice = await removeDiscountForStaff(user, input);
    refresh(invoice.id);
    return { message: `Discount removed; ${invoice.number} now totals ${totalDueText(invoice.totalDueCents, invoice.currency)}.` };
  },
});

export const issueInvoiceAction = staffAction({
  schema: staffIssueSchema,
  async run({ invoiceId }, { user }) {
    const invoice = await issueForStaff(user, { invoiceId });
    refresh(invoice.id);
    return { message: `${invoice.number} issued (total due ${totalDueText(invoice.totalDueCents, invoice.currency)}). It never changes from now on.` };
  },
});

export const voidInvoiceAction = staffAction({
  schema: staffVoidSchema,
  async run({ invoiceId, reason }, { user }) {
    const { voided, replacement } = await voidForStaff(user, { invoiceId, reason });
    refresh(voided.id);
    if (replacement) refresh(replacement.id);
    return { message: `${voided.number} voided and its charges reversed${replacement ? `; draft ${replacement.number} replaces it` : ''}.`, data: { replacementId: replacement?.id } };
  },
});
