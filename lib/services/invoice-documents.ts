import 'server-only';
/**
 * An invoice's documents: the PDF, the CSV of its lines and the CSV of its rated calls, for the
 * billing account's money roles only (getInvoiceFor answers not found to everyone else).
 *
 * At issue (a hook on issueInvoice, registered when this module loads: callers issue through
 * lib/services/invoice-issue.ts, which loads it) the PDF is rendered once, stored in document
 * storage and its key written on the invoice; the owners and finance users of the billing account
 * get it by e-mail. An issued invoice's download is that stored file, byte for byte. A draft is
 * rendered on the fly (its figures still move); a paid or void invoice too, from its frozen lines,
 * so it carries its PAID or VOID mark.
 */
import { centsToDecimal } from '@/lib/billing/money';
import { invoiceCsv, ratedCallCsvLine, ratedCallsCsvHeader } from '@/lib/billing/invoice-csv';
import { renderInvoicePdf } from '@/lib/billing/invoice-pdf';
import { formatInvoicePeriod, formatSignedCents, invoiceFileBase } from '@/lib/billing/invoice-text';
import type { AccountAccess } from '@/lib/auth/access';
import { getDb, type Db } from '@/lib/db/client';
import { getAccountById } from '@/lib/db/queries/accounts';
import { getInvoiceIssuedEventId, getRatedCallsByAccounts, setInvoicePdfStorageKey, type RatedCallPosition, type RatedCallsFilter, type RatedCallsPart, type UsageLineKey } from '@/lib/db/queries/invoice-documents';
import { getInvoiceById, getInvoiceLines, isLateCallsLine, listBillingSubtree } from '@/lib/db/queries/invoices';
import { claimNotificationMails, getEventRecipientsByAccount, setNotificationMailMessage } from '@/lib/db/queries/notifications';
import type { Invoice, InvoiceLine } from '@/lib/db/schema';
import { getEnv } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { formatDate } from '@/lib/format';
import { log } from '@/lib/log';
import { getDocumentStorage } from '@/lib/storage/documents';
import { DEFAULT_NOTIFICATION_CHOICE } from '@/lib/views/notifications';
import { getInvoiceFor, onInvoiceIssued } from './invoices';
import { deliverMail, queueMail, type MailMessage } from './mail';

/** The carrier's name on its invoices (the portal's name everywhere else too). */
export const INVOICE_CARRIER_NAME = 'Carrier Portal';
/** Rated calls read per keyset page while the CSV streams. */
export const RATED_CALLS_CSV_BATCH = 5000;

export interface InvoiceDocument {
  invoice: Invoice;
  lines: InvoiceLine[];
  sections: { accountId: string; name: string }[];
}

export interface InvoiceFile {
  bytes: Uint8Array;
  filename: string;
  contentType: string;
}

const PDF = 'application/pdf';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Where an issued invoice's PDF lives in document storage. */
export function invoicePdfKey(invoice: Pick<Invoice, 'billingAccountId' | 'id'>): string {
  return `invoices/${invoice.billingAccountId.toLowerCase()}/${invoice.id.toLowerCase()}.pdf`;
}

/** The invoice with its lines and sections, read without a caller (the issue hook; staff). */
async function loadInvoiceDocument(db: Db, invoice: Invoice): Promise<InvoiceDocument> {
  const [lines, subtree] = await Promise.all([getInvoiceLines(db, { invoiceId: invoice.id }), listBillingSubtree(db, { billingAccountId: invoice.billingAccountId })]);
  const present = new Set(lines.map((line) => line.accountId));
  return { invoice, lines, sections: subtree.filter((account) => present.has(account.id)).map((account) => ({ accountId: account.id, name: account.name })) };
}

async function billToOf(db: Db, invoice: Invoice): Promise<string> {
  return (await getAccountById(db, { accountId: invoice.billingAccountId }))?.name ?? 'Account';
}

async function renderPdf(db: Db, document: InvoiceDocument): Promise<Buffer> {
  return renderInvoicePdf({ carrierName: INVOICE_CARRIER_NAME, billTo: await billToOf(db, document.invoice), ...document });
}

