/**
 * Plain messages for the checks a schema gives no message of its own, for forms and the API alike:
 * "At most 40 characters" rather than zod's "Too big: expected string to have <=40 characters".
 * Installed once, globally, by importing this module (lib/validations/common.ts and lib/api/contract.ts do).
 */
import { z } from 'zod';

type Issue = z.core.$ZodRawIssue;

const EXPECTED: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  bigint: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  date: 'a date',
};

const FORMATS: Record<string, string> = {
  uuid: 'an id (a UUID)',
  guid: 'an id (a UUID)',
  email: 'an email address',
  url: 'a URL',
  datetime: 'an ISO 8601 date and time',
  date: 'a date (YYYY-MM-DD)',
  time: 'a time (HH:MM)',
  ipv4: 'an IPv4 address',
  ipv6: 'an IPv6 address',
  cidrv4: 'an IPv4 range (CIDR)',
  cidrv6: 'an IPv6 range (CIDR)',
};

function kindOf(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'number') return 'a number';
  if (typeof input === 'string') return 'text';
  if (typeof input === 'boolean') return 'true or false';
  if (typeof input === 'object') return 'an object';
  return typeof input;
}

const plural = (count: number | bigint, one: string, many: string) => `${count} ${count === 1 || count === 1n ? one : many}`;

export function plainZodMessage(issue: Issue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'Required';
      // A number that is not a whole one, or text coerced to NaN: saying "not a number" would only confuse.
      if (typeof issue.input === 'number') return `Must be ${EXPECTED[issue.expected] ?? issue.expected}`;
      return `Must be ${EXPECTED[issue.expected] ?? issue.expected}, not ${kindOf(issue.input)}`;
    case 'too_big': {
      const { maximum, inclusive, origin } = issue;
      if (origin === 'string') return `At most ${plural(maximum as number, 'character', 'characters')}`;
      if (origin === 'array' || origin === 'set') return `At most ${plural(maximum as number, 'item', 'items')}`;
      return inclusive ? `At most ${maximum}` : `Less than ${maximum}`;
    }
    case 'too_small': {
      const { minimum, inclusive, origin } = issue;
      if (origin === 'string') return Number(minimum) <= 1 ? 'Required' : `At least ${plural(minimum as number, 'character', 'characters')}`;
      if (origin === 'array' || origin === 'set') return `At least ${plural(minimum as number, 'item', 'items')}`;
      return inclusive ? `At least ${minimum}` : `More than ${minimum}`;
    }
    case 'invalid_value':
      return issue.values.length === 1 ? `Must be ${String(issue.values[0])}` : `One of ${issue.values.map(String).join(', ')}`;
    case 'invalid_format':
      return `Must be ${FORMATS[issue.format] ?? 'in the expected format'}`;
    case 'unrecognized_keys':
      return `Unknown field${issue.keys.length === 1 ? '' : 's'}: ${issue.keys.join(', ')}`;
    case 'invalid_union':
      return 'Not one of the accepted forms';
    case 'not_multiple_of':
      return `Must be a multiple of ${issue.divisor}`;
    default:
      return undefined;
  }
}

z.config({ customError: plainZodMessage });
