'use server';

import { revalidatePath } from 'next/cache';
import { staffAction } from '@/lib/auth/action';
import { formatMoney } from '@/lib/format';
import { recordAdjustment, recordPayment, reverseLedgerEntry, updateBillingProfile } from '@/lib/services/ledger';
import { billingProfileSchema, recordAdjustmentSchema, recordPaymentSchema, reverseEntrySchema } from '@/lib/validations/ledger';

const refresh = (accountId: string) => revalidatePath(`/operator/accounts/${accountId}/billing`);

/** What a ledger entry did to the account's invoices, as a sentence to append (or nothing). */
function invoiceNews(paid: string[], reopened: string[]): string {
  const are = (numbers: string[]) => `${numbers.join(', ')} ${numbers.length === 1 ? 'is' : 'are'}`;
  return `${paid.length ? ` ${are(paid)} now paid.` : ''}${reopened.length ? ` ${are(reopened)} no longer covered and unpaid again.` : ''}`;
}

/** Staff record a payment or prepayment received (audited on the billing account). */
export const recordPaymentAction = staffAction({
  schema: recordPaymentSchema,
  async run(input, { user, ip }) {
    const { prepay, currency, alreadyRecorded, settledInvoices } = await recordPayment(user, input, ip);
    refresh(input.accountId);
    if (alreadyRecorded) return { message: 'This form’s payment was already recorded; nothing was added.' };
    const what = `${input.type === 'prepayment' ? 'Prepayment' : 'Payment'} of ${formatMoney(input.amount, currency)} recorded`;
    const paid = invoiceNews(settledInvoices, []);
    if (prepay === 'started') return { message: `${what}: the account is now on the prepay tier (8% off usage).${paid}` };
    if (prepay === 'already') return { message: `${what}; the account stays on the prepay tier.${paid}` };
    if (prepay === 'below_minimum') return { message: `${what}. Prepayments of $10,000 or more move an account to the prepay tier: this one does not.${paid}` };
    return { message: `${what}.${paid}` };
  },
});

export const recordAdjustmentAction = staffAction({
  schema: recordAdjustmentSchema,
  async run(input, { user, ip }) {
    const { currency, alreadyRecorded, settledInvoices, reopenedInvoices } = await recordAdjustment(user, input, ip);
    refresh(input.accountId);
    if (alreadyRecorded) return { message: 'This form’s adjustment was already recorded; nothing was added.' };
    return { message: `Adjustment of ${formatMoney(input.amount, currency)} recorded.${invoiceNews(settledInvoices, reopenedInvoices)}` };
  },
});

export const reverseEntryAction = staffAction({
  schema: reverseEntrySchema,
  async run(input, { user, ip }) {
    const { settledInvoices, reopenedInvoices } = await reverseLedgerEntry(user, input, ip);
    refresh(input.accountId);
    return { message: `Entry reversed.${invoiceNews(settledInvoices, reopenedInvoices)}` };
  },
});

/** Staff set the account's invoice currency, tax and payment terms (audited). */
export const updateBillingProfileAction = staffAction({
  schema: billingProfileSchema,
  async run(input, { user, ip }) {
    const profile = await updateBillingProfile(user, input, ip);
    refresh(input.accountId);
    return { message: `Invoice settings saved: ${profile.currency}, ${profile.taxName} ${input.taxRatePercent}%, due ${profile.paymentTermsDays} days after issue. They apply to drafts from now on; issued invoices keep theirs.` };
  },
});