/**
 * The issued invoice's PDF, rendered and stored once; its key written on the invoice (the
 * database lets that column be set once after issue). Answers the stored bytes.
 */
async function storeIssuedPdf(db: Db, document: InvoiceDocument): Promise<Uint8Array> {
  const { invoice } = document;
  const key = invoicePdfKey(invoice);
  const storage = getDocumentStorage();
  const existing = await storage.get(key);
  if (existing) {
    if (!invoice.pdfStorageKey) await setInvoicePdfStorageKey(db, { invoiceId: invoice.id, key });
    return existing.bytes;
  }
  const bytes = await renderPdf(db, document);
  await storage.put(key, bytes, { contentType: PDF });
  await setInvoicePdfStorageKey(db, { invoiceId: invoice.id, key });
  return bytes;
}

async function pdfOf(db: Db, document: InvoiceDocument): Promise<Uint8Array> {
  const { invoice } = document;
  if (invoice.status !== 'issued') return renderPdf(db, document);
  if (invoice.pdfStorageKey) {
    const stored = await getDocumentStorage().get(invoice.pdfStorageKey);
    if (stored) return stored.bytes;
    log.error('invoice_documents.pdf_missing', { invoiceId: invoice.id, key: invoice.pdfStorageKey });
  }
  // Issued before this module was loaded, or its storage failed at issue: stored now, once.
  return storeIssuedPdf(db, document);
}

/**
 * Who reads: a caller in an account (session or API key: the billing account's money roles only,
 * everyone else not found), or operator staff (every account's invoices, for the operator pages).
 */
export type InvoiceReader = { access: AccountAccess } | { staff: { isOperatorStaff: boolean } };

async function documentFor(reader: InvoiceReader, invoiceId: string): Promise<InvoiceDocument> {
  if ('access' in reader) return getInvoiceFor(reader.access, invoiceId);
  if (!reader.staff.isOperatorStaff) throw new AppError('not_found:invoice');
  const db = await getDb();
  const invoice = UUID.test(invoiceId) ? await getInvoiceById(db, { invoiceId }) : undefined;
  if (!invoice) throw new AppError('not_found:invoice');
  return loadInvoiceDocument(db, invoice);
}

/** The invoice with its lines, sections and the billing account's name (the API's JSON). */
export async function getInvoiceDetail(reader: InvoiceReader, invoiceId: string): Promise<InvoiceDocument & { billingAccount: { id: string; name: string } }> {
  const document = await documentFor(reader, invoiceId);
  const name = await billToOf(await getDb(), document.invoice);
  return { ...document, billingAccount: { id: document.invoice.billingAccountId, name } };
}

export async function getInvoicePdf(reader: InvoiceReader, invoiceId: string): Promise<InvoiceFile> {
  const document = await documentFor(reader, invoiceId);
  return { bytes: await pdfOf(await getDb(), document), filename: `${invoiceFileBase(document.invoice.number)}.pdf`, contentType: PDF };
}

export async function getInvoiceCsv(reader: InvoiceReader, invoiceId: string): Promise<InvoiceFile> {
  const document = await documentFor(reader, invoiceId);
  return { bytes: new TextEncoder().encode(invoiceCsv(document)), filename: `${invoiceFileBase(document.invoice.number)}.csv`, contentType: 'text/csv; charset=utf-8' };
}

const USAGE_KINDS = new Set<InvoiceLine['kind']>(['termination', 'origination']);

/** The calls a usage line sums, or nothing for a line that is not usage (DIDs, discounts, manual lines…). */
function usageLineKeyOf(line: InvoiceLine): UsageLineKey | undefined {
  if (!USAGE_KINDS.has(line.kind) || !line.direction) return undefined;
  if (isLateCallsLine(line)) return { accountId: line.accountId, direction: line.direction, price: null };
  if (!line.destination || !line.rateVersionId || !line.rate) return undefined;
  return { accountId: line.accountId, direction: line.direction, price: { destination: line.destination, rateVersionId: line.rateVersionId, rate: line.rate } };
}

