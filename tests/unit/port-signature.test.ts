/**
 * The drawn signature as the pad posts it: a PNG data URL is taken when it is at most 200 KB, a real
 * PNG of at most 1200 × 400 with ink on it, and comes back re-encoded (its text chunks dropped);
 * everything else gets a sentence that says to draw it again. The typed name matches the authorised
 * person whatever its case, spacing, punctuation and accents. The pad itself renders labelled for
 * screen readers, with its hidden input and the legal hint.
 */
import fc from 'fast-check';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { SignaturePad } from '@/components/ports/signature-pad';
import { parseSignatureDataUrl, signatureMatchesPerson } from '@/lib/ports/signature';
import { pngChunk } from '@/tests/support/malicious-files';

const dataUrl = (png: Buffer) => `data:image/png;base64,${png.toString('base64')}`;

/** A signature as the pad draws it: dark strokes on a transparent canvas. */
function drawnSignature({ width = 600, height = 200, path = 'M20 150 C 60 20, 120 20, 160 140 S 260 200, 300 60 S 420 40, 560 150' } = {}): Promise<Buffer> {
  return sharp(Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><path d="${path}" stroke="#0f172a" stroke-width="4" fill="none" stroke-linecap="round"/></svg>`))
    .png()
    .toBuffer();
}

const transparent = (width: number, height: number) => sharp({ create: { width, height, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer();

describe('parseSignatureDataUrl', () => {
  it('takes a drawn signature and re-encodes it: a PNG of the same size without its text chunks', async () => {
    const drawn = await drawnSignature();
    const withNote = Buffer.concat([drawn.subarray(0, 33), pngChunk('tEXt', Buffer.from('Comment\0tracking-id-7731', 'latin1')), drawn.subarray(33)]);
    const result = await parseSignatureDataUrl(dataUrl(withNote));
    if (!result.ok) throw new Error(result.message);
    const metadata = await sharp(result.png).metadata();
    expect(metadata).toMatchObject({ format: 'png', width: 600, height: 200 });
    expect(result.png.includes('tracking-id-7731')).toBe(false);
  });

  it('takes the largest pad (1200 × 400) and refuses one pixel more either way', async () => {
    expect((await parseSignatureDataUrl(dataUrl(await drawnSignature({ width: 1200, height: 400 }))))).toMatchObject({ ok: true });
    for (const [width, height] of [
      [1201, 400],
      [1200, 401],
    ]) {
      expect(await parseSignatureDataUrl(dataUrl(await drawnSignature({ width: width!, height: height! }))), `${width}×${height}`).toEqual({ ok: false, message: 'The drawn signature is too large. Clear the box and draw it again.' });
    }
  });

  it('refuses an empty pad, a dot and white ink on white', async () => {
    const blank = 'The signature box is empty or nearly so. Draw your signature in it with a mouse, pen or finger.';
    expect(await parseSignatureDataUrl(dataUrl(await transparent(600, 200)))).toEqual({ ok: false, message: blank });
    expect(await parseSignatureDataUrl(dataUrl(await drawnSignature({ path: 'M300 100 L 303 100' })))).toEqual({ ok: false, message: blank });
    const white = await sharp({ create: { width: 600, height: 200, channels: 4, background: '#ffffff' } }).png().toBuffer();
    expect(await parseSignatureDataUrl(dataUrl(white))).toEqual({ ok: false, message: blank });
  });

  it('refuses nothing at all, another image type, a non-image and a data URL over 200 KB', async () => {
    expect(await parseSignatureDataUrl('')).toEqual({ ok: false, message: 'Draw your signature in the box before signing.' });
    expect(await parseSignatureDataUrl('data:image/png;base64,')).toEqual({ ok: false, message: 'Draw your signature in the box before signing.' });
    const notPng = 'The drawn signature did not arrive as a PNG image. Clear the box and draw it again.';
    const jpeg = await sharp(await drawnSignature()).flatten({ background: '#ffffff' }).jpeg().toBuffer();
    expect(await parseSignatureDataUrl(`data:image/jpeg;base64,${jpeg.toString('base64')}`)).toEqual({ ok: false, message: notPng });
    // A JPEG behind a PNG label is judged by its bytes.
    expect(await parseSignatureDataUrl(dataUrl(jpeg))).toEqual({ ok: false, message: notPng });
    expect(await parseSignatureDataUrl('https://evil.example/signature.png')).toEqual({ ok: false, message: notPng });
    expect(await parseSignatureDataUrl('data:image/png;base64,@@@@')).toEqual({ ok: false, message: notPng });
    expect(await parseSignatureDataUrl(dataUrl(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')))).toEqual({
      ok: false,
      message: 'The drawn signature could not be read. Clear the box and draw it again.',
    });
    const noise = await sharp(Buffer.from(Array.from({ length: 1200 * 400 * 3 }, (_, i) => (i * 2654435761) % 256)), { raw: { width: 1200, height: 400, channels: 3 } })
      .png({ compressionLevel: 0 })
      .toBuffer();
    expect(noise.length).toBeGreaterThan(200 * 1024);
    expect(await parseSignatureDataUrl(dataUrl(noise))).toEqual({ ok: false, message: 'The drawn signature is too large. Clear the box and draw it again.' });
  });

  it('never throws on arbitrary text', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.base64String().map((value) => `data:image/png;base64,${value}`)), async (value) => {
        const result = await parseSignatureDataUrl(value);
        expect(result.ok).toBe(false);
      }),
      { numRuns: 100 },
    );
  });
});

describe('signatureMatchesPerson', () => {
  it('ignores case, spacing, punctuation and accents', () => {
    expect(signatureMatchesPerson('jane q. doe', 'Jane Q Doe')).toBe(true);
    expect(signatureMatchesPerson("  Seán O'Brien-Smith ", 'SEAN OBRIEN SMITH')).toBe(true);
    expect(signatureMatchesPerson('José Álvarez', 'Jose Alvarez')).toBe(true);
  });

  it('tells different people apart, and an empty name is nobody', () => {
    expect(signatureMatchesPerson('Jane Doe', 'John Doe')).toBe(false);
    expect(signatureMatchesPerson('Jane Doe', 'Jane Doe Jr')).toBe(false);
    expect(signatureMatchesPerson('', '')).toBe(false);
    expect(signatureMatchesPerson('...', '--')).toBe(false);
  });

  it('is symmetric and survives any respacing or recasing (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[A-Za-z]{1,8}$/), { minLength: 1, maxLength: 4 }), fc.constantFrom(' ', '  ', '. ', ', ', '-'), (words, separator) => {
        const name = words.join(' ');
        const variant = words.map((word) => word.toUpperCase()).join(separator);
        expect(signatureMatchesPerson(variant, name)).toBe(true);
        expect(signatureMatchesPerson(name, variant)).toBe(true);
      }),
    );
  });
});

describe('SignaturePad', () => {
  it('renders a labelled drawing area, the legal hint, a Clear button and the hidden input', () => {
    const html = renderToStaticMarkup(createElement(SignaturePad, { name: 'signature', typedName: 'Jane Doe' }));
    expect(html).toMatch(/<canvas[^>]*role="img"/);
    expect(html).toMatch(/<canvas[^>]*aria-label="[^"]*signature[^"]*"/i);
    expect(html).toMatch(/touch-none/);
    expect(html).toContain('Your typed name is your legal signature; the drawing is its image.');
    expect(html).toMatch(/<input type="hidden" name="signature" value=""\/>/);
    expect(html).toMatch(/<button[^>]*type="button"[^>]*>Clear<\/button>/);
    expect(html).toContain('Use my typed name');
  });

  it('says what is wrong beside the pad', () => {
    const html = renderToStaticMarkup(createElement(SignaturePad, { name: 'signature', errors: ['Draw your signature in the box before signing.'] }));
    expect(html).toContain('Draw your signature in the box before signing.');
    expect(html).toMatch(/aria-describedby="[^"]*-error/);
  });
});
