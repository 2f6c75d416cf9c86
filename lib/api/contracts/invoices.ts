import { z } from 'zod';
import { defineEndpoint, isoTime, pageOf } from '../contract';

const TAG = 'Billing';

const money = (description: string, example: string) => z.string().meta({ description: `${description} A decimal string with two places (negative: in your favour), never a JSON number.`, example });

const WHO =
  'Invoices belong to the billing account (the account that pays for its sub-accounts) and are shown to the roles that read its money: owner, admin and finance of that account (or above it). Any other caller — a technical or viewer key, a key of a sub-account, another customer — gets 404 `not_found:invoice`, exactly as for an invoice that does not exist.';

const status = z.enum(['draft', 'issued', 'paid', 'void']).meta({ description: '`draft` (its figures move until issued), `issued` (frozen), `paid`, or `void` (replaced by a reissued invoice).' });

export const invoiceTotalsSchema = z
  .object({
    subtotal: money('Usage, DIDs and one-time charges before discounts.', '58372.08'),
    discounts: money('What discounts take off (positive).', '4650.97'),
    tax: money('Tax on the discounted subtotal.', '0.00'),
    credits: money('Credit notes and adjustments in your favour (positive).', '0.00'),
    charges: money('This period’s charges: subtotal − discounts + tax − credits.', '53721.11'),
    previousBalance: money('What was owed before the period.', '0.00'),
    payments: money('Payments and prepaid credit received in the period.', '0.00'),
    totalDue: money('previousBalance − payments + charges; negative: a credit balance.', '53721.11'),
  })
  .meta({ id: 'InvoiceTotals' });

const links = z
  .object({
    self: z.string().meta({ example: '/api/v1/invoices/0b8f3c1e-3c8a-4a53-9f0e-2a1f8f5a7c11' }),
    pdf: z.string().meta({ description: 'The same URL with `Accept: application/pdf`.' }),
    csv: z.string().meta({ description: 'The same URL with `Accept: text/csv`.' }),
    calls: z.string().meta({ description: 'Every rated call the invoice bills (late calls of earlier months included), as CSV.' }),
  })
  .meta({ id: 'InvoiceLinks' });

export const invoiceSummarySchema = z
  .object({
    id: z.string().uuid(),
    number: z.string().meta({ description: 'INV-YYYY-MM-xxxxx', example: 'INV-2026-04-0824F' }),
    status,
    periodStart: isoTime.meta({ description: 'First instant of the month billed (UTC).' }),
    periodEnd: isoTime.meta({ description: 'First instant after it (exclusive).' }),
    currency: z.string().meta({ description: 'ISO 4217.', example: 'USD' }),
    totals: invoiceTotalsSchema,
    issuedAt: isoTime.nullable(),
    dueAt: isoTime.nullable(),
    paidAt: isoTime.nullable(),
    voidedAt: isoTime.nullable(),
    links,
  })
  .meta({ id: 'InvoiceSummary' });

export const invoiceLineSchema = z
  .object({
    id: z.string().uuid(),
    kind: z.enum(['termination', 'origination', 'did', 'one_time', 'discount', 'tax', 'credit_note', 'adjustment']),
    description: z.string().meta({ example: 'US termination' }),
    detail: z.string().nullable().meta({ description: 'A second line of words: the DID tier, what a discount applies to.', example: 'Tier A · US/CA' }),
    destination: z.string().nullable().meta({ description: 'Usage lines: the deck’s destination.' }),
    direction: z.enum(['inbound', 'outbound']).nullable(),
    quantity: z.string().nullable().meta({ description: 'Minutes (four places) or number-months, a decimal string.', example: '4281042.0000' }),
    unit: z.string().nullable().meta({ description: '`min` or `number-month`.' }),
    unitPrice: z.string().nullable().meta({ description: 'Per unit, six places.', example: '0.010000' }),
    calls: z.number().int().nullable(),
    billedSeconds: z.number().int().nullable(),
    amount: money('The line’s amount, rounded half-up once.', '42810.42'),
    base: money('A discount’s or tax’s base.', '58372.08').nullable(),
    percent: z.string().nullable().meta({ description: 'A discount’s or tax’s real percentage of `base`, four places.', example: '7.9678' }),
    disputeId: z.string().uuid().nullable().meta({ description: 'The dispute a credit note settles.' }),
    links: z.object({ calls: z.string() }).nullable().meta({ description: 'Usage lines: the rated calls the line bills, as CSV (for “Calls from earlier periods received late”, those calls).' }),
  })
  .meta({ id: 'InvoiceLine' });

