/**
 * The subscriber's name and service address against the text read from a losing carrier's bill:
 * case, punctuation, spacing and line breaks do not matter, USPS abbreviations equal their words, a
 * company's legal suffix may be left out, and a ZIP+4 matches its ZIP. With bill text as pdf-parse
 * returns it (multi-line, runs of spaces, upper case), and by property.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { textContainsAddress, textContainsName } from '@/lib/ports/text-match';

const BUSINESS_BILL = `
     SOUTHWESTERN BELL TELEPHONE CO.  d/b/a AT&T TEXAS                         Page 1 of 4
     Account Number:   214 555-0100 831 7          Bill Period: Oct 16 - Nov 15, 2026

     ACME WIDGETS,   INC.
     ATTN:  JANE Q.  DOE
     123 NORTH MAIN STREET     SUITE 400
     DALLAS,   TX    75201-1234

     Billing Telephone Number:  (214) 555-0100
     Monthly Service ............................................     $412.18
     Total Amount Due    Dec 5, 2026                                 $448.90
`;

const RESIDENTIAL_BILL = `VERIZON WIRELESS
ACCOUNT HOLDER
JOSÉ O'NEIL-GARCÍA
4821 W. Old Mill Rd., Apt. 12B
Austin TX 787451234
Your plan: Unlimited Welcome`;

describe('textContainsName', () => {
  it('finds a business name whatever its case, punctuation and legal suffix', () => {
    for (const name of ['Acme Widgets, Inc.', 'Acme Widgets', 'acme   widgets inc', 'ACME WIDGETS LLC', 'Acme Widgets Corp.', 'The Acme Widgets Company']) {
      expect(textContainsName(BUSINESS_BILL, name), name).toBe(true);
    }
  });

  it('finds a person’s name with initials, accents, apostrophes and hyphens', () => {
    expect(textContainsName(BUSINESS_BILL, 'Jane Q. Doe')).toBe(true);
    expect(textContainsName(RESIDENTIAL_BILL, 'Jose ONeil Garcia')).toBe(true);
    expect(textContainsName(RESIDENTIAL_BILL, "José O'Neil-García")).toBe(true);
  });

  it('reads & as AND', () => {
    expect(textContainsName('SMITH AND SONS PLUMBING LLC\n18 ELM ST', 'Smith & Sons Plumbing')).toBe(true);
    expect(textContainsName('SMITH & SONS PLUMBING\n18 ELM ST', 'Smith and Sons Plumbing, LLC')).toBe(true);
  });

  it('misses another name, the words out of order, or part of a word', () => {
    expect(textContainsName(BUSINESS_BILL, 'Acme Gadgets Inc')).toBe(false);
    expect(textContainsName(BUSINESS_BILL, 'Widgets Acme')).toBe(false);
    expect(textContainsName(BUSINESS_BILL, 'Acme Widg')).toBe(false);
    expect(textContainsName(BUSINESS_BILL, 'John Doe')).toBe(false);
    expect(textContainsName(RESIDENTIAL_BILL, 'Jose Garcia')).toBe(false);
  });

  it('matches nothing for an empty or punctuation-only name', () => {
    expect(textContainsName(BUSINESS_BILL, '')).toBe(false);
    expect(textContainsName(BUSINESS_BILL, ' ., ')).toBe(false);
    expect(textContainsName('', 'Acme')).toBe(false);
  });

  it('finds any name in a bill that prints it with other separators and case (property)', () => {
    const word = fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,9}$/).filter((candidate) => candidate.toUpperCase() !== 'THE');
    const separator = fc.constantFrom(' ', '  ', '\n', ', ', ' . ', '\t', ' - ');
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 5 }), fc.array(separator, { minLength: 5, maxLength: 5 }), fc.string(), fc.string(), (words, separators, before, after) => {
        const printed = words.map((part, index) => `${part.toUpperCase()}${index < words.length - 1 ? separators[index] : ''}`).join('');
        expect(textContainsName(`${before}\n${printed}\n${after}`, words.join(' ').toLowerCase())).toBe(true);
      }),
    );
  });
});

describe('textContainsAddress', () => {
  it('finds a street with its directional and suffix abbreviated or spelled out, and the ZIP of a ZIP+4', () => {
    expect(textContainsAddress(BUSINESS_BILL, { street: '123 N Main St', unit: 'Ste 400', city: 'Dallas', state: 'TX', postalCode: '75201' })).toEqual({ street: true, postalCode: true });
    expect(textContainsAddress(BUSINESS_BILL, { street: '123 North Main Street, Suite 400', postalCode: '75201-1234' })).toEqual({ street: true, postalCode: true });
    expect(textContainsAddress(BUSINESS_BILL, { street: '123 n. main st.', postalCode: '752011234' })).toEqual({ street: true, postalCode: true });
  });

  it('equals Suite and STE, West and W, Road and RD, Apartment and APT', () => {
    expect(textContainsAddress('123 MAIN ST STE 400\nDALLAS TX 75201', { street: '123 Main Street Suite 400', postalCode: '75201' }).street).toBe(true);
    expect(textContainsAddress(RESIDENTIAL_BILL, { street: '4821 West Old Mill Road Apartment 12B', state: 'TX', postalCode: '78745' })).toEqual({ street: true, postalCode: true });
    expect(textContainsAddress('900 PEACHTREE STREET NORTHEAST\nATLANTA GA 30309', { street: '900 Peachtree St NE', postalCode: '30309' })).toEqual({ street: true, postalCode: true });
  });

  it('matches a ZIP+4 on the bill to a ZIP, and a ZIP on the bill to a ZIP+4', () => {
    expect(textContainsAddress('DALLAS TX 75201-1234', { street: '1 Elm St', postalCode: '75201' }).postalCode).toBe(true);
    expect(textContainsAddress('DALLAS TX 75201', { street: '1 Elm St', postalCode: '75201-9999' }).postalCode).toBe(true);
    expect(textContainsAddress('DALLAS TX 752019999', { street: '1 Elm St', postalCode: '75201' }).postalCode).toBe(true);
  });

  it('finds a Canadian postal code with or without its space', () => {
    const bill = 'ROGERS\nNORTHERN LIGHTS INC\n500 KING ST W\nTORONTO ON  M5V 2T6';
    expect(textContainsAddress(bill, { street: '500 King Street West', city: 'Toronto', state: 'ON', postalCode: 'm5v2t6' })).toEqual({ street: true, postalCode: true });
    expect(textContainsAddress('TORONTO ON M5V2T6', { street: '500 King St W', state: 'ON', postalCode: 'M5V 2T6' }).postalCode).toBe(true);
    expect(textContainsAddress(bill, { street: '500 King St W', state: 'ON', postalCode: 'M5V 2T7' }).postalCode).toBe(false);
  });

  it('misses another house number, another directional, another street or another ZIP', () => {
    expect(textContainsAddress(BUSINESS_BILL, { street: '1123 N Main St', postalCode: '75202' })).toEqual({ street: false, postalCode: false });
    expect(textContainsAddress(BUSINESS_BILL, { street: '123 S Main St', postalCode: '75201' })).toEqual({ street: false, postalCode: true });
    expect(textContainsAddress(BUSINESS_BILL, { street: '123 N Main Ave', postalCode: '75201' }).street).toBe(false);
    expect(textContainsAddress(BUSINESS_BILL, { street: '123 N Elm St', postalCode: '7520' })).toEqual({ street: false, postalCode: false });
    // The ZIP is a word of its own: 75201 is not inside 1275201.
    expect(textContainsAddress('ACCOUNT 1275201', { street: '1 Elm St', postalCode: '75201' }).postalCode).toBe(false);
  });

  it('matches nothing for an empty street or ZIP', () => {
    expect(textContainsAddress(BUSINESS_BILL, { street: '', postalCode: '' })).toEqual({ street: false, postalCode: false });
  });

  it('finds any street line the bill spells out in full that was typed abbreviated (property)', () => {
    const spelled = [
      ['STREET', 'St'],
      ['AVENUE', 'Ave'],
      ['BOULEVARD', 'Blvd'],
      ['DRIVE', 'Dr'],
      ['LANE', 'Ln'],
      ['PARKWAY', 'Pkwy'],
    ] as const;
    const directions = [
      ['', ''],
      ['NORTH ', 'N '],
      ['SOUTHWEST ', 'SW '],
    ] as const;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 99_999 }),
        fc.stringMatching(/^[A-Z][a-z]{2,10}$/),
        fc.constantFrom(...spelled),
        fc.constantFrom(...directions),
        fc.integer({ min: 10_000, max: 99_999 }),
        (house, name, [suffixWord, suffixShort], [directionWord, directionShort], zip) => {
          const bill = `ACCOUNT SUMMARY\n  ${house}  ${directionWord}${name.toUpperCase()}   ${suffixWord}\n  ANYTOWN, TX  ${zip}-0042\n`;
          expect(textContainsAddress(bill, { street: `${house} ${directionShort}${name} ${suffixShort}`, postalCode: String(zip) })).toEqual({ street: true, postalCode: true });
        },
      ),
    );
  });
});
