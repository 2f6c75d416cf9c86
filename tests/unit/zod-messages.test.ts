import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import '@/lib/validations/zod-messages';

const messageOf = (schema: z.ZodType, input: unknown) => {
  const result = schema.safeParse(input);
  if (result.success) throw new Error(`${JSON.stringify(input)} passed`);
  return result.error.issues.map((issue) => issue.message);
};

describe('plain messages for checks a schema gives no message of its own', () => {
  it.each([
    [z.object({ name: z.string() }), {}, 'Required'],
    [z.boolean(), 'yes', 'Must be true or false, not text'],
    [z.array(z.string()), { a: 1 }, 'Must be a list, not an object'],
    [z.string(), null, 'Must be text, not null'],
    [z.coerce.number(), 'abc', 'Must be a number'],
    [z.number().int(), 1.5, 'Must be a whole number'],
    [z.string().max(40), 'x'.repeat(41), 'At most 40 characters'],
    [z.string().min(1), '', 'Required'],
    [z.string().min(8), 'short', 'At least 8 characters'],
    [z.array(z.string()).min(1), [], 'At least 1 item'],
    [z.array(z.string()).max(2), ['a', 'b', 'c'], 'At most 2 items'],
    [z.number().max(200), 201, 'At most 200'],
    [z.number().positive(), 0, 'More than 0'],
    [z.enum(['inbound', 'outbound']), 'sideways', 'One of inbound, outbound'],
    [z.literal('yes'), 'no', 'Must be yes'],
    [z.string().uuid(), 'nope', 'Must be an id (a UUID)'],
    [z.string().email(), 'nope', 'Must be an email address'],
    [z.string().regex(/^\d+$/), 'abc', 'Must be in the expected format'],
    [z.strictObject({ a: z.string() }), { a: 'x', b: 1, c: 2 }, 'Unknown fields: b, c'],
    [z.union([z.string(), z.number()]), true, 'Not one of the accepted forms'],
  ] as const)('%#: %s', (schema, input, message) => {
    expect(messageOf(schema as z.ZodType, input)).toEqual([message]);
  });

  it('never replaces a message the schema gives', () => {
    expect(messageOf(z.string().max(3, 'Three letters at most, like ORD'), 'LONG')).toEqual(['Three letters at most, like ORD']);
    expect(messageOf(z.string({ error: 'Give a name' }), undefined)).toEqual(['Give a name']);
  });
});
