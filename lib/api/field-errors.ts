import type { z } from 'zod';

/**
 * Messages by field path; an unknown field is named itself (`fields.colour: ["Unknown field"]`),
 * not folded into its parent, so a program sees which of its fields was refused.
 */
export function apiFieldErrors(error: z.ZodError): Record<string, string[]> {
  // A Map, then own properties: a field named `__proto__` or `constructor` is a plain key like any other.
  const fields = new Map<string, string[]>();
  const add = (path: PropertyKey[], message: string) => {
    const key = path.length ? path.map(String).join('.') : 'request';
    fields.set(key, [...(fields.get(key) ?? []), message]);
  };
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') for (const key of issue.keys) add([...issue.path, key], 'Unknown field: remove it.');
    else add(issue.path, issue.message);
  }
  return Object.fromEntries(fields);
}
