import 'server-only';

/**
 * Invoices as the public API shows them: amounts as decimal strings (cents → "53721.11"), times in
 * ISO 8601, links to the PDF, CSV and rated calls.
 */
import type { z } from 'zod';
import { centsToDecimal } from '@/lib/billing/money';
import type { Invoice, InvoiceLine } from '@/lib/db/schema';
import type { InvoiceDocument, InvoiceFile } from '@/lib/services/invoice-documents';
import type { invoiceLineSchema, invoiceSchema, invoiceSummarySchema } from '../contracts/invoices';

const iso = (date: Date | null) => date?.toISOString() ?? null;

function linksOf(invoice: Invoice) {
  const self = `/api/v1/invoices/${invoice.id}`;
  return { self, pdf: `${self}?format=pdf`, csv: `${self}?format=csv`, calls: `${self}/calls` };
}

export function invoiceSummaryJson(invoice: Invoice): z.input<typeof invoiceSummarySchema> {
  return {
    id: invoice.id,
    number: invoice.number,
    status: invoice.status,
    periodStart: invoice.periodStart.toISOString(),
    periodEnd: invoice.periodEnd.toISOString(),
    currency: invoice.currency,
    totals: {
      subtotal: centsToDecimal(invoice.subtotalCents),
      discounts: centsToDecimal(invoice.discountCents),
      tax: centsToDecimal(invoice.taxCents),
      credits: centsToDecimal(invoice.creditCents),
      charges: centsToDecimal(invoice.chargesCents),
      previousBalance: centsToDecimal(invoice.previousBalanceCents),
      payments: centsToDecimal(invoice.paymentsCents),
      totalDue: centsToDecimal(invoice.totalDueCents),
    },
    issuedAt: iso(invoice.issuedAt),
    dueAt: iso(invoice.dueAt),
    paidAt: iso(invoice.paidAt),
    voidedAt: iso(invoice.voidedAt),
    links: linksOf(invoice),
  };
}

const USAGE = new Set<InvoiceLine['kind']>(['termination', 'origination']);

function lineJson(invoice: Invoice, line: InvoiceLine): z.input<typeof invoiceLineSchema> {
  return {
    id: line.id,
    kind: line.kind,
    description: line.description,
    detail: line.detail,
    destination: line.destination,
    direction: line.direction,
    quantity: line.quantity,
    unit: line.unit,
    unitPrice: line.unitPrice,
    calls: line.calls,
    billedSeconds: line.billedSeconds,
    amount: centsToDecimal(line.amountCents),
    base: line.baseCents === null ? null : centsToDecimal(line.baseCents),
    percent: line.percent,
    disputeId: line.disputeId,
    links: USAGE.has(line.kind) ? { calls: `/api/v1/invoices/${invoice.id}/calls?line=${line.id}` } : null,
  };
}

export function invoiceJson({ invoice, lines, sections, billingAccount }: InvoiceDocument & { billingAccount: { id: string; name: string } }): z.input<typeof invoiceSchema> {
  const known = new Set(sections.map((section) => section.accountId));
  const others = [...new Set(lines.filter((line) => !known.has(line.accountId)).map((line) => line.accountId))].map((accountId) => ({ accountId, name: 'Other account' }));
  return {
    ...invoiceSummaryJson(invoice),
    billingAccount,
    tax: { name: invoice.taxName, ratePercent: invoice.taxRatePercent },
    voidReason: invoice.voidReason,
    replacesInvoiceId: invoice.replacesInvoiceId,
    sections: [...sections, ...others].map((section) => {
      const own = lines.filter((line) => line.accountId === section.accountId).sort((a, b) => a.position - b.position);
      return { accountId: section.accountId, name: section.name, total: centsToDecimal(own.reduce((sum, line) => sum + line.amountCents, 0)), lines: own.map((line) => lineJson(invoice, line)) };
    }),
  };
}

/** A PDF or CSV of an invoice as an attachment named by its number; never cached (a status can still move on). */
export function invoiceFileResponse(file: InvoiceFile): Response {
  return new Response(file.bytes as Uint8Array<ArrayBuffer>, {
    headers: {
      'content-type': file.contentType,
      'content-length': String(file.bytes.byteLength),
      'content-disposition': `attachment; filename="${file.filename}"`,
      'cache-control': 'private, no-store',
      'x-content-type-options': 'nosniff',
    },
  });
}
