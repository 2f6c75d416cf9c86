import type { Metadata } from 'next';
import Link from 'next/link';
import { Badge, Card, PageHeader } from '@/components/ui/card';
import { requireStaff } from '@/lib/auth/guard';
import { formatE164 } from '@/lib/format';
import { orNotFound } from '@/lib/not-found';
import { PORT_STATUS_LABELS } from '@/lib/ports/state-machine';
import { PORT_EXCEPTION_CODES, PORT_EXCEPTION_TEXT } from '@/lib/ports/types';
import { getStaffPortDetail } from '@/lib/services/staff-port-ins';
import { addStaffPortCommentAction, pollPortNowAction, transitionPortAction } from '../actions';
import { PortNumberTable } from '../port-tables';
import { statusTone } from '../port-view';
import { CommentForm, PollNowForm, TransitionForm } from './staff-port-forms';

export const metadata: Metadata = { title: 'Port-in (staff)' };
export const dynamic = 'force-dynamic';

const when = (date: Date | null) => (date ? `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC` : '—');

export default async function StaffPortInPage({ params }: { params: Promise<{ portInId: string }> }) {
  const user = await requireStaff();
  const { portInId } = await params;
  const port = await orNotFound(getStaffPortDetail(user, portInId));
  const address = port.serviceAddress ? `${port.serviceAddress.street}${port.serviceAddress.unit ? `, ${port.serviceAddress.unit}` : ''}, ${port.serviceAddress.city}, ${port.serviceAddress.state} ${port.serviceAddress.postalCode}` : '—';
  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/operator/port-ins" className="text-indigo-800 underline">
          ← All port-ins
        </Link>
      </p>
      <PageHeader title={`${port.reference} · ${port.accountName}`} description={`${port.numberCount} number${port.numberCount === 1 ? '' : 's'}${port.losingCarrier ? ` from ${port.losingCarrier}` : ''}${port.connectionName ? ` through ${port.connectionName}` : ''}.`} />
      <div className="grid gap-4 lg:grid-cols-3">
        <div className="space-y-4 lg:col-span-2">
          <Card title="State">
            <dl className="grid grid-cols-1 gap-2 text-sm sm:grid-cols-2">
              <div>
                <dt className="text-slate-600">State</dt>
                <dd>
                  <Badge tone={statusTone(port.status)}>{port.statusLabel}</Badge>
                </dd>
              </div>
              <div>
                <dt className="text-slate-600">Carrier’s word</dt>
                <dd>
                  {port.upstreamStatus ?? '—'} {port.upstreamStatusUnknown ? <Badge tone="amber">Unknown to the adapter: check with the carrier</Badge> : null}
                </dd>
              </div>
              <div>
                <dt className="text-slate-600">FOC date (requested)</dt>
                <dd>
                  {port.focDate ?? '—'} ({port.requestedFocDate ?? '—'})
                </dd>
              </div>
              <div>
                <dt className="text-slate-600">Carrier reference</dt>
                <dd>{port.upstreamRef ?? 'Not yet taken by the carrier'}</dd>
              </div>
              {port.upstreamLoaUrl ? (
                <div>
                  <dt className="text-slate-600">Carrier’s LOA page</dt>
                  <dd>
                    {/* VoiceTel takes no LOA upload: our porting team completes it there with the customer's signed LOA. */}
                    <a href={port.upstreamLoaUrl} target="_blank" rel="noopener noreferrer" className="break-all text-indigo-700 underline">
                      {port.upstreamLoaUrl}
                    </a>
                  </dd>
                </div>
              ) : null}
              <div>
                <dt className="text-slate-600">Last good status read / next read</dt>
                <dd>
                  {when(port.lastPolledAt)} / {when(port.nextPollAt)}
                </dd>
              </div>
              {port.pollFailure ? (
                <div className="sm:col-span-2">
                  <dt className="text-slate-600">Status reads</dt>
                  <dd>
                    <Badge tone="red">Failing since {when(port.pollFailure.since)}</Badge>{' '}
                    <span className="break-words">
                      {port.pollFailure.attempts} failed read{port.pollFailure.attempts === 1 ? '' : 's'}, the latest {when(port.pollFailure.lastFailedAt)}: {port.pollFailure.lastError}
                    </span>
                  </dd>
                </div>
              ) : null}
              {port.previousOrders.length ? (
                <div className="sm:col-span-2">
                  <dt className="text-slate-600">Earlier carrier orders to withdraw</dt>
                  <dd>
                    <ul className="space-y-1">
                      {port.previousOrders.map((order) => (
                        <li key={order.taskId}>
                          <Badge tone="amber">{order.upstreamRef}</Badge> {order.title} (since {when(order.since)};{' '}
                          <Link href="/operator/tasks" className="text-indigo-800 underline">
                            staff task
                          </Link>
                          )
                        </li>
                      ))}
                    </ul>
                  </dd>
                </div>
              ) : null}
              <div>
                <dt className="text-slate-600">Exception</dt>
                <dd>{port.exception ? `${port.exception.label}${port.exception.message ? `: ${port.exception.message}` : ''}` : '—'}</dd>
              </div>
            </dl>
          </Card>
          <Card title="Subscriber">
            <dl className="grid grid-cols-1 gap-2 text-sm sm:grid-cols-2">
              <div>
                <dt className="text-slate-600">Name</dt>
                <dd>{port.subscriberName ?? '—'}</dd>
              </div>
              <div>
                <dt className="text-slate-600">Authorised person</dt>
                <dd>{port.authorizedPerson ?? '—'}</dd>
              </div>
              <div>
                <dt className="text-slate-600">Account number</dt>
                <dd>{port.accountNumber ?? '—'}</dd>
              </div>
              <div>
                <dt className="text-slate-600">PIN</dt>
                <dd>{port.pinHint ?? 'None given'}</dd>
              </div>
              <div>
                <dt className="text-slate-600">BTN</dt>
                <dd>
                  {port.billingTelephoneNumber ? formatE164(port.billingTelephoneNumber) : '—'}
                  {port.partialPort ? ` (partial port; staying: ${port.remainingNumbers.join(', ') || '—'})` : ''}
                </dd>
              </div>
              <div>
                <dt className="text-slate-600">Service address</dt>
                <dd>{address}</dd>
              </div>
            </dl>
          </Card>
          <Card title="Numbers">
            <PortNumberTable
              rows={port.numbers.map((number) => ({
                e164: formatE164(number.e164),
                kind: number.kind === 'toll_free' ? 'Toll-free' : 'Local',
                status: PORT_STATUS_LABELS[number.status],
                losingCarrier: number.losingCarrier ?? '—',
                rateCenter: number.rateCenter ?? '—',
                exception: number.exception ? `${number.exception.label}${number.exception.message ? `: ${number.exception.message}` : ''}` : '—',
              }))}
            />
          </Card>
          <Card title="Documents">
            {port.documents.length ? (
              <ul className="space-y-1 text-sm">
                {port.documents.map((document) => (
                  <li key={document.id}>
                    <a href={`/operator/port-ins/${port.id}/documents/${document.id}`} className="font-medium text-indigo-800 underline">
                      {document.kind === 'bill' ? 'Bill' : document.kind === 'signed_loa' ? 'Signed LOA' : 'LOA'}: {document.filename}
                    </a>{' '}
                    <span className="text-slate-600">
                      ({Math.ceil(document.sizeBytes / 1024)} KB{document.signedName ? `, signed by ${document.signedName} ${when(document.signedAt)}` : ''})
                    </span>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="text-sm text-slate-700">No documents.</p>
            )}
          </Card>
          <Card title="Timeline">
            <ol className="space-y-3 text-sm">
              {port.events.map((event) => (
                <li key={event.id} className={event.internal ? 'rounded-md border border-amber-300 bg-amber-50 p-2' : 'rounded-md border border-slate-200 p-2'}>
                  <p className="text-slate-600">
                    {when(event.createdAt)} · {event.actor}
                    {event.toStatus ? ` · ${event.fromStatus ? `${PORT_STATUS_LABELS[event.fromStatus]} → ` : ''}${PORT_STATUS_LABELS[event.toStatus]}` : ''}
                    {event.internal ? (
                      <>
                        {' '}
                        <Badge tone="amber">Internal</Badge>
                      </>
                    ) : null}
                  </p>
                  {event.body ? <p className="whitespace-pre-wrap text-slate-900">{event.body}</p> : null}
                </li>
              ))}
            </ol>
          </Card>
        </div>
        <div className="space-y-4">
          <Card title="Move the port">
            <TransitionForm
              portInId={port.id}
              targets={port.targets.map((target) => ({ value: target, label: PORT_STATUS_LABELS[target] }))}
              exceptionCodes={PORT_EXCEPTION_CODES.map((code) => ({ value: code, label: PORT_EXCEPTION_TEXT[code].label }))}
              action={transitionPortAction}
            />
          </Card>
          <Card title="Carrier">
            <PollNowForm portInId={port.id} action={pollPortNowAction} />
          </Card>
          <Card title="Comment">
            <CommentForm portInId={port.id} action={addStaffPortCommentAction} />
          </Card>
        </div>
      </div>
    </>
  );
}
