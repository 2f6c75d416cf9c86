import type { Metadata } from 'next';
import Link from 'next/link';
import { ExternalLink, MapPin } from 'lucide-react';
import { buttonClass } from '@/components/ui/button';
import { Badge, Card } from '@/components/ui/card';
import { can } from '@/lib/auth/access';
import { requireAccountAccess } from '@/lib/auth/guard';
import { orNotFound } from '@/lib/not-found';
import { formatDateTime, formatE164 } from '@/lib/format';
import { PORT_STATUS_LABELS } from '@/lib/ports/state-machine';
import { getPortDetail } from '@/lib/services/port-ins';
import { PortHeader, portTitle } from '../port-header';
import { addPortCommentAction, cancelPortInAction } from '../actions';
import { CancelPortButton, PortCommentForm } from '../detail-forms';
import { PortNumbersTable } from '../port-tables';
import { PORT_NUMBER_STATUS_LABELS, plural, portNoticeOf, portStatusTone, stepForException, submittedOutcomeOf, wizardHref } from '../port-views';
import { PortDocumentList } from './wizard/documents-step';

export const metadata: Metadata = { title: 'Port-in' };
export const dynamic = 'force-dynamic';

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-slate-600">{label}</dt>
      <dd className="mt-0.5 break-words text-slate-900">{children}</dd>
    </div>
  );
}