export const invoiceSchema = invoiceSummarySchema
  .extend({
    billingAccount: z.object({ id: z.string().uuid(), name: z.string() }),
    tax: z.object({ name: z.string(), ratePercent: z.string().meta({ example: '0.0000' }) }),
    voidReason: z.string().nullable(),
    replacesInvoiceId: z.string().uuid().nullable().meta({ description: 'The voided invoice this one reissues.' }),
    sections: z
      .array(z.object({ accountId: z.string().uuid(), name: z.string(), total: money('The section’s lines added up.', '53721.11'), lines: z.array(invoiceLineSchema) }))
      .meta({ description: 'A section per account of the subtree with lines on the invoice, the billing account first; lines in invoice order.' }),
  })
  .meta({ id: 'Invoice' });

const invoicePath = z.object({ invoiceId: z.string().uuid().meta({ example: '0b8f3c1e-3c8a-4a53-9f0e-2a1f8f5a7c11' }) });

export const listInvoices = defineEndpoint({
  method: 'GET',
  path: '/invoices',
  operationId: 'listInvoices',
  tag: TAG,
  summary: 'Invoices of the billing account, newest month first',
  description: `Monthly invoices: \`draft\` while the month can still change, \`issued\` at period close (frozen; \`paid\` once the balance covers it), \`void\` when corrected (a reissued invoice replaces it). All of them in one page (\`nextCursor\` is null). ${WHO}`,
  access: { permission: 'account.read' },
  query: z.object({ status: status.optional().meta({ description: 'Only invoices in this status.' }) }),
  answer: pageOf(invoiceSummarySchema),
});

export const getInvoice = defineEndpoint({
  method: 'GET',
  path: '/invoices/{invoiceId}',
  operationId: 'getInvoice',
  tag: TAG,
  summary: 'One invoice: JSON with its sections and lines, its PDF, or its CSV',
  description: [
    'JSON by default. With `Accept: application/pdf` (or `format=pdf`) the invoice’s PDF — for an issued invoice, the document stored when it was issued, byte for byte; with `Accept: text/csv` (or `format=csv`) one row per line with its section, then the totals. Files come as attachments named by the invoice’s number (`INV-2026-04-0824F.pdf`).',
    WHO,
  ].join('\n\n'),
  access: { permission: 'account.read' },
  params: invoicePath,
  query: z.object({ format: z.enum(['json', 'pdf', 'csv'], { message: 'format is json, pdf or csv' }).optional().meta({ description: 'Answers as `Accept` would (for a browser link).' }) }),
  answer: invoiceSchema,
  alsoAnswers: ['application/pdf', 'text/csv'],
});

export const getInvoiceCalls = defineEndpoint({
  method: 'GET',
  path: '/invoices/{invoiceId}/calls',
  operationId: 'getInvoiceCalls',
  tag: TAG,
  summary: 'The rated calls of an invoice, as CSV',
  description: [
    'Every priced call the invoice bills, of its accounts, oldest first, streamed: `call_id, invite_at_utc, account, account_id, direction, from, to, destination, rate_prefix, billsec, billed_seconds, rate_per_minute, connection_fee, charge, currency`. Those are the calls of its month that reached us before the month’s invoice was issued, and calls of earlier months that reached us during its month, after their own month’s invoice was issued (the line “Calls from earlier periods received late”; they come first, being older). A call of its month that reaches us after its invoice was issued is billed on the invoice of the month it arrives in, and listed there. With `line` (a usage line’s id), only that line’s calls. An issued invoice lists the calls it was computed from, so the file adds up to it. Formula-safe cells; a failure once rows flow ends the file with an “incomplete” line.',
    WHO,
  ].join('\n\n'),
  access: { permission: 'account.read' },
  params: invoicePath,
  query: z.object({ line: z.string().max(40).optional().meta({ description: 'A usage line’s id (`sections[].lines[].id`): only its calls. Another line, or none of this invoice: 404.' }) }),
  answer: z.string().meta({ description: 'CSV (RFC 4180) with a header row.' }),
  alsoAnswers: ['text/csv'],
});
