import { z } from 'zod';
import { firstParam, isSafeText, pageParam, safeText, type SearchParamsInput } from './common';

export const STAFF_ACCOUNT_SORTS = ['name', 'balance', 'numbers', 'status'] as const;
export type StaffAccountSortKey = (typeof STAFF_ACCOUNT_SORTS)[number];
export const STAFF_ACCOUNTS_PAGE_SIZE = 25;

export interface StaffAccountsQuery {
  q: string;
  status: 'active' | 'suspended' | undefined;
  sort: StaffAccountSortKey;
  dir: 'asc' | 'desc';
  page: number;
  /** Beside the search box when what was typed cannot be searched for. */
  fieldErrors: { q?: string[] };
}

/**
 * The customer accounts page's URL: a search by name or id, a status filter, the sort and the page.
 * Anything unknown reads as the default rather than an error, except a search that cannot be run.
 */
export function parseStaffAccountsQuery(params: SearchParamsInput): StaffAccountsQuery {
  const rawQ = (firstParam(params, 'q') ?? '').trim();
  const fieldErrors: StaffAccountsQuery['fieldErrors'] = {};
  let q = rawQ;
  if (rawQ.length > 100 || !isSafeText(rawQ)) {
    fieldErrors.q = ['Search for up to 100 characters of a name or an account id'];
    q = '';
  }
  const status = firstParam(params, 'status');
  const sort = firstParam(params, 'sort');
  return {
    q,
    status: status === 'active' || status === 'suspended' ? status : undefined,
    sort: (STAFF_ACCOUNT_SORTS as readonly string[]).includes(sort ?? '') ? (sort as StaffAccountSortKey) : 'name',
    dir: firstParam(params, 'dir') === 'desc' ? 'desc' : 'asc',
    page: pageParam(10_000).parse(firstParam(params, 'page')),
    fieldErrors,
  };
}

/** The URL of the list with some of its state changed (page 1 and the defaults are left out). */
export function staffAccountsHref(query: Pick<StaffAccountsQuery, 'q' | 'status' | 'sort' | 'dir' | 'page'>): string {
  const search = new URLSearchParams();
  if (query.q) search.set('q', query.q);
  if (query.status) search.set('status', query.status);
  if (query.sort !== 'name') search.set('sort', query.sort);
  if (query.dir !== 'asc') search.set('dir', query.dir);
  if (query.page > 1) search.set('page', String(query.page));
  const text = search.toString();
  return text ? `/operator/accounts?${text}` : '/operator/accounts';
}

export const actAsAccountSchema = z.object({ accountId: z.string().uuid('Choose an account to act as') });
export const stopActingSchema = z.object({});

/** Staff suspend or reactivate any account, top-level ones included; the reason goes into the account's audit log. */
export const setAccountStatusAsStaffSchema = z.object({
  accountId: z.string().uuid('Choose an account'),
  status: z.enum(['active', 'suspended'], { message: 'Choose suspend or reactivate' }),
  reason: safeText('Reason', { multiline: true, message: 'Say why' }).trim().min(3, 'Say why (at least 3 characters); the account’s audit log keeps it').max(500, 'Reason can be at most 500 characters'),
});
