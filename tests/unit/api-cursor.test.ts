import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { decodeCursor, encodeCursor } from '@/lib/api/cursor';

const byName = z.object({ name: z.string(), id: z.string().uuid() });
const byTime = z.object({ t: z.string().datetime({ offset: true }), id: z.number().int() });
const byMillis = z.object({ createdAt: z.number().int(), id: z.string().uuid() });
const id = '6f1c2d3e-4b5a-4c6d-8e7f-001122334455';

describe('list cursors', () => {
  it('gives back the position a list wrote', () => {
    expect(decodeCursor(encodeCursor({ name: 'Main PBX ☎', id }), byName)).toEqual({ name: 'Main PBX ☎', id });
    expect(decodeCursor(encodeCursor({ t: '2026-11-30T23:59:59.999Z', id: 42 }), byTime)).toEqual({ t: '2026-11-30T23:59:59.999Z', id: 42 });
    expect(decodeCursor(undefined, byName)).toBeUndefined();
  });

  it('refuses, as a 400, values no list writes that PostgreSQL or Date would fail on', () => {
    const refused = (position: unknown, schema: z.ZodType) => {
      expect(() => decodeCursor(encodeCursor(position), schema), JSON.stringify(position)).toThrow(expect.objectContaining({ code: 'invalid:cursor' }));
    };
    refused({ name: 'a\u0000b', id }, byName);
    refused({ name: 'tab\tinside', id }, byName);
    refused({ t: '0000-01-01T00:00:00Z', id: 1 }, byTime);
    refused({ t: '1969-12-31T23:59:59Z', id: 1 }, byTime);
    refused({ t: '2026-11-30T00:00:00Z', id: -1 }, byTime);
    refused({ createdAt: 9e15, id }, byMillis);
    refused({ createdAt: -8e15, id }, byMillis);
    expect(() => decodeCursor('not base64 json', byName)).toThrow(expect.objectContaining({ code: 'invalid:cursor' }));
  });
});
