import type { Metadata } from 'next';
import Link from 'next/link';
import { StaffAccountsTable, type StaffAccountRow } from '@/components/operator-accounts/accounts-table';
import { buttonClass } from '@/components/ui/button';
import { Card, EmptyState, PageHeader } from '@/components/ui/card';
import { SelectField, TextField } from '@/components/ui/field';
import { Pager } from '@/components/ui/pager';
import { getCurrentAccess, requireStaff } from '@/lib/auth/guard';
import { formatCount, formatMoney, isNegativeAmount } from '@/lib/format';
import { listCustomerAccounts } from '@/lib/services/staff-accounts';
import { parseStaffAccountsQuery, STAFF_ACCOUNT_SORTS, staffAccountsHref } from '@/lib/validations/staff-accounts';
import { AccountStatusControl } from './account-status-control';
import { actAsAccountAction, setAccountStatusAsStaffAction } from './actions';

export const metadata: Metadata = { title: 'Customer accounts' };

const SORT_LABELS = { name: 'account', balance: 'balance', numbers: 'live numbers', status: 'status' } as const;

export default async function CustomerAccountsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const staff = await requireStaff();
  const query = parseStaffAccountsQuery(await searchParams);
  const [list, current] = await Promise.all([listCustomerAccounts(staff, query), getCurrentAccess()]);
  const actingId = current?.actingAsStaff ? current.account.id : undefined;
  // Indented as a tree only when every row is in tree order, unfiltered.
  const asTree = query.sort === 'name' && query.dir === 'asc' && !query.q && !query.status;
  const rows: StaffAccountRow[] = list.rows.map((row) => ({
    id: row.id,
    name: row.name,
    level: asTree ? row.depth : 0,
    above: row.namePath.slice(0, -1),
    subAccounts: row.subAccounts,
    numbers: formatCount(row.numbers),
    ownNumbers: row.subAccounts > 0 ? formatCount(row.ownNumbers) : undefined,
    balance: row.balance === null ? { billedTo: row.namePath[0] ?? 'its top-level account' } : { amount: formatMoney(row.balance), negative: isNegativeAmount(row.balance) },
    status: row.suspendedBy === null ? { suspended: false } : { suspended: true, by: row.suspendedBy === row.name ? undefined : row.suspendedBy },
    current: row.id === actingId,
    statusControl: (
      <AccountStatusControl
        account={{ id: row.id, name: row.name, status: row.status, topLevel: row.parentId === null, subAccounts: row.subAccounts }}
        action={setAccountStatusAsStaffAction}
      />
    ),
  }));
  const hrefs = Object.fromEntries(
    STAFF_ACCOUNT_SORTS.map((column) => [column, { asc: staffAccountsHref({ ...query, sort: column, dir: 'asc', page: 1 }), desc: staffAccountsHref({ ...query, sort: column, dir: 'desc', page: 1 }) }]),
  );
  const filtered = Boolean(query.q || query.status);
  const caption = `Customer accounts${filtered ? ' matching the search' : ''}, sorted by ${SORT_LABELS[query.sort]} ${query.dir === 'asc' ? 'ascending' : 'descending'}, page ${list.page}`;

  return (
    <>
      <PageHeader
        title="Customer accounts"
        description="Every customer account, top-level and sub-accounts. Acting as one lets you work in it with an owner’s rights; suspending one makes it and its sub-accounts read-only and refuses their API keys. Acting, suspending, reactivating and every change are recorded in the account’s audit log."
      />
      <Card>
        <form method="get" className="mb-4 grid items-start gap-4 sm:grid-cols-[2fr_1fr_auto]" noValidate role="search" aria-label="Find a customer account">
          <TextField idPrefix="accounts" label="Name or account id" name="q" defaultValue={query.q} maxLength={100} autoComplete="off" placeholder="Acme, or 3f2a…" errors={query.fieldErrors.q} />
          <SelectField idPrefix="accounts" label="Status" name="status" defaultValue={query.status ?? ''}>
            <option value="">Any status</option>
            <option value="active">Active</option>
            <option value="suspended">Suspended</option>
          </SelectField>
          {query.sort !== 'name' ? <input type="hidden" name="sort" value={query.sort} /> : null}
          {query.dir !== 'asc' ? <input type="hidden" name="dir" value={query.dir} /> : null}
          <div className="flex gap-3 sm:pt-6">
            <button type="submit" className={buttonClass('secondary')}>
              Search
            </button>
            {filtered ? (
              <Link href={staffAccountsHref({ ...query, q: '', status: undefined, page: 1 })} className="self-center text-sm font-medium text-indigo-800 underline">
                Clear
              </Link>
            ) : null}
          </div>
        </form>
        <StaffAccountsTable
          rows={rows}
          caption={caption}
          sort={{ column: query.sort, dir: query.dir, hrefs }}
          actAs={actAsAccountAction}
          empty={
            <EmptyState title={filtered ? 'No customer account matches' : list.page > 1 ? 'No accounts on this page' : 'No customer accounts yet'}>
              {filtered ? 'Check the spelling, search by part of the name, or paste the whole account id.' : list.page > 1 ? <Link href={staffAccountsHref({ ...query, page: 1 })} className="text-indigo-800 underline">Back to the first page</Link> : 'Customer accounts appear here once they are created.'}
            </EmptyState>
          }
        />
        {rows.length === 0 ? null : <Pager label="Pages of customer accounts" page={list.page} pageSize={list.pageSize} total={list.total} rowCount={rows.length} noun={{ one: 'account', many: 'accounts' }} hrefFor={(page) => staffAccountsHref({ ...query, page })} />}
      </Card>
    </>
  );
}
