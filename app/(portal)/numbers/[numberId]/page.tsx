import type { Metadata } from 'next';
import Link from 'next/link';
import { E911StatusBadge } from '@/components/e911/status-badge';
import { NumberRoutingBadge, NumberStatusBadge } from '@/components/numbers/badges';
import { AssignNumberE911Form, RemoveNumberE911Form } from '@/components/numbers/e911-forms';
import { MoveNumberForm, ReleaseNumberForm } from '@/components/numbers/number-forms';
import { NumberOrderTable } from '@/components/numbers/number-order-table';
import { Card, PageHeader } from '@/components/ui/card';
import { can } from '@/lib/auth/access';
import { requireAccountAccess } from '@/lib/auth/guard';
import { orNotFound } from '@/lib/not-found';
import { listE911Addresses } from '@/lib/services/e911';
import { getRoutingOfNumbers } from '@/lib/services/number-routing';
import { StaffDetail } from '@/components/ui/staff-detail';
import { endOfMonthUtc, getNumberDetail } from '@/lib/services/numbers';
import { isOrderVisible } from '@/lib/services/number-orders';
import { formatE911Address } from '@/lib/validations/e911';
import { formatDate, formatDateTime, formatE164, formatMoney } from '@/lib/format';
import { auditEventLabel } from '@/lib/views/audit-events';
import { assignE911ToNumbersAction, moveNumberAction, releaseNumberAction, unassignE911FromNumberAction } from '../actions';

export const metadata: Metadata = { title: 'Number' };


function Detail({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-sm text-slate-600">{label}</dt>
      <dd className="mt-0.5 text-sm text-slate-900">{children}</dd>
    </div>
  );
}

const EVENT_LABELS: Record<string, string> = {
  'number.release': 'Released',
  'number.release_failed': 'Release not confirmed upstream; number kept active',
  'number.move': 'Moved',
};

function describeEvent(action: string, after: unknown): string {
  const label = EVENT_LABELS[action] ?? auditEventLabel(action);
  const target = after && typeof after === 'object' && 'account' in after ? String((after as { account: unknown }).account) : undefined;
  return action === 'number.move' && target ? `${label} to ${target}` : label;
}

