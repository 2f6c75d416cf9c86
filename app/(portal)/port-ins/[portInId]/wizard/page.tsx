import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { CircleAlert, CircleCheck, TriangleAlert } from 'lucide-react';
import { Badge, Card } from '@/components/ui/card';
import { requireAccountAccess } from '@/lib/auth/guard';
import { orNotFound } from '@/lib/not-found';
import { formatE164 } from '@/lib/format';
import { earliestFocDate, minFocBusinessDays } from '@/lib/ports/foc-date';
import { PORT_WIZARD_STEPS, type PortWizardStep } from '@/lib/ports/types';
import { getPortDetail, getPortReadiness, type PortDetailView } from '@/lib/services/port-ins';
import { listTrunkGroups } from '@/lib/services/trunk-groups';
import {
  checkPortabilityAction,
  choosePortConnectionAction,
  continuePortStepAction,
  savePortNumbersAction,
  savePortScheduleAction,
  savePortSubscriberAction,
  submitPortInAction,
} from '../../actions';
import { PortHeader, portTitle } from '../../port-header';
import { PortNumbersTable } from '../../port-tables';
import { PORT_NUMBER_STATUS_LABELS, PORT_STEP_LABELS, isPortStep, nextStep, plural, portStatusTone, previousStep, wizardHref } from '../../port-views';
import { PortStepper } from '../../stepper';
import { ChooseConnectionForm, ContinueStepForm, NumbersStepForm, PortabilityCheckForm, ScheduleStepForm, SubmitPortForm, SubscriberStepForm } from '../../wizard-forms';
import { PortDocumentsStep } from './documents-step';

export const metadata: Metadata = { title: 'Port-in' };
export const dynamic = 'force-dynamic';

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

