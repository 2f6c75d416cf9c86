/**
 * The Letter of Agency (LOA) a port-in generates from what the wizard collected, as US carriers
 * print one: the new carrier, the subscriber and whoever signs for it, the losing carrier's account
 * (account number, BTN; the PIN never: "provided separately"), every number to port (pages of them
 * for 1,000), a partial port's numbers that stay, the requested FOC date, and the authorisation
 * paragraph above the signature. Signed in the browser, the same letter gets a signature block with
 * the drawn signature, the typed name, when (UTC), from which address and browser, and the SHA-256
 * of the unsigned letter, so anyone holding the inputs can render it again and compare hashes.
 */
import 'server-only';
import { createHash } from 'node:crypto';
import PDFDocument from 'pdfkit';
import { pdfText } from '@/lib/billing/invoice-pdf';
import { formatDate } from '@/lib/format';
import { formatPhoneNumber } from '@/lib/phone-numbers';

export interface LoaAddress {
  street: string;
  unit?: string;
  city: string;
  state: string;
  postalCode: string;
  country: string;
}

export interface LoaInput {
  /** The new (winning) carrier: the one running the portal. */
  carrierName: string;
  subscriberName: string;
  subscriberType: 'business' | 'residential';
  authorizedPerson: string;
  losingCarrier: string | null;
  accountNumber: string;
  billingTelephoneNumber: string | null;
  serviceAddress: LoaAddress;
  /** E.164. */
  numbers: string[];
  partialPort: boolean;
  /** A partial port's numbers that stay with the losing carrier (E.164). */
  remainingNumbers: string[];
  /** `YYYY-MM-DD`, or null for the earliest date the carriers agree. */
  requestedFocDate: string | null;
  /** The port's reference, printed on every page. */
  reference: string;
}

export interface LoaSignature {
  /** The legal signature: the name the signer typed. */
  typedName: string;
  /** The drawn signature (PNG, as lib/ports/signature.ts re-encoded it). */
  signaturePng: Buffer;
  signedAt: Date;
  ipAddress: string | null;
  userAgent: string | null;
}

export interface SignedLoa {
  pdf: Buffer;
  /** Hex SHA-256 of the unsigned letter (rendered with the signing time as its creation date), printed in the signature block. */
  unsignedSha256: string;
  /** Hex SHA-256 of `pdf`. */
  signedSha256: string;
}

const PAGE = { width: 612, height: 792 };
const LEFT = 54;
const RIGHT = PAGE.width - 54;
const WIDTH = RIGHT - LEFT;
const TOP = 40;
const FOOTER_Y = PAGE.height - 40;
/** Nothing but the footer goes below this. */
const BOTTOM = PAGE.height - 62;
const NUMBER_COLUMNS = 4;
const NUMBER_ROW = 14;
const INK = '#0f172a';
const MUTED = '#64748b';
const RULE = '#cbd5e1';
const BAND = '#eef2ff';
const ACCENT = '#3730a3';
const MAX_USER_AGENT_CHARS = 400;

type Doc = InstanceType<typeof PDFDocument>;

/** pdfText folds line breaks into spaces; a value's own lines are kept. */
const pdfLines = (value: string) => value.split('\n').map(pdfText).join('\n');
type TextOptions = PDFKit.Mixins.TextOptions & { font?: string; size?: number; color?: string };

const sha256Of = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * The unsigned letter: to review, or to print, sign by hand and upload. `createdAt` is its PDF
 * creation date (now by default); the same input and date always give the same bytes.
 */
export function renderLoaPdf(input: LoaInput, { createdAt = new Date() }: { createdAt?: Date } = {}): Promise<Buffer> {
  return render(input, createdAt, undefined);
}

/** The letter signed in the browser; the unsigned letter it attests is rendered at the signing time. */
export async function renderSignedLoaPdf(input: LoaInput, signature: LoaSignature): Promise<SignedLoa> {
  const unsigned = await renderLoaPdf(input, { createdAt: signature.signedAt });
  const unsignedSha256 = sha256Of(unsigned);
  const pdf = await render(input, signature.signedAt, { ...signature, unsignedSha256 });
  return { pdf, unsignedSha256, signedSha256: sha256Of(pdf) };
}

