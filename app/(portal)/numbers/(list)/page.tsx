import type { Metadata } from 'next';
import Link from 'next/link';
import { SetE911AddressForm } from '@/components/numbers/e911-forms';
import { NumberFilters } from '@/components/numbers/number-filters';
import { NumberTable, type NumberTableRow } from '@/components/numbers/number-table';
import { RouteNumbersForm } from '@/components/trunk-groups/route-numbers-form';
import { buttonClass } from '@/components/ui/button';
import { Card, EmptyState, PageHeader } from '@/components/ui/card';
import { Pager } from '@/components/ui/pager';
import { can } from '@/lib/auth/access';
import { requireAccountAccess } from '@/lib/auth/guard';
import { countNumbersWithoutE911, listE911Addresses } from '@/lib/services/e911';
import { getRoutingOfNumbers, type NumberRoutingView } from '@/lib/services/number-routing';
import { getNumberFilterOptions, listAccountNumbers, type NumberView } from '@/lib/services/numbers';
import { listTrunkGroupNames } from '@/lib/services/trunk-groups';
import { NUMBER_SORTS, NUMBER_SORT_LABELS, numberInventorySearch, parseNumberInventoryQuery, type NumberSort } from '@/lib/validations/number-inventory';
import { formatE911Address } from '@/lib/validations/e911';
import { formatCount, formatDate, formatE164, formatMoney } from '@/lib/format';
import { assignE911ToNumbersAction, assignNumbersToTrunkGroupAction } from '../actions';

export const metadata: Metadata = { title: 'My numbers' };


function tableRow(number: NumberView): NumberTableRow {
  return {
    id: number.id,
    number: formatE164(number.e164),
    e164: number.e164,
    accountName: number.accountName,
    state: number.state,
    npa: number.npa,
    rateCenter: number.rateCenter,
    status: number.status,
    trunkGroupRef: number.trunkGroupRef,
    e911Status: number.e911Status,
    monthly: number.monthly === undefined ? undefined : formatMoney(number.monthly),
    activated: formatDate(number.activatedAt),
    released: number.releasedAt ? `on ${formatDate(number.releasedAt)}` : undefined,
    provider: number.upstream ? `${number.upstream.providerName} · ${number.upstream.connectionName}` : undefined,
  };
}

