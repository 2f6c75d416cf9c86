import type { Metadata } from 'next';
import Link from 'next/link';
import { Card, PageHeader } from '@/components/ui/card';
import { requireStaff } from '@/lib/auth/guard';
import { orNotFound } from '@/lib/not-found';
import { formatCents } from '@/lib/format';
import { getDisputeForStaff } from '@/lib/services/disputes';
import { DisputeDetailView } from '../../../billing/disputes/dispute-view';
import { decideDisputeAction } from '../actions';
import { DecisionForm } from './decision-form';

export const metadata: Metadata = { title: 'Dispute (staff)' };
export const dynamic = 'force-dynamic';

export default async function StaffDisputePage({ params }: { params: Promise<{ disputeId: string }> }) {
  const user = await requireStaff();
  const { disputeId } = await params;
  const dispute = await orNotFound(getDisputeForStaff(user, disputeId));
  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/operator/disputes" className="text-indigo-800 hover:underline">
          ← Disputes
        </Link>
      </p>
      <PageHeader title={`Dispute ${dispute.reference}`} description={`${dispute.billingAccount.name}${dispute.account.id === dispute.billingAccount.id ? '' : ` › ${dispute.account.name}`} · ${dispute.line.description} on ${dispute.invoice.number}`} />
      <div className="space-y-6">
        {dispute.status === 'open' ? (
          <Card title="Decide" description="Check the calls against the switch and the carrier’s records, then decide.">
            <DecisionForm disputeId={dispute.id} disputed={formatCents(dispute.disputedCents, dispute.currency)} action={decideDisputeAction} />
          </Card>
        ) : null}
        <DisputeDetailView dispute={dispute} invoiceHref={`/operator/invoices/${dispute.invoice.id}`} />
      </div>
    </>
  );
}
