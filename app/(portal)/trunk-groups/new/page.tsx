import type { Metadata } from 'next';
import Link from 'next/link';
import { emptyTrunkForm } from '@/components/trunk-groups/form-values';
import { TrunkGroupForm } from '@/components/trunk-groups/trunk-group-form';
import { PageHeader } from '@/components/ui/card';
import { requireAccountAccess } from '@/lib/auth/guard';
import { getTrunkFormLimits } from '@/lib/services/trunk-groups';
import { createTrunkGroupAction } from '../actions';

export const metadata: Metadata = { title: 'New trunk group' };

export default async function NewTrunkGroupPage() {
  const access = await requireAccountAccess('technical.write');
  const { account } = access;
  return (
    <>
      <PageHeader title="New trunk group" description={`For ${account.name}. It reaches the carriers once numbers are routed to it.`} />
      <p className="mb-6 text-sm">
        <Link href="/trunk-groups" className="text-indigo-800 underline">
          ← Trunk groups
        </Link>
      </p>
      <TrunkGroupForm
        mode="create"
        action={createTrunkGroupAction}
        initial={emptyTrunkForm()}
        accountId={account.id}
        account={await getTrunkFormLimits(access)}
        cancelHref="/trunk-groups"
      />
    </>
  );
}
