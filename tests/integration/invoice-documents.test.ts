/**
 * Invoice documents (issue 15.5): seed 000's INV-2026-04-0824F as a PDF (its text read back), as CSV
 * and as the CSV of its rated calls (which add up to the invoice, price only, never cost); the PDF
 * stored once at issue and served byte for byte after; the owners and finance users e-mailed once
 * (admins by the notification alone); drafts, voids and paid invoices rendered with their marks;
 * technical, viewer and another tenant find nothing; a storage failure never fails the issue.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { PDFParse } from 'pdf-parse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMicros } from '@/lib/billing/money';
import { accountLedger, invoices, notificationMails, outboxMessages, type Invoice } from '@/lib/db/schema';
import { dispatchAccountEvents } from '@/lib/services/account-events';
import { ingestCdrBatch } from '@/lib/services/cdr-ingest';
import { getInvoiceCsv, getInvoicePdf, getRatedCallsCsv, invoicePdfKey } from '@/lib/services/invoice-documents';
import { issueInvoice, voidInvoice } from '@/lib/services/invoice-issue';
import { addDraftDiscount, generateDraftInvoice, settlePaidInvoices } from '@/lib/services/invoices';
import { fileDocumentStorage, getDocumentStorage, setDocumentStorage, type DocumentStorage } from '@/lib/storage/documents';
import { callsTotalling, seedInvoiceApril2026 } from '../support/billing';
import { useTestDatabase } from '../support/db';
import { accessAs, seedRoleUsers, seedTwoTenants } from '../support/fixtures';


async function pdfTextOf(bytes: Uint8Array): Promise<string> {
  const parser = new PDFParse({ data: new Uint8Array(bytes) });
  try {
    return (await parser.getText()).text;
  } finally {
    await parser.destroy();
  }
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

/** RFC 4180 rows (quoted cells with commas or quotes), enough for the files under test. */
function csvRows(text: string): string[][] {
  return text
    .trimEnd()
    .split('\r\n')
    .map((line) => [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)].slice(0, -1).map((match) => match[1]!.replace(/^"|"$/g, '').replace(/""/g, '"')));
}

function csvObjects(text: string): Record<string, string>[] {
  const [header, ...rows] = csvRows(text);
  return rows.map((row) => Object.fromEntries(header!.map((name, i) => [name, row[i] ?? ''])));
}

