/**
 * The generated Letter of Agency, read back with pdf-parse: the new carrier, subscriber, authorised
 * person, losing carrier, account number, BTN and service address, every number (1,000 of them over
 * numbered pages), a partial port's numbers that stay, the FOC date and the authorisation paragraph;
 * the PIN never, only "Provided separately". Signed, it carries the drawn signature, the typed name,
 * the UTC time, the IP address, the user agent and the unsigned letter's SHA-256, and the same
 * inputs always give the same bytes, so both hashes can be recomputed.
 */
import { createHash } from 'node:crypto';
import { PDFParse } from 'pdf-parse';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { renderLoaPdf, renderSignedLoaPdf, type LoaInput, type LoaSignature } from '@/lib/ports/loa-pdf';
import { inspectPortDocument } from '@/lib/ports/upload-checks';

async function textOf(pdf: Buffer): Promise<{ text: string; pages: string[] }> {
  const parser = new PDFParse({ data: new Uint8Array(pdf) });
  try {
    const result = await parser.getText();
    // Lines wrap where the layout decides: sentences are compared with their spacing folded.
    const flat = (text: string) => text.replace(/\s+/g, ' ');
    return { text: flat(result.text), pages: result.pages.map((page) => flat(page.text)) };
  } finally {
    await parser.destroy();
  }
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

function loaInput(overrides: Partial<LoaInput> = {}): LoaInput {
  return {
    carrierName: 'Carrier Portal',
    subscriberName: 'Acme Widgets LLC',
    subscriberType: 'business',
    authorizedPerson: 'Jane Q. Doe',
    losingCarrier: 'Lakeside Telephone Company',
    accountNumber: '4417-2290-01',
    billingTelephoneNumber: '+13125550100',
    serviceAddress: { street: '100 Main Street', unit: 'Suite 200', city: 'Springfield', state: 'IL', postalCode: '62701', country: 'US' },
    numbers: ['+13125550100', '+13125550101', '+18005550199'],
    partialPort: false,
    remainingNumbers: [],
    requestedFocDate: '2026-05-15',
    reference: 'PORT-7F3K2Q',
    ...overrides,
  };
}

async function signature(overrides: Partial<LoaSignature> = {}): Promise<LoaSignature> {
  const signaturePng = await sharp(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="600" height="200"><path d="M20 150 C 60 20, 120 20, 160 140 S 260 200, 300 60 S 420 40, 560 150" stroke="#0f172a" stroke-width="4" fill="none"/></svg>'))
    .png()
    .toBuffer();
  return {
    typedName: 'Jane Q. Doe',
    signaturePng,
    signedAt: new Date('2026-04-20T15:04:05.000Z'),
    ipAddress: '203.0.113.24',
    userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.2 Mobile/15E148 Safari/604.1',
    ...overrides,
  };
}

/** 1,000 distinct valid Chicago numbers. */
const thousandNumbers = () => Array.from({ length: 1000 }, (_, i) => `+1312${String(2_000_000 + i * 7).padStart(7, '0')}`);

describe('renderLoaPdf', () => {
  it('shows everything a losing carrier checks, in the order carriers print it', async () => {
    const pdf = await renderLoaPdf(loaInput(), { createdAt: new Date('2026-04-20T00:00:00Z') });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const { text, pages } = await textOf(pdf);
    for (const expected of [
      'Carrier Portal',
      'LETTER OF AGENCY',
      'Reference PORT-7F3K2Q',
      'Acme Widgets LLC',
      'Business',
      'Jane Q. Doe',
      '100 Main Street, Suite 200',
      'Springfield, IL 62701',
      'Lakeside Telephone Company',
      '4417-2290-01',
      '(312) 555-0100',
      '(312) 555-0101',
      '(800) 555-0199',
      'Full port: every number on the account moves',
      'May 15, 2026',
      'Numbers to port (3)',
      'By signing below, I authorise Carrier Portal and its designated agents to act on my behalf to notify Lakeside Telephone Company',
      'I certify that I am the subscriber named above',
      'Signature of the authorised person',
      'Printed name',
      'Page 1 of 1',
    ]) {
      expect(text, expected).toContain(expected);
    }
    expect(pages).toHaveLength(1);
    expect(text).not.toContain('Partial port');
    expect(text.indexOf('Subscriber name')).toBeLessThan(text.indexOf('Account number'));
    expect(text.indexOf('Account number')).toBeLessThan(text.indexOf('Numbers to port'));
    expect(text.indexOf('Numbers to port')).toBeLessThan(text.indexOf('By signing below'));
  });

  it('never prints the PIN: "Provided separately", whatever the object it is rendered from carries', async () => {
    const withPin = { ...loaInput(), pin: '8642', portOutPin: '97531' } as LoaInput;
    const pdf = await renderLoaPdf(withPin);
    const { text } = await textOf(pdf);
    expect(text).toContain('PIN / passcode');
    expect(text).toContain('Provided separately');
    expect(text).not.toContain('8642');
    expect(text).not.toContain('97531');
    expect(pdf.includes('8642')).toBe(false);
  });

  it('a partial port lists the numbers that stay, the BTN among them, and says the account stays open', async () => {
    const { text } = await textOf(
      await renderLoaPdf(loaInput({ partialPort: true, numbers: ['+13125550101', '+13125550102'], remainingNumbers: ['+13125550100', '+13125550103'] })),
    );
    expect(text).toContain('Partial port: only the numbers listed below move');
    expect(text).toContain('This is a partial port. Only the numbers listed above are to be ported. The numbers below, including the billing telephone number (312) 555-0100, stay with Lakeside Telephone Company');
    expect(text).toContain('remain open');
    expect(text).toContain('Numbers that stay with Lakeside Telephone Company (2)');
    expect(text).toContain('(312) 555-0103');
    expect(text.indexOf('(312) 555-0103')).toBeGreaterThan(text.indexOf('Numbers that stay'));
  });

  it('says what it does not know rather than leaving blanks: no losing carrier, no BTN, no FOC date; a residential subscriber', async () => {
    const { text } = await textOf(await renderLoaPdf(loaInput({ losingCarrier: null, billingTelephoneNumber: null, requestedFocDate: null, subscriberType: 'residential', serviceAddress: { street: '9 Elm Rd', city: 'Austin', state: 'TX', postalCode: '78701', country: 'US' } })));
    expect(text).toContain('Not stated (see the attached bill)');
    expect(text).toContain('Not provided');
    expect(text).toContain('The earliest date the carriers agree');
    expect(text).toContain('Residential');
    expect(text).toContain('9 Elm Rd');
    expect(text).toContain('notify my current carrier');
  });

  it('runs 1,000 numbers over numbered pages, each number once, each page with the carrier and reference', async () => {
    const numbers = thousandNumbers();
    const { text, pages } = await textOf(await renderLoaPdf(loaInput({ numbers })));
    expect(pages.length).toBeGreaterThan(3);
    pages.forEach((page, i) => {
      expect(page, `page ${i + 1}`).toContain(`Page ${i + 1} of ${pages.length}`);
      expect(page, `page ${i + 1}`).toContain('PORT-7F3K2Q');
      expect(page, `page ${i + 1}`).toContain('Carrier Portal');
    });
    expect(text).toContain('Numbers to port (1,000)');
    expect(text).toContain('Numbers to port (1,000) (continued)');
    for (const number of numbers) {
      const national = `(${number.slice(2, 5)}) ${number.slice(5, 8)}-${number.slice(8)}`;
      expect(text.split(national), national).toHaveLength(2);
    }
    // The authorisation and the lines to sign it stay together on the last page.
    expect(pages.at(-1)).toContain('By signing below');
    expect(pages.at(-1)).toContain('Signature of the authorised person');
  });

  it('draws names outside the standard fonts without their accents rather than as garbage', async () => {
    const { text } = await textOf(await renderLoaPdf(loaInput({ subscriberName: 'Łódź Telekom Sp. z o.o.', authorizedPerson: 'José Núñez' })));
    expect(text).toContain('Lódz Telekom Sp. z o.o.');
    expect(text).toContain('José Núñez');
  });

  it('is a PDF the upload checks accept, text and all', async () => {
    const result = await inspectPortDocument(await renderLoaPdf(loaInput()));
    expect(result).toMatchObject({ ok: true, contentType: 'application/pdf', pages: 1 });
    expect(result.ok && result.text).toContain('Acme Widgets LLC');
  });
});

describe('renderSignedLoaPdf', () => {
  it('prints the signature block: drawn image, typed name, UTC time, IP, user agent and the unsigned letter’s hash', async () => {
    const signed = await renderSignedLoaPdf(loaInput(), await signature());
    const { text, pages } = await textOf(signed.pdf);
    for (const expected of ['SIGNED ELECTRONICALLY', 'Typed name (legal signature)', 'Jane Q. Doe', '2026-04-20T15:04:05.000Z', '203.0.113.24', 'iPhone OS 18_2', 'Document hash', signed.unsignedSha256]) {
      expect(text, expected).toContain(expected);
    }
    expect(signed.unsignedSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(signed.signedSha256).toBe(sha256(signed.pdf));
    expect(signed.signedSha256).not.toBe(signed.unsignedSha256);
    expect(text).not.toContain('Signature of the authorised person');
    expect(pages.at(-1)).toContain('Document hash');
    // The drawn signature is in the file as an image.
    expect(signed.pdf.includes('/Subtype /Image')).toBe(true);
  });

  it('is reproducible: the unsigned hash is the hash of the letter rendered at the signing time, and the signed bytes repeat', async () => {
    const input = loaInput();
    const mark = await signature();
    const first = await renderSignedLoaPdf(input, mark);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const second = await renderSignedLoaPdf(input, mark);
    expect(second.pdf.equals(first.pdf)).toBe(true);
    expect(second.signedSha256).toBe(first.signedSha256);
    expect(sha256(await renderLoaPdf(input, { createdAt: mark.signedAt }))).toBe(first.unsignedSha256);
    // Any change to what was agreed changes the unsigned hash.
    const other = await renderSignedLoaPdf(loaInput({ accountNumber: '4417-2290-02' }), mark);
    expect(other.unsignedSha256).not.toBe(first.unsignedSha256);
  });

  it('says when the address or browser was not recorded', async () => {
    const { text } = await textOf((await renderSignedLoaPdf(loaInput(), await signature({ ipAddress: null, userAgent: null }))).pdf);
    expect(text.split('Not recorded')).toHaveLength(3);
  });

  it('keeps the signature block with the authorisation on the last page of a 1,000-number letter', async () => {
    const { pages } = await textOf((await renderSignedLoaPdf(loaInput({ numbers: thousandNumbers() }), await signature())).pdf);
    expect(pages.at(-1)).toContain('By signing below');
    expect(pages.at(-1)).toContain('SIGNED ELECTRONICALLY');
    expect(pages.at(-1)).toContain('Document hash');
  });

  it('refuses a signature image that is not a picture', async () => {
    await expect(renderSignedLoaPdf(loaInput(), await signature({ signaturePng: Buffer.from('not an image') }))).rejects.toThrow();
  });
});
