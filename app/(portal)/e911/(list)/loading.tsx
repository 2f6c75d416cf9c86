export default function E911Loading() {
  return (
    <div role="status" aria-live="polite" aria-busy="true" className="animate-pulse">
      <span className="sr-only">Loading emergency addresses…</span>
      <div className="mb-6 h-8 w-56 rounded bg-slate-200" />
      <div className="mb-6 rounded-lg border border-slate-200 bg-white p-5">
        <div className="mb-3 h-6 w-80 rounded bg-slate-200" />
        {Array.from({ length: 4 }, (_, index) => (
          <div key={index} className="flex gap-4 border-b border-slate-100 py-3 last:border-0">
            <div className="h-4 w-36 rounded bg-slate-200" />
            <div className="h-4 w-24 rounded bg-slate-100" />
            <div className="h-4 flex-1 rounded bg-slate-100" />
          </div>
        ))}
      </div>
      <div className="rounded-lg border border-slate-200 bg-white p-5">
        {Array.from({ length: 3 }, (_, index) => (
          <div key={index} className="flex gap-4 border-b border-slate-100 py-3 last:border-0">
            <div className="h-4 w-72 rounded bg-slate-200" />
            <div className="h-4 w-24 rounded bg-slate-100" />
            <div className="h-4 w-12 rounded bg-slate-100" />
          </div>
        ))}
      </div>
    </div>
  );
}
