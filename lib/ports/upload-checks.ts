/**
 * The checks an uploaded port-in document (an LOA or a bill) passes before it is stored: PDF, PNG
 * or JPEG judged by its bytes (never its name or declared type), at most 10 MB, no file that is also
 * another format, PDFs without JavaScript, automatic actions, embedded files or encryption and that
 * a reader can open, images within a size a decoder can hold and re-encoded so that only pixels are
 * kept. Pure apart from CPU: nothing is written anywhere.
 */
import 'server-only';
import { createHash } from 'node:crypto';
import { constants as zlibConstants, inflateRawSync, inflateSync } from 'node:zlib';
import { PDFParse } from 'pdf-parse';
import sharp from 'sharp';
import { MAX_PORT_DOCUMENT_BYTES, type PortDocumentContentType } from './types';

export { DOCUMENT_ACCEPT } from './types';

/** An image decoder holds width × height × 4 bytes: 40 megapixels is 160 MB, a phone photo is 12. */
export const MAX_PORT_IMAGE_PIXELS = 40_000_000;
export const MAX_PORT_IMAGE_SIDE = 12_000;
/** The bill's text the readiness check compares names and addresses with: the first pages say it all. */
export const MAX_PORT_DOCUMENT_TEXT_CHARS = 20_000;
const PDF_TEXT_PAGES = 30;
const PDF_READ_TIMEOUT_MS = 15_000;
/** A compressed PDF stream may expand this far, and all of them together this far, before the file is refused. */
const MAX_INFLATED_STREAM_BYTES = 64 * 1024 * 1024;
const MAX_INFLATED_TOTAL_BYTES = 256 * 1024 * 1024;
const MAX_OBJECT_STREAM_BYTES = 32 * 1024 * 1024;
/** Where another format's signature counts: readers look for theirs in the first 1,024 bytes or at the end. */
const SIGNATURE_WINDOW = 1024;

export const PORT_DOCUMENT_REFUSAL_CODES = ['empty', 'too_large', 'unsupported_type', 'pdf_javascript', 'pdf_encrypted', 'polyglot', 'image_too_large', 'corrupt'] as const;
export type PortDocumentRefusalCode = (typeof PORT_DOCUMENT_REFUSAL_CODES)[number];

export interface InspectedDocument {
  ok: true;
  contentType: PortDocumentContentType;
  /** What gets stored: a PDF as uploaded, an image as re-encoded here. */
  bytes: Buffer;
  /** Hex SHA-256 of `bytes`. */
  sha256: string;
  pages?: number;
  /** A PDF's text (the first pages, at most MAX_PORT_DOCUMENT_TEXT_CHARS), empty for a scan without a text layer. */
  text?: string;
  width?: number;
  height?: number;
}

export interface RefusedDocument {
  ok: false;
  code: PortDocumentRefusalCode;
  /** A sentence for the customer: what is wrong and what to do. */
  message: string;
}

const REFUSALS: Record<PortDocumentRefusalCode, string> = {
  empty: 'This file is empty. Choose the file again and upload it.',
  too_large: 'This file is larger than 10 MB. Scan it at a lower resolution or save it as a smaller PDF, and upload that.',
  unsupported_type: 'We accept PDF, PNG and JPEG files only, judged by what the file contains rather than its name, and this file is none of them. Save or scan it as a PDF and upload that.',
  pdf_javascript: 'This PDF contains JavaScript, which we do not accept. Print it to a new PDF and upload that.',
  pdf_encrypted: 'This PDF is encrypted or protected by a password, which we do not accept. Remove the protection, or print it to a new PDF, and upload that.',
  polyglot: 'This file is also another kind of file at the same time, which we do not accept. Print or export it to a new PDF, PNG or JPEG and upload that.',
  image_too_large: 'This image is larger than 12,000 pixels on a side or 40 megapixels. Scale it down (a bill is legible at 2,000 pixels wide) and upload it again.',
  corrupt: 'This file could not be read: it may be damaged or incomplete. Save or scan it again and upload the new file.',
};

