/**
 * The invoice PDF, read back as text with pdf-parse: seed 000's INV-2026-04-0824F shows its lines as
 * "4,281,042 min × $0.0100", its discount at its real "7.97% of $58,372.08", the totals and the
 * page count; a draft says DRAFT, a void VOID, a paid invoice PAID; 500 lines run over pages that
 * each repeat the header and say "Page N of M"; names outside the standard fonts lose only accents.
 */
import { randomUUID } from 'node:crypto';
import { PDFParse } from 'pdf-parse';
import { describe, expect, it } from 'vitest';
import { pdfText, renderInvoicePdf, type InvoicePdfInput } from '@/lib/billing/invoice-pdf';
import { formatPercent, formatQuantity, lineQuantityText } from '@/lib/billing/invoice-text';
import type { Invoice, InvoiceLine } from '@/lib/db/schema';

async function textOf(pdf: Buffer): Promise<{ text: string; pages: string[] }> {
  const parser = new PDFParse({ data: new Uint8Array(pdf) });
  try {
    const result = await parser.getText();
    return { text: result.text, pages: result.pages.map((page) => page.text) };
  } finally {
    await parser.destroy();
  }
}

const GLOBEX = randomUUID();
const BRANCH = randomUUID();

function invoiceOf(overrides: Partial<Invoice> = {}): Invoice {
  return {
    id: randomUUID(),
    billingAccountId: GLOBEX,
    number: 'INV-2026-04-0824F',
    status: 'issued',
    currency: 'USD',
    periodStart: new Date('2026-04-01T00:00:00Z'),
    periodEnd: new Date('2026-05-01T00:00:00Z'),
    subtotalCents: 5_837_208,
    discountCents: 465_097,
    taxCents: 0,
    creditCents: 0,
    chargesCents: 5_372_111,
    previousBalanceCents: 0,
    paymentsCents: 0,
    totalDueCents: 5_372_111,
    taxName: 'Tax',
    taxRatePercent: '0.0000',
    dueAt: new Date('2026-05-16T00:10:00Z'),
    generatedAt: new Date('2026-05-01T00:10:00Z'),
    issuedAt: new Date('2026-05-01T00:10:00Z'),
    paidAt: null,
    voidedAt: null,
    voidReason: null,
    replacesInvoiceId: null,
    ledgerEntryId: null,
    pdfStorageKey: null,
    createdAt: new Date('2026-05-01T00:00:00Z'),
    ...overrides,
  };
}

let position = 0;
function lineOf(values: Partial<InvoiceLine> & Pick<InvoiceLine, 'kind' | 'description' | 'amountCents'>): InvoiceLine {
  return {
    id: randomUUID(),
    invoiceId: randomUUID(),
    accountId: GLOBEX,
    position: ++position,
    detail: null,
    destination: null,
    direction: null,
    rateVersionId: null,
    rate: null,
    quantity: null,
    unit: null,
    unitPrice: null,
    calls: null,
    billedSeconds: null,
    baseCents: null,
    percent: null,
    disputeId: null,
    manual: false,
    ...values,
  };
}

/** Seed 000's invoice as the engine writes it (tests/integration/invoices.test.ts). */
function seedInvoice(overrides: Partial<Invoice> = {}): InvoicePdfInput {
  return {
    carrierName: 'Carrier Portal',
    billTo: 'Globex',
    invoice: invoiceOf(overrides),
    sections: [{ accountId: GLOBEX, name: 'Globex' }],
    lines: [
      lineOf({ kind: 'termination', description: 'US termination', direction: 'outbound', destination: 'US', quantity: '4281042.0000', unit: 'min', unitPrice: '0.010000', rate: '0.010000', amountCents: 4_281_042 }),
      lineOf({ kind: 'termination', description: 'MX termination', direction: 'outbound', destination: 'MX', quantity: '890104.0000', unit: 'min', unitPrice: '0.016000', rate: '0.016000', amountCents: 1_424_166 }),
      lineOf({ kind: 'did', description: 'DIDs · 240 × 5.00', detail: 'Tier A · US/CA', quantity: '240.0000', unit: 'number-month', unitPrice: '5.000000', amountCents: 120_000 }),
      lineOf({ kind: 'did', description: 'DIDs · 12 × 10.00', detail: 'Tier B · MX/BR', quantity: '12.0000', unit: 'number-month', unitPrice: '10.000000', amountCents: 12_000 }),
      lineOf({ kind: 'discount', description: 'Volume discount', amountCents: -465_097, baseCents: 5_837_208, percent: '7.9678', manual: true }),
    ],
  };
}

describe('invoice text helpers', () => {
  it('writes quantities grouped without trailing zeros, percentages to two places half-up', () => {
    expect(formatQuantity('4281042.0000')).toBe('4,281,042');
    expect(formatQuantity('12.5000')).toBe('12.5');
    expect(formatQuantity('0.0500')).toBe('0.05');
    expect(formatPercent('7.9678')).toBe('7.97');
    expect(formatPercent('8.0000')).toBe('8');
    expect(formatPercent('7.2500')).toBe('7.25');
    expect(formatPercent('0.0050')).toBe('0.01');
  });

  it('says quantity × unit price, rates to at least four places, and a discount’s real percentage of its base', () => {
    const [us, , did, , discount] = seedInvoice().lines;
    expect(lineQuantityText(us!, 'USD')).toBe('4,281,042 min × $0.0100');
    expect(lineQuantityText(did!, 'USD')).toBe('240 number-months × $5.00');
    expect(lineQuantityText(discount!, 'USD')).toBe('7.97% of $58,372.08');
    expect(lineQuantityText(lineOf({ kind: 'one_time', description: 'Port fee', amountCents: 500 }), 'USD')).toBe('');
    expect(lineQuantityText({ ...us!, unitPrice: '0.001250' }, 'EUR')).toBe('4,281,042 min × €0.00125');
  });

  it('keeps WinAnsi text and drops only the accents the standard fonts cannot draw', () => {
    expect(pdfText('Société Générale · 240 × 5.00 – €')).toBe('Société Générale · 240 × 5.00 – €');
    expect(pdfText('Łódź Telekom')).toBe('Lódz Telekom');
    expect(pdfText('Přístav s.r.o.')).toBe('Prístav s.r.o.');
    expect(pdfText('Связь')).toBe('?????');
    expect(pdfText('−$4,650.97')).toBe('–$4,650.97');
  });
});