function render(input: LoaInput, createdAt: Date, signature: (LoaSignature & { unsignedSha256: string }) | undefined): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'LETTER',
    // Bottom margin 0: pdfkit would start a page by itself when text passes it; pages are ours to break.
    margins: { top: TOP, bottom: 0, left: LEFT, right: PAGE.width - RIGHT },
    bufferPages: true,
    info: {
      Title: pdfText(`Letter of Agency ${input.reference}`),
      Author: pdfText(input.carrierName),
      Subject: pdfText(`Port of ${input.numbers.length} ${input.numbers.length === 1 ? 'number' : 'numbers'} for ${input.subscriberName}`),
      // pdfkit derives the file ID from the info dictionary: a fixed date makes the bytes reproducible.
      CreationDate: createdAt,
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  try {
    new LoaLayout(doc, input, signature).draw();
    doc.end();
  } catch (error) {
    doc.end();
    return Promise.reject(error);
  }
  return done;
}

function focDateText(day: string | null): string {
  if (!day) return 'The earliest date the carriers agree';
  const date = new Date(`${day}T00:00:00Z`);
  return /^\d{4}-\d{2}-\d{2}$/.test(day) && !Number.isNaN(date.getTime()) ? formatDate(date, 'long') : day;
}

function addressLines({ street, unit, city, state, postalCode, country }: LoaAddress): string[] {
  return [[street, unit].filter((part) => part && part.trim()).join(', '), `${city}, ${state} ${postalCode}`, country];
}

class LoaLayout {
  private y = 0;

  constructor(
    private readonly doc: Doc,
    private readonly input: LoaInput,
    private readonly signature: (LoaSignature & { unsignedSha256: string }) | undefined,
  ) {}

  draw() {
    this.header(false);
    this.introduction();
    this.subscriber();
    this.account();
    this.portDetails();
    this.numberList(`Numbers to port (${this.input.numbers.length.toLocaleString('en-US')})`, this.input.numbers);
    if (this.input.partialPort) this.remaining();
    this.authorisation();
    this.footers();
  }

  private text(value: string, x: number, y: number, options: TextOptions = {}) {
    const { font = 'Helvetica', size = 10, color = INK, ...rest } = options;
    this.doc.font(font).fontSize(size).fillColor(color);
    this.doc.text(pdfLines(value), x, y, rest.width === undefined ? { lineBreak: false, ...rest } : { lineBreak: true, ...rest });
  }

  private heightOf(value: string, width: number, font = 'Helvetica', size = 10): number {
    this.doc.font(font).fontSize(size);
    return this.doc.heightOfString(pdfLines(value), { width });
  }

  private header(continued: boolean) {
    const { carrierName, reference } = this.input;
    this.text(carrierName, LEFT, TOP, { font: 'Helvetica-Bold', size: 16, color: ACCENT, width: WIDTH - 230, height: 20, ellipsis: true });
    this.text(continued ? 'LETTER OF AGENCY (continued)' : 'LETTER OF AGENCY', RIGHT - 230, TOP + 2, { font: 'Helvetica-Bold', size: 12, width: 230, align: 'right' });
    this.text(`Reference ${reference}`, RIGHT - 230, TOP + 20, { size: 9, color: MUTED, width: 230, align: 'right' });
    this.doc.moveTo(LEFT, TOP + 36).lineTo(RIGHT, TOP + 36).lineWidth(1).strokeColor(RULE).stroke();
    this.y = TOP + 48;
  }

  private newPage() {
    this.doc.addPage({ size: 'LETTER', margins: { top: TOP, bottom: 0, left: LEFT, right: PAGE.width - RIGHT } });
    this.header(true);
  }

  private ensureSpace(height: number): boolean {
    if (this.y + height <= BOTTOM) return false;
    this.newPage();
    return true;
  }

  private paragraph(value: string, options: { size?: number; color?: string; font?: string; gap?: number } = {}) {
    const { size = 10, color = INK, font = 'Helvetica', gap = 8 } = options;
    const height = this.heightOf(value, WIDTH, font, size);
    this.ensureSpace(height);
    this.text(value, LEFT, this.y, { width: WIDTH, size, color, font, lineGap: 1 });
    this.y += height + gap;
  }

  private heading(title: string) {
    this.ensureSpace(22 + 16);
    this.doc.rect(LEFT, this.y, WIDTH, 18).fill(BAND);
    this.text(title.toUpperCase(), LEFT + 6, this.y + 5, { font: 'Helvetica-Bold', size: 9, color: ACCENT });
    this.y += 24;
  }

