/**
 * An invoice as a PDF (pdfkit, laid out by hand): the carrier and the invoice's number on every
 * page, bill-to and dates on the first, a section per account with its lines, the totals, "Page N
 * of M" in every footer. Drafts carry a DRAFT watermark, voids VOID, paid invoices a PAID stamp.
 *
 * The built-in Helvetica encodes WinAnsi only: names in other scripts are written without their
 * accents (Łódź → Lódz) rather than as garbage, and a credit's minus is an en dash.
 */
import PDFDocument from 'pdfkit';
import type { Invoice, InvoiceLine } from '@/lib/db/schema';
import { formatDate } from '@/lib/format';
import { formatInvoicePeriod, formatPercent, formatSignedCents, lineDetailText, lineQuantityText } from './invoice-text';

export interface InvoicePdfInput {
  /** Whose invoice it is: the carrier running the portal. */
  carrierName: string;
  /** The billing account's name. */
  billTo: string;
  invoice: Invoice;
  /** Accounts in the order their sections appear (the billing account first). */
  sections: { accountId: string; name: string }[];
  lines: InvoiceLine[];
}

const PAGE = { width: 612, height: 792 };
const LEFT = 48;
const RIGHT = PAGE.width - 48;
const FOOTER_Y = PAGE.height - 40;
/** Nothing but the footer goes below this. */
const BOTTOM = PAGE.height - 64;
const COLUMNS = {
  description: { x: LEFT + 6, width: 262 },
  quantity: { x: LEFT + 274, width: 150 },
  amount: { x: RIGHT - 96, width: 90 },
};
const INK = '#0f172a';
const MUTED = '#64748b';
const RULE = '#cbd5e1';
const BAND = '#eef2ff';
const ACCENT = '#3730a3';

const WIN_ANSI_EXTRA = new Set('ŒœŠšŸŽžƒˆ˜–—‘’‚“”„†‡•…€‰‹›™');
const FOLDED: Record<string, string> = { Ł: 'L', ł: 'l', Đ: 'D', đ: 'd', ı: 'i', Ħ: 'H', ħ: 'h', '−': '–', '\u00a0': ' ' };

/** Text the standard fonts can show: WinAnsi kept, other letters without their accents, the rest as "?". */
export function pdfText(text: string): string {
  let out = '';
  for (const char of text.normalize('NFC')) {
    const code = char.codePointAt(0)!;
    if ((code >= 0x20 && code <= 0x7e) || (code >= 0xa1 && code <= 0xff) || WIN_ANSI_EXTRA.has(char)) out += char;
    else if (FOLDED[char] !== undefined) out += FOLDED[char];
    else if (code === 0x09 || code === 0x0a || code === 0x0d) out += ' ';
    else {
      const bare = char.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
      out += [...bare].every((part) => part.codePointAt(0)! >= 0x20 && part.codePointAt(0)! <= 0x7e) && bare ? bare : '?';
    }
  }
  return out;
}

const money = (cents: number, currency: string) => formatSignedCents(cents, currency, { minus: '–' });

type Doc = InstanceType<typeof PDFDocument>;