/**
 * The rated calls behind an invoice (or one of its usage lines, `lineId`), as a CSV streamed a
 * keyset page at a time, with the price and never the cost: the calls it bills, of its subtree.
 * Those are the calls of earlier months received late (their invite times are before the period, so
 * they come first) and the calls of its period stored before the period was closed; a call of the
 * period stored after is on the invoice of the month it arrived in. An issued invoice's calls are
 * those stored by the time it was computed, so the file adds up to the invoice.
 */
export async function getRatedCallsCsv(
  reader: InvoiceReader,
  invoiceId: string,
  { lineId, batchSize = RATED_CALLS_CSV_BATCH }: { lineId?: string; batchSize?: number } = {},
): Promise<{ body: ReadableStream<Uint8Array>; filename: string }> {
  const { invoice, lines } = await documentFor(reader, invoiceId);
  let lineKey: UsageLineKey | undefined;
  let line: InvoiceLine | undefined;
  if (lineId !== undefined) {
    line = UUID.test(lineId) ? lines.find((candidate) => candidate.id === lineId.toLowerCase()) : undefined;
    lineKey = line && usageLineKeyOf(line);
    if (!lineKey) throw new AppError('not_found:invoice_line', 'That invoice has no usage line with this id.');
  }
  const db = await getDb();
  const subtree = await listBillingSubtree(db, { billingAccountId: invoice.billingAccountId });
  const names = new Map(subtree.map((account) => [account.id, account.name]));
  const accountIds = [...new Set([...subtree.map((account) => account.id), ...lines.map((candidate) => candidate.accountId)])];
  const parts: RatedCallsPart[] = !lineKey ? ['late', 'period'] : lineKey.price ? ['period'] : ['late'];
  const filters = parts.map(
    (part): RatedCallsFilter => ({
      billingAccountId: invoice.billingAccountId,
      accountIds,
      from: invoice.periodStart,
      to: invoice.periodEnd,
      part,
      ingestedBy: invoice.status === 'draft' ? undefined : invoice.generatedAt,
      line: lineKey,
    }),
  );
  const base = invoiceFileBase(invoice.number);
  return { body: ratedCallsStream(filters, { names, currency: invoice.currency, batchSize }), filename: line ? `${base}-line-${line.position}-calls.csv` : `${base}-calls.csv` };
}

/** The filters' calls one after the other, each a keyset page at a time. */
function ratedCallsStream(filters: RatedCallsFilter[], { names, currency, batchSize }: { names: Map<string, string>; currency: string; batchSize: number }): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let started = false;
  const pending = [...filters];
  let after: RatedCallPosition | undefined;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          if (!started) {
            started = true;
            controller.enqueue(encoder.encode(ratedCallsCsvHeader()));
            return;
          }
          // A pull that enqueues nothing is not pulled again: read on until a page has rows or all are read.
          for (let filter = pending[0]; filter; filter = pending[0]) {
            const rows = await getRatedCallsByAccounts(await getDb(), { filter, after, limit: batchSize });
            const last = rows.at(-1);
            if (rows.length < batchSize || !last) {
              pending.shift();
              after = undefined;
            } else after = { inviteAt: last.inviteAt, id: last.id };
            if (rows.length > 0) {
              let chunk = '';
              for (const row of rows) chunk += ratedCallCsvLine(row, { accountName: names.get(row.accountId) ?? '', currency });
              controller.enqueue(encoder.encode(chunk));
              if (pending.length === 0) controller.close();
              return;
            }
          }
          controller.close();
        } catch (error) {
          log.error('invoice_documents.calls_csv_failed', { error });
          controller.error(error);
        }
      },
    },
    { highWaterMark: 0 },
  );
}

