/**
 * The drawn half of a browser signature: the signature pad posts its canvas as a PNG data URL,
 * which is only taken when it is small, really a PNG of the pad's size, and has ink on it, and is
 * then re-encoded so that only its pixels reach the signed LOA. The typed name is the legal
 * signature; `signatureMatchesPerson` tells whether it names the LOA's authorised person.
 */
import 'server-only';
import sharp from 'sharp';

const DATA_URL_PREFIX = 'data:image/png;base64,';
export const MAX_SIGNATURE_BYTES = 200 * 1024;
/** The pad draws at most 600 CSS pixels wide at 2× (3:1), so 1200 × 400. */
export const MAX_SIGNATURE_WIDTH = 1200;
export const MAX_SIGNATURE_HEIGHT = 400;
/** Fewer dark pixels than this is an empty pad or a stray dot, not a signature. */
export const MIN_SIGNATURE_INKED_PIXELS = 150;

export type ParsedSignature = { ok: true; png: Buffer } | { ok: false; message: string };

const MESSAGES = {
  missing: 'Draw your signature in the box before signing.',
  notPng: 'The drawn signature did not arrive as a PNG image. Clear the box and draw it again.',
  tooLarge: 'The drawn signature is too large. Clear the box and draw it again.',
  unreadable: 'The drawn signature could not be read. Clear the box and draw it again.',
  blank: 'The signature box is empty or nearly so. Draw your signature in it with a mouse, pen or finger.',
} as const;

const fail = (message: string): ParsedSignature => ({ ok: false, message });

/** A pixel counts as ink when it is mostly opaque and darker than the paper around it. */
function countInkedPixels(rgba: Buffer): number {
  let inked = 0;
  for (let at = 0; at + 3 < rgba.length; at += 4) {
    const luminance = 0.299 * rgba[at]! + 0.587 * rgba[at + 1]! + 0.114 * rgba[at + 2]!;
    if (rgba[at + 3]! >= 128 && luminance < 200) inked++;
  }
  return inked;
}

export async function parseSignatureDataUrl(dataUrl: string): Promise<ParsedSignature> {
  const value = dataUrl.trim();
  if (value === '') return fail(MESSAGES.missing);
  if (!value.toLowerCase().startsWith(DATA_URL_PREFIX)) return fail(MESSAGES.notPng);
  const base64 = value.slice(DATA_URL_PREFIX.length);
  // Judged before decoding: base64 is 4 characters for every 3 bytes.
  if (base64.length > Math.ceil(MAX_SIGNATURE_BYTES / 3) * 4) return fail(MESSAGES.tooLarge);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64) || base64.length % 4 !== 0) return fail(MESSAGES.notPng);
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length === 0) return fail(MESSAGES.missing);
  if (bytes.length > MAX_SIGNATURE_BYTES) return fail(MESSAGES.tooLarge);
  try {
    const limits = { limitInputPixels: MAX_SIGNATURE_WIDTH * MAX_SIGNATURE_HEIGHT };
    const metadata = await sharp(bytes, limits).metadata();
    if (metadata.format !== 'png') return fail(MESSAGES.notPng);
    if (!metadata.width || !metadata.height || metadata.width > MAX_SIGNATURE_WIDTH || metadata.height > MAX_SIGNATURE_HEIGHT) return fail(MESSAGES.tooLarge);
    const { data } = await sharp(bytes, limits).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    if (countInkedPixels(data) < MIN_SIGNATURE_INKED_PIXELS) return fail(MESSAGES.blank);
    return { ok: true, png: await sharp(bytes, limits).png().toBuffer() };
  } catch (error) {
    if (error instanceof Error && /pixel limit/i.test(error.message)) return fail(MESSAGES.tooLarge);
    return fail(MESSAGES.unreadable);
  }
}

/** Letters and digits only, accents folded, lower case: "  O'Brien-Smith, Ana " and "obriensmith ana" are one name. */
function nameKey(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');
}

/** Whether the typed signature names the authorised person, whatever the case, spacing and punctuation. */
export function signatureMatchesPerson(typedName: string, authorizedPerson: string): boolean {
  const typed = nameKey(typedName);
  return typed !== '' && typed === nameKey(authorizedPerson);
}
