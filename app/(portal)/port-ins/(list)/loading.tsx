export default function PortInsLoading() {
  return (
    <div role="status" aria-live="polite" aria-busy="true" className="animate-pulse">
      <span className="sr-only">Loading port-ins…</span>
      <div className="mb-6 h-8 w-48 rounded bg-slate-200" />
      <div className="rounded-lg border border-slate-200 bg-white p-5">
        {Array.from({ length: 5 }, (_, index) => (
          <div key={index} className="flex gap-4 border-b border-slate-100 py-3 last:border-0">
            <div className="h-4 w-28 rounded bg-slate-200" />
            <div className="h-4 w-24 rounded bg-slate-100" />
            <div className="h-4 flex-1 rounded bg-slate-100" />
          </div>
        ))}
      </div>
    </div>
  );
}