export default async function PortInPage({ params, searchParams }: { params: Promise<{ portInId: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const access = await requireAccountAccess('technical.read');
  const { portInId } = await params;
  const port = await orNotFound(getPortDetail(access, portInId));
  const notice = portNoticeOf(port, submittedOutcomeOf((await searchParams).submitted));
  const live = port.numbers.filter((number) => number.status !== 'cancelled');
  const completed = live.filter((number) => number.status === 'completed').length;
  const address = port.serviceAddress;
  return (
    <>
      <PortHeader
        title={portTitle(port)}
        description={`${plural(live.length, 'number')}${port.losingCarrier ? ` from ${port.losingCarrier}` : ''} · ${access.account.name}`}
        actions={
          port.canEdit && port.status === 'draft' ? (
            <Link href={wizardHref(port.id, port.step)} className={buttonClass('primary')}>
              Continue the draft
            </Link>
          ) : null
        }
      />
      {notice ? (
        <p
          role="status"
          data-testid="port-notice"
          className={notice.tone === 'success' ? 'mb-4 rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm text-emerald-900' : 'mb-4 rounded-md border border-amber-200 bg-amber-50 p-3 text-sm text-amber-950'}
        >
          {notice.text}
        </p>
      ) : null}
      <div className="space-y-6">
        <Card title="Status">
          <p className="flex flex-wrap items-center gap-2 text-sm" data-testid="port-status">
            <Badge tone={port.withdrawalPending ? 'amber' : portStatusTone(port.status)}>{port.statusLabel}</Badge>
            {port.status !== 'draft' && port.status !== 'cancelled' ? (
              <span className="text-slate-800" data-testid="port-rollup">
                {completed} of {plural(live.length, 'number')} completed
              </span>
            ) : null}
          </p>
          <dl className="mt-4 grid gap-x-6 gap-y-3 text-sm sm:grid-cols-2 lg:grid-cols-3">
            <Fact label="FOC date">{port.focDate ?? (port.requestedFocDate ? `Requested ${port.requestedFocDate}` : '—')}</Fact>
            <Fact label="Winning carrier">{port.connectionName ?? '—'}</Fact>
            <Fact label="Submitted">{formatDateTime(port.submittedAt)}</Fact>
            <Fact label="Subscriber">{port.subscriberName ?? '—'}</Fact>
            <Fact label="Account number">{port.accountNumber ?? '—'}</Fact>
            <Fact label="Billing telephone number">{port.billingTelephoneNumber ? formatE164(port.billingTelephoneNumber) : '—'}</Fact>
            <Fact label="Service address">{address ? `${address.street}${address.unit ? `, ${address.unit}` : ''}, ${address.city}, ${address.state} ${address.postalCode}` : '—'}</Fact>
            <Fact label="Port">{port.partialPort ? `Partial: ${port.remainingNumbers.map(formatE164).join(', ')} stay with the losing carrier` : 'Full'}</Fact>
            {port.completedAt ? <Fact label="Completed">{formatDateTime(port.completedAt)}</Fact> : null}
            {port.cancelledAt ? <Fact label={port.withdrawalPending ? 'Cancellation requested' : 'Cancelled'}>{formatDateTime(port.cancelledAt)}</Fact> : null}
          </dl>
          {port.upstreamLoaUrl && port.status !== 'completed' && port.status !== 'cancelled' ? (
            <p className="mt-4 text-sm">
              <a href={port.upstreamLoaUrl} target="_blank" rel="noopener noreferrer" className={buttonClass('secondary')}>
                <ExternalLink aria-hidden className="h-4 w-4" />
                Sign the carrier’s LOA<span className="sr-only"> (opens in a new tab)</span>
              </a>
            </p>
          ) : null}
        </Card>

        {port.exception ? (
          <section role="alert" aria-label="Exception" className="rounded-lg border border-red-200 bg-red-50 p-5 text-sm text-red-950" data-testid="port-exception">
            <h2 className="text-base font-semibold">Exception: {port.exception.label}</h2>
            {port.exception.message ? <p className="mt-1">The carrier said: {port.exception.message}</p> : null}
            <p className="mt-1">{port.exception.fix}</p>
            {port.canEdit ? (
              <Link href={wizardHref(port.id, stepForException(port.exception.code))} className={buttonClass('primary', 'mt-3')}>
                Correct and resubmit
              </Link>
            ) : null}
          </section>
        ) : null}

        {port.status === 'completed' || port.status === 'partially_completed' ? (
          <Card title="Next: emergency addresses">
            <p className="text-sm text-slate-800">The ported numbers are on My numbers now. Give each an emergency address so 911 calls reach the right place.</p>
            <Link href="/e911" className={buttonClass('primary', 'mt-3')}>
              <MapPin aria-hidden className="h-4 w-4" />
              Add E911 addresses for these numbers
            </Link>
          </Card>
        ) : null}

        <Card title="Numbers">
          <PortNumbersTable
            caption={`Numbers of ${port.reference}`}
            rows={port.numbers.map((number) => ({
              id: number.id,
              number: formatE164(number.e164),
              kind: number.kind === 'toll_free' ? 'Toll-free' : 'Local',
              status: { label: PORT_NUMBER_STATUS_LABELS[number.status], tone: portStatusTone(number.status) },
              detail: number.exception
                ? `${number.exception.label}${number.exception.message ? `: ${number.exception.message}` : ''}`
                : number.completedAt
                  ? `Ported ${formatDateTime(number.completedAt)}`
                  : number.portable === false
                    ? (number.portabilityReason ?? 'Not portable')
                    : (number.losingCarrier ?? '—'),
            }))}
          />
        </Card>

        <Card title="Documents">
          <PortDocumentList port={port} />
        </Card>

        <Card title="Timeline" description="Every change to this port, newest last.">
          <ol className="space-y-3 text-sm" data-testid="port-timeline">
            {port.events.map((event) => (
              <li key={event.id} className="border-l-2 border-slate-200 pl-3">
                <p className="text-slate-600">
                  {formatDateTime(event.createdAt)} · {event.actor}
                </p>
                <p className="text-slate-900">
                  {event.toStatus && event.fromStatus ? <span className="font-medium">{`${PORT_STATUS_LABELS[event.fromStatus]} → ${PORT_STATUS_LABELS[event.toStatus]}. `}</span> : null}
                  <span className="whitespace-pre-wrap">{event.body}</span>
                </p>
              </li>
            ))}
          </ol>
          {can(access, 'technical.write') && port.status !== 'completed' && port.status !== 'cancelled' ? (
            <div className="mt-6">
              <PortCommentForm portInId={port.id} action={addPortCommentAction} />
            </div>
          ) : null}
        </Card>

        {port.canCancel ? (
          <Card title={port.status === 'draft' ? 'Discard' : 'Cancel'}>
            <CancelPortButton portInId={port.id} draft={port.status === 'draft'} withCarrier={port.carrierHasOrder} reference={port.reference} action={cancelPortInAction} />
          </Card>
        ) : null}
      </div>
    </>
  );
}