export default async function NumberDetailPage({ params }: { params: Promise<{ numberId: string }> }) {
  const { numberId } = await params;
  const access = await requireAccountAccess('technical.read');
  const detail = await orNotFound(getNumberDetail(access, numberId));
  const { number, order, events, moveTargets } = detail;
  const formatted = formatE164(number.e164);
  const released = number.status === 'released';
  // Assignment works on the current account's live numbers (as on My numbers and the E911 pages).
  const ownLive = number.accountId === access.account.id && !released;
  const mayAssignE911 = ownLive && can(access, 'technical.write');
  const [addresses, routingByNumber] = await Promise.all([ownLive ? listE911Addresses(access) : Promise.resolve([]), released ? Promise.resolve(undefined) : getRoutingOfNumbers(access, [number.id])]);
  const orderVisible = order ? await isOrderVisible(access, order.orderId) : false;
  const routing = routingByNumber?.get(number.id);
  const { e911Status, e911Detail, e911UpstreamDetail, e911AddressId } = number;
  const currentAddress = e911AddressId ? addresses.find(({ address }) => address.id === e911AddressId)?.address : undefined;
  const addressOptions = addresses.map(({ address }) => ({ id: address.id, label: formatE911Address(address) }));
  const billedTo = `${formatDate(endOfMonthUtc(new Date()), 'long')}, the end of this month`;
  // Where the carrier cannot release through its API, our team does it by hand: calls do not stop at once.
  const billingNote = detail.releaseLeftToStaff
    ? `It leaves your numbers right away and stays on your bill until ${billedTo}. Our team then releases it at the carrier; until they have, calls to it may still reach you.`
    : `It stops working right away and stays on your bill until ${billedTo}.`;
  const releaseSummary = detail.releaseLeftToStaff
    ? 'Give the number back. It leaves your numbers at once and our team releases it at the carrier (calls may reach it until then); it stays on the bill to the end of the month.'
    : 'Give the number back. Its calls stop at once; it stays on the bill to the end of the month.';

  return (
    <>
      <PageHeader title={formatted} description={`${number.kind === 'tollfree' ? 'Toll-free' : 'Local'} number of ${number.accountName}`} actions={<NumberStatusBadge status={number.status} />} />
      <p className="mb-6 text-sm">
        <Link href="/numbers" className="text-indigo-800 underline">
          ← My numbers
        </Link>
      </p>
      {released ? (
        <div role="note" className="mb-6 rounded-md border border-slate-200 bg-slate-50 p-3 text-sm text-slate-800">
          Released {number.releasedAt ? `on ${formatDate(number.releasedAt, 'long')}` : ''}
          {number.billedUntil ? `; billed until ${formatDate(number.billedUntil, 'long')}.` : '.'}
          {detail.awaitingCarrierRelease ? ' Our team is still releasing it at the carrier; until they have, calls to it may still reach you.' : null}
        </div>
      ) : null}
      {number.status === 'missing_upstream' ? (
        <div role="note" className="mb-6 rounded-md border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900">
          At the last check our upstream carrier no longer listed this number. It may have been released outside the portal; if calls to it fail, contact support. It
          returns to Active on its own when the carrier lists it again.
        </div>
      ) : null}
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Overview">
          <dl className="grid gap-4 sm:grid-cols-2">
            <Detail label="Account">{number.accountName}</Detail>
            {number.monthly !== undefined ? <Detail label="Monthly price">{formatMoney(number.monthly)}</Detail> : null}
            <Detail label="State and rate center">{[number.state, number.rateCenter].filter(Boolean).join(' · ') || '—'}</Detail>
            <Detail label="Area code">{number.npa}</Detail>
            <Detail label="Activated">{formatDate(number.activatedAt, 'long')}</Detail>
            <Detail label="Released">{formatDate(number.releasedAt, 'long')}</Detail>
            {number.billedUntil ? <Detail label="Billed until">{formatDate(number.billedUntil, 'long')}</Detail> : null}
            <Detail label="Last confirmed with the carrier">{number.lastSeenUpstreamAt ? formatDateTime(number.lastSeenUpstreamAt) : 'Not yet'}</Detail>
            {number.upstream ? (
              <Detail label="Provider (staff only)">
                {number.upstream.providerName} · {number.upstream.connectionName}
              </Detail>
            ) : null}
          </dl>
        </Card>
        <Card title="Routing">
          <dl className="grid gap-4 sm:grid-cols-2">
            <Detail label="Trunk group">
              {detail.trunkGroup ? (
                <Link href={`/trunk-groups/${detail.trunkGroup.id}`} className="text-indigo-800 underline">
                  {detail.trunkGroup.name}
                </Link>
              ) : number.trunkGroupRef ? (
                'A trunk group that no longer exists'
              ) : (
                'None: calls ring on the carrier’s default route'
              )}
            </Detail>
            {routing ? (
              <Detail label="Calls go">
                <span data-testid="number-routing">
                  <NumberRoutingBadge state={routing.state} />{' '}
                  {routing.state === 'routed' ? 'Routed as configured' : routing.state === 'carrier_default' ? 'To the carrier’s default route' : 'Not routed as configured'}
                </span>
                {routing.reason ? <span className="mt-1 block text-xs text-red-800">{routing.reason}</span> : null}
                {routing.staffDetail ? <StaffDetail>{routing.staffDetail}</StaffDetail> : null}
                {routing.state === 'not_routed' && detail.trunkGroup ? (
                  <Link href={`/trunk-groups/${detail.trunkGroup.id}`} className="mt-1 block text-xs text-indigo-800 underline">
                    What to do: see the trunk group
                  </Link>
                ) : null}
              </Detail>
            ) : null}
          </dl>
        </Card>
        <Card title="Emergency address" description="The address emergency services receive when this number calls 911.">
          <dl className="grid gap-4 sm:grid-cols-2">
            <Detail label="Status">
              <E911StatusBadge status={e911Status} detail={e911Detail} staffDetail={e911UpstreamDetail} />
            </Detail>
            <Detail label="Address">
              {currentAddress ? (
                <Link href={`/e911/${currentAddress.id}`} className="text-indigo-800 underline">
                  {formatE911Address(currentAddress)}
                </Link>
              ) : e911AddressId ? (
                `An address of ${number.accountName}`
              ) : (
                'None'
              )}
            </Detail>
          </dl>
          {mayAssignE911 ? (
            <div className="mt-4 space-y-4">
              {addressOptions.length > 0 ? (
                <AssignNumberE911Form numberId={number.id} addresses={addressOptions} currentAddressId={currentAddress?.id} action={assignE911ToNumbersAction} />
              ) : (
                <p className="text-sm text-slate-700">
                  <Link href="/e911/new" className="font-medium text-indigo-800 underline">
                    Add an emergency address
                  </Link>{' '}
                  to register this number.
                </p>
              )}
              {e911AddressId || e911Status !== 'none' ? <RemoveNumberE911Form numberId={number.id} action={unassignE911FromNumberAction} /> : null}
            </div>
          ) : null}
        </Card>
        <Card title="Order history" className="lg:col-span-2">
          {order ? (
            <NumberOrderTable
              caption={`The order that bought ${formatted}`}
              order={{
                orderId: order.orderId,
                href: orderVisible ? `/numbers/orders/${order.orderId}` : undefined,
                orderedAt: formatDateTime(order.orderedAt),
                orderStatus: order.orderStatus,
                lineStatus: order.lineStatus,
                lineReason: order.lineReason ?? null,
                completedAt: formatDateTime(order.completedAt),
                price: order.monthly !== undefined && order.setup !== undefined ? `${formatMoney(order.monthly)}/month · ${formatMoney(order.setup)} setup` : undefined,
              }}
            />
          ) : (
            <p className="text-sm text-slate-700">This number was not bought through the portal (it was ported in or added by the carrier), so there is no order for it.</p>
          )}
          {events.length > 0 ? (
            <div className="mt-6">
              <h3 className="mb-2 text-sm font-semibold">Activity</h3>
              <ul className="divide-y divide-slate-100 text-sm">
                {events.map((event) => (
                  <li key={event.id} className="flex flex-wrap justify-between gap-2 py-2">
                    <span>{describeEvent(event.action, event.after)}</span>
                    <span className="text-slate-600">
                      {event.actor ?? 'system'} · {formatDateTime(event.at)}
                    </span>
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
        </Card>
        {can(access, 'technical.write') ? (
          <Card title="Release" description={releaseSummary}>
            <ReleaseNumberForm numberId={number.id} formatted={formatted} released={released} billingNote={billingNote} action={releaseNumberAction} disabled={!detail.mayRelease} />
          </Card>
        ) : null}
        {detail.mayMove && moveTargets.length > 0 ? (
          <Card title="Move to another account" description="The number keeps its emergency address (copied into the other account’s address book); its monthly price is billed to the same master account.">
            {number.trunkGroupRef ? (
              <p className="text-sm text-slate-700">
                It rings on a trunk group of {number.accountName}: take it off that trunk group first, then move it and route it in the other account.
              </p>
            ) : (
              <MoveNumberForm numberId={number.id} formatted={formatted} targets={moveTargets.map((target) => ({ id: target.id, label: `${'— '.repeat(target.depth)}${target.name}` }))} action={moveNumberAction} />
            )}
          </Card>
        ) : null}
      </div>
    </>
  );
}