const ACTIVE_CONTENT_MESSAGE = {
  script: REFUSALS.pdf_javascript,
  action: 'This PDF contains actions that run when it is opened, which we do not accept. Print it to a new PDF and upload that.',
  attachment: 'This PDF contains embedded files or media, which we do not accept. Print it to a new PDF and upload that.',
  form: 'This PDF is an XFA form, which we do not accept. Print it to a new PDF and upload that.',
} as const;
type ActiveContent = keyof typeof ACTIVE_CONTENT_MESSAGE;

/** PDF names (compared after #xx escapes are decoded) that make a viewer run code, act by itself, or carry other files. */
const ACTIVE_NAMES: ReadonlyMap<string, ActiveContent> = new Map([
  ['JavaScript', 'script'],
  ['JS', 'script'],
  ['OpenAction', 'action'],
  ['AA', 'action'],
  ['Launch', 'action'],
  ['EmbeddedFile', 'attachment'],
  ['EmbeddedFiles', 'attachment'],
  ['RichMedia', 'attachment'],
  ['XFA', 'form'],
]);
const SEVERITY: readonly ActiveContent[] = ['script', 'action', 'attachment', 'form'];

function refuse(code: PortDocumentRefusalCode, message = REFUSALS[code]): RefusedDocument {
  return { ok: false, code, message };
}

const sha256Of = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Judges an uploaded document by its bytes; what it accepts comes back ready to store. */
export async function inspectPortDocument(input: Uint8Array): Promise<InspectedDocument | RefusedDocument> {
  if (input.byteLength === 0) return refuse('empty');
  if (input.byteLength > MAX_PORT_DOCUMENT_BYTES) return refuse('too_large');
  // Copied: the caller's buffer may be reused, and the stored bytes must be the ones checked.
  const bytes = Buffer.from(input);
  const contentType = sniffDocumentType(bytes);
  if (!contentType) return refuse('unsupported_type');
  if (carriesForeignFormat(bytes, contentType)) return refuse('polyglot');
  return contentType === 'application/pdf' ? inspectPdf(bytes) : inspectImage(bytes, contentType);
}

/** The type a file's first bytes declare, if it is one we accept. */
export function sniffDocumentType(bytes: Uint8Array): PortDocumentContentType | undefined {
  if (startsWith(bytes, PDF_MAGIC)) return 'application/pdf';
  if (startsWith(bytes, PNG_MAGIC)) return 'image/png';
  if (startsWith(bytes, JPEG_MAGIC)) return 'image/jpeg';
  return undefined;
}

// --- Magic bytes and polyglots ----------------------------------------------------------------------

const ascii = (text: string) => Buffer.from(text, 'latin1');
const PDF_MAGIC = ascii('%PDF-');
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const JPEG_MAGIC = Buffer.from([0xff, 0xd8, 0xff]);

function startsWith(bytes: Uint8Array, magic: Uint8Array, at = 0): boolean {
  if (bytes.length < at + magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (bytes[at + i] !== magic[i]) return false;
  return true;
}

interface ForeignSignature {
  bytes: Buffer;
  /** The accepted type whose own files may legitimately contain it. */
  ownType?: PortDocumentContentType;
  /** JPEG data sits in PDFs as images (DCTDecode); it is not a second format there. */
  notIn?: PortDocumentContentType;
}

const FOREIGN_SIGNATURES: ForeignSignature[] = [
  { bytes: PDF_MAGIC, ownType: 'application/pdf' },
  { bytes: PNG_MAGIC, ownType: 'image/png' },
  ...[0xe0, 0xe1, 0xdb, 0xee].map((marker) => ({ bytes: Buffer.from([0xff, 0xd8, 0xff, marker]), ownType: 'image/jpeg' as const, notIn: 'application/pdf' as const })),
  { bytes: ascii('GIF87a') },
  { bytes: ascii('GIF89a') },
  { bytes: ascii('PK\x03\x04') },
  { bytes: ascii('PK\x01\x02') },
  { bytes: ascii('PK\x05\x06') },
  { bytes: ascii('Rar!\x1a\x07') },
  { bytes: Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]) },
  { bytes: ascii('\x7fELF') },
];
/** Markup a browser would run if the file were ever served as HTML or SVG. */
const MARKUP = ['<script', '<html', '<!doctype html', '<iframe', '<svg', '<?php', '<body', '<object', '<embed'];

