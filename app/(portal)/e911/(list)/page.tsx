import type { Metadata } from 'next';
import Link from 'next/link';
import { E911NumberBulkForm } from '@/components/e911/number-bulk-form';
import { AddressBookTable } from '@/components/e911/address-book-table';
import { E911NumberTable } from '@/components/e911/e911-number-table';
import { buttonClass } from '@/components/ui/button';
import { Card, EmptyState, PageHeader } from '@/components/ui/card';
import { Pager } from '@/components/ui/pager';
import { can } from '@/lib/auth/access';
import { requireAccountAccess } from '@/lib/auth/guard';
import { formatCount } from '@/lib/format';
import { countNumbersWithoutE911, listE911AddressesWithChecks } from '@/lib/services/e911';
import { UncoverableNumbers } from '@/components/e911/uncoverable-numbers';
import { formatE911Address } from '@/lib/validations/e911';
import { loadE911ListParams, serializeE911List } from '@/lib/url-state/e911';
import { assignE911NumbersAction } from '../actions';
import { coverageText, uncoverableText } from '../coverage';
import { E911_LIST_LIMIT, countNumbersByAddress, getUncoverableNumbers, getUnregisteredNumbers } from '@/lib/services/e911-numbers';

export const metadata: Metadata = { title: 'E911' };


export default async function E911Page({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const access = await requireAccountAccess('technical.read');
  const query = await searchParams;
  const { page, nocover: uncoverablePage } = loadE911ListParams(query);
  const deleted = typeof query.deleted === 'string' && /^\d{1,6}$/.test(query.deleted) ? Number(query.deleted) : undefined;
  const [coverage, addresses, usage, unregistered, uncoverable] = await Promise.all([
    countNumbersWithoutE911(access),
    listE911AddressesWithChecks(access),
    countNumbersByAddress(access),
    getUnregisteredNumbers(access, { limit: E911_LIST_LIMIT, offset: (page - 1) * E911_LIST_LIMIT }),
    getUncoverableNumbers(access, { limit: E911_LIST_LIMIT, offset: (uncoverablePage - 1) * E911_LIST_LIMIT }),
  ]);
  const writer = can(access, 'technical.write');
  const addressLabels = new Map(addresses.map(({ address }) => [address.id, formatE911Address(address)]));
  const add = writer ? (
    <Link href="/e911/new" className={buttonClass('primary')}>
      Add an address
    </Link>
  ) : null;
  const rows = unregistered.rows.map((number) => ({ ...number, address: number.addressId ? addressLabels.get(number.addressId) : undefined }));
  // Whatever was last recorded, their carrier cannot register an address: they read as not supported.
  const uncoverableRows = uncoverable.rows.map((number) => ({ ...number, status: 'unsupported' as const, detail: undefined }));

  return (
    <>
      <PageHeader title="E911" description={`Emergency addresses of ${access.account.name}: where emergency services are sent when someone dials 911 from your numbers.`} actions={add} />
      {deleted !== undefined ? (
        <p role="status" className="mb-4 rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm text-emerald-900">
          The address was deleted.{deleted > 0 ? ` ${deleted} number${deleted === 1 ? ' that used it has' : 's that used it have'} no emergency address now.` : ''}
        </p>
      ) : null}
      <div className="space-y-6">
        <Card title="Coverage" description="Every number that can place calls should have a registered emergency address.">
          <p className="text-lg font-semibold text-slate-900" data-testid="e911-coverage">
            {coverageText(coverage)}
          </p>
          {uncoverable.total > 0 ? (
            <p className="mt-1 text-sm text-slate-700">{uncoverableText(uncoverable.total, unregistered.total)}</p>
          ) : null}
          {coverage.total === 0 ? (
            <p className="mt-2 text-sm text-slate-700">
              Once you have numbers, register an emergency address for each.{' '}
              {writer ? (
                <Link href="/numbers/buy" className="font-medium text-indigo-800 underline">
                  Buy numbers
                </Link>
              ) : null}
            </p>
          ) : unregistered.total === 0 ? null : (
            <div className="mt-4">
              <h3 className="mb-2 text-sm font-semibold text-slate-900">Numbers without a registered address</h3>
              {writer && addresses.length === 0 ? (
                <p className="mb-3 text-sm text-slate-700">
                  <Link href="/e911/new" className="font-medium text-indigo-800 underline">
                    Add an address
                  </Link>{' '}
                  first, then register these numbers at it.
                </p>
              ) : null}
              {writer && addresses.length > 0 ? (
                <>
                  <p className="mb-3 text-sm text-slate-700">Tick the numbers, choose an address and register them in one go.</p>
                  <E911NumberBulkForm
                    rows={rows}
                    action={assignE911NumbersAction}
                    caption="Numbers without a registered address"
                    verb="Register"
                    pendingLabel="Registering…"
                    emptyText="Every number on this page has a registered address."
                    addresses={addresses.map(({ address }) => ({ id: address.id, label: formatE911Address(address) }))}
                    showAddress
                    disabled={access.readOnly}
                  />
                </>
              ) : (
                <E911NumberTable rows={rows} caption="Numbers without a registered address" showAddress />
              )}
              <Pager label="Pages of numbers without a registered address" page={page} pageSize={E911_LIST_LIMIT} total={unregistered.total} hrefFor={(next) => serializeE911List('/e911', { page: next, nocover: uncoverablePage })} />
            </div>
          )}
          {uncoverable.total > 0 ? (
            <div className="mt-6">
              <UncoverableNumbers
                rows={uncoverableRows}
                total={uncoverable.total}
                canBuy={can(access, 'technical.write')}
                pager={<Pager label="Pages of numbers we cannot give an emergency address" page={uncoverablePage} pageSize={E911_LIST_LIMIT} total={uncoverable.total} hrefFor={(next) => serializeE911List('/e911', { page, nocover: next })} />}
              />
            </div>
          ) : null}
        </Card>

        <Card title="Address book" description="Every carrier checks an address before it is saved. Only an address every carrier of your numbers accepted shows as checked.">
          {addresses.length === 0 ? (
            <EmptyState title={`${access.account.name} has no emergency addresses yet`}>
              {writer ? (
                <div className="space-y-3">
                  <p>Add the address where each number is used, then register your numbers at it.</p>
                  {add}
                </div>
              ) : (
                'Someone with technical access to this account can add one.'
              )}
            </EmptyState>
          ) : (
            <AddressBookTable
              caption={`Emergency addresses of ${access.account.name}`}
              rows={addresses.map(({ address, check }) => ({ id: address.id, address: formatE911Address(address), callerName: address.callerName, numbers: formatCount(usage.get(address.id) ?? 0), check: check.state }))}
            />
          )}
        </Card>
      </div>
    </>
  );
}
