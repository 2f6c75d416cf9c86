/** CarrierX list paging (§1.4 envelopes, `offset:<n>` cursors of our own). */
import { ProviderError } from '../errors';

export const OFFSET_CURSOR = /^offset:(\d+)$/;

export function decodeOffset(cursor: string | undefined): number {
  if (!cursor) return 0;
  const match = OFFSET_CURSOR.exec(cursor);
  if (!match) throw new ProviderError('carrierx', 'invalid', { upstreamMessage: 'unrecognised page cursor' });
  return Number(match[1]);
}

export interface Envelope<T> {
  items: T[];
  count: number;
  offset: number;
  total: number | null;
  pagination: { next?: string } | null;
}

/**
 * §1.4: `has_more` is true when records exist on EITHER side of the window, so "is there a next
 * page" is the `next` link (or offset + count < total).
 */
export function hasNextPage(page: Envelope<unknown>): boolean {
  if (page.count === 0) return false;
  if (page.pagination?.next) return true;
  return page.total !== null && page.offset + page.count < page.total;
}

export async function allPages<T>(fetchPage: (offset: number) => Promise<Envelope<T>>): Promise<T[]> {
  const items: T[] = [];
  for (let offset = 0; ; ) {
    const page = await fetchPage(offset);
    items.push(...page.items);
    if (!hasNextPage(page)) return items;
    offset += page.count;
  }
}