describe('Invoice documents', () => {
  const test = useTestDatabase();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  let storageDir: string;
  let seed: Invoice;
  let callCount = 0;

  const as = (email: string, accountId = tenants.globex.id) => accessAs(test.db, email, accountId);

  beforeAll(async () => {
    storageDir = await mkdtemp(path.join(tmpdir(), 'cp-documents-'));
    setDocumentStorage(fileDocumentStorage(storageDir));
    tenants = await seedTwoTenants(test.db);
    await seedRoleUsers(test.db, tenants.globex.id, 'globex.example');
    callCount += (await seedInvoiceApril2026(test.db, tenants.globex.id)).calls;
    const { invoice: draft } = await generateDraftInvoice(test.db, { billingAccountId: tenants.globex.id, month: '2026-04' });
    seed = await addDraftDiscount(test.db, { invoiceId: draft.id, description: 'Volume discount', amount: '4650.97' });
  }, 180_000);

  afterAll(async () => {
    setDocumentStorage(undefined);
    await rm(storageDir, { recursive: true, force: true });
  });

  it('renders the draft on the fly, marked DRAFT, and stores nothing', async () => {
    const finance = await as('finance@globex.example');
    const file = await getInvoicePdf({ access: finance }, seed.id);
    expect(file.filename).toBe(`${seed.number}.pdf`);
    const text = await pdfTextOf(file.bytes);
    expect(text).toContain('DRAFT');
    expect(text).toContain('4,281,042 min × $0.0100');
    expect(await getDocumentStorage().get(invoicePdfKey(seed))).toBeUndefined();
  });

  it('stores the PDF once at issue, writes its key, and serves that file byte for byte', async () => {
    const issued = await issueInvoice(test.db, { invoiceId: seed.id, now: new Date('2026-05-01T00:10:00Z') });
    const [row] = await test.db.select().from(invoices).where(eq(invoices.id, issued.id));
    expect(row!.pdfStorageKey).toBe(`invoices/${tenants.globex.id}/${issued.id}.pdf`);
    const stored = await getDocumentStorage().get(row!.pdfStorageKey!);
    expect(stored?.contentType).toBe('application/pdf');

    const finance = await as('finance@globex.example');
    const owner = await as('owner@globex.example');
    const first = await getInvoicePdf({ access: finance }, issued.id);
    const second = await getInvoicePdf({ access: owner }, issued.id);
    expect(Buffer.from(first.bytes).equals(stored!.bytes)).toBe(true);
    expect(Buffer.from(second.bytes).equals(stored!.bytes)).toBe(true);

    const text = await pdfTextOf(first.bytes);
    for (const expected of [
      'Carrier Portal',
      issued.number,
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
      '$58,372.08',
      'TOTAL DUE',
      '$53,721.11',
      'Page 1 of 1',
    ]) {
      expect(text, expected).toContain(expected);
    }
    expect(text).not.toContain('DRAFT');
    // The database keeps the key it was given: a second, different one is refused.
    await expect(test.db.update(invoices).set({ pdfStorageKey: 'invoices/elsewhere.pdf' }).where(eq(invoices.id, issued.id))).rejects.toThrow();
  });

  it('e-mails the invoice to the owners and finance users once; admins hear of it by the notification alone', async () => {
    const sent = await test.db.select().from(outboxMessages).where(eq(outboxMessages.subject, `Invoice ${seed.number} for Globex: $53,721.11 due by May 16, 2026`));
    expect(sent.map((message) => message.toAddress).sort()).toEqual(['finance@globex.example', 'owner@globex.example']);
    expect(sent[0]!.bodyText).toContain(`http://portal.test/billing/invoices/${seed.id}/pdf`);
    expect(sent[0]!.bodyText).toContain('The invoice of Globex for April 1 – April 30, 2026 is issued.');

    await dispatchAccountEvents(test.db);
    const mailed = await test.db.select({ to: outboxMessages.toAddress }).from(notificationMails).innerJoin(outboxMessages, eq(outboxMessages.id, notificationMails.outboxMessageId));
    const everyMail = await test.db.select({ to: outboxMessages.toAddress, subject: outboxMessages.subject }).from(outboxMessages);
    const toGlobex = everyMail.filter((message) => message.to.endsWith('@globex.example'));
    // Owner and finance: the invoice mail only (it took their notification mail); admin: the notification's.
    expect(toGlobex.filter((message) => message.to === 'owner@globex.example')).toHaveLength(1);
    expect(toGlobex.filter((message) => message.to === 'finance@globex.example')).toHaveLength(1);
    expect(toGlobex.filter((message) => message.to === 'admin@globex.example').map((message) => message.subject)).toEqual([expect.stringContaining(seed.number)]);
    expect(toGlobex.some((message) => message.to === 'technical@globex.example' || message.to === 'viewer@globex.example')).toBe(false);
    expect(mailed.map((row) => row.to).sort()).toEqual(['admin@globex.example', 'finance@globex.example', 'owner@globex.example']);
  });

  it('gives the lines and totals as CSV: plain decimal amounts, the discount with its base and real percentage', async () => {
    const file = await getInvoiceCsv({ access: await as('finance@globex.example') }, seed.id);
    expect(file.filename).toBe(`${seed.number}.csv`);
    const rows = csvObjects(new TextDecoder().decode(file.bytes));
    const us = rows.find((row) => row.description === 'US termination')!;
    expect(us).toMatchObject({ section_account: 'Globex', kind: 'termination', quantity: '4281042.0000', unit: 'min', unit_price: '0.010000', amount: '42810.42', currency: 'USD' });
    expect(rows.find((row) => row.description === 'Volume discount')).toMatchObject({ kind: 'discount', base: '58372.08', percent: '7.9678', amount: '-4650.97' });
    expect(rows.find((row) => row.kind === 'total' && row.detail === 'total_due')).toMatchObject({ description: 'Total due', amount: '53721.11' });
    expect(rows.filter((row) => row.kind !== 'total')).toHaveLength(5);
  });

  it('streams every rated call of the invoice in pages, price only, adding up to each usage line', async () => {
    const finance = await as('finance@globex.example');
    const { body, filename } = await getRatedCallsCsv({ access: finance }, seed.id, { batchSize: 700 });
    expect(filename).toBe(`${seed.number}-calls.csv`);
    const text = await readAll(body);
    const [header] = csvRows(text);
    expect(header).toEqual(['call_id', 'invite_at_utc', 'account', 'account_id', 'direction', 'from', 'to', 'destination', 'rate_prefix', 'billsec', 'billed_seconds', 'rate_per_minute', 'connection_fee', 'charge', 'currency']);
    expect(text.toLowerCase()).not.toContain('cost');
    const calls = csvObjects(text);
    expect(calls).toHaveLength(callCount);
    expect(new Set(calls.map((call) => call.call_id)).size).toBe(callCount);
    const times = calls.map((call) => call.invite_at_utc);
    expect([...times].sort()).toEqual(times);
    const sum = (rows: Record<string, string>[]) => rows.reduce((total, row) => total + parseMicros(row.charge!), 0n);
    // Each call's charge to six places; the line rounds their sum once (seed 000: $14,241.664 → $14,241.66).
    expect(sum(calls.filter((call) => call.destination === 'US'))).toBe(42_810_420_000n);
    expect(sum(calls.filter((call) => call.destination === 'MX'))).toBe(14_241_664_000n);

    const lines = (await import('@/lib/services/invoices')).getInvoiceFor;
    const { lines: invoiceLines } = await lines(finance, seed.id);
    const mx = invoiceLines.find((line) => line.description === 'MX termination')!;
    const only = await getRatedCallsCsv({ access: finance }, seed.id, { lineId: mx.id });
    expect(only.filename).toBe(`${seed.number}-line-${mx.position}-calls.csv`);
    const mxCalls = csvObjects(await readAll(only.body));
    expect(mxCalls.length).toBe(calls.filter((call) => call.destination === 'MX').length);
    expect(mxCalls.every((call) => call.destination === 'MX' && call.account === 'Globex')).toBe(true);

    const did = invoiceLines.find((line) => line.kind === 'did')!;
    for (const lineId of [did.id, '00000000-0000-4000-8000-000000000000', 'not-a-line']) {
      await expect(getRatedCallsCsv({ access: finance }, seed.id, { lineId })).rejects.toMatchObject({ code: 'not_found:invoice_line' });
    }
  });

  it('leaves out of an issued invoice’s calls the calls of its month that arrived after it was computed', async () => {
    const late = { ...callsTotalling({ accountId: tenants.globex.id, minutes: 3, to: '+14155551212', day: '2026-04-29' })[0]!, sourceId: 'late-call' };
    const result = await ingestCdrBatch(test.db, [{ line: 1, input: late }]);
    expect(result.rejected).toEqual([]);
    const { body } = await getRatedCallsCsv({ access: await as('finance@globex.example') }, seed.id);
    expect(csvObjects(await readAll(body))).toHaveLength(callCount);
  });

  it('answers technical, viewer, another tenant and non-staff as for an invoice that does not exist; staff read it', async () => {
    for (const email of ['technical@globex.example', 'viewer@globex.example']) {
      const access = await as(email);
      await expect(getInvoicePdf({ access }, seed.id)).rejects.toMatchObject({ code: 'not_found:invoice' });
      await expect(getInvoiceCsv({ access }, seed.id)).rejects.toMatchObject({ code: 'not_found:invoice' });
      await expect(getRatedCallsCsv({ access }, seed.id)).rejects.toMatchObject({ code: 'not_found:invoice' });
    }
    const acmeOwner = await as('owner@acme.example', tenants.acme.id);
    await expect(getInvoicePdf({ access: acmeOwner }, seed.id)).rejects.toMatchObject({ code: 'not_found:invoice' });
    await expect(getRatedCallsCsv({ access: acmeOwner }, seed.id)).rejects.toMatchObject({ code: 'not_found:invoice' });
    await expect(getInvoicePdf({ staff: { isOperatorStaff: false } }, seed.id)).rejects.toMatchObject({ code: 'not_found:invoice' });
    const staffCopy = await getInvoicePdf({ staff: tenants.staff }, seed.id);
    expect(Buffer.from(staffCopy.bytes).equals((await getDocumentStorage().get(invoicePdfKey(seed)))!.bytes)).toBe(true);
  });

  it('renders a paid invoice with its PAID stamp and a void one marked VOID with its reason', async () => {
    await test.db.insert(accountLedger).values({ billingAccountId: tenants.globex.id, accountId: tenants.globex.id, kind: 'payment', amount: '53721.1100', description: 'Wire', reference: 'W-1', createdAt: new Date('2026-05-10T00:00:00Z') });
    expect(await settlePaidInvoices(test.db, { billingAccountId: tenants.globex.id, now: new Date('2026-05-10T00:00:00Z') })).toEqual([seed.number]);
    const finance = await as('finance@globex.example');
    expect(await pdfTextOf((await getInvoicePdf({ access: finance }, seed.id)).bytes)).toContain('PAID');

    const { replacement } = await voidInvoice(test.db, { invoiceId: seed.id, reason: 'Discount applied twice by mistake' });
    const voided = await pdfTextOf((await getInvoicePdf({ access: finance }, seed.id)).bytes);
    expect(voided).toContain('VOID');
    expect(voided).toContain('Void: Discount applied twice by mistake');
    // The document stored at issue is kept as it was.
    expect(await getDocumentStorage().get(invoicePdfKey(seed))).toBeDefined();
    expect(replacement?.status).toBe('draft');
  });

  it('issues even when storage fails; the PDF is then stored at its first download', async () => {
    const [replacement] = await test.db.select().from(invoices).where(and(eq(invoices.billingAccountId, tenants.globex.id), eq(invoices.status, 'draft')));
    const working = getDocumentStorage();
    const failing: DocumentStorage = { ...working, put: async () => Promise.reject(new Error('disk full')) };
    setDocumentStorage(failing);
    let issued: Invoice;
    try {
      issued = await issueInvoice(test.db, { invoiceId: replacement!.id, now: new Date('2026-05-11T00:00:00Z') });
    } finally {
      setDocumentStorage(working);
    }
    expect(issued.status).toBe('issued');
    const [row] = await test.db.select().from(invoices).where(eq(invoices.id, issued.id));
    expect(row!.pdfStorageKey).toBeNull();
    const file = await getInvoicePdf({ access: await as('owner@globex.example') }, issued.id);
    const [after] = await test.db.select().from(invoices).where(eq(invoices.id, issued.id));
    expect(after!.pdfStorageKey).toBe(invoicePdfKey(issued));
    expect(Buffer.from(file.bytes).equals((await getDocumentStorage().get(after!.pdfStorageKey!))!.bytes)).toBe(true);
  });
});
