/**
 * Finds the subscriber's name and service address in the text read from a losing carrier's bill, the
 * way the carrier's porting desk compares them: case, punctuation, spacing and line breaks do not
 * matter, USPS abbreviations equal the words they stand for (Street = ST, North = N, Suite = STE), a
 * company's legal suffix may be left out (Acme Widgets = ACME WIDGETS, INC.), and a ZIP+4 on either
 * side matches its ZIP. Pure; a miss only ever produces a warning, so the matching is generous.
 */
import { DIRECTIONALS, STREET_SUFFIXES, UNIT_DESIGNATORS, normalizeE911Address } from '@/lib/validations/e911';

/**
 * Uppercase ASCII words. Accents fold (JOSÉ → JOSE), periods and apostrophes vanish (P.O. → PO,
 * O'Neil → ONEIL), '&' is the word AND, and any other punctuation separates words.
 */
function wordsOf(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(/['\u2018\u2019\u02BC`.]/g, '')
    .replace(/&/g, ' AND ')
    .split(/[^A-Z0-9]+/)
    .filter((word) => word !== '');
}

/** True when `needle` occurs in `haystack` as consecutive words. */
function containsSequence(haystack: readonly string[], needle: readonly string[]): boolean {
  if (needle.length === 0 || needle.length > haystack.length) return false;
  outer: for (let start = 0; start + needle.length <= haystack.length; start += 1) {
    for (let offset = 0; offset < needle.length; offset += 1) if (haystack[start + offset] !== needle[offset]) continue outer;
    return true;
  }
  return false;
}

// --- Names -----------------------------------------------------------------------------------------

/** Legal-form words a bill may print or leave out after a business name. */
const COMPANY_SUFFIXES = new Set([
  'INC', 'INCORPORATED', 'LLC', 'LLP', 'LP', 'PLLC', 'PC', 'PA', 'CORP', 'CORPORATION', 'CO', 'COMPANY', 'LTD', 'LIMITED', 'LTDA', 'GMBH', 'SA',
]);

/** THE is left out on both sides: bills print "THE ACME GROUP" and "ACME GROUP, THE" alike. */
const nameWordsOf = (text: string) => wordsOf(text).filter((word) => word !== 'THE');

/** The name's words without the legal-form suffixes at its end (Acme Co., Ltd. → ACME). */
function nameCore(name: string): string[] {
  const words = nameWordsOf(name);
  let end = words.length;
  while (end > 1 && COMPANY_SUFFIXES.has(words[end - 1] as string)) end -= 1;
  return words.slice(0, end);
}

/** The name's words, in order and next to each other, somewhere in the text. */
export function textContainsName(text: string, name: string): boolean {
  return containsSequence(nameWordsOf(text), nameCore(name));
}

// --- Addresses -------------------------------------------------------------------------------------

/** One spelling per word: the USPS abbreviation for a directional, street suffix or unit designator, else the word itself. */
function canonicalWord(word: string): string {
  return DIRECTIONALS.get(word) ?? STREET_SUFFIXES.get(word) ?? UNIT_DESIGNATORS.get(word) ?? word;
}

const addressWordsOf = (text: string) => wordsOf(text).map(canonicalWord);

export interface BillAddress {
  street: string;
  /** Not compared: bills write units in too many ways ("STE 4", "#4", a line of its own), and desks match on the street and ZIP. */
  unit?: string;
  city?: string;
  state?: string;
  postalCode: string;
}

export interface BillAddressMatch {
  /** The house number, street name and suffix (with any directionals) appear together. */
  street: boolean;
  /** The ZIP (first five digits; ZIP+4 on either side matches) or Canadian postal code appears. */
  postalCode: boolean;
}

function containsPostalCode(textWords: readonly string[], postalCode: string, country: 'US' | 'CA'): boolean {
  if (country === 'CA') {
    const compact = postalCode.replace(/\s/g, '');
    if (compact.length !== 6) return false;
    return textWords.some((word, index) => word === compact || `${word}${textWords[index + 1] ?? ''}` === compact);
  }
  const zip = /^(\d{5})(?:-?\d{4})?$/.exec(postalCode)?.[1];
  if (!zip) return false;
  return textWords.some((word) => word === zip || (word.length === 9 && /^\d+$/.test(word) && word.startsWith(zip)));
}

/** Whether the street line and the postal code of `address` appear in the text (normalised as the E911 address book does). */
export function textContainsAddress(text: string, address: BillAddress): BillAddressMatch {
  const normalized = normalizeE911Address({ street: address.street, city: address.city, state: address.state, postalCode: address.postalCode });
  const textWords = addressWordsOf(text);
  return {
    street: containsSequence(textWords, addressWordsOf(normalized.street)),
    postalCode: containsPostalCode(textWords, normalized.postalCode, normalized.country),
  };
}
