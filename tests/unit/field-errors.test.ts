import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { apiFieldErrors } from '@/lib/api/field-errors';
import { fieldErrorsOf } from '@/lib/validations/form-data';

describe('field errors keyed by what the caller named', () => {
  const strict = z.strictObject({ name: z.string().min(1, 'Name is missing') });
  const refused = (value: unknown) => strict.safeParse(value).error!;

  it('are plain objects (React hands only those to client components) with `__proto__` an own key', () => {
    const fromForm = fieldErrorsOf([{ path: ['__proto__'], message: 'bad' }, { path: ['name'], message: 'Name is missing' }]);
    expect(Object.getPrototypeOf(fromForm)).toBe(Object.prototype);
    expect(Object.keys(fromForm).sort()).toEqual(['__proto__', 'name']);
    const fromApi = apiFieldErrors(refused(JSON.parse('{"name":"","__proto__":{"x":1},"constructor":1}')));
    expect(Object.getPrototypeOf(fromApi)).toBe(Object.prototype);
    expect(fromApi).toEqual(JSON.parse('{"name":["Name is missing"],"__proto__":["Unknown field: remove it."],"constructor":["Unknown field: remove it."]}'));
  });
});