describe('renderInvoicePdf', () => {
  it('shows seed 000’s INV-2026-04-0824F: lines, the discount at 7.97% of $58,372.08, totals, one page', async () => {
    const pdf = await renderInvoicePdf(seedInvoice());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const { text, pages } = await textOf(pdf);
    for (const expected of [
      'Carrier Portal',
      'INVOICE',
      'INV-2026-04-0824F',
      'BILL TO',
      'Globex',
      'Issued',
      'April 1 – April 30, 2026',
      'May 1, 2026',
      'May 16, 2026',
      'USD',
      'US termination',
      '4,281,042 min × $0.0100',
      '$42,810.42',
      'MX termination',
      '890,104 min × $0.0160',
      '$14,241.66',
      'DIDs · 240 × 5.00',
      'Tier A · US/CA',
      '$1,200.00',
      'DIDs · 12 × 10.00',
      'Tier B · MX/BR',
      '$120.00',
      'Volume discount',
      '7.97% of $58,372.08',
      '–$4,650.97',
      'Subtotal',
      '$58,372.08',
      'This period’s charges',
      'Previous balance',
      'Payments received',
      'TOTAL DUE',
      '$53,721.11',
      'Page 1 of 1',
    ]) {
      expect(text, expected).toContain(expected);
    }
    expect(pages).toHaveLength(1);
    expect(text).not.toMatch(/DRAFT|VOID|PAID/);
  });

  it('marks a draft DRAFT, a void VOID with its reason, a paid invoice PAID with the day', async () => {
    const draft = await textOf(await renderInvoicePdf(seedInvoice({ status: 'draft', issuedAt: null, dueAt: null })));
    expect(draft.text).toContain('DRAFT');
    expect(draft.text).toContain('Not issued (draft)');
    const voided = await textOf(await renderInvoicePdf(seedInvoice({ status: 'void', voidedAt: new Date('2026-05-03T00:00:00Z'), voidReason: 'Discount applied twice' })));
    expect(voided.text).toContain('VOID');
    expect(voided.text).toContain('Void: Discount applied twice');
    const paid = await textOf(await renderInvoicePdf(seedInvoice({ status: 'paid', paidAt: new Date('2026-05-12T00:00:00Z') })));
    expect(paid.text).toContain('PAID');
    expect(paid.text).toContain('May 12, 2026');
  });

  it('says CREDIT BALANCE when the total due is negative, and names the tax with its rate', async () => {
    const { text } = await textOf(await renderInvoicePdf(seedInvoice({ totalDueCents: -12_345, previousBalanceCents: -5_384_456, taxName: 'Sales tax', taxRatePercent: '7.2500' })));
    expect(text).toContain('CREDIT BALANCE');
    expect(text).toContain('$123.45');
    expect(text).toContain('Sales tax (7.25%)');
    expect(text).not.toContain('TOTAL DUE');
  });

  it('runs 500 lines over numbered pages, each with the carrier, the number and the table heading, sections by account', async () => {
    const input = seedInvoice();
    const many = Array.from({ length: 500 }, (_, i) =>
      lineOf({
        accountId: i < 250 ? GLOBEX : BRANCH,
        kind: 'termination',
        description: `Destination ${String(i + 1).padStart(3, '0')} termination`,
        quantity: `${1000 + i}.0000`,
        unit: 'min',
        unitPrice: '0.012000',
        amountCents: (1000 + i) * 12,
      }),
    );
    const pdf = await renderInvoicePdf({ ...input, sections: [{ accountId: GLOBEX, name: 'Globex' }, { accountId: BRANCH, name: 'Globex Branch' }], lines: many });
    const { text, pages } = await textOf(pdf);
    expect(pages.length).toBeGreaterThan(5);
    pages.forEach((page, i) => {
      expect(page, `page ${i + 1}`).toContain(`Page ${i + 1} of ${pages.length}`);
      expect(page, `page ${i + 1}`).toContain('INV-2026-04-0824F');
      expect(page, `page ${i + 1}`).toContain('Carrier Portal');
    });
    // Every line is somewhere, once; the second section starts with its name and later pages say it continues.
    for (const n of [1, 137, 250, 251, 500]) expect(text.split(`Destination ${String(n).padStart(3, '0')} termination`)).toHaveLength(2);
    expect(text).toContain('Globex Branch');
    expect(text).toContain('(continued)');
    expect(text).toContain('Total for Globex Branch');
    expect(pages.at(-1)).toContain('TOTAL DUE');
    for (const page of pages.slice(1, -1)) expect(page).toContain('QUANTITY × PRICE');
  });
});
