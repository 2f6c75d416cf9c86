import type { Metadata } from 'next';
import Link from 'next/link';
import { trunkFormValuesOf } from '@/components/trunk-groups/form-values';
import { TrunkGroupForm } from '@/components/trunk-groups/trunk-group-form';
import { PageHeader } from '@/components/ui/card';
import { requireAccountAccess } from '@/lib/auth/guard';
import { orNotFound } from '@/lib/not-found';
import { getTrunkFormLimits, getTrunkGroupDetail } from '@/lib/services/trunk-groups';
import { updateTrunkGroupAction } from '../../actions';

export const metadata: Metadata = { title: 'Edit trunk group' };

export default async function EditTrunkGroupPage({ params }: { params: Promise<{ trunkGroupId: string }> }) {
  const { trunkGroupId } = await params;
  const access = await requireAccountAccess('technical.write');
  const { group } = await orNotFound(getTrunkGroupDetail(access, trunkGroupId));
  return (
    <>
      <PageHeader title={`Edit ${group.name}`} description="Saving pushes the change to every carrier that holds this trunk group." />
      <p className="mb-6 text-sm">
        <Link href={`/trunk-groups/${group.id}`} className="text-indigo-800 underline">
          ← {group.name}
        </Link>
      </p>
      <TrunkGroupForm
        mode="edit"
        action={updateTrunkGroupAction}
        initial={trunkFormValuesOf(group)}
        trunkGroupId={group.id}
        account={await getTrunkFormLimits(access)}
        cancelHref={`/trunk-groups/${group.id}`}
      />
    </>
  );
}