export default async function PortWizardPage({ params, searchParams }: { params: Promise<{ portInId: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const access = await requireAccountAccess('technical.read');
  const { portInId } = await params;
  const port = await orNotFound(getPortDetail(access, portInId));
  // Submitted ports and read-only users get the order's page; the wizard is for changing a draft.
  if (!port.canEdit) redirect(`/port-ins/${port.id}`);
  const asked = first((await searchParams).step);
  const reachedIndex = PORT_WIZARD_STEPS.indexOf(port.step);
  const step: PortWizardStep = isPortStep(asked) && PORT_WIZARD_STEPS.indexOf(asked) <= reachedIndex ? asked : port.step;
  const previous = previousStep(step);
  const backHref = previous ? wizardHref(port.id, previous) : null;

  return (
    <>
      <PortHeader
        title={portTitle(port)}
        description={port.status === 'exception' ? 'Correct what the losing carrier refused, then resubmit from the review step.' : 'Saved as a draft at every step. Nothing is sent until you submit it at the review step.'}
        actions={
          <Link href={`/port-ins/${port.id}`} className="text-sm text-indigo-800 underline">
            Order page and timeline
          </Link>
        }
      />
      {port.exception ? (
        <div role="alert" className="mb-4 rounded-md border border-red-200 bg-red-50 p-4 text-sm text-red-900">
          <p className="font-semibold">{port.exception.label}</p>
          {port.exception.message ? <p className="mt-1">{port.exception.message}</p> : null}
          <p className="mt-1">{port.exception.fix}</p>
        </div>
      ) : null}
      <PortStepper portInId={port.id} current={step} reached={port.step} />
      <Card title={`${PORT_WIZARD_STEPS.indexOf(step) + 1}. ${PORT_STEP_LABELS[step]}`}>
        {step === 'numbers' ? <NumbersStep port={port} backHref={backHref} /> : null}
        {step === 'portability' ? <PortabilityStep port={port} backHref={backHref} /> : null}
        {step === 'subscriber' ? <SubscriberStep port={port} backHref={backHref} /> : null}
        {step === 'documents' ? (
          <>
            <PortDocumentsStep port={port} />
            <div className="mt-6">
              <ContinueStepForm portInId={port.id} to="foc" action={continuePortStepAction} backHref={backHref} />
            </div>
          </>
        ) : null}
        {step === 'foc' ? <ScheduleStep port={port} backHref={backHref} trunkGroups={(await listTrunkGroups(access)).map(({ group }) => ({ id: group.id, name: group.name }))} /> : null}
        {step === 'review' ? <ReviewStep port={port} backHref={backHref} readiness={await getPortReadiness(access, port.id)} trunkGroupName={port.trunkGroupId ? (await listTrunkGroups(access)).find(({ group }) => group.id === port.trunkGroupId)?.group.name : undefined} /> : null}
      </Card>
    </>
  );
}

function NumbersStep({ port, backHref }: { port: PortDetailView; backHref: string | null }) {
  const flagged = port.numbers.filter((number) => number.alreadyOwned || number.inOtherPort);
  return (
    <div className="space-y-4">
      <p className="text-sm text-slate-700">Paste the numbers to move, or read them from a CSV file whose first column holds them. Saving replaces the list and asks for a new portability check.</p>
      <NumbersStepForm
        portInId={port.id}
        saved={port.numbers.map((number) => number.e164).join('\n')}
        action={savePortNumbersAction}
        nextHref={wizardHref(port.id, 'portability')}
        backHref={backHref}
      />
      {flagged.length ? (
        <div className="rounded-md border border-amber-300 bg-amber-50 p-4 text-sm text-amber-950" data-testid="flagged-numbers">
          <p className="font-medium">{plural(flagged.length, 'number')} cannot be ported as things are:</p>
          <ul className="mt-1 list-disc pl-5">
            {flagged.map((number) => (
              <li key={number.id}>
                {formatE164(number.e164)}: {number.alreadyOwned ? 'already live on our network' : `already in port ${number.inOtherPort}`}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {port.numbers.length ? (
        <p className="text-sm text-slate-700">
          Saved: {plural(port.numbers.length, 'number')} ({port.numbers.filter((number) => number.kind === 'local').length} local, {port.numbers.filter((number) => number.kind === 'toll_free').length} toll-free).{' '}
          {PORT_WIZARD_STEPS.indexOf(port.step) > 0 ? (
            <Link href={wizardHref(port.id, 'portability')} className="font-medium text-indigo-800 underline">
              Continue to portability
            </Link>
          ) : null}
        </p>
      ) : null}
    </div>
  );
}

function PortabilityStep({ port, backHref }: { port: PortDetailView; backHref: string | null }) {
  const checked = port.numbers.some((number) => number.portable !== null);
  const next = nextStep('portability')!;
  return (
    <div className="space-y-6">
      <p className="text-sm text-slate-700">
        We ask every carrier we port through whether each of the {plural(port.numbers.length, 'number')} can move to it, and who has it now.
      </p>
      <PortabilityCheckForm portInId={port.id} action={checkPortabilityAction} checkedBefore={checked} />
      {checked ? (
        <>
          <div className="grid gap-6 md:grid-cols-2">
            <section aria-labelledby="by-carrier">
              <h3 id="by-carrier" className="mb-2 text-sm font-semibold text-slate-900">
                By losing carrier
              </h3>
              <ul className="space-y-1 text-sm text-slate-800" data-testid="by-losing-carrier">
                {port.byLosingCarrier.map((group) => (
                  <li key={group.losingCarrier}>
                    <span className="font-medium">{group.losingCarrier}</span>: {plural(group.numbers.length, 'number')}
                  </li>
                ))}
              </ul>
              {port.byLosingCarrier.length > 1 ? <p className="mt-2 text-sm text-amber-900">Each losing carrier needs its own order: split these into one port per carrier.</p> : null}
            </section>
            <section aria-labelledby="by-upstream">
              <h3 id="by-upstream" className="mb-2 text-sm font-semibold text-slate-900">
                By winning carrier
              </h3>
              <ul className="space-y-1 text-sm text-slate-800" data-testid="candidates">
                {port.candidates.map((candidate) => (
                  <li key={candidate.connectionId} className="flex flex-wrap items-center gap-2">
                    <span className="font-medium">{candidate.name}</span>: can take {candidate.portable} of {candidate.checked}
                    {candidate.connectionId === port.connectionId ? <Badge tone="indigo">Chosen</Badge> : null}
                  </li>
                ))}
              </ul>
            </section>
          </div>
          {port.candidates.length > 1 ? (
            <ChooseConnectionForm
              portInId={port.id}
              current={port.connectionId}
              action={choosePortConnectionAction}
              candidates={port.candidates.map((candidate) => ({ connectionId: candidate.connectionId, label: `${candidate.name} (can take ${candidate.portable} of ${candidate.checked})` }))}
            />
          ) : null}
          <PortNumbersTable
            caption="Portability of each number"
            rows={port.numbers.map((number) => ({
              id: number.id,
              number: formatE164(number.e164),
              kind: number.kind === 'toll_free' ? 'Toll-free' : 'Local',
              status: number.portable === null ? { label: 'Not checked', tone: 'slate' } : number.portable ? { label: 'Portable', tone: 'green' } : { label: 'Not portable', tone: 'red' },
              detail: [number.portable === false ? (number.portabilityReason ?? 'Not portable') : null, number.losingCarrier ? `With ${number.losingCarrier}` : null, number.rateCenter ? `Rate centre ${number.rateCenter}` : null].filter(Boolean).join(' · ') || '—',
            }))}
          />
          <ContinueStepForm portInId={port.id} to={next} action={continuePortStepAction} backHref={backHref} label="Continue" />
        </>
      ) : (
        <div className="flex gap-2">
          <Link href={backHref ?? wizardHref(port.id, 'numbers')} className="text-sm text-indigo-800 underline">
            Back to the numbers
          </Link>
        </div>
      )}
    </div>
  );
}

function SubscriberStep({ port, backHref }: { port: PortDetailView; backHref: string | null }) {
  const address = port.serviceAddress;
  return (
    <div className="space-y-4">
      <p className="text-sm text-slate-700">The losing carrier compares every field with its records: enter them exactly as they are on its bill. A mismatch is the most common reason a port is rejected.</p>
      <SubscriberStepForm
        portInId={port.id}
        action={savePortSubscriberAction}
        backHref={backHref}
        saved={{
          subscriberType: port.subscriberType,
          subscriberName: port.subscriberName,
          authorizedPerson: port.authorizedPerson,
          losingCarrier: port.losingCarrier,
          accountNumber: port.accountNumber,
          pinHint: port.pinHint,
          wireless: port.wireless,
          billingTelephoneNumber: port.billingTelephoneNumber ? formatE164(port.billingTelephoneNumber) : null,
          street: address?.street ?? null,
          unit: address?.unit ?? null,
          city: address?.city ?? null,
          state: address?.state ?? null,
          postalCode: address?.postalCode ?? null,
          partialPort: port.partialPort,
          remainingNumbers: port.remainingNumbers.filter((e164) => e164 !== port.billingTelephoneNumber).map(formatE164).join('\n'),
        }}
      />
    </div>
  );
}

function ScheduleStep({ port, backHref, trunkGroups }: { port: PortDetailView; backHref: string | null; trunkGroups: { id: string; name: string }[] }) {
  const kind = port.numbers.some((number) => number.kind === 'toll_free') ? 'toll_free' : 'local';
  const days = minFocBusinessDays(kind, port.wireless);
  const earliest = earliestFocDate(new Date(), days);
  const why = kind === 'toll_free' ? 'toll-free numbers move through the RespOrg registry' : port.wireless ? 'wireless numbers' : 'local wireline numbers';
  return (
    <div className="space-y-4">
      <p className="text-sm text-slate-700">
        The FOC (firm order commitment) date is the day the numbers move. The losing carrier confirms it or proposes another.
      </p>
      <ScheduleStepForm
        portInId={port.id}
        action={savePortScheduleAction}
        backHref={backHref}
        earliest={earliest}
        earliestNote={`Earliest: ${earliest}, ${plural(days, 'business day')} ahead (${why}). Not a weekend or a US federal holiday.`}
        trunkGroups={trunkGroups}
        saved={{ requestedFocDate: port.requestedFocDate, trunkGroupId: port.trunkGroupId }}
      />
      {trunkGroups.length === 0 ? (
        <p className="text-sm text-slate-700">
          No trunk groups yet:{' '}
          <Link href="/trunk-groups" className="text-indigo-800 underline">
            add one
          </Link>{' '}
          to route the numbers as soon as they arrive, or route them later.
        </p>
      ) : null}
    </div>
  );
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-slate-600">{label}</dt>
      <dd className="mt-0.5 break-words text-slate-900">{children}</dd>
    </div>
  );
}

function ReviewStep({ port, backHref, readiness, trunkGroupName }: { port: PortDetailView; backHref: string | null; readiness: Awaited<ReturnType<typeof getPortReadiness>>; trunkGroupName?: string }) {
  const failed = readiness.findings.filter((finding) => !finding.ok);
  const passed = readiness.findings.filter((finding) => finding.ok);
  const blockers = failed.filter((finding) => finding.severity === 'blocker');
  const address = port.serviceAddress;
  return (
    <div className="space-y-6">
      <dl className="grid gap-x-6 gap-y-3 text-sm sm:grid-cols-2 lg:grid-cols-3">
        <Fact label="Numbers">
          {plural(port.numbers.length, 'number')} ({port.numbers.filter((number) => number.kind === 'toll_free').length} toll-free){' '}
          <Link href={wizardHref(port.id, 'numbers')} className="text-indigo-800 underline">
            Change
          </Link>
        </Fact>
        <Fact label="Winning carrier">{port.connectionName ?? 'Not chosen'}</Fact>
        <Fact label="Losing carrier">{port.losingCarrier ?? '—'}</Fact>
        <Fact label="Subscriber">
          {port.subscriberName ?? '—'}
          {port.subscriberType ? ` (${port.subscriberType})` : ''}
        </Fact>
        <Fact label="Authorised person">{port.authorizedPerson ?? '—'}</Fact>
        <Fact label="Account number">{port.accountNumber ?? '—'}</Fact>
        <Fact label="PIN">{port.pinHint ? `Saved ${port.pinHint}` : 'None'}</Fact>
        <Fact label="Wireless">{port.wireless ? 'Yes' : 'No'}</Fact>
        <Fact label="Billing telephone number">{port.billingTelephoneNumber ? formatE164(port.billingTelephoneNumber) : '—'}</Fact>
        <Fact label="Service address">{address ? `${address.street}${address.unit ? `, ${address.unit}` : ''}, ${address.city}, ${address.state} ${address.postalCode}` : '—'}</Fact>
        <Fact label="Port">{port.partialPort ? `Partial: ${plural(port.remainingNumbers.length, 'number')} stay, the BTN among them` : 'Full: every number on the account'}</Fact>
        <Fact label="Documents">{port.documents.length ? port.documents.map((document) => document.filename).join(', ') : 'None yet'}</Fact>
        <Fact label="Requested FOC date">{port.requestedFocDate ?? '—'}</Fact>
        <Fact label="Routing">{trunkGroupName ?? 'Not routed yet'}</Fact>
      </dl>

      <section aria-labelledby="readiness-title" className="rounded-md border border-slate-200 p-4">
        <div className="flex flex-wrap items-end gap-4">
          <h3 id="readiness-title" className="text-sm font-semibold text-slate-900">
            Readiness
          </h3>
          <p className="text-4xl font-bold text-slate-900 tabular-nums" data-testid="readiness-score">
            {readiness.score}
            <span className="text-lg font-medium text-slate-600">/100</span>
          </p>
          <p className="text-sm text-slate-700">{readiness.ready ? (failed.length ? 'Ready to submit; the warnings below may still get it rejected.' : 'Ready to submit: nothing we know of will get it rejected.') : `${plural(blockers.length, 'thing')} to fix before it can be submitted.`}</p>
        </div>
        {failed.length ? (
          <ul className="mt-4 space-y-3" data-testid="readiness-findings">
            {failed.map((finding) => (
              <li key={finding.rule} className="flex gap-2 text-sm">
                {finding.severity === 'blocker' ? <CircleAlert aria-hidden className="mt-0.5 h-4 w-4 shrink-0 text-red-700" /> : <TriangleAlert aria-hidden className="mt-0.5 h-4 w-4 shrink-0 text-amber-700" />}
                <div>
                  <p className="font-medium text-slate-900">
                    <span className="sr-only">{finding.severity === 'blocker' ? 'Must fix: ' : 'Warning: '}</span>
                    {finding.title}
                  </p>
                  {finding.fix ? <p className="text-slate-700">{finding.fix}</p> : null}
                  <Link href={wizardHref(port.id, finding.step)} className="text-indigo-800 underline">
                    Go to {PORT_STEP_LABELS[finding.step]}
                  </Link>
                </div>
              </li>
            ))}
          </ul>
        ) : null}
        {passed.length ? (
          <details className="mt-4 text-sm">
            <summary className="cursor-pointer text-slate-800">{plural(passed.length, 'check')} passed</summary>
            <ul className="mt-2 space-y-1">
              {passed.map((finding) => (
                <li key={finding.rule} className="flex gap-2 text-slate-800">
                  <CircleCheck aria-hidden className="mt-0.5 h-4 w-4 shrink-0 text-emerald-700" />
                  {finding.title}
                </li>
              ))}
            </ul>
          </details>
        ) : null}
      </section>

      <PortNumbersTable
        caption="Numbers in this order"
        rows={port.numbers.map((number) => ({
          id: number.id,
          number: formatE164(number.e164),
          kind: number.kind === 'toll_free' ? 'Toll-free' : 'Local',
          status: { label: PORT_NUMBER_STATUS_LABELS[number.status], tone: portStatusTone(number.status) },
          detail: number.exception ? number.exception.label : number.portable === false ? (number.portabilityReason ?? 'Not portable') : (number.losingCarrier ?? '—'),
        }))}
      />

      <SubmitPortForm
        portInId={port.id}
        ready={readiness.ready}
        blockedReason={`Submit is not available yet: ${blockers.map((finding) => finding.title.replace(/\.$/, '')).join('; ')}.`}
        label={port.status === 'exception' ? 'Resubmit the port' : 'Submit the port'}
        action={submitPortInAction}
        backHref={backHref}
      />
    </div>
  );
}