/** The invoice's e-mail: what is due and by when, and where to download it (the mail layer sends no attachments). */
export function issuedInvoiceMail(invoice: Invoice, { accountName, appUrl }: { accountName: string; appUrl: string }): Omit<MailMessage, 'to'> {
  const credit = invoice.totalDueCents < 0;
  const amount = formatSignedCents(Math.abs(invoice.totalDueCents), invoice.currency);
  const due = credit ? `a credit balance of ${amount}` : `${amount} due${invoice.dueAt ? ` by ${formatDate(invoice.dueAt, 'long')}` : ''}`;
  const page = `${appUrl}/billing/invoices/${invoice.id}`;
  return {
    subject: `Invoice ${invoice.number} for ${accountName}: ${due}`,
    text: [
      `The invoice of ${accountName} for ${formatInvoicePeriod(invoice.periodStart, invoice.periodEnd)} is issued.`,
      '',
      `Invoice: ${invoice.number}`,
      `This period's charges: ${formatSignedCents(invoice.chargesCents, invoice.currency)}`,
      `Total: ${due}`,
      '',
      `Download the PDF: ${page}/pdf`,
      `The lines as CSV: ${page}/csv`,
      `Every rated call as CSV: ${page}/calls`,
      `The invoice in the portal: ${page}`,
      '',
      `Decimal total for your books: ${centsToDecimal(invoice.totalDueCents)} ${invoice.currency}.`,
    ].join('\n'),
  };
}

const MAILED_ROLES = new Set(['owner', 'finance']);

/**
 * E-mails the issued invoice to the billing account's owners and finance users who have not turned
 * invoice e-mails off. Each takes that user's notification e-mail of the issue event, so nobody gets
 * the invoice twice (admins still hear of it through the notification).
 */
async function mailIssuedInvoice(db: Db, invoice: Invoice): Promise<number> {
  const account = await getAccountById(db, { accountId: invoice.billingAccountId });
  if (!account) return 0;
  const eventId = await getInvoiceIssuedEventId(db, { billingAccountId: invoice.billingAccountId, invoiceId: invoice.id });
  const mail = issuedInvoiceMail(invoice, { accountName: account.name, appUrl: getEnv().appUrl });
  const queued = await db.transaction(async (tx) => {
    const rows = await getEventRecipientsByAccount(tx, { accountId: invoice.billingAccountId, eventType: 'invoice.issued' });
    const byUser = new Map<string, { email: string; mailed: boolean; wantsEmail: boolean }>();
    for (const row of rows) {
      const entry = byUser.get(row.userId) ?? { email: row.email, mailed: false, wantsEmail: row.emailChoice ?? DEFAULT_NOTIFICATION_CHOICE['invoice.issued'].email };
      entry.mailed ||= MAILED_ROLES.has(row.role);
      byUser.set(row.userId, entry);
    }
    const wanted = [...byUser].filter(([, entry]) => entry.mailed && entry.wantsEmail).map(([userId]) => userId);
    const claimed = eventId ? await claimNotificationMails(tx, { eventId, userIds: wanted }) : wanted;
    const messages: { id: string; message: MailMessage }[] = [];
    for (const userId of claimed) {
      const message = { to: byUser.get(userId)!.email, ...mail };
      const id = await queueMail(tx, message);
      if (eventId) await setNotificationMailMessage(tx, { userId, eventId, outboxMessageId: id });
      messages.push({ id, message });
    }
    return messages;
  });
  for (const { id, message } of queued) await deliverMail(db, id, message);
  return queued.length;
}

/**
 * After an issue commits: the PDF stored, then the e-mail. A failure is logged and leaves the issue
 * as it is (the PDF is stored on its first download instead); it never undoes or fails the issue.
 */
export async function deliverIssuedInvoice(invoice: Invoice): Promise<{ stored: boolean; mailed: number }> {
  const db = await getDb();
  let stored = false;
  try {
    const current = (await getInvoiceById(db, { invoiceId: invoice.id })) ?? invoice;
    await storeIssuedPdf(db, await loadInvoiceDocument(db, current));
    stored = true;
  } catch (error) {
    log.error('invoice_documents.store_failed', { invoiceId: invoice.id, error });
  }
  let mailed = 0;
  try {
    mailed = await mailIssuedInvoice(db, invoice);
  } catch (error) {
    log.error('invoice_documents.mail_failed', { invoiceId: invoice.id, error });
  }
  return { stored, mailed };
}

onInvoiceIssued(async (invoice) => {
  await deliverIssuedInvoice(invoice);
});
