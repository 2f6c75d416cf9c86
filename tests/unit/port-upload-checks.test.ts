/**
 * The port-in upload checks against real files (tests/support/malicious-files.ts): good bills and
 * scans pass (PDFs as uploaded with their text, images re-encoded without metadata); each attack
 * gets its code and a sentence the customer can act on — JavaScript on open, in #xx-escaped names,
 * inside a compressed object stream or in an object hidden in another's stream data, encryption,
 * polyglots, a decompression bomb refused before any decoder sees it, 10 MB + 1 byte, a GIF and an
 * .exe named .pdf. Arbitrary bytes never make it throw.
 */
import fc from 'fast-check';
import { PDFParse } from 'pdf-parse';
import sharp from 'sharp';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  DOCUMENT_ACCEPT,
  inspectPortDocument,
  jpegDimensions,
  MAX_PORT_DOCUMENT_TEXT_CHARS,
  PORT_DOCUMENT_REFUSAL_CODES,
  pngDimensions,
  sniffDocumentType,
  type InspectedDocument,
  type RefusedDocument,
} from '@/lib/ports/upload-checks';
import { MAX_PORT_DOCUMENT_BYTES } from '@/lib/ports/types';
import * as files from '@/tests/support/malicious-files';

// A spy around the real sharp: the bomb tests prove no decoder was ever handed the file.
vi.mock('sharp', async (importOriginal) => {
  const actual = await importOriginal<typeof import('sharp')>();
  return { default: vi.fn(actual.default) };
});
const sharpSpy = vi.mocked(sharp);

async function accepted(bytes: Uint8Array): Promise<InspectedDocument> {
  const result = await inspectPortDocument(bytes);
  if (!result.ok) throw new Error(`refused: ${result.code}: ${result.message}`);
  return result;
}

async function refused(bytes: Uint8Array): Promise<RefusedDocument> {
  const result = await inspectPortDocument(bytes);
  if (result.ok) throw new Error(`accepted as ${result.contentType}`);
  return result;
}

async function pdfOpens(bytes: Buffer): Promise<string> {
  const parser = new PDFParse({ data: new Uint8Array(bytes) });
  try {
    return (await parser.getText()).text;
  } finally {
    await parser.destroy();
  }
}

const MESSAGES = {
  empty: 'This file is empty. Choose the file again and upload it.',
  too_large: 'This file is larger than 10 MB. Scan it at a lower resolution or save it as a smaller PDF, and upload that.',
  unsupported_type: 'We accept PDF, PNG and JPEG files only, judged by what the file contains rather than its name, and this file is none of them. Save or scan it as a PDF and upload that.',
  javascript: 'This PDF contains JavaScript, which we do not accept. Print it to a new PDF and upload that.',
  action: 'This PDF contains actions that run when it is opened, which we do not accept. Print it to a new PDF and upload that.',
  attachment: 'This PDF contains embedded files or media, which we do not accept. Print it to a new PDF and upload that.',
  pdf_encrypted: 'This PDF is encrypted or protected by a password, which we do not accept. Remove the protection, or print it to a new PDF, and upload that.',
  polyglot: 'This file is also another kind of file at the same time, which we do not accept. Print or export it to a new PDF, PNG or JPEG and upload that.',
  image_too_large: 'This image is larger than 12,000 pixels on a side or 40 megapixels. Scale it down (a bill is legible at 2,000 pixels wide) and upload it again.',
  corrupt: 'This file could not be read: it may be damaged or incomplete. Save or scan it again and upload the new file.',
};

beforeEach(() => {
  sharpSpy.mockClear();
});

