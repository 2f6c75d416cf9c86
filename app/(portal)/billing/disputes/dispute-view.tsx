import Link from 'next/link';
import { Badge, Card } from '@/components/ui/card';
import { formatCents, formatCount, formatDate, formatDateTime, formatE164, formatMonth, formatRate } from '@/lib/format';
import type { DisputeDetail, DisputeView } from '@/lib/services/disputes';
import { disputeStatusLabel, disputeStatusTone, dueSentence, formatDueTime } from '@/lib/views/disputes';
import { DisputedCallsTable, type DisputeListRow, type DisputedCallRow } from './dispute-tables';

/** The customer's list and the staff queue share one row. */
export function disputeListRow(dispute: DisputeView, { href, now = new Date(), showAccount = false }: { href: string; now?: Date; showAccount?: boolean }): DisputeListRow {
  const money = (cents: number) => formatCents(cents, dispute.currency);
  return {
    id: dispute.id,
    href,
    reference: dispute.reference,
    account: showAccount ? (dispute.account.id === dispute.billingAccount.id ? dispute.billingAccount.name : `${dispute.billingAccount.name} › ${dispute.account.name}`) : undefined,
    invoice: dispute.invoice.number,
    line: dispute.line.description,
    calls: formatCount(dispute.callCount),
    disputed: money(dispute.disputedCents),
    credited: dispute.creditedCents === null ? '—' : money(dispute.creditedCents),
    status: { label: disputeStatusLabel(dispute.status), tone: disputeStatusTone(dispute.status, dispute.overdue) },
    when: dispute.status === 'open' ? `${dispute.overdue ? 'Was due' : 'By'} ${formatDueTime(dispute.dueAt, now)}` : `Decided ${formatDate(dispute.decidedAt)}`,
    overdue: dispute.overdue,
  };
}

function callRows(dispute: DisputeDetail): DisputedCallRow[] {
  return dispute.calls.map((call) => ({
    id: call.id,
    time: formatDateTime(call.inviteAt, { seconds: true }),
    from: call.from ? formatE164(call.from) : '—',
    to: call.to ? formatE164(call.to) : '—',
    result: call.answered === null ? 'No longer kept' : call.answered ? 'Answered' : `Not answered (SIP ${call.sipCode})`,
    billed: call.billedSeconds === null ? '—' : `${formatCount(call.billedSeconds)} s`,
    charge: formatRate(call.charge, dispute.currency, { minimumPlaces: 4 }),
  }));
}

function Fact({ label, children, wide }: { label: string; children: React.ReactNode; wide?: boolean }) {
  return (
    <div className={wide ? 'sm:col-span-2' : undefined}>
      <dt className="text-slate-600">{label}</dt>
      <dd className="mt-0.5 break-words text-slate-900">{children}</dd>
    </div>
  );
}

/** Status in words: open with its due time (seed 000's promise), or the decision. */
export function DisputeStatusLine({ dispute, now = new Date() }: { dispute: DisputeView; now?: Date }) {
  return (
    <p className="flex flex-wrap items-center gap-2 text-sm" data-testid="dispute-status">
      <Badge tone={disputeStatusTone(dispute.status, dispute.overdue)}>{disputeStatusLabel(dispute.status)}</Badge>
      {dispute.status === 'open' ? (
        <span className={dispute.overdue ? 'font-medium text-red-800' : 'text-slate-800'}>
          {dispute.overdue ? `Overdue: it was to be ${dueSentence(dispute.dueAt, now)}; unless decided now, it is credited in full.` : `To be ${dueSentence(dispute.dueAt, now)}.`}
        </span>
      ) : (
        <span className="text-slate-800">
          {dispute.creditedCents ? `${formatCents(dispute.creditedCents, dispute.currency)} credited` : 'Nothing credited'} · decided {formatDateTime(dispute.decidedAt)} {dispute.decidedBy ? `by ${dispute.decidedBy}` : ''}
        </span>
      )}
    </p>
  );
}

/**
 * What was disputed, the decision, the credit note and where it shows, and the calls. `lineHref`
 * links the line's calls (customers); `creditNoteAction` is the customer's button to the invoice.
 */
export function DisputeDetailView({ dispute, invoiceHref, lineHref, creditNoteAction, now = new Date() }: { dispute: DisputeDetail; invoiceHref: string; lineHref?: string; creditNoteAction?: React.ReactNode; now?: Date }) {
  const money = (cents: number) => formatCents(cents, dispute.currency);
  const credit = dispute.creditNote;
  const creditMonth = credit ? formatMonth(credit.month) : '';
  return (
    <div className="space-y-6">
      <Card title="What is disputed">
        <DisputeStatusLine dispute={dispute} now={now} />
        <dl className="mt-4 grid gap-x-6 gap-y-3 text-sm sm:grid-cols-2 lg:grid-cols-3">
          <Fact label="Invoice">
            <Link href={invoiceHref} className="font-mono text-indigo-800 underline">
              {dispute.invoice.number}
            </Link>
          </Fact>
          <Fact label="Line">{lineHref ? <Link href={lineHref} className="text-indigo-800 underline">{dispute.line.description}</Link> : dispute.line.description}</Fact>
          <Fact label="Account">{dispute.account.name}</Fact>
          <Fact label="Calls">{formatCount(dispute.callCount)}</Fact>
          <Fact label="Disputed">{money(dispute.disputedCents)}</Fact>
          <Fact label="Raised">
            {formatDateTime(dispute.createdAt)} by {dispute.raisedBy}
          </Fact>
          <Fact label="Reason" wide>
            <span className="whitespace-pre-wrap">{dispute.reason}</span>
          </Fact>
        </dl>
      </Card>
      {dispute.status !== 'open' ? (
        <Card title="Decision">
          <dl className="grid gap-x-6 gap-y-3 text-sm sm:grid-cols-2 lg:grid-cols-3">
            <Fact label="Outcome">{disputeStatusLabel(dispute.status)}</Fact>
            <Fact label="Credited">{money(dispute.creditedCents ?? 0)}</Fact>
            <Fact label="Decided">
              {formatDateTime(dispute.decidedAt)}
              {dispute.decidedBy ? ` by ${dispute.decidedBy}` : ''}
            </Fact>
            {dispute.decisionNote ? (
              <Fact label="Note" wide>
                <span className="whitespace-pre-wrap">{dispute.decisionNote}</span>
              </Fact>
            ) : null}
          </dl>
        </Card>
      ) : null}
      {credit ? (
        <Card title="Credit note" description="A credit note is a ledger entry in your favour; the invoice of the month it was posted in shows it as a line.">
          <p className="text-sm text-slate-800" data-testid="credit-note">
            {money(credit.cents)} credited on {formatDate(credit.postedAt, 'long')}
            {credit.reversed ? ' (since reversed in the ledger)' : ''}. It shows on{' '}
            {credit.invoice ? (
              <>
                <Link href={`/billing/invoices/${credit.invoice.id}`} className="font-mono text-indigo-800 underline">
                  {credit.invoice.number}
                </Link>
                {credit.invoice.status === 'draft' ? `, the draft of ${creditMonth} (issued once the month is over).` : ` (${creditMonth}).`}
              </>
            ) : (
              `the invoice for ${creditMonth}, issued once the month is over.`
            )}
          </p>
          {creditNoteAction ? <div className="mt-3">{creditNoteAction}</div> : null}
        </Card>
      ) : null}
      <Card title="Disputed calls" description="With the charge each had when disputed.">
        <DisputedCallsTable rows={callRows(dispute)} caption={`Calls of ${dispute.reference}`} />
      </Card>
    </div>
  );
}