/**
 * A file whose magic says one format but that also carries another's signature where that format's
 * readers look for it: a JPEG with `%PDF-` inside, a PDF with a ZIP appended, markup in an image.
 */
function carriesForeignFormat(bytes: Buffer, type: PortDocumentContentType): boolean {
  const head = bytes.subarray(0, SIGNATURE_WINDOW);
  const tail = bytes.subarray(Math.max(0, bytes.length - SIGNATURE_WINDOW));
  for (const signature of FOREIGN_SIGNATURES) {
    if (signature.ownType === type || signature.notIn === type) continue;
    if (head.includes(signature.bytes) || tail.includes(signature.bytes)) return true;
  }
  const text = `${head.toString('latin1')}\u0000${tail.toString('latin1')}`.toLowerCase();
  if (MARKUP.some((tag) => text.includes(tag))) return true;
  return endsWithZipDirectory(bytes);
}

/** A ZIP's end-of-central-directory record closing the file: ZIP readers start from the end, so any file can end as one. */
function endsWithZipDirectory(bytes: Buffer): boolean {
  const record = ascii('PK\x05\x06');
  const from = Math.max(0, bytes.length - (22 + 0xffff));
  for (let at = bytes.lastIndexOf(record); at >= from; at = at > 0 ? bytes.lastIndexOf(record, at - 1) : -1) {
    if (at + 22 <= bytes.length && at + 22 + bytes.readUInt16LE(at + 20) === bytes.length) return true;
  }
  return false;
}

// --- Images -----------------------------------------------------------------------------------------

interface Dimensions {
  width: number;
  height: number;
}

/** Width and height from the IHDR chunk, which must come first. */
export function pngDimensions(bytes: Uint8Array): Dimensions | undefined {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.length < 33 || view.readUInt32BE(8) !== 13 || view.toString('latin1', 12, 16) !== 'IHDR') return undefined;
  const width = view.readUInt32BE(16);
  const height = view.readUInt32BE(20);
  return width > 0 && height > 0 ? { width, height } : undefined;
}

const JPEG_STANDALONE = new Set([0x01, 0xd0, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7]);
/** Start-of-frame markers: every SOFn but DHT (C4), JPG (C8) and DAC (CC). */
const JPEG_SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

/** Width and height from the first start-of-frame segment, found by walking the segments before the scan. */
export function jpegDimensions(bytes: Uint8Array): Dimensions | undefined {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 2;
  while (at < view.length) {
    if (view[at] !== 0xff) return undefined;
    while (view[at] === 0xff && at < view.length) at++;
    const marker = view[at++];
    if (marker === undefined) return undefined;
    if (JPEG_STANDALONE.has(marker)) continue;
    // The image data starts (SOS) or ends (EOI) before any frame said how large it is.
    if (marker === 0xda || marker === 0xd9 || at + 2 > view.length) return undefined;
    const length = view.readUInt16BE(at);
    if (length < 2 || at + length > view.length) return undefined;
    if (JPEG_SOF.has(marker)) {
      if (length < 7) return undefined;
      const height = view.readUInt16BE(at + 3);
      const width = view.readUInt16BE(at + 5);
      // Height 0 defers it to a DNL marker after the scan: no size to judge before decoding.
      return width > 0 && height > 0 ? { width, height } : undefined;
    }
    at += length;
  }
  return undefined;
}

const tooManyPixels = ({ width, height }: Dimensions) => width > MAX_PORT_IMAGE_SIDE || height > MAX_PORT_IMAGE_SIDE || width * height > MAX_PORT_IMAGE_PIXELS;

async function inspectImage(bytes: Buffer, contentType: 'image/png' | 'image/jpeg'): Promise<InspectedDocument | RefusedDocument> {
  // The header's size is judged before a decoder sees the file: a few KB can declare gigabytes of pixels.
  const declared = contentType === 'image/png' ? pngDimensions(bytes) : jpegDimensions(bytes);
  if (!declared) return refuse('corrupt');
  if (tooManyPixels(declared)) return refuse('image_too_large');
  try {
    // Second lock: the decoder refuses more pixels than allowed whatever the header said. Output
    // carries no metadata (sharp keeps none unless told), and .rotate() applies the EXIF orientation first.
    const image = sharp(bytes, { limitInputPixels: MAX_PORT_IMAGE_PIXELS }).rotate();
    const encoded = contentType === 'image/png' ? image.png({ compressionLevel: 9 }) : image.jpeg({ quality: 90 });
    const { data, info } = await encoded.toBuffer({ resolveWithObject: true });
    return { ok: true, contentType, bytes: data, sha256: sha256Of(data), width: info.width, height: info.height };
  } catch (error) {
    if (error instanceof Error && /pixel limit/i.test(error.message)) return refuse('image_too_large');
    return refuse('corrupt');
  }
}

