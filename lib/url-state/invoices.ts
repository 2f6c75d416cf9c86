/**
 * The invoice lists' URLs: the customer's status filter, and staff's status, month, account name and
 * page. Read on the server with a nuqs loader, written into links with its serializer.
 */
import { createLoader, createParser, createSerializer, parseAsStringLiteral } from 'nuqs/server';
import { isSafeText } from '@/lib/validations/common';
import { isMonth } from '@/lib/validations/invoices';
import { parseAsPage } from './parsers';

export const INVOICE_STATUSES = ['draft', 'issued', 'paid', 'void'] as const;
export type InvoiceStatusFilter = (typeof INVOICE_STATUSES)[number];

/** `/billing/invoices`: absent status is every invoice. */
export const invoiceListParsers = { status: parseAsStringLiteral(INVOICE_STATUSES) };
export const loadInvoiceListParams = createLoader(invoiceListParsers);
export const serializeInvoiceList = createSerializer(invoiceListParsers);

const parseAsMonth = createParser({ parse: (value: string) => (isMonth(value) ? value : null), serialize: (month: string) => month });

/** A search word: trimmed, at most 100 characters, no control characters (anything else reads as missing). */
const parseAsSearchText = createParser({
  parse: (value: string) => {
    const text = value.trim();
    return text && text.length <= 100 && isSafeText(text) ? text : null;
  },
  serialize: (text: string) => text,
});

/** `/operator/invoices`. */
export const staffInvoiceListParsers = {
  status: parseAsStringLiteral(INVOICE_STATUSES),
  month: parseAsMonth,
  account: parseAsSearchText,
  page: parseAsPage(10_000).withDefault(1),
};
export const loadStaffInvoiceListParams = createLoader(staffInvoiceListParsers);
export const serializeStaffInvoiceList = createSerializer(staffInvoiceListParsers);
