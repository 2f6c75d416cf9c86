/** What the numbers table looks like while the server reads it. */
export function NumbersTableSkeleton({ rows = 10 }: { rows?: number }) {
  return (
    <div role="status" aria-live="polite" aria-busy="true" className="animate-pulse">
      <span className="sr-only">Loading numbers…</span>
      <div className="mb-6 h-8 w-48 rounded bg-slate-200" />
      <div className="mb-6 grid gap-3 rounded-lg border border-slate-200 bg-white p-5 sm:grid-cols-4">
        {Array.from({ length: 8 }, (_, index) => (
          <div key={index} className="h-9 rounded bg-slate-100" />
        ))}
      </div>
      <div className="rounded-lg border border-slate-200 bg-white p-5">
        <div className="mb-3 h-4 w-full rounded bg-slate-200" />
        {Array.from({ length: rows }, (_, index) => (
          <div key={index} className="flex gap-4 border-b border-slate-100 py-3 last:border-0">
            <div className="h-4 w-36 rounded bg-slate-200" />
            <div className="h-4 w-16 rounded bg-slate-100" />
            <div className="h-4 w-12 rounded bg-slate-100" />
            <div className="h-4 w-20 rounded bg-slate-100" />
            <div className="h-4 flex-1 rounded bg-slate-100" />
          </div>
        ))}
      </div>
    </div>
  );
}
