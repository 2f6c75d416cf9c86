import type { Metadata } from 'next';
import Link from 'next/link';
import { forbidden } from 'next/navigation';
import { OrderFilters } from '@/components/orders/order-filters';
import { OrderTable, type OrderTableRow } from '@/components/orders/order-table';
import { buttonClass } from '@/components/ui/button';
import { Card, EmptyState, PageHeader } from '@/components/ui/card';
import { Pager } from '@/components/ui/pager';
import { can } from '@/lib/auth/access';
import { requireAccountAccess } from '@/lib/auth/guard';
import { formatCount, formatDateTime, formatE164, formatMoney } from '@/lib/format';
import { listOrders, type OrderHistoryRow } from '@/lib/services/number-orders';
import { ORDER_SORTS, ORDER_SORT_LABELS, orderHistorySearch, parseOrderHistoryQuery, type OrderHistoryView, type OrderSort } from '@/lib/validations/order-history';

export const metadata: Metadata = { title: 'Orders' };

function progressOf(order: OrderHistoryRow): string {
  const open = order.lineCount - order.activeLines - order.failedLines;
  const bought = `${formatCount(order.activeLines)} of ${formatCount(order.lineCount)} bought`;
  return open > 0 ? `${bought}, ${formatCount(open)} in progress` : bought;
}

/** Who placed it: a member's email, or the API key a program used ("API key “CI” (cp_live_AbCd12…)"). */
function placedByOf(order: OrderHistoryRow): string {
  if (order.placedBy) return order.placedBy;
  if (order.placedByKeyName !== null) return `API key “${order.placedByKeyName}” (${order.placedByKeyPrefix ?? ''}…)`;
  return 'a former member';
}

export default async function OrdersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const access = await requireAccountAccess('account.read');
  // Technical roles see orders as part of their numbers, finance for what they cost.
  if (!can(access, 'technical.read') && !can(access, 'billing.read')) forbidden();
  const raw = await searchParams;
  const query = parseOrderHistoryQuery(raw);
  const { filter, view } = query;
  const list = await listOrders(access, query);

  const href = (overrides: Partial<OrderHistoryView>) => {
    const search = orderHistorySearch(filter, { ...view, ...overrides });
    return search ? `/numbers/orders?${search}` : '/numbers/orders';
  };
  const sortHrefs = Object.fromEntries(ORDER_SORTS.map((column) => [column, { asc: href({ sort: column, dir: 'asc', page: 1 }), desc: href({ sort: column, dir: 'desc', page: 1 }) }])) as Record<OrderSort, Record<'asc' | 'desc', string>>;
  const filtered = orderHistorySearch(filter) !== '';
  const fieldErrors = query.fieldErrors as Record<string, string[]>;
  const values = Object.fromEntries(Object.entries(raw).map(([key, value]) => [key, Array.isArray(value) ? value[0] : value]));
  const scopeText = list.showAccount ? `${access.account.name} and its sub-accounts` : access.account.name;
  const caption = `Orders of ${scopeText}, sorted by ${ORDER_SORT_LABELS[view.sort].toLowerCase()} ${view.dir === 'asc' ? 'ascending' : 'descending'}, page ${list.page}`;

  const rows: OrderTableRow[] = list.rows.map((order) => ({
    id: order.id,
    shortId: order.id.slice(0, 8),
    href: `/numbers/orders/${order.id}`,
    placed: formatDateTime(order.createdAt),
    placedBy: placedByOf(order),
    accountName: order.accountName,
    status: order.status,
    progress: progressOf(order),
    lines: order.lines.map((line) => ({
      id: line.id,
      number: formatE164(line.e164),
      status: line.status,
      reason: line.reason,
      numberHref: list.linkNumbers && line.numberId ? `/numbers/${line.numberId}` : undefined,
      charged: list.showCharges && line.charged ? formatMoney(line.charged) : undefined,
    })),
    moreLines: Math.max(0, order.lineCount - order.lines.length),
    charged: list.showCharges && order.charged !== undefined ? formatMoney(order.charged) : undefined,
  }));

  return (
    <>
      <PageHeader
        title="Orders"
        description={`Number orders of ${scopeText}: what was bought, what was not, and why.`}
        actions={
          can(access, 'technical.write') ? (
            <Link href="/numbers/buy" className={buttonClass('primary')}>
              Buy numbers
            </Link>
          ) : undefined
        }
      />
      <div className="space-y-6">
        <Card title="Filters">
          <OrderFilters values={values} errors={fieldErrors} sort={view.sort} dir={view.dir} />
          {Object.keys(fieldErrors).length > 0 ? (
            <p role="alert" className="mt-3 text-sm text-red-700">
              Some filters could not be used and were left out; see the messages beside them.
            </p>
          ) : null}
        </Card>
        <Card>
          {rows.length > 0 ? (
            <>
              <OrderTable rows={rows} caption={caption} sort={{ column: view.sort, dir: view.dir, hrefs: sortHrefs }} showAccount={list.showAccount} showCharges={list.showCharges} />
              <Pager
                label="Pages of orders"
                page={list.page}
                pageSize={list.pageSize}
                total={list.total}
                rowCount={rows.length}
                noun={{ one: 'order', many: 'orders' }}
                pathname="/numbers/orders"
                searchParams={new URLSearchParams(orderHistorySearch(filter, view))}
              />
            </>
          ) : list.total > 0 ? (
            <EmptyState title="This page is past the last one">
              <Link href={href({ page: 1 })} className="text-indigo-800 underline">
                Go to the first page
              </Link>
            </EmptyState>
          ) : filtered ? (
            <EmptyState title="No orders match these filters">
              Try a wider date range or fewer filters, or{' '}
              <Link href="/numbers/orders" className="text-indigo-800 underline">
                clear them all
              </Link>
              .
            </EmptyState>
          ) : (
            <EmptyState title={`${access.account.name} has no orders yet`}>
              {can(access, 'technical.write') ? (
                <>
                  Orders appear here once numbers are bought:{' '}
                  <Link href="/numbers/buy" className="font-medium text-indigo-800 underline">
                    buy numbers
                  </Link>
                  .
                </>
              ) : (
                'Orders appear here once someone with technical access buys numbers for this account.'
              )}
            </EmptyState>
          )}
        </Card>
      </div>
    </>
  );
}
