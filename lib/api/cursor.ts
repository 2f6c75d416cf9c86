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
    const parsed = schema.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    if (parsed.success) return parsed.data;
  } catch {
    // Falls through to the one refusal below.
  }
  throw new AppError('invalid:cursor', 'The cursor is not one this list gave out; start again without `cursor`.', { fieldErrors: { cursor: ['Not a cursor from this list'] } });
}

/** `{ data, nextCursor }` from `limit + 1` rows read: the extra row says whether a next page exists. */
export function pageFrom<Row, Item>(rows: Row[], limit: number, toItem: (row: Row) => Item, positionOf: (row: Row) => unknown): { data: Item[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { data: page.map(toItem), nextCursor: rows.length > limit && last !== undefined ? encodeCursor(positionOf(last)) : null };
}
