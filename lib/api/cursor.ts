/**
 * Opaque list cursors: the sort key of the last item of a page, base64url-encoded JSON. A cursor
 * that does not decode to the shape its list expects is a 400, never a 500 or a silent first page.
 */
import { z } from 'zod';
import { AppError } from '@/lib/errors';

export function encodeCursor(position: unknown): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

export function decodeCursor<Schema extends z.ZodType>(cursor: string | undefined, schema: Schema): z.output<Schema> | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  try {
    const raw: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const parsed = holdsOnlyListValues(raw) ? schema.safeParse(raw) : undefined;
    if (parsed?.success) return parsed.data;
  } catch {
    // Falls through to the one refusal below.
  }
  throw new AppError('invalid:cursor', 'The cursor is not one this list gave out; start again without `cursor`.', { fieldErrors: { cursor: ['Not a cursor from this list'] } });
}

// Every list position is ids, names, times from 1970 to 9999 and non-negative numbers. A crafted
// cursor with a NUL, the year 0 or a time past 9999 would reach PostgreSQL (or Date) and fail there
// as a 500: a Date in the year 10000 is written "+010000-…", which PostgreSQL cannot read.
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;
const TIME_LIKE = /^(\d{4,})-\d{2}-\d{2}[T ]/;
/** 9999-12-31T23:59:59.999Z: no time a list writes is later, and a millisecond count is never larger. */
const LAST_TIME_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

function holdsOnlyListValues(value: unknown): boolean {
  if (typeof value === 'string') {
    if (CONTROL_CHARACTER.test(value)) return false;
    const year = TIME_LIKE.exec(value)?.[1];
    if (year === undefined) return true;
    if (Number(year) < 1970 || Number(year) > 9999) return false;
    // An offset can carry the last day of 9999 into 10000 (`9999-12-31T23:00:00-05:00`).
    const time = Date.parse(value);
    return Number.isNaN(time) || time <= LAST_TIME_MS;
  }
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 && value <= LAST_TIME_MS;
  if (Array.isArray(value)) return value.every(holdsOnlyListValues);
  if (value && typeof value === 'object') return Object.values(value).every(holdsOnlyListValues);
  return true;
}

/** `{ data, nextCursor }` from `limit + 1` rows read: the extra row says whether a next page exists. */
export function pageFrom<Row, Item>(rows: Row[], limit: number, toItem: (row: Row) => Item, positionOf: (row: Row) => unknown): { data: Item[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { data: page.map(toItem), nextCursor: rows.length > limit && last !== undefined ? encodeCursor(positionOf(last)) : null };
}
