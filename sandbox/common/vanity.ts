/**
 * Numbers that spell words on the keypad, for the sandboxes whose upstream searches by pattern
 * (VoiceTel's `tnMask`, CarrierX's `phonenumber like`): without them the Buy numbers form's own
 * example, `*FLOWERS*`, would find nothing. Each word is its seven-digit local part (exchange and
 * line), placed under the area codes a sandbox lists; the numbers are fixed, not drawn at random,
 * so adding them leaves every seeded draw as it was.
 */
export const VANITY_WORDS: Record<string, string> = {
  FLOWERS: '3569377',
  PLUMBER: '7586237',
  DENTIST: '3368478',
  CALLNOW: '2255669',
};

/** `[area code, word]` → the 10-digit national numbers. */
export function vanityNumbers(placements: readonly (readonly [string, keyof typeof VANITY_WORDS])[]): { national: string; npa: string; word: string }[] {
  return placements.map(([npa, word]) => ({ national: `${npa}${VANITY_WORDS[word]}`, npa, word }));
}
