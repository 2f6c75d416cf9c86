/**
 * How a ledger entry reads in the ledger table, for the staff page and the customer's Billing page
 * alike: formatted on the server, so the client table only lays it out.
 */
import { formatDate, formatDateTime, formatMoney, isNegativeAmount } from '@/lib/format';
import { LEDGER_KIND_LABELS, type LedgerEntryKind } from '@/lib/validations/ledger';

export interface LedgerTableRow {
  id: string;
  /** "Dec 6, 2026"; the full time ("2026-12-06 14:03 UTC") for the tooltip; ISO for <time>. */
  date: string;
  dateTime: string;
  at: string;
  kind: string;
  description: string;
  /** The sub-account an entry is for, when it is not the billing account itself. */
  accountName?: string;
  reference: string | null;
  /** Signed: "+$10,000.00" in the customer's favour, "-$12.50" a charge. */
  amount: string;
  debit: boolean;
  runningBalance: string;
  balanceNegative: boolean;
  /** A later reversal cancelled it. */
  reversed: boolean;
  /** Who recorded it (staff pages only). */
  recordedBy?: string;
  /** Staff may reverse it (staff pages only). */
  reversible?: boolean;
}

export interface LedgerEntryLike {
  id: string;
  kind: LedgerEntryKind;
  amount: string;
  description: string;
  reference: string | null;
  accountId: string;
  accountName: string;
  reversedById: string | null;
  createdByEmail: string | null;
  createdAt: Date;
  runningBalance: string;
  reversible: boolean;
}

export function ledgerTableRow(entry: LedgerEntryLike, { billingAccountId, currency, staff }: { billingAccountId: string; currency: string; staff: boolean }): LedgerTableRow {
  const debit = isNegativeAmount(entry.amount);
  return {
    id: entry.id,
    date: formatDate(entry.createdAt),
    dateTime: formatDateTime(entry.createdAt),
    at: entry.createdAt.toISOString(),
    kind: LEDGER_KIND_LABELS[entry.kind],
    description: entry.description,
    accountName: entry.accountId === billingAccountId ? undefined : entry.accountName,
    reference: entry.reference,
    amount: debit ? formatMoney(entry.amount, currency) : `+${formatMoney(entry.amount, currency)}`,
    debit,
    runningBalance: formatMoney(entry.runningBalance, currency),
    balanceNegative: isNegativeAmount(entry.runningBalance),
    reversed: entry.reversedById !== null,
    ...(staff ? { recordedBy: entry.createdByEmail ?? 'system', reversible: entry.reversible } : {}),
  };
}