  /** Label on the left, value (wrapping, several lines allowed) on the right. */
  private facts(rows: [string, string | string[]][]) {
    const labelWidth = 170;
    const valueX = LEFT + labelWidth;
    const valueWidth = WIDTH - labelWidth;
    for (const [label, value] of rows) {
      const lines = Array.isArray(value) ? value : [value];
      const text = lines.join('\n');
      const height = Math.max(this.heightOf(text, valueWidth, 'Helvetica-Bold'), 12) + 5;
      this.ensureSpace(height);
      this.text(label, LEFT + 6, this.y, { size: 9, color: MUTED });
      this.text(text, valueX, this.y, { font: 'Helvetica-Bold', width: valueWidth });
      this.y += height;
    }
    this.y += 8;
  }

  private introduction() {
    const { carrierName } = this.input;
    this.paragraph(`This Letter of Agency authorises ${carrierName} (the new carrier) to port the telephone numbers listed below from the current carrier to ${carrierName}, and to act for the subscriber with the current carrier to do so.`);
    this.y += 4;
  }

  private subscriber() {
    const { subscriberName, subscriberType, authorizedPerson, serviceAddress } = this.input;
    this.heading('Subscriber');
    this.facts([
      ['Subscriber name', subscriberName],
      ['Subscriber type', subscriberType === 'business' ? 'Business' : 'Residential'],
      ['Authorised person', authorizedPerson],
      ['Service address', addressLines(serviceAddress)],
    ]);
  }

  private account() {
    const { losingCarrier, accountNumber, billingTelephoneNumber } = this.input;
    this.heading('Current carrier account');
    this.facts([
      ['Current (losing) carrier', losingCarrier?.trim() || 'Not stated (see the attached bill)'],
      ['Account number', accountNumber],
      ['Billing telephone number (BTN)', billingTelephoneNumber ? formatPhoneNumber(billingTelephoneNumber) : 'Not provided'],
      // The PIN travels to the losing carrier with the order, never on paper that is emailed and filed.
      ['PIN / passcode', 'Provided separately'],
    ]);
  }

  private portDetails() {
    const { partialPort, requestedFocDate } = this.input;
    this.heading('Port');
    this.facts([
      ['Port type', partialPort ? 'Partial port: only the numbers listed below move' : 'Full port: every number on the account moves'],
      ['Requested port date (FOC)', focDateText(requestedFocDate)],
    ]);
  }

  private numberList(title: string, numbers: readonly string[]) {
    const columnWidth = WIDTH / NUMBER_COLUMNS;
    const draw = (continued: boolean) => {
      this.text(continued ? `${title} (continued)` : title, LEFT + 6, this.y, { font: 'Helvetica-Bold', size: 10 });
      this.y += 18;
    };
    this.ensureSpace(18 + NUMBER_ROW);
    draw(false);
    if (numbers.length === 0) {
      this.text('None', LEFT + 6, this.y, { color: MUTED });
      this.y += NUMBER_ROW + 8;
      return;
    }
    // Row by row, left to right: the order the wizard listed them in reads across each line.
    for (let start = 0; start < numbers.length; start += NUMBER_COLUMNS) {
      if (this.ensureSpace(NUMBER_ROW)) draw(true);
      numbers.slice(start, start + NUMBER_COLUMNS).forEach((number, column) => {
        this.text(formatPhoneNumber(number), LEFT + 6 + column * columnWidth, this.y, { font: 'Courier', size: 10 });
      });
      this.y += NUMBER_ROW;
    }
    this.y += 10;
  }

  private remaining() {
    const { losingCarrier, remainingNumbers, billingTelephoneNumber } = this.input;
    const carrier = losingCarrier?.trim() || 'the current carrier';
    this.heading('Partial port');
    const btn = billingTelephoneNumber ? `, including the billing telephone number ${formatPhoneNumber(billingTelephoneNumber)},` : '';
    this.paragraph(`This is a partial port. Only the numbers listed above are to be ported. The numbers below${btn} stay with ${carrier} on the existing account, which is to remain open with its service unchanged.`);
    this.numberList(`Numbers that stay with ${carrier} (${remainingNumbers.length.toLocaleString('en-US')})`, remainingNumbers);
  }

  private authorisationText(): string {
    const { carrierName, losingCarrier } = this.input;
    const current = losingCarrier?.trim() || 'my current carrier';
    return [
      `By signing below, I authorise ${carrierName} and its designated agents to act on my behalf to notify ${current} of my choice of ${carrierName} as the carrier for the telephone numbers listed above, and to have those numbers ported to ${carrierName}.`,
      `I understand that only one carrier may be designated for each telephone number; that porting ends the current carrier’s service on the ported numbers; that ${current} may charge for the change and that I remain responsible for any early termination fees and any balance owed to it; and that the numbers move on the date the carriers confirm (the FOC date), which may differ from the date requested.`,
      'I certify that I am the subscriber named above or am authorised to act for it, that I have the authority to change the carrier for these numbers, and that the information in this letter is true and accurate.',
    ].join('\n\n');
  }

