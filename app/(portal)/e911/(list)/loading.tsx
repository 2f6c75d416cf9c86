import { PageSkeleton, SkeletonRows } from '@/components/ui/skeleton';

export default function E911Loading() {
  return (
    <PageSkeleton label="Loading emergency addresses…" titleWidth="w-56">
      <SkeletonRows rows={4} cells={['w-36', 'w-24', 'flex-1']} heading="h-6 w-80" className="mb-6" />
      <SkeletonRows rows={3} cells={['w-72', 'w-24', 'w-12']} />
    </PageSkeleton>
  );
}
