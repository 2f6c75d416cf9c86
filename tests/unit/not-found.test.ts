/** `orNotFound`: a missing value or a service's `not_found` becomes Next's 404; other failures pass on. */
import { describe, expect, it } from 'vitest';
import { AppError } from '@/lib/errors';
import { orNotFound } from '@/lib/not-found';

const NOT_FOUND = { digest: 'NEXT_HTTP_ERROR_FALLBACK;404' };

describe('orNotFound', () => {
  it('returns a present value, including falsy ones', () => {
    expect(orNotFound({ id: 'g1' })).toEqual({ id: 'g1' });
    expect(orNotFound(0)).toBe(0);
    expect(orNotFound('')).toBe('');
  });

  it('answers 404 for null and undefined', () => {
    expect(() => orNotFound(null)).toThrow(expect.objectContaining(NOT_FOUND));
    expect(() => orNotFound(undefined)).toThrow(expect.objectContaining(NOT_FOUND));
  });

  it('awaits a lookup: its value, 404 for a not_found refusal or nothing, any other failure unchanged', async () => {
    await expect(orNotFound(Promise.resolve({ id: 'g1' }))).resolves.toEqual({ id: 'g1' });
    await expect(orNotFound(Promise.reject(new AppError('not_found:trunk_group')))).rejects.toMatchObject(NOT_FOUND);
    await expect(orNotFound(Promise.resolve(null))).rejects.toMatchObject(NOT_FOUND);
    const outage = new AppError('unavailable:provider');
    await expect(orNotFound(Promise.reject(outage))).rejects.toBe(outage);
  });
});