  private authorisation() {
    const text = this.authorisationText();
    const block = this.signature ? this.signedBlockHeight() : 96;
    // The paragraph and the signature that accepts it stay on one page.
    this.ensureSpace(24 + this.heightOf(text, WIDTH) + 12 + block);
    this.heading('Authorisation');
    this.paragraph(text, { gap: 14 });
    if (this.signature) this.signedBlock(this.signature);
    else this.blankBlock();
  }

  /** Lines to sign on paper. */
  private blankBlock() {
    const { authorizedPerson } = this.input;
    const line = (label: string, x: number, width: number, y: number) => {
      this.doc.moveTo(x, y).lineTo(x + width, y).lineWidth(0.75).strokeColor(INK).stroke();
      this.text(label, x, y + 4, { size: 8, color: MUTED });
    };
    const top = this.y + 30;
    line('Signature of the authorised person', LEFT, 280, top);
    line('Date', LEFT + 310, WIDTH - 310, top);
    line('Printed name', LEFT, 280, top + 46);
    this.text(authorizedPerson, LEFT, top + 30, { size: 10 });
    line('Title', LEFT + 310, WIDTH - 310, top + 46);
    this.y = top + 66;
  }

  private signedRows(signature: LoaSignature & { unsignedSha256: string }): [string, string, string?][] {
    const userAgent = signature.userAgent ? signature.userAgent.slice(0, MAX_USER_AGENT_CHARS) : 'Not recorded';
    return [
      ['Typed name (legal signature)', signature.typedName, 'Helvetica-Bold'],
      ['Signed at (UTC)', signature.signedAt.toISOString()],
      ['IP address', signature.ipAddress ?? 'Not recorded'],
      ['User agent', userAgent],
      ['Document hash', `SHA-256 of the unsigned letter: ${signature.unsignedSha256}`, 'Courier'],
    ];
  }

  private signedBlockHeight(): number {
    const rows = this.signedRows(this.signature!);
    return 18 + 70 + 8 + rows.reduce((sum, [, value, font]) => sum + this.heightOf(value, WIDTH - 150, font ?? 'Helvetica', 8) + 4, 0) + 10;
  }

  private signedBlock(signature: LoaSignature & { unsignedSha256: string }) {
    const top = this.y;
    const height = this.signedBlockHeight();
    this.doc.roundedRect(LEFT, top, WIDTH, height, 4).lineWidth(0.75).strokeColor(RULE).stroke();
    this.text('SIGNED ELECTRONICALLY', LEFT + 10, top + 8, { font: 'Helvetica-Bold', size: 8, color: ACCENT });
    this.doc.image(signature.signaturePng, LEFT + 10, top + 20, { fit: [210, 70] });
    this.doc.moveTo(LEFT + 10, top + 92).lineTo(LEFT + 230, top + 92).lineWidth(0.5).strokeColor(MUTED).stroke();
    let y = top + 18 + 70 + 8;
    for (const [label, value, font] of this.signedRows(signature)) {
      this.text(label, LEFT + 10, y, { size: 8, color: MUTED });
      this.text(value, LEFT + 140, y, { size: 8, font: font ?? 'Helvetica', width: WIDTH - 150 });
      y += this.heightOf(value, WIDTH - 150, font ?? 'Helvetica', 8) + 4;
    }
    this.y = top + height + 8;
  }

  /** "Page N of M", the carrier and the reference, once every page exists. */
  private footers() {
    const { carrierName, reference } = this.input;
    const range = this.doc.bufferedPageRange();
    for (let index = range.start; index < range.start + range.count; index++) {
      this.doc.switchToPage(index);
      this.doc.moveTo(LEFT, FOOTER_Y - 8).lineTo(RIGHT, FOOTER_Y - 8).lineWidth(0.5).strokeColor(RULE).stroke();
      this.text(`${carrierName} · Letter of Agency · ${reference}`, LEFT, FOOTER_Y, { size: 8, color: MUTED, width: 360, height: 10, ellipsis: true });
      this.text(`Page ${index - range.start + 1} of ${range.count}`, RIGHT - 150, FOOTER_Y, { size: 8, color: MUTED, width: 150, align: 'right' });
    }
  }
}
