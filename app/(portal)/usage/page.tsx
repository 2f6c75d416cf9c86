import type { Metadata } from 'next';
import { PageHeader } from '@/components/ui/card';
import { requireAccountAccess } from '@/lib/auth/guard';
import { QualityOverviewPanel } from './quality-overview';

export const metadata: Metadata = { title: 'Usage & quality' };
export const dynamic = 'force-dynamic';

export default async function UsagePage() {
  const access = await requireAccountAccess('usage.read');
  return (
    <>
      <PageHeader
        title="Usage & quality"
        description={`Calls, answer and network effectiveness, call length and post-dial delay for ${access.account.name} and its sub-accounts. Click a point or a bar to see its calls.`}
      />
      <QualityOverviewPanel accountId={access.account.id} />
    </>
  );
}