export default async function NumbersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const access = await requireAccountAccess('technical.read');
  const raw = await searchParams;
  const query = parseNumberInventoryQuery(raw);
  const { filter, view } = query;
  const mayRoute = can(access, 'technical.write');
  const [list, options, trunkGroups, coverage, addresses] = await Promise.all([
    listAccountNumbers(access, query),
    getNumberFilterOptions(access),
    listTrunkGroupNames(access),
    countNumbersWithoutE911(access),
    mayRoute ? listE911Addresses(access) : Promise.resolve([]),
  ]);
  const trunkGroupNames = new Map(trunkGroups.map((group) => [group.id, group.name]));
  const live = list.rows.filter((number) => number.status !== 'released');
  const routing: Map<string, NumberRoutingView> = live.length > 0 ? await getRoutingOfNumbers(access, live.map((number) => number.id)) : new Map();
  const routeFormId = mayRoute && trunkGroups.length > 0 ? 'route-numbers' : undefined;
  const e911FormId = mayRoute && addresses.length > 0 ? 'set-e911-numbers' : undefined;
  // The row checkboxes belong to one form; the other bulk form reads the ticks from the page.
  const selectionFormId = routeFormId ?? e911FormId;
  const addressOptions = addresses.map(({ address }) => ({ id: address.id, label: formatE911Address(address) }));
  const coverageText =
    coverage.total === 0
      ? undefined
      : coverage.unregistered === 0
        ? `All ${formatCount(coverage.total)} of ${access.account.name}’s numbers have a registered emergency address.`
        : `${formatCount(coverage.unregistered)} of ${formatCount(coverage.total)} number${coverage.total === 1 ? '' : 's'} ${coverage.unregistered === 1 ? 'has' : 'have'} no registered emergency address`;
  const toRow = (number: NumberView): NumberTableRow => ({
    ...tableRow(number),
    trunkGroupName: number.trunkGroupRef ? trunkGroupNames.get(number.trunkGroupRef) : undefined,
    routing: routing.has(number.id) ? { state: routing.get(number.id)!.state, reason: routing.get(number.id)!.reason } : undefined,
    selectable: number.accountId === access.account.id && number.status !== 'released',
  });

  const href = (overrides: Partial<typeof view>) => {
    const search = numberInventorySearch(filter, { ...view, ...overrides });
    return search ? `/numbers?${search}` : '/numbers';
  };
  const sortHrefs = Object.fromEntries(NUMBER_SORTS.map((column) => [column, { asc: href({ sort: column, dir: 'asc', page: 1 }), desc: href({ sort: column, dir: 'desc', page: 1 }) }])) as Record<NumberSort, Record<'asc' | 'desc', string>>;
  const filterSearch = numberInventorySearch(filter);
  const exportHref = `/api/v1/numbers/export?${new URLSearchParams({ accountId: access.account.id }).toString()}${filterSearch ? `&${filterSearch}` : ''}`;
  const filtered = filterSearch !== '';

  const { rows, total, page, pageSize } = list;
  const scopeText = list.showAccount ? `${access.account.name} and its sub-accounts` : access.account.name;
  const caption = `Numbers of ${scopeText}, sorted by ${NUMBER_SORT_LABELS[list.sort].toLowerCase()} ${view.dir === 'asc' ? 'ascending' : 'descending'}, page ${page}`;
  const fieldErrors = query.fieldErrors as Record<string, string[]>;
  const values = Object.fromEntries(Object.entries(raw).map(([key, value]) => [key, Array.isArray(value) ? value[0] : value]));

  return (
    <>
      <PageHeader
        title="My numbers"
        description={`Phone numbers of ${scopeText}.`}
        actions={
          <div className="flex gap-2">
            <a href={exportHref} download className={buttonClass('secondary')}>
              Export CSV
            </a>
            {can(access, 'technical.write') ? (
              <Link href="/numbers/buy" className={buttonClass('primary')}>
                Buy numbers
              </Link>
            ) : null}
          </div>
        }
      />
      <div className="space-y-6">
        <Card title="Filters">
          <NumberFilters values={values} errors={fieldErrors} options={{ ...options, trunkGroups }} sort={view.sort} dir={view.dir} />
          {Object.keys(fieldErrors).length > 0 ? (
            <p role="alert" className="mt-3 text-sm text-red-700">
              Some filters could not be used and were left out; see the messages beside them.
            </p>
          ) : null}
        </Card>
        <Card>
          {coverageText ? (
            <p role="note" className={`mb-4 rounded-md border p-3 text-sm ${coverage.unregistered > 0 ? 'border-amber-200 bg-amber-50 text-amber-900' : 'border-slate-200 bg-slate-50 text-slate-800'}`}>
              {coverageText}
              {coverage.unregistered > 0 ? (
                <>
                  {' — '}
                  <Link href="/e911" className="font-medium text-indigo-800 underline">
                    {mayRoute ? 'Register them' : 'See which on the E911 page'}
                  </Link>
                </>
              ) : null}
            </p>
          ) : null}
          {rows.length > 0 ? (
            <>
              {routeFormId ? (
                <RouteNumbersForm formId={routeFormId} trunkGroups={trunkGroups} action={assignNumbersToTrunkGroupAction} />
              ) : mayRoute ? (
                <p className="mb-4 text-sm text-slate-700">
                  Calls to your numbers are delivered through a trunk group.{' '}
                  <Link href="/trunk-groups/new" className="font-medium text-indigo-800 underline">
                    Create a trunk group
                  </Link>{' '}
                  to route them.
                </p>
              ) : null}
              {e911FormId && selectionFormId ? <SetE911AddressForm formId={e911FormId} selectionFormId={selectionFormId} addresses={addressOptions} action={assignE911ToNumbersAction} /> : null}
              {mayRoute && addresses.length === 0 ? (
                <p className="mb-4 text-sm text-slate-700">
                  To register your numbers for emergency calls,{' '}
                  <Link href="/e911/new" className="font-medium text-indigo-800 underline">
                    add an emergency address
                  </Link>{' '}
                  first.
                </p>
              ) : null}
              <NumberTable rows={rows.map(toRow)} caption={caption} sort={list.sort} dir={view.dir} sortHrefs={sortHrefs} showAccount={list.showAccount} showProvider={list.showProvider} showPrice={list.showPrice} selectionFormId={selectionFormId} />
              <Pager
                label="Pages of numbers"
                page={page}
                pageSize={pageSize}
                total={total.count}
                capped={total.capped}
                rowCount={rows.length}
                noun={{ one: 'number', many: 'numbers' }}
                pathname="/numbers"
                searchParams={new URLSearchParams(numberInventorySearch(filter, view))}
              />
            </>
          ) : total.count > 0 ? (
            <EmptyState title="This page is past the last one">
              <Link href={href({ page: 1 })} className="text-indigo-800 underline">
                Go to the first page
              </Link>
            </EmptyState>
          ) : filtered ? (
            <EmptyState title="No numbers match these filters">
              Try a shorter number or fewer filters, or{' '}
              <Link href="/numbers" className="text-indigo-800 underline">
                clear them all
              </Link>
              .
            </EmptyState>
          ) : (
            <EmptyState title={`${access.account.name} has no numbers yet`}>
              {can(access, 'technical.write') ? (
                <>
                  Search by area code, state or pattern and order in a few clicks:{' '}
                  <Link href="/numbers/buy" className="font-medium text-indigo-800 underline">
                    buy your first numbers
                  </Link>
                  .
                </>
              ) : (
                'Someone with technical access to this account can buy numbers for it.'
              )}
            </EmptyState>
          )}
        </Card>
      </div>
    </>
  );
}
