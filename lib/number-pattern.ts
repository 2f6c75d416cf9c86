/**
 * Number search patterns as the Buy numbers form takes them: digits, keypad letters (FLOWERS is
 * 3569377) and `*` for any run of digits. A pattern with a `*` describes the whole number (with or
 * without its leading 1); one without may sit anywhere in it. One definition serves the search's own
 * check of what upstreams send back and the highlight of the matched digits in the results.
 */

const KEYPAD: Record<string, string> = {
  A: '2', B: '2', C: '2', D: '3', E: '3', F: '3', G: '4', H: '4', I: '4', J: '5', K: '5', L: '5', M: '6', N: '6', O: '6',
  P: '7', Q: '7', R: '7', S: '7', T: '8', U: '8', V: '8', W: '9', X: '9', Y: '9', Z: '9',
};

/** Upper case, separators (spaces, dots, dashes, brackets) dropped: each character is then one digit or `*`. */
export function cleanPattern(pattern: string): string {
  return pattern.toUpperCase().replace(/[\s().-]/g, '');
}

/** `*FLOWERS*` → `*3569377*`: letters to keypad digits; separators dropped; `*` kept as "any digits". */
export function vanityToDigits(pattern: string): string {
  return cleanPattern(pattern).replace(/[A-Z]/g, (letter) => KEYPAD[letter] ?? letter);
}

function regexOf(pattern: string): RegExp {
  const digits = vanityToDigits(pattern).replace(/[^0-9*]/g, '');
  const body = digits
    .split('*')
    .map((segment) => (segment ? `(${segment})` : ''))
    .join('\\d*');
  return digits.includes('*') ? new RegExp(`^${body}$`, 'd') : new RegExp(body, 'd');
}

/** One run of matched digits, as indexes into the 10-digit national number; `letters` when the pattern spelled it. */
export interface PatternMatch {
  start: number;
  end: number;
  letters?: string;
}

/**
 * Where `pattern` (as typed, letters and all) matches the 10-digit national number, one entry per
 * run of digits or letters in the pattern, or null when it does not match.
 */
export function findPatternMatch(national: string, pattern: string): PatternMatch[] | null {
  const regex = regexOf(pattern);
  let offset = 0;
  let found = regex.exec(national);
  if (!found) {
    found = regex.exec(`1${national}`);
    offset = -1;
  }
  if (!found?.indices) return null;
  const written = cleanPattern(pattern)
    .split('*')
    .filter((segment) => segment.length > 0);
  const matches: PatternMatch[] = [];
  for (let group = 1; group < found.indices.length; group++) {
    const span = found.indices[group];
    if (!span) continue;
    const start = Math.max(0, span[0] + offset);
    const end = span[1] + offset;
    if (end <= start) continue;
    const segment = written[group - 1];
    // `1-800-FLOWERS` spells FLOWERS: digits before the word are shown as digits.
    matches.push(segment && /[A-Z]/.test(segment) ? { start, end, letters: segment.replace(/^\d+/, '') } : { start, end });
  }
  return matches;
}

export function matchesPattern(national: string, pattern: string): boolean {
  const regex = regexOf(pattern);
  return regex.test(national) || regex.test(`1${national}`);
}

/**
 * A number as displayed (`(312) 356-9377`) cut into plain and matched parts, for <mark>. The
 * display's digits are counted against the national number's; a leading country code 1 is skipped.
 */
export function highlightParts(display: string, matches: readonly PatternMatch[]): { text: string; matched: boolean }[] {
  const digitCount = display.replace(/\D/g, '').length;
  let index = digitCount === 11 && display.replace(/\D/g, '').startsWith('1') ? -1 : 0;
  const parts: { text: string; matched: boolean }[] = [];
  for (const char of display) {
    let matched = false;
    if (/\d/.test(char)) {
      matched = matches.some((match) => index >= match.start && index < match.end);
      index++;
    } else {
      // A separator inside a matched run stays marked, so "356-9377" is one highlight.
      matched = matches.some((match) => index > match.start && index < match.end);
    }
    const last = parts[parts.length - 1];
    if (last && last.matched === matched) last.text += char;
    else parts.push({ text: char, matched });
  }
  return parts;
}
