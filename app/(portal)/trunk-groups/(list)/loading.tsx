import { PageSkeleton, SkeletonRows } from '@/components/ui/skeleton';

export default function TrunkGroupsLoading() {
  return (
    <PageSkeleton label="Loading trunk groups…" titleWidth="w-56">
      <SkeletonRows rows={5} cells={['w-40', 'w-20', 'w-24', 'flex-1']} />
    </PageSkeleton>
  );
}