// --- PDFs -------------------------------------------------------------------------------------------

async function inspectPdf(bytes: Buffer): Promise<InspectedDocument | RefusedDocument> {
  const scan = scanPdf(bytes);
  if (scan.encrypted) return refuse('pdf_encrypted');
  if (scan.active.size > 0) return refuseActive(scan.active);
  if (scan.hiddenBudget <= 0) return refuse('corrupt', UNCHECKABLE_PDF);
  const expanded = scanCompressedStreams(bytes, scan);
  if (expanded !== 'ok') return refuse('corrupt', expanded === 'too_large' ? 'This PDF contains a compressed part that expands far beyond any bill or LOA, which we do not accept. Print it to a new PDF and upload that.' : UNCHECKABLE_PDF);
  if (scan.active.size > 0) return refuseActive(scan.active);
  const read = await readPdfText(bytes);
  if (read === 'timeout') return refuse('corrupt', 'This PDF took too long to read. Print it to a new PDF and upload that.');
  if (!read || read.pages === 0) return refuse('corrupt');
  return { ok: true, contentType: 'application/pdf', bytes, sha256: sha256Of(bytes), pages: read.pages, text: read.text };
}

const UNCHECKABLE_PDF = 'This PDF has parts we cannot check. Print it to a new PDF and upload that.';

function refuseActive(found: ReadonlySet<ActiveContent>): RefusedDocument {
  const worst = SEVERITY.find((kind) => found.has(kind)) ?? 'script';
  return refuse('pdf_javascript', ACTIVE_CONTENT_MESSAGE[worst]);
}

async function readPdfText(bytes: Buffer): Promise<{ pages: number; text: string } | 'timeout' | undefined> {
  const parser = new PDFParse({
    // pdf.js may take ownership of the array it is given: a copy keeps the stored bytes whole.
    data: new Uint8Array(bytes),
    isEvalSupported: false,
    enableXfa: false,
    useSystemFonts: false,
    disableFontFace: true,
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), PDF_READ_TIMEOUT_MS);
  });
  try {
    const result = await Promise.race([parser.getText({ first: PDF_TEXT_PAGES }), timeout]);
    if (result === 'timeout') return 'timeout';
    return { pages: result.total, text: trimText(result.text) };
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
    await parser.destroy().catch(() => undefined);
  }
}

function trimText(text: string): string {
  const tidy = text
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  if (tidy.length <= MAX_PORT_DOCUMENT_TEXT_CHARS) return tidy;
  const cut = tidy.slice(0, MAX_PORT_DOCUMENT_TEXT_CHARS);
  // Never end on half a surrogate pair.
  return /[\ud800-\udbff]$/.test(cut) ? cut.slice(0, -1) : cut;
}

/*
 * The PDF is read as a PDF reader's lexer would: comments and strings skipped (a bill may well say
 * "JavaScript" in its text), names decoded (`/J#61vaScript` is `/JavaScript`), stream data stepped
 * over. Then three places an attacker hides a name are opened too: objects whose header sits inside
 * another object's stream data (a reader reaches them through the cross-reference table), and
 * compressed object streams, which hold whole dictionaries out of sight of a byte scan.
 */

interface StreamRegion {
  dataStart: number;
  dataEnd: number;
  filters: string[];
  /** DecodeParms with a predictor: bytes to undo after inflating. */
  predicted: boolean;
  /** An object stream (/Type /ObjStm, or /N and /First, which is all a reader asks of one). */
  objectStream: boolean;
}

interface PdfScan {
  encrypted: boolean;
  active: Set<ActiveContent>;
  streams: StreamRegion[];
  /** Tokens the hidden-object passes may still read: no real PDF hides objects, so a file that keeps asking is refused. */
  hiddenBudget: number;
}

