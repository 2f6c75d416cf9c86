import { PageSkeleton, SkeletonRows } from '@/components/ui/skeleton';

export default function PortInsLoading() {
  return (
    <PageSkeleton label="Loading port-ins…">
      <SkeletonRows rows={5} cells={['w-28', 'w-24', 'flex-1']} />
    </PageSkeleton>
  );
}
