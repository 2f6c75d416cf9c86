'use client';

import { useQuery } from '@tanstack/react-query';
import { useActionState } from 'react';
import { buttonClass } from '@/components/ui/button';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import { prepareCdrExportAction, type ExportState } from './actions';

export interface ExportItem {
  id: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  rowsWritten: number;
  rowsTotal: number;
  createdAt: string;
  expiresAt: string;
  error: string | null;
  downloadHref: string | null;
  /** What the export covers, e.g. "2026-04-01 – 2026-04-17". */
  label: string;
}

const count = (value: number) => value.toLocaleString('en-US');

/** One prepared export: polled while it is being written, then its download link. */
function ExportProgress({ item }: { item: ExportItem }) {
  const finished = (status: ExportItem['status']) => status === 'done' || status === 'failed';
  const { data } = useQuery({
    queryKey: ['cdr-export', item.id],
    queryFn: async (): Promise<ExportItem> => {
      const response = await fetch(`/usage/calls/exports/${item.id}?progress`, { cache: 'no-store' });
      if (!response.ok) throw new Error(`progress ${response.status}`);
      return { ...item, ...((await response.json()) as Omit<ExportItem, 'label'>) };
    },
    initialData: item,
    refetchInterval: (query) => (query.state.data && finished(query.state.data.status) ? false : 2000),
  });
  const current = data ?? item;
  const share = current.rowsTotal > 0 ? Math.min(1, current.rowsWritten / current.rowsTotal) : 0;
  return (
    <li className="flex flex-wrap items-center justify-between gap-2 border-t border-slate-200 py-2 text-sm first:border-t-0">
      <span>{current.label}</span>
      {current.status === 'done' && current.downloadHref ? (
        <a href={current.downloadHref} download className="font-medium text-indigo-800 underline">
          {`Download CSV (${count(current.rowsWritten)} calls)`}
        </a>
      ) : current.status === 'failed' ? (
        <span className="text-red-700">{current.error ?? 'The export failed; ask for it again.'}</span>
      ) : (
        <span className="flex items-center gap-2" aria-live="polite">
          <progress value={Math.round(share * 100)} max={100} aria-label={`Export ${current.label}`} className="h-2 w-32" />
          {current.status === 'queued' ? 'Waiting to start…' : `${count(current.rowsWritten)} of about ${count(current.rowsTotal)} calls`}
        </span>
      )}
    </li>
  );
}

/**
 * "Export CSV": a direct download when the search is small (streamed by GET /api/v1/cdr), otherwise a
 * file prepared in the background with its progress, then a link.
 */
export function ExportPanel({ accountId, directHref, estimate, threshold, search, exports }: { accountId: string; directHref: string | null; estimate: number; threshold: number; search: Record<string, string>; exports: ExportItem[] }) {
  const [state, action] = useActionState<ExportState, FormData>(prepareCdrExportAction, { status: 'idle' });
  return (
    <div className="space-y-2">
      {directHref && estimate <= threshold ? (
        <a href={directHref} download className={buttonClass('secondary')}>
          Export CSV
        </a>
      ) : directHref ? (
        <form action={action} className="flex flex-wrap items-center gap-2">
          {/* The account the search was shown for, even if another tab has switched since. */}
          <input type="hidden" name="accountId" value={accountId} />
          {Object.entries(search).map(([name, value]) => (
            <input key={name} type="hidden" name={name} value={value} />
          ))}
          <SubmitButton variant="secondary" pendingLabel="Preparing…">
            Export CSV
          </SubmitButton>
          <span className="text-xs text-slate-600">{`About ${count(estimate)} calls: the file is prepared in the background.`}</span>
        </form>
      ) : null}
      <FormMessage state={state} success="inline" />
      {exports.length > 0 ? (
        <section aria-label="Prepared exports">
          <h2 className="mt-2 text-sm font-semibold text-slate-800">Prepared exports (kept 7 days)</h2>
          <ul>
            {exports.map((item) => (
              <ExportProgress key={item.id} item={item} />
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