type Token =
  | { kind: 'name'; value: string }
  | { kind: 'word'; value: string; end: number }
  | { kind: 'dict-open' | 'dict-close' | 'array-open' | 'array-close' | 'string' };

const WHITESPACE = new Set([0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]);
const DELIMITERS = new Set([0x28, 0x29, 0x3c, 0x3e, 0x5b, 0x5d, 0x7b, 0x7d, 0x2f, 0x25]);
const isRegular = (byte: number) => !WHITESPACE.has(byte) && !DELIMITERS.has(byte);
const hexValue = (byte: number) => (byte >= 0x30 && byte <= 0x39 ? byte - 0x30 : byte >= 0x41 && byte <= 0x46 ? byte - 0x37 : byte >= 0x61 && byte <= 0x66 ? byte - 0x57 : -1);

class PdfLexer {
  private readonly view: Buffer;

  constructor(
    private readonly bytes: Uint8Array,
    public position: number,
    private readonly end: number,
  ) {
    this.view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  next(): Token | undefined {
    const { bytes, end } = this;
    while (this.position < end) {
      const byte = bytes[this.position]!;
      if (WHITESPACE.has(byte)) {
        this.position++;
        continue;
      }
      if (byte === 0x25) {
        while (this.position < end && bytes[this.position] !== 0x0a && bytes[this.position] !== 0x0d) this.position++;
        continue;
      }
      const following = bytes[this.position + 1];
      switch (byte) {
        case 0x2f:
          return this.name();
        case 0x28:
          this.skipLiteralString();
          return { kind: 'string' };
        case 0x3c:
          if (following === 0x3c) {
            this.position += 2;
            return { kind: 'dict-open' };
          }
          while (this.position < end && bytes[this.position] !== 0x3e) this.position++;
          this.position++;
          return { kind: 'string' };
        case 0x3e:
          this.position += following === 0x3e ? 2 : 1;
          if (following === 0x3e) return { kind: 'dict-close' };
          continue;
        case 0x5b:
          this.position++;
          return { kind: 'array-open' };
        case 0x5d:
          this.position++;
          return { kind: 'array-close' };
        case 0x29:
        case 0x7b:
        case 0x7d:
          this.position++;
          continue;
        default: {
          const start = this.position;
          while (this.position < end && isRegular(bytes[this.position]!)) this.position++;
          return { kind: 'word', value: this.view.toString('latin1', start, this.position), end: this.position };
        }
      }
    }
    return undefined;
  }

  private name(): Token {
    const { bytes, end } = this;
    this.position++;
    let value = '';
    while (this.position < end && isRegular(bytes[this.position]!)) {
      const byte = bytes[this.position]!;
      const high = byte === 0x23 ? hexValue(bytes[this.position + 1] ?? 0) : -1;
      const low = byte === 0x23 ? hexValue(bytes[this.position + 2] ?? 0) : -1;
      if (high >= 0 && low >= 0) {
        value += String.fromCharCode(high * 16 + low);
        this.position += 3;
      } else {
        value += String.fromCharCode(byte);
        this.position++;
      }
    }
    return { kind: 'name', value };
  }

  private skipLiteralString() {
    const { bytes, end } = this;
    let depth = 0;
    while (this.position < end) {
      const byte = bytes[this.position++]!;
      if (byte === 0x5c) this.position++;
      else if (byte === 0x28) depth++;
      else if (byte === 0x29 && --depth === 0) return;
    }
  }
}

/** The names and streams of every object: the file's own, then any hidden inside stream data. */
function scanPdf(bytes: Buffer): PdfScan {
  const scan: PdfScan = { encrypted: false, active: new Set(), streams: [], hiddenBudget: MAX_HIDDEN_OBJECT_TOKENS };
  scanObjects(bytes, 0, bytes.length, scan, false);
  const headers = /\d+\s+\d+\s+obj\b/g;
  const visited = new Set<number>();
  for (let index = 0; index < scan.streams.length; index++) {
    const region = scan.streams[index]!;
    const data = bytes.toString('latin1', region.dataStart, region.dataEnd);
    for (const match of data.matchAll(headers)) {
      const at = region.dataStart + match.index;
      if (visited.has(at)) continue;
      visited.add(at);
      scanObjects(bytes, at, bytes.length, scan, true);
      if (scan.hiddenBudget <= 0) return scan;
    }
  }
  return scan;
}

const MAX_OBJECT_TOKENS = 8192;
const MAX_HIDDEN_OBJECT_TOKENS = 1_000_000;

function scanObjects(bytes: Uint8Array, start: number, end: number, scan: PdfScan, oneObject: boolean) {
  const lexer = new PdfLexer(bytes, start, end);
  let objectTokens: Token[] = [];
  // A document may open on a page (a destination array) harmlessly; only an action object is refused.
  let openActionPending = false;
  let objects = 0;
  for (let token = lexer.next(); token; token = lexer.next()) {
    if (oneObject && --scan.hiddenBudget <= 0) return;
    if (openActionPending) {
      openActionPending = false;
      if (token.kind !== 'array-open') scan.active.add('action');
    }
    if (token.kind === 'name') {
      if (token.value === 'Encrypt') scan.encrypted = true;
      const active = ACTIVE_NAMES.get(token.value);
      if (token.value === 'OpenAction') openActionPending = true;
      else if (active) scan.active.add(active);
    }
    if (token.kind === 'word' && token.value === 'obj') {
      // A hidden object ends at its endobj, or where the next object begins if it has none.
      if (oneObject && ++objects > 1) return;
      objectTokens = [];
      continue;
    }
    if (token.kind === 'word' && token.value === 'endobj') {
      if (oneObject) return;
      objectTokens = [];
      continue;
    }
    if (token.kind === 'word' && token.value === 'stream') {
      const region = streamRegion(bytes, token.end, end, dictionaryOf(objectTokens));
      scan.streams.push(region.region);
      lexer.position = region.after;
      objectTokens = [];
      continue;
    }
    objectTokens.push(token);
    // Only the dictionary just before `stream` is ever read: a file of endless tokens must not hold them all.
    if (objectTokens.length > MAX_OBJECT_TOKENS) objectTokens = objectTokens.slice(-MAX_OBJECT_TOKENS / 2);
  }
  if (openActionPending) scan.active.add('action');
}

type PdfValue = { name: string } | { number: number } | { ref: true } | PdfValue[] | Map<string, PdfValue> | null;

/** The last complete dictionary among an object's tokens: the stream's. */
function dictionaryOf(tokens: Token[]): Map<string, PdfValue> {
  const start = tokens.findIndex((token) => token.kind === 'dict-open');
  if (start < 0) return new Map();
  const [value] = parseValue(tokens, start, 0);
  return value instanceof Map ? value : new Map();
}

function parseValue(tokens: Token[], at: number, depth: number): [PdfValue, number] {
  const token = tokens[at];
  if (!token || depth > 32) return [null, at + 1];
  if (token.kind === 'name') return [{ name: token.value }, at + 1];
  if (token.kind === 'word') {
    const next = tokens[at + 1];
    const after = tokens[at + 2];
    if (next?.kind === 'word' && after?.kind === 'word' && after.value === 'R' && /^\d+$/.test(token.value) && /^\d+$/.test(next.value)) return [{ ref: true }, at + 3];
    const number = Number(token.value);
    return [Number.isFinite(number) ? { number } : null, at + 1];
  }
  if (token.kind === 'array-open') {
    const items: PdfValue[] = [];
    let cursor = at + 1;
    while (cursor < tokens.length && tokens[cursor]!.kind !== 'array-close') {
      const [item, next] = parseValue(tokens, cursor, depth + 1);
      items.push(item);
      cursor = next;
    }
    return [items, cursor + 1];
  }
  if (token.kind === 'dict-open') {
    const dictionary = new Map<string, PdfValue>();
    let cursor = at + 1;
    while (cursor < tokens.length && tokens[cursor]!.kind !== 'dict-close') {
      const key = tokens[cursor]!;
      if (key.kind !== 'name') {
        cursor++;
        continue;
      }
      const [value, next] = parseValue(tokens, cursor + 1, depth + 1);
      dictionary.set(key.value, value);
      cursor = next;
    }
    return [dictionary, cursor + 1];
  }
  return [null, at + 1];
}

const nameOf = (value: PdfValue | undefined) => (value && typeof value === 'object' && 'name' in value ? value.name : undefined);

function streamRegion(bytes: Uint8Array, afterKeyword: number, end: number, dictionary: Map<string, PdfValue>): { region: StreamRegion; after: number } {
  let dataStart = afterKeyword;
  if (bytes[dataStart] === 0x0d) dataStart++;
  if (bytes[dataStart] === 0x0a) dataStart++;
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = dictionary.get('Length');
  let dataEnd = -1;
  let after = -1;
  if (length && typeof length === 'object' && 'number' in length && Number.isInteger(length.number) && length.number >= 0 && dataStart + length.number <= end) {
    let cursor = dataStart + length.number;
    while (cursor < end && WHITESPACE.has(view[cursor]!)) cursor++;
    if (view.toString('latin1', cursor, cursor + 9) === 'endstream') {
      dataEnd = dataStart + length.number;
      after = cursor + 9;
    }
  }
  if (dataEnd < 0) {
    // An indirect or wrong /Length: readers then look for the keyword, and so does this.
    const found = view.indexOf('endstream', dataStart, 'latin1');
    dataEnd = found < 0 || found > end ? end : found;
    after = found < 0 || found > end ? end : found + 9;
  }
  const filter = dictionary.get('Filter');
  const filters = Array.isArray(filter) ? filter.map((item) => nameOf(item) ?? '?') : nameOf(filter) ? [nameOf(filter)!] : [];
  const parameters = dictionary.get('DecodeParms');
  const predictorOf = (value: PdfValue | undefined) => {
    const predictor = value instanceof Map ? value.get('Predictor') : undefined;
    return predictor && typeof predictor === 'object' && 'number' in predictor ? predictor.number : 1;
  };
  const predicted = Array.isArray(parameters) ? parameters.some((item) => predictorOf(item ?? undefined) > 1) : predictorOf(parameters ?? undefined) > 1;
  const objectStream = nameOf(dictionary.get('Type')) === 'ObjStm' || (dictionary.has('N') && dictionary.has('First'));
  return { region: { dataStart, dataEnd, filters, predicted, objectStream }, after };
}

/**
 * Inflates every FlateDecode stream within a budget (a reader would inflate them too: a small file
 * that expands to gigabytes is refused here instead) and reads the names in the object streams.
 */
function scanCompressedStreams(bytes: Buffer, scan: PdfScan): 'ok' | 'too_large' | 'unreadable' {
  let budget = MAX_INFLATED_TOTAL_BYTES;
  let objectStreamBytes = 0;
  for (const region of [...scan.streams]) {
    const data = bytes.subarray(region.dataStart, region.dataEnd);
    if (region.objectStream && (region.predicted || region.filters.some((filter) => filter !== 'FlateDecode') || region.filters.length > 1)) return 'unreadable';
    if (region.filters[0] !== 'FlateDecode') {
      if (region.objectStream) scanObjects(data, 0, data.length, scan, false);
      continue;
    }
    const inflated = inflateBounded(data, Math.min(MAX_INFLATED_STREAM_BYTES, budget));
    if (inflated === 'too_large') return 'too_large';
    if (inflated === 'unreadable') {
      // A damaged image or font is the reader's problem; an object stream we cannot open could hide anything.
      if (region.objectStream) return 'unreadable';
      continue;
    }
    budget -= inflated.length;
    if (!region.objectStream) continue;
    objectStreamBytes += inflated.length;
    // Object streams hold dictionaries only: a few MB even in a long document.
    if (objectStreamBytes > MAX_OBJECT_STREAM_BYTES) return 'unreadable';
    scanObjects(inflated, 0, inflated.length, scan, false);
  }
  return 'ok';
}

function inflateBounded(data: Buffer, limit: number): Buffer | 'too_large' | 'unreadable' {
  // Z_SYNC_FLUSH: a stream cut short still yields what it has, as readers are lenient there.
  const options = { maxOutputLength: Math.max(1, limit), finishFlush: zlibConstants.Z_SYNC_FLUSH };
  for (const inflate of [inflateSync, inflateRawSync]) {
    try {
      return inflate(data, options);
    } catch (error) {
      if (error instanceof RangeError || (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return 'too_large';
    }
  }
  return 'unreadable';
}