/** Renders the invoice; resolves with the PDF's bytes. */
export function renderInvoicePdf(input: InvoicePdfInput): Promise<Buffer> {
  const { invoice } = input;
  const doc = new PDFDocument({
    size: 'LETTER',
    // Bottom margin 0: pdfkit would start a page by itself when text passes it; pages are ours to break.
    margins: { top: 40, bottom: 0, left: LEFT, right: PAGE.width - RIGHT },
    bufferPages: true,
    info: {
      Title: pdfText(`Invoice ${invoice.number}`),
      Author: pdfText(input.carrierName),
      Subject: pdfText(`${input.billTo}: ${formatInvoicePeriod(invoice.periodStart, invoice.periodEnd)}`),
      CreationDate: invoice.issuedAt ?? invoice.generatedAt,
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  try {
    new InvoiceLayout(doc, input).draw();
    doc.end();
  } catch (error) {
    doc.end();
    return Promise.reject(error);
  }
  return done;
}

class InvoiceLayout {
  private y = 0;
  /** The section being drawn, repeated at the top of a page it continues on. */
  private openSection: string | undefined;

  constructor(
    private readonly doc: Doc,
    private readonly input: InvoicePdfInput,
  ) {}

  private get currency() {
    return this.input.invoice.currency;
  }

  draw() {
    this.pageHeader();
    this.summary();
    this.lines();
    this.totals();
    this.finishPages();
  }

  private text(value: string, x: number, y: number, options: PDFKit.Mixins.TextOptions & { font?: string; size?: number; color?: string } = {}) {
    const { font = 'Helvetica', size = 9, color = INK, ...rest } = options;
    const text = pdfText(value);
    this.doc.font(font).fontSize(size).fillColor(color);
    // Most cells fit on one line: placed by their measured width, without pdfkit's line wrapping (the slow part).
    const width = rest.width === undefined ? undefined : this.doc.widthOfString(text);
    if (width === undefined || width <= rest.width!) {
      const left = width === undefined ? x : rest.align === 'right' ? x + rest.width! - width : rest.align === 'center' ? x + (rest.width! - width) / 2 : x;
      this.doc.text(text, left, y, { lineBreak: false });
      return;
    }
    this.doc.text(text, x, y, { lineBreak: true, ...rest });
  }

  private heightOf(value: string, width: number, font = 'Helvetica', size = 9): number {
    const text = pdfText(value);
    this.doc.font(font).fontSize(size);
    return this.doc.widthOfString(text) <= width ? this.doc.currentLineHeight(true) : this.doc.heightOfString(text, { width });
  }

  /** The carrier and the invoice on top of every page. */
  private pageHeader() {
    const { invoice, carrierName } = this.input;
    this.text(carrierName, LEFT, 40, { font: 'Helvetica-Bold', size: 18, color: ACCENT });
    this.text('INVOICE', RIGHT - 220, 40, { font: 'Helvetica-Bold', size: 18, width: 220, align: 'right' });
    this.text(invoice.number, RIGHT - 220, 62, { size: 10, color: MUTED, width: 220, align: 'right' });
    this.doc.moveTo(LEFT, 82).lineTo(RIGHT, 82).lineWidth(1).strokeColor(RULE).stroke();
    this.y = 96;
  }

  /** Bill-to on the left, the invoice's facts on the right (first page only). */
  private summary() {
    const { invoice, billTo } = this.input;
    const top = this.y;
    this.text('BILL TO', LEFT, top, { font: 'Helvetica-Bold', size: 8, color: MUTED });
    this.text(billTo, LEFT, top + 12, { font: 'Helvetica-Bold', size: 12, width: 250 });
    const facts: [string, string][] = [
      ['Invoice number', invoice.number],
      ['Status', STATUS_WORDS[invoice.status]],
      ['Period', formatInvoicePeriod(invoice.periodStart, invoice.periodEnd)],
      ['Issue date', invoice.issuedAt ? formatDate(invoice.issuedAt, 'long') : 'Not issued (draft)'],
      ['Due date', invoice.dueAt ? formatDate(invoice.dueAt, 'long') : '—'],
      ['Currency', invoice.currency],
    ];
    if (invoice.status === 'paid' && invoice.paidAt) facts.push(['Paid', formatDate(invoice.paidAt, 'long')]);
    if (invoice.status === 'void' && invoice.voidedAt) facts.push(['Voided', formatDate(invoice.voidedAt, 'long')]);
    let y = top;
    for (const [label, value] of facts) {
      this.text(label, RIGHT - 250, y, { size: 9, color: MUTED });
      this.text(value, RIGHT - 150, y, { size: 9, width: 150, align: 'right', font: 'Helvetica-Bold' });
      y += 14;
    }
    if (invoice.status === 'void' && invoice.voidReason) {
      const reason = `Void: ${invoice.voidReason}`;
      this.text(reason, RIGHT - 250, y + 2, { size: 8, color: MUTED, width: 250 });
      y += this.heightOf(reason, 250, 'Helvetica', 8) + 4;
    }
    if (invoice.status === 'draft') {
      const note = `A draft as computed ${formatDate(invoice.generatedAt, 'long')}: its figures change until it is issued.`;
      this.text(note, LEFT, top + 34, { size: 8, color: MUTED, width: 250 });
    }
    this.y = Math.max(y, top + 60) + 16;
  }

  private columnHeader() {
    const y = this.y;
    this.text('DESCRIPTION', COLUMNS.description.x, y, { font: 'Helvetica-Bold', size: 8, color: MUTED });
    this.text('QUANTITY × PRICE', COLUMNS.quantity.x, y, { font: 'Helvetica-Bold', size: 8, color: MUTED, width: COLUMNS.quantity.width, align: 'right' });
    this.text('AMOUNT', COLUMNS.amount.x, y, { font: 'Helvetica-Bold', size: 8, color: MUTED, width: COLUMNS.amount.width, align: 'right' });
    this.doc.moveTo(LEFT, y + 12).lineTo(RIGHT, y + 12).lineWidth(0.75).strokeColor(RULE).stroke();
    this.y = y + 18;
  }

  /** A new page when `height` does not fit: header again, and the table's heading when inside it. */
  private ensureSpace(height: number, { inTable = true }: { inTable?: boolean } = {}) {
    if (this.y + height <= BOTTOM) return;
    this.doc.addPage({ size: 'LETTER', margins: { top: 40, bottom: 0, left: LEFT, right: PAGE.width - RIGHT } });
    this.pageHeader();
    if (!inTable) return;
    this.columnHeader();
    if (this.openSection) this.sectionBand(`${this.openSection} (continued)`);
  }

  private sectionBand(name: string) {
    this.doc.rect(LEFT, this.y, RIGHT - LEFT, 18).fill(BAND);
    this.text(name, COLUMNS.description.x, this.y + 5, { font: 'Helvetica-Bold', size: 9, color: ACCENT, width: RIGHT - LEFT - 12, height: 12, ellipsis: true });
    this.y += 22;
  }

  private lines() {
    const { sections, lines, invoice } = this.input;
    this.columnHeader();
    if (lines.length === 0) {
      this.text('Nothing was billed in this period.', COLUMNS.description.x, this.y + 4, { color: MUTED });
      this.y += 22;
      return;
    }
    const known = new Set(sections.map((section) => section.accountId));
    // A line whose account is no longer in the subtree (moved away) still shows, in a section of its own.
    const orphans = [...new Set(lines.filter((line) => !known.has(line.accountId)).map((line) => line.accountId))].map((accountId) => ({ accountId, name: 'Other account' }));
    const ordered = [...sections, ...orphans];
    for (const section of ordered) {
      const own = lines.filter((line) => line.accountId === section.accountId).sort((a, b) => a.position - b.position);
      if (own.length === 0) continue;
      this.ensureSpace(22 + 26);
      this.sectionBand(section.name);
      this.openSection = section.name;
      for (const line of own) this.line(line);
      if (ordered.length > 1) {
        const total = own.reduce((sum, line) => sum + line.amountCents, 0);
        this.ensureSpace(18);
        this.text(`Total for ${section.name}`, COLUMNS.description.x, this.y + 2, { font: 'Helvetica-Bold', size: 9, width: COLUMNS.quantity.x + COLUMNS.quantity.width - COLUMNS.description.x, height: 12, ellipsis: true });
        this.text(money(total, invoice.currency), COLUMNS.amount.x, this.y + 2, { font: 'Helvetica-Bold', size: 9, width: COLUMNS.amount.width, align: 'right' });
        this.y += 18;
      }
      this.openSection = undefined;
      this.y += 6;
    }
  }

  private line(line: InvoiceLine) {
    const description = line.description;
    const detail = lineDetailText(line);
    const quantity = lineQuantityText(line, this.currency);
    const descriptionHeight = this.heightOf(description, COLUMNS.description.width);
    const detailHeight = detail ? this.heightOf(detail, COLUMNS.description.width, 'Helvetica', 8) : 0;
    const quantityHeight = quantity ? this.heightOf(quantity, COLUMNS.quantity.width) : 0;
    const height = Math.max(descriptionHeight + (detail ? detailHeight + 2 : 0), quantityHeight) + 8;
    this.ensureSpace(height);
    const top = this.y + 3;
    this.text(description, COLUMNS.description.x, top, { width: COLUMNS.description.width });
    if (detail) this.text(detail, COLUMNS.description.x, top + descriptionHeight + 2, { size: 8, color: MUTED, width: COLUMNS.description.width });
    if (quantity) this.text(quantity, COLUMNS.quantity.x, top, { width: COLUMNS.quantity.width, align: 'right' });
    this.text(money(line.amountCents, this.currency), COLUMNS.amount.x, top, { width: COLUMNS.amount.width, align: 'right' });
    this.y += height;
    this.doc.moveTo(LEFT, this.y).lineTo(RIGHT, this.y).lineWidth(0.25).strokeColor(RULE).stroke();
  }

  private totals() {
    const { invoice } = this.input;
    const taxLabel = Number(invoice.taxRatePercent) === 0 ? invoice.taxName : `${invoice.taxName} (${formatPercent(invoice.taxRatePercent)}%)`;
    const rows: [string, number][] = [
      ['Subtotal', invoice.subtotalCents],
      ['Discounts', -invoice.discountCents],
      [taxLabel, invoice.taxCents],
      ['Credits', -invoice.creditCents],
      ['This period’s charges', invoice.chargesCents],
      ['Previous balance', invoice.previousBalanceCents],
      ['Payments received', -invoice.paymentsCents],
    ];
    const height = rows.length * 16 + 44;
    this.ensureSpace(height + 12, { inTable: false });
    this.y += 10;
    const labelX = RIGHT - 270;
    for (const [label, cents] of rows) {
      const strong = label === 'This period’s charges';
      if (strong) this.doc.moveTo(labelX, this.y - 2).lineTo(RIGHT, this.y - 2).lineWidth(0.5).strokeColor(RULE).stroke();
      this.text(label, labelX, this.y + 2, { size: 9, color: strong ? INK : MUTED, font: strong ? 'Helvetica-Bold' : 'Helvetica' });
      this.text(money(cents, invoice.currency), COLUMNS.amount.x - 40, this.y + 2, { size: 9, width: COLUMNS.amount.width + 40, align: 'right', font: strong ? 'Helvetica-Bold' : 'Helvetica' });
      this.y += 16;
    }
    this.y += 4;
    this.doc.rect(labelX - 8, this.y, RIGHT - labelX + 8, 28).fill(BAND);
    const credit = invoice.totalDueCents < 0;
    this.text(credit ? 'CREDIT BALANCE' : 'TOTAL DUE', labelX, this.y + 9, { font: 'Helvetica-Bold', size: 11, color: ACCENT });
    this.text(money(credit ? -invoice.totalDueCents : invoice.totalDueCents, invoice.currency), COLUMNS.amount.x - 60, this.y + 8, { font: 'Helvetica-Bold', size: 12, width: COLUMNS.amount.width + 60, align: 'right' });
    this.y += 36;
    if (invoice.dueAt && !credit && invoice.status === 'issued') {
      this.text(`Please pay by ${formatDate(invoice.dueAt, 'long')}, quoting ${invoice.number}.`, labelX, this.y, { size: 8, color: MUTED, width: RIGHT - labelX });
      this.y += 14;
    }
  }

  /** Footers ("Page N of M") and the status marks, once every page exists. */
  private finishPages() {
    const { invoice, carrierName } = this.input;
    const range = this.doc.bufferedPageRange();
    for (let index = range.start; index < range.start + range.count; index++) {
      this.doc.switchToPage(index);
      this.doc.moveTo(LEFT, FOOTER_Y - 8).lineTo(RIGHT, FOOTER_Y - 8).lineWidth(0.5).strokeColor(RULE).stroke();
      this.text(`${carrierName} · ${invoice.number}`, LEFT, FOOTER_Y, { size: 8, color: MUTED, width: 300, height: 10, ellipsis: true });
      this.text(`Page ${index - range.start + 1} of ${range.count}`, RIGHT - 150, FOOTER_Y, { size: 8, color: MUTED, width: 150, align: 'right' });
      if (invoice.status === 'draft' || invoice.status === 'void') this.watermark(invoice.status === 'draft' ? 'DRAFT' : 'VOID');
      if (invoice.status === 'paid' && index === range.start) this.paidStamp();
    }
  }

  private watermark(word: string) {
    const doc = this.doc;
    doc.save();
    doc.rotate(-35, { origin: [PAGE.width / 2, PAGE.height / 2] });
    doc.fillOpacity(0.1);
    this.text(word, 0, PAGE.height / 2 - 60, { font: 'Helvetica-Bold', size: 120, color: word === 'VOID' ? '#b91c1c' : '#475569', width: PAGE.width, align: 'center' });
    doc.restore();
  }

  private paidStamp() {
    const { invoice } = this.input;
    const doc = this.doc;
    const x = LEFT + 96;
    const y = 116;
    doc.save();
    doc.rotate(-12, { origin: [x + 60, y + 22] });
    doc.lineWidth(2.5).strokeColor('#15803d').strokeOpacity(0.85).roundedRect(x, y, 120, 44, 6).stroke();
    this.text('PAID', x, y + 6, { font: 'Helvetica-Bold', size: 20, color: '#15803d', width: 120, align: 'center' });
    if (invoice.paidAt) this.text(formatDate(invoice.paidAt), x, y + 29, { font: 'Helvetica-Bold', size: 8, color: '#15803d', width: 120, align: 'center' });
    doc.restore();
  }
}

const STATUS_WORDS: Record<Invoice['status'], string> = { draft: 'Draft', issued: 'Issued', paid: 'Paid', void: 'Void' };
