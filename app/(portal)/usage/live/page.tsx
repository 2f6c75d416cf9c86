import type { Metadata } from 'next';
import { PageHeader } from '@/components/ui/card';
import { requireAccountAccess } from '@/lib/auth/guard';
import { LiveFeed } from './live-feed';

export const metadata: Metadata = { title: 'Live calls' };
export const dynamic = 'force-dynamic';

export default async function LiveCallsPage() {
  const access = await requireAccountAccess('usage.read');
  return (
    <>
      <PageHeader
        title="Live calls"
        description={`Calls of ${access.account.name} and its sub-accounts as their records reach the portal (pushed by your switch or pulled from a carrier). Each shows how long it took from being stored to appearing here.`}
      />
      <LiveFeed accountName={access.account.name} />
    </>
  );
}
