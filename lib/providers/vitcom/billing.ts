import type { BillingCapability } from '../types';
import { INVOICE_PERIOD_DAYS, LEDGER_ALL_ACTIVITY } from './assumptions';
import type { VitcomCore } from './core';
import { mapBalance, mapInvoices, mapLedgerEntry, toIsoDay } from './map';

export function createVitcomBilling({ client, now }: VitcomCore): BillingCapability {
  return {
    async listInvoices(request: { since?: Date }) {
      const from = request.since ? toIsoDay(new Date(request.since.getTime() - 2 * INVOICE_PERIOD_DAYS * 86_400_000)) : undefined;
      const [invoices, ledger] = await Promise.all([client.getInvoices(from, toIsoDay(now())), client.financialSummary(LEDGER_ALL_ACTIVITY)]);
      return mapInvoices(invoices.data, ledger.data).filter((invoice) => !request.since || invoice.issuedAt >= request.since);
    },

    async getBalance() {
      const rows = (await client.financialSummary(LEDGER_ALL_ACTIVITY)).data;
      return { available: mapBalance(rows) ?? { amount: '0.00', currency: 'USD' as const } };
    },

    ledger: {
    async list(request: { since: Date; until: Date }) {
      const rows = (await client.financialSummary(LEDGER_ALL_ACTIVITY)).data;
      return rows
        .map(mapLedgerEntry)
        .filter((entry) => entry !== undefined)
        .filter((entry) => entry.at >= request.since && entry.at < request.until);
    },
    },
  };
}