describe('inspectPortDocument accepts', () => {
  it('a bill printed to PDF: the bytes as uploaded, their SHA-256, the page count and the text', async () => {
    const { bytes } = await files.validPdf();
    const result = await accepted(bytes);
    expect(result.contentType).toBe('application/pdf');
    expect(result.bytes.equals(bytes)).toBe(true);
    expect(result.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(result.sha256).toBe((await import('node:crypto')).createHash('sha256').update(bytes).digest('hex'));
    expect(result.pages).toBe(1);
    for (const line of files.BILL_LINES) expect(result.text).toContain(line);
  });

  it('keeps the stored bytes whole when the caller reuses its buffer', async () => {
    const { bytes } = await files.validPdf();
    const input = new Uint8Array(bytes);
    const result = await accepted(input);
    input.fill(0);
    expect(result.bytes.equals(bytes)).toBe(true);
  });

  it('a PDF that only talks about /JavaScript (in its text and metadata strings) or opens on its first page', async () => {
    const mentioning = await files.pdfMentioningJavaScript();
    expect(mentioning.bytes.includes('/JavaScript')).toBe(true);
    expect((await accepted(mentioning.bytes)).text).toContain('Our portal never uses');
    expect((await accepted((await files.pdfOpeningOnFirstPage()).bytes)).pages).toBe(1);
  });

  it('trims a long text to the first 20,000 characters', async () => {
    const lines = Array.from({ length: 600 }, (_, i) => `Line ${i + 1}: call detail for (312) 555-${String(i).padStart(4, '0')} at $0.0100 a minute`);
    const { text } = await accepted((await files.validPdf(lines)).bytes);
    expect(text!.length).toBeLessThanOrEqual(MAX_PORT_DOCUMENT_TEXT_CHARS);
    expect(text!.length).toBeGreaterThan(MAX_PORT_DOCUMENT_TEXT_CHARS - 200);
    expect(text).toContain('Line 1: call detail');
  });

  it('a PNG scan, re-encoded: other bytes, the same size, the scanner’s text chunk gone', async () => {
    const { bytes } = await files.validPng();
    expect(bytes.includes('Scanned at')).toBe(true);
    const result = await accepted(bytes);
    expect(result).toMatchObject({ contentType: 'image/png', width: 320, height: 200 });
    expect(result.bytes.equals(bytes)).toBe(false);
    expect(result.bytes.includes('Scanned at')).toBe(false);
    expect(result.bytes.includes('tEXt')).toBe(false);
    const metadata = await sharp(result.bytes).metadata();
    expect(metadata).toMatchObject({ format: 'png', width: 320, height: 200 });
    expect(metadata.exif).toBeUndefined();
  });

  it('a phone photo, re-encoded as JPEG without its EXIF (camera, description) and the same size', async () => {
    const { bytes } = await files.validJpeg();
    expect((await sharp(bytes).metadata()).exif).toBeDefined();
    const result = await accepted(bytes);
    expect(result).toMatchObject({ contentType: 'image/jpeg', width: 320, height: 200 });
    expect(result.bytes.equals(bytes)).toBe(false);
    const metadata = await sharp(result.bytes).metadata();
    expect(metadata).toMatchObject({ format: 'jpeg', width: 320, height: 200 });
    expect(metadata.exif).toBeUndefined();
    expect(metadata.orientation).toBeUndefined();
    expect(result.bytes.includes('PhoneMaker')).toBe(false);
    expect(result.bytes.includes('Main Street')).toBe(false);
    expect(result.sha256).toBe((await import('node:crypto')).createHash('sha256').update(result.bytes).digest('hex'));
  });

  it('turns a photo the way the camera held it (EXIF orientation 6: 320 × 200 stored as 200 × 320)', async () => {
    const { bytes } = await files.validJpeg({ orientation: 6 });
    expect((await sharp(bytes).metadata()).orientation).toBe(6);
    const result = await accepted(bytes);
    expect(result).toMatchObject({ width: 200, height: 320 });
  });

  it('exactly 10 MB', async () => {
    const { bytes } = await files.pdfOfExactlyTheLimit();
    expect(bytes.length).toBe(MAX_PORT_DOCUMENT_BYTES);
    expect((await accepted(bytes)).pages).toBe(1);
  });
});

describe('inspectPortDocument refuses', () => {
  it('an empty file', async () => {
    expect(await refused(new Uint8Array(0))).toEqual({ ok: false, code: 'empty', message: MESSAGES.empty });
  });

  it('10 MB + 1 byte, before reading it', async () => {
    const { bytes } = files.oneByteOverLimit();
    expect(bytes.length).toBe(10 * 1024 * 1024 + 1);
    expect(await refused(bytes)).toEqual({ ok: false, code: 'too_large', message: MESSAGES.too_large });
  });

  it('a GIF and an .exe named bill.pdf (application/pdf): judged by content, not by name or declared type', async () => {
    const gif = await files.gifImage();
    const exe = files.executableRenamedPdf();
    for (const file of [gif, exe]) {
      expect(file.name).toBe('bill.pdf');
      expect(file.declaredType).toBe('application/pdf');
      expect(await refused(file.bytes)).toEqual({ ok: false, code: 'unsupported_type', message: MESSAGES.unsupported_type });
    }
    expect(exe.bytes.subarray(0, 2).toString()).toBe('MZ');
    expect((await sharp(gif.bytes).metadata()).format).toBe('gif');
  });

  it('text, SVG, HTML and a PDF whose header is not at the start', async () => {
    for (const text of ['Account 4417-2290-01', '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', '<!doctype html><html><body>bill</body></html>', '\n%PDF-1.7\n%%EOF']) {
      expect((await refused(Buffer.from(text))).code).toBe('unsupported_type');
    }
  });

  it('a PDF that runs JavaScript when opened (/OpenAction → /JavaScript), with the brief’s sentence', async () => {
    const { bytes } = await files.pdfWithJavaScript();
    expect(await pdfOpens(bytes)).toContain('Lakeside Telephone Company');
    expect(await refused(bytes)).toEqual({ ok: false, code: 'pdf_javascript', message: MESSAGES.javascript });
  });

  it('the same with every name #xx-escaped (/J#61vaScript, /J#53, /Open#41ction)', async () => {
    const { bytes } = await files.pdfWithEscapedJavaScript();
    expect(bytes.includes('/J#61vaScript')).toBe(true);
    expect(bytes.includes('/JavaScript')).toBe(false);
    expect(bytes.includes('/OpenAction')).toBe(false);
    expect(await pdfOpens(bytes)).toContain('Lakeside Telephone Company');
    expect(await refused(bytes)).toEqual({ ok: false, code: 'pdf_javascript', message: MESSAGES.javascript });
  });

  it('JavaScript that exists only inside a compressed object stream (catalog and action both in it)', async () => {
    const { bytes } = files.pdfWithJavaScriptInObjectStream();
    expect(bytes.includes('JavaScript')).toBe(false);
    expect(bytes.includes('OpenAction')).toBe(false);
    expect(await pdfOpens(bytes)).toContain('Lakeside Telephone Company account statement');
    expect(await refused(bytes)).toEqual({ ok: false, code: 'pdf_javascript', message: MESSAGES.javascript });
  });

  it('a catalog with JavaScript hidden inside another object’s stream data, where the cross-reference table points', async () => {
    const { bytes } = files.pdfWithObjectHiddenInStream();
    expect(await pdfOpens(bytes)).toContain('Lakeside Telephone Company account statement');
    expect(await refused(bytes)).toEqual({ ok: false, code: 'pdf_javascript', message: MESSAGES.javascript });
  });

  it('a page that launches a program when opened (/AA → /Launch), and an embedded file', async () => {
    expect(await refused((await files.pdfWithLaunchOnPageOpen()).bytes)).toEqual({ ok: false, code: 'pdf_javascript', message: MESSAGES.action });
    expect(await refused((await files.pdfWithEmbeddedFile()).bytes)).toEqual({ ok: false, code: 'pdf_javascript', message: MESSAGES.attachment });
  });

  it('an encrypted PDF: with a password to open, and with an owner password only', async () => {
    const locked = await files.encryptedPdf();
    await expect(pdfOpens(locked.bytes)).rejects.toThrow(/password/i);
    expect(await refused(locked.bytes)).toEqual({ ok: false, code: 'pdf_encrypted', message: MESSAGES.pdf_encrypted });
    const ownerOnly = await files.encryptedPdf({ userPassword: '' });
    expect(await pdfOpens(ownerOnly.bytes)).toContain('Lakeside');
    expect((await refused(ownerOnly.bytes)).code).toBe('pdf_encrypted');
  });

  it('a PDF no reader can open', async () => {
    expect(await refused(files.corruptPdf().bytes)).toEqual({ ok: false, code: 'corrupt', message: MESSAGES.corrupt });
    const { bytes } = await files.validPdf();
    expect((await refused(bytes.subarray(0, 200))).code).toBe('corrupt');
  });

  it('a PDF whose stream data starts an object that never ends (a checker trap)', async () => {
    const { bytes } = files.pdfWithEndlessHiddenObject();
    expect(await refused(bytes)).toEqual({ ok: false, code: 'corrupt', message: 'This PDF has parts we cannot check. Print it to a new PDF and upload that.' });
  });

  it('a PDF stream that inflates past the limit (80 MB of zeros in a few hundred KB)', async () => {
    const { bytes } = files.pdfWithInflationBomb();
    expect(bytes.length).toBeLessThan(1024 * 1024);
    const result = await refused(bytes);
    expect(result.code).toBe('corrupt');
    expect(result.message).toBe('This PDF contains a compressed part that expands far beyond any bill or LOA, which we do not accept. Print it to a new PDF and upload that.');
  });

  it('a JPEG that is also a PDF (%PDF- in its first kilobyte)', async () => {
    const { bytes } = await files.jpegPdfPolyglot();
    expect((await sharp(bytes).metadata()).format).toBe('jpeg');
    expect(await pdfOpens(bytes)).toContain('I am also a JPEG');
    expect(await refused(bytes)).toEqual({ ok: false, code: 'polyglot', message: MESSAGES.polyglot });
  });

  it('a PDF that is also a ZIP, found by its central directory at the end (also behind a long ZIP comment)', async () => {
    for (const commentBytes of [0, 4000]) {
      const { bytes } = await files.pdfZipPolyglot({ commentBytes });
      expect(await pdfOpens(bytes)).toContain('Lakeside');
      expect(bytes.readUInt32LE(bytes.length - 22 - commentBytes)).toBe(0x06054b50);
      expect(await refused(bytes)).toEqual({ ok: false, code: 'polyglot', message: MESSAGES.polyglot });
    }
  });

  it('an image with a <script> inside', async () => {
    const { bytes } = await files.pngWithScript();
    expect((await sharp(bytes).metadata()).format).toBe('png');
    expect(await refused(bytes)).toEqual({ ok: false, code: 'polyglot', message: MESSAGES.polyglot });
  });

  it('a decompression bomb (a few KB declaring 50,000 × 50,000) from its header, without decoding it', async () => {
    const good = await files.validPng();
    const { bytes } = files.pngDecompressionBomb();
    expect(bytes.length).toBeLessThan(8 * 1024);
    expect(pngDimensions(bytes)).toEqual({ width: 50_000, height: 50_000 });
    sharpSpy.mockClear();
    expect(await refused(bytes)).toEqual({ ok: false, code: 'image_too_large', message: MESSAGES.image_too_large });
    expect(sharpSpy).not.toHaveBeenCalled();
    // The spy does see the checks' decoder: a good image goes through it.
    await accepted(good.bytes);
    expect(sharpSpy).toHaveBeenCalledWith(good.bytes, { limitInputPixels: 40_000_000 });
  });

  it('more than 40 megapixels within the side limit, and a JPEG declaring 60,000 × 60,000, also undecoded', async () => {
    const wide = files.pngDecompressionBomb({ width: 7000, height: 7000 });
    expect(await refused(wide.bytes)).toMatchObject({ code: 'image_too_large' });
    const tall = files.pngDecompressionBomb({ width: 100, height: 12_001 });
    expect(await refused(tall.bytes)).toMatchObject({ code: 'image_too_large' });
    const jpeg = await files.jpegDeclaring(60_000, 60_000);
    sharpSpy.mockClear();
    expect(jpegDimensions(jpeg.bytes)).toEqual({ width: 60_000, height: 60_000 });
    expect(await refused(jpeg.bytes)).toMatchObject({ code: 'image_too_large' });
    expect(sharpSpy).not.toHaveBeenCalled();
  });

  it('an image whose header is broken, or whose pixels are', async () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(40, 7)]);
    expect(await refused(png)).toEqual({ ok: false, code: 'corrupt', message: MESSAGES.corrupt });
    expect((await refused(Buffer.from([0xff, 0xd8, 0xff, 0xd9]))).code).toBe('corrupt');
    const { bytes } = await files.validJpeg();
    expect((await refused(bytes.subarray(0, 700))).code).toBe('corrupt');
  });
});

