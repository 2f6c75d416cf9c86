/** VITCOM ledger rows and invoices → domain ledger entries, balance and invoices. No I/O. */
import { ProviderError } from '../errors';
import type { Invoice, LedgerEntry, Money } from '../types';
import { CURRENCY, INVOICE_PERIOD_DAYS, INVOICE_STATUS, LEDGER_ACTIVITY_KINDS } from './assumptions';
import { fromMicros, parseWireDate, toAmount, toIsoDay, toMicros } from './map';
import type { VitcomInvoice, VitcomLedgerRow } from './schema';

export function mapLedgerEntry(row: VitcomLedgerRow): LedgerEntry | undefined {
  const at = parseWireDate(row.date);
  if (!at) return undefined;
  const debit = toMicros(toAmount(row.debit) ?? '0');
  const credit = toMicros(toAmount(row.credit) ?? '0');
  return {
    // No id upstream: date, activity, amounts and the running balance together identify a row.
    entryRef: [row.date, row.activity ?? '', row.debit ?? '', row.credit ?? '', row.balance ?? ''].join('|'),
    at,
    description: row.activity?.trim() || 'Activity',
    amount: { amount: fromMicros(debit - credit), currency: CURRENCY },
    kind: LEDGER_ACTIVITY_KINDS[row.activity?.trim() ?? ''],
  };
}

/** The running balance of the latest row (rows are listed oldest first; ties keep list order). */
export function mapBalance(rows: readonly VitcomLedgerRow[]): Money | undefined {
  let latest: { at: number; balance: string } | undefined;
  for (const row of rows) {
    const at = parseWireDate(row.date)?.getTime();
    const balance = toAmount(row.balance);
    if (at === undefined || balance === undefined) continue;
    if (!latest || at >= latest.at) latest = { at, balance };
  }
  return latest ? { amount: latest.balance, currency: CURRENCY } : undefined;
}

export function mapInvoices(rows: readonly VitcomInvoice[], ledger: readonly VitcomLedgerRow[] | undefined): Invoice[] {
  const dated = rows
    .map((row) => {
      const at = parseWireDate(row.date);
      // An invoice we cannot date cannot be placed in a period: refused, never left out.
      if (!at) throw new ProviderError('vitcom', 'malformed', { upstreamMessage: `/get_invoices lists an invoice with an unreadable date: "${row.date ?? ''}"` });
      return { row, at };
    })
    .sort((a, b) => a.at.getTime() - b.at.getTime());
  return dated.map(({ row, at }, index) => {
    const previous = dated[index - 1]?.at ?? new Date(at.getTime() - INVOICE_PERIOD_DAYS * 86_400_000);
    let total = 0n;
    for (const entry of ledger ?? []) {
      const when = parseWireDate(entry.date)?.getTime();
      if (when !== undefined && when >= previous.getTime() && when < at.getTime()) total += toMicros(toAmount(entry.debit) ?? '0');
    }
    const file = row.file?.trim();
    return {
      // File names are not unique in the document's example; the issue date is (one invoice a day at most).
      invoiceRef: toIsoDay(at),
      periodStart: toIsoDay(previous),
      periodEnd: toIsoDay(new Date(at.getTime() - 86_400_000)),
      issuedAt: at,
      total: { amount: fromMicros(total), currency: CURRENCY },
      status: ledger ? INVOICE_STATUS : 'unknown',
      pdfUrl: file || undefined,
    };
  });
}
