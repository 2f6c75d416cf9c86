/** nuqs parsers the portal's URLs share. */
import { createParser } from 'nuqs/server';
import { readInteger } from '@/lib/validations/common';

/**
 * A page number, strictly: digits only and within 1…max (`0x10`, `1e3` and `-1` are not pages);
 * anything else reads as missing, so `.withDefault(1)` gives the first page.
 */
export function parseAsPage(max: number) {
  return createParser({
    parse: (value: string) => {
      const reading = readInteger(value, 'Page', { min: 1, max });
      return reading.ok ? reading.value : null;
    },
    serialize: (page: number) => String(page),
  });
}