describe('the pieces', () => {
  it('DOCUMENT_ACCEPT lists the three types for the file input', () => {
    expect(DOCUMENT_ACCEPT).toBe('application/pdf,image/png,image/jpeg');
  });

  it('sniffs by the first bytes only', async () => {
    expect(sniffDocumentType((await files.validPdf()).bytes)).toBe('application/pdf');
    expect(sniffDocumentType((await files.validPng()).bytes)).toBe('image/png');
    expect(sniffDocumentType((await files.validJpeg()).bytes)).toBe('image/jpeg');
    expect(sniffDocumentType((await files.gifImage()).bytes)).toBeUndefined();
    expect(sniffDocumentType(Buffer.from('%PDF'))).toBeUndefined();
  });

  it('reads a JPEG’s size from its frame header, past EXIF', async () => {
    expect(jpegDimensions((await files.validJpeg({ width: 333, height: 111 })).bytes)).toEqual({ width: 333, height: 111 });
    expect(jpegDimensions(Buffer.from([0xff, 0xd8, 0xff, 0xda, 0, 2]))).toBeUndefined();
  });
});

describe('arbitrary bytes', () => {
  const codes = new Set<string>(PORT_DOCUMENT_REFUSAL_CODES);
  const prefixes = [[], [0x25, 0x50, 0x44, 0x46, 0x2d], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], [0xff, 0xd8, 0xff]];

  it('never throw: each file is accepted or refused with a known code and a sentence', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...prefixes), fc.uint8Array({ maxLength: 1500 }), async (prefix, body) => {
        const result = await inspectPortDocument(new Uint8Array([...prefix, ...body]));
        if (!result.ok) {
          expect(codes.has(result.code)).toBe(true);
          expect(result.message).toMatch(/^[A-Z].*\.$/);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('a PDF with arbitrary bytes spliced into its middle never throws either', async () => {
    const { bytes } = await files.validPdf();
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 5, max: bytes.length }), fc.uint8Array({ minLength: 1, maxLength: 64 }), async (at, junk) => {
        const result = await inspectPortDocument(Buffer.concat([bytes.subarray(0, at), junk, bytes.subarray(at)]));
        expect(result.ok || codes.has(result.code)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});
