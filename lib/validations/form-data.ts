/**
 * How a submitted form becomes the input a zod schema parses, and how the schema's issues become
 * the messages a form shows beside its fields. Pure: shared by server actions and client forms.
 *
 * Field names:
 * - `name`: a string. Sent several times (checkboxes, a list of ids), the values arrive comma-joined.
 * - `rows.0.cidr`, `rows.1.cidr`: array fields are dotted paths with the row's index, so
 *   `{ rows: [{ cidr }, { cidr }] }`. Indexes keep their position (a removed middle row leaves a hole,
 *   which `forEach` and `map` skip), so a message comes back on the row that was submitted.
 *   `credential.key` nests as an object. Indexes have at most four digits, and a name whose path
 *   clashes with another field's shape, or passes through a prototype name, stays flat only.
 *
 * Field errors are keyed by the issue's whole path joined with '.' (`rows.2.cidr`), the same name the
 * input has; an issue about the whole form is keyed `form`.
 */
import { z } from 'zod';
import './zod-messages';

export type FieldErrors = Record<string, string[]>;

/** Ticked rows sent as one comma-joined field of ids: distinct, at least one, at most `max`. */
export function idListField(messages: { none: string; tooMany: string }, max = 500) {
  return z
    .string({ message: messages.none })
    .transform((text) => [...new Set(text.split(',').map((id) => id.trim()).filter(Boolean))])
    .pipe(z.array(z.string()).min(1, messages.none).max(max, messages.tooMany));
}

/** Form fields as strings, by their flat names; a field sent several times arrives comma-joined. */
export function formToObject(formData: unknown): Record<string, string> {
  const values: Record<string, string> = {};
  // A server action can be called by hand with any arguments: anything but a form has no fields.
  if (!(formData instanceof FormData)) return values;
  for (const [key, value] of formData.entries()) {
    if (typeof value !== 'string' || key.startsWith('$ACTION')) continue;
    values[key] = key in values ? `${values[key]},${value}` : value;
  }
  return values;
}

const INDEX = /^\d{1,4}$/;
const UNSAFE_SEGMENTS = new Set(['__proto__', 'prototype', 'constructor']);

type Container = Record<string, unknown> | unknown[];

/** The flat fields with dotted names nested into objects and arrays (see the header). */
export function nestFields(flat: Record<string, string>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(flat)) {
    const path = name.split('.');
    if (path.length === 1 || path.some((segment) => segment === '' || UNSAFE_SEGMENTS.has(segment) || (/^\d+$/.test(segment) && !INDEX.test(segment)))) {
      if (!Object.hasOwn(root, name)) root[name] = value;
      continue;
    }
    place(root, path, value);
  }
  return root;
}

function place(root: Record<string, unknown>, path: string[], value: string): void {
  let container: Container = root;
  for (let depth = 0; depth < path.length; depth += 1) {
    const segment = path[depth]!;
    const next = path[depth + 1];
    if (Array.isArray(container) && !INDEX.test(segment)) return;
    const key = Array.isArray(container) ? Number(segment) : segment;
    const holder = container as Record<string | number, unknown>;
    const existing = Object.hasOwn(holder, key) ? holder[key] : undefined;
    if (next === undefined) {
      if (existing === undefined) holder[key] = value;
      return;
    }
    const wanted: 'array' | 'object' = INDEX.test(next) ? 'array' : 'object';
    if (existing === undefined) holder[key] = wanted === 'array' ? [] : {};
    else if (wanted === 'array' ? !Array.isArray(existing) : typeof existing !== 'object' || existing === null || Array.isArray(existing)) return;
    container = holder[key] as Container;
  }
}

/** What a schema parses: the form's fields, with array fields nested. */
export function formToInput(formData: FormData): Record<string, unknown> {
  return nestFields(formToObject(formData));
}

export interface FieldIssue {
  path: readonly PropertyKey[];
  message: string;
}

/** Issues → messages per field, keyed by the whole path (`rows.2.cidr`); no path → `form`. */
export function fieldErrorsOf(issues: readonly FieldIssue[] | { issues: readonly FieldIssue[] }): FieldErrors {
  const list = 'issues' in issues ? issues.issues : issues;
  // Gathered in a Map, then a plain object (React passes only those to the client) whose keys are
  // own properties even when a field is named `__proto__`.
  const errors = new Map<string, string[]>();
  for (const issue of list) {
    const key = issue.path.length ? issue.path.map((segment) => String(segment)).join('.') : 'form';
    errors.set(key, [...(errors.get(key) ?? []), issue.message]);
  }
  return Object.fromEntries(errors);
}
