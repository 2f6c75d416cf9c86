import { ProviderError } from '../errors';
import type { BillingCapability } from '../types';
import { CALL_CHARGES_BY_UTC_DAY, INVOICE_PERIOD_DAYS, LEDGER_ALL_ACTIVITY } from './assumptions';
import type { VitcomCore } from './core';
import { toIsoDay } from './map';
import { mapBalance, mapInvoices, mapLedgerEntry } from './map-billing';
import type { VitcomLedgerRow } from './schema';

const malformed = (upstreamMessage: string) => new ProviderError('vitcom', 'malformed', { upstreamMessage });

/** Every row as a ledger entry: a row without a readable date is refused, not skipped (it may be a charge). */
function ledgerEntries(rows: readonly VitcomLedgerRow[]) {
  return rows.map((row, index) => {
    const entry = mapLedgerEntry(row);
    if (!entry) throw malformed(`/financial_summary row ${index + 1} has an unreadable date: "${row.date ?? ''}"`);
    return entry;
  });
}

export function createVitcomBilling({ client, now }: VitcomCore): BillingCapability {
  return {
    async listInvoices(request: { since?: Date }) {
      const from = request.since ? toIsoDay(new Date(request.since.getTime() - 2 * INVOICE_PERIOD_DAYS * 86_400_000)) : undefined;
      const [invoices, ledger] = await Promise.all([client.getInvoices(from, toIsoDay(now())), client.financialSummary(LEDGER_ALL_ACTIVITY)]);
      return mapInvoices(invoices.data, ledger.data).filter((invoice) => !request.since || invoice.issuedAt >= request.since);
    },

    async getBalance() {
      const rows = (await client.financialSummary(LEDGER_ALL_ACTIVITY)).data;
      const balance = mapBalance(rows);
      // No activity at all is a zero balance; activity without one readable balance is not.
      if (!balance && rows.length > 0) throw malformed('/financial_summary has rows but none with a readable date and balance');
      return { available: balance ?? { amount: '0.00', currency: 'USD' as const } };
    },

    ledger: {
      usageByDay: CALL_CHARGES_BY_UTC_DAY,
      async list(request: { since: Date; until: Date }) {
        const rows = (await client.financialSummary(LEDGER_ALL_ACTIVITY)).data;
        return ledgerEntries(rows).filter((entry) => entry.at >= request.since && entry.at < request.until);
      },
    },
  };
}
