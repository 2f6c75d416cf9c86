import type { BillingCapability, LedgerEntry } from '../types';
import { ACCOUNT_RATES_STATE_KEY, BUDGETS } from './assumptions';
import type { VoiceTelCore } from './core';
import { mapBalance, mapCreditToInvoice, mapCreditToLedger, mapMrcToLedger, mapPaymentToLedger } from './map-account';
import { accountResponse, creditsResponse, mrcResponse, paymentsResponse } from './schema';

export function createVoiceTelBilling({ client, state }: VoiceTelCore): BillingCapability {
  const readCredits = () =>
    client.call({
      operation: 'GET /account/credits',
      method: 'GET',
      path: '/account/credits',
      idempotent: true,
      parse: (body) => creditsResponse.parse(body).data.credits,
    });
  return {
    async listInvoices({ since }) {
      const credits = await readCredits();
      return credits
        .map(mapCreditToInvoice)
        .filter((invoice) => !since || invoice.issuedAt >= since)
        .sort((a, b) => b.issuedAt.getTime() - a.issuedAt.getTime());
    },

    async getBalance() {
      const account = await client.call({
        operation: 'GET /account',
        method: 'GET',
        path: '/account',
        idempotent: true,
        budget: BUDGETS.account,
        parse: (body) => accountResponse.parse(body).data,
      });
      if (account.rates) await state.set(ACCOUNT_RATES_STATE_KEY, account.rates);
      return mapBalance(account);
    },

    ledger: {
      async list({ since, until }) {
        const credits = await readCredits();
        const payments = await client.call({
          operation: 'GET /account/payments',
          method: 'GET',
          path: '/account/payments',
          idempotent: true,
          budget: BUDGETS.payments,
          parse: (body) => paymentsResponse.parse(body).data.payments,
        });
        const entries: LedgerEntry[] = [
          ...credits.map(mapCreditToLedger),
          ...payments.map(mapPaymentToLedger).filter((entry): entry is LedgerEntry => entry !== null),
        ];
        const now = client.now();
        const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
        // The recurring charges are only "current" ones, booked at the start of this month.
        if (monthStart >= since && monthStart <= until) {
          const mrc = await client.call({
            operation: 'GET /account/recurring-charges',
            method: 'GET',
            path: '/account/recurring-charges',
            idempotent: true,
            budget: BUDGETS.recurringCharges,
            parse: (body) => mrcResponse.parse(body).data,
          });
          entries.push(...mapMrcToLedger(mrc, now));
        }
        return entries.filter((entry) => entry.at >= since && entry.at <= until).sort((a, b) => a.at.getTime() - b.at.getTime());
      },
    },
  };
}
