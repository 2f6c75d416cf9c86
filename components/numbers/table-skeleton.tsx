import { PageSkeleton, SkeletonRows } from '@/components/ui/skeleton';

/** What the numbers table looks like while the server reads it. */
export function NumbersTableSkeleton({ rows = 10 }: { rows?: number }) {
  return (
    <PageSkeleton label="Loading numbers…">
      <div className="mb-6 grid gap-3 rounded-lg border border-slate-200 bg-white p-5 sm:grid-cols-4">
        {Array.from({ length: 8 }, (_, index) => (
          <div key={index} className="h-9 rounded bg-slate-100" />
        ))}
      </div>
      <SkeletonRows rows={rows} cells={['w-36', 'w-16', 'w-12', 'w-20', 'flex-1']} heading="w-full" />
    </PageSkeleton>
  );
}
