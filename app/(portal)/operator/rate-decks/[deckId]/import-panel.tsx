'use client';

import type { ColumnDef } from '@tanstack/react-table';
import { useRouter } from 'next/navigation';
import { useId, useState } from 'react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { cn } from '@/components/ui/cn';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { DataTable } from '@/components/ui/data-table';
import { TextField } from '@/components/ui/field';
import { formatRate } from '@/lib/format';
import { DECK_CSV_COLUMNS } from '@/lib/billing/deck-csv';
import type { DeckChangeFilter } from '@/lib/validations/rate-decks';

interface Terms {
  destination: string;
  rate: string;
  connectionFee: string;
  increment: string;
  minimumDuration: number;
}

interface ChangeRow {
  change: 'added' | 'removed' | 'up' | 'down' | 'terms';
  kind: 'termination' | 'origination';
  prefix: string;
  before: Terms | null;
  after: Terms | null;
}

type Counts = Record<'added' | 'removed' | 'up' | 'down' | 'terms' | 'unchanged', number>;

interface Preview {
  status: 'ok';
  basedOn: { id: string; version: number; effectiveFrom: string } | null;
  nextVersion: number;
  entryCount: number;
  counts: Counts;
  changes: { filter: DeckChangeFilter; page: number; pageSize: number; total: number; rows: ChangeRow[] };
  didTiers: { action: 'replace' | 'keep' | 'none'; tiers: { tier: string; label: string; countries: string[]; monthly: string; oneTime: string }[] };
}

interface Invalid {
  status: 'invalid';
  problems: { line: number; reason: string }[];
  problemCount: number;
}

interface Refusal {
  message: string;
  fields?: Record<string, string[]>;
}

const CHANGE_LABELS: Record<ChangeRow['change'], string> = { added: 'Added', removed: 'Removed', up: 'Rate up', down: 'Rate down', terms: 'Other terms' };
const FILTERS: { value: DeckChangeFilter; label: string; count: (counts: Counts) => number }[] = [
  { value: 'changed', label: 'All changes', count: (c) => c.added + c.removed + c.up + c.down + c.terms },
  { value: 'added', label: 'Added', count: (c) => c.added },
  { value: 'removed', label: 'Removed', count: (c) => c.removed },
  { value: 'up', label: 'Rate up', count: (c) => c.up },
  { value: 'down', label: 'Rate down', count: (c) => c.down },
  { value: 'terms', label: 'Other terms changed', count: (c) => c.terms },
];

const count = (value: number) => value.toLocaleString('en-US');
const utc = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

async function send(deckId: string, fields: Record<string, string | File>): Promise<{ ok: true; body: unknown } | { ok: false; refusal: Refusal }> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  try {
    const response = await fetch(`/operator/rate-decks/${deckId}/import`, { method: 'POST', body: form, cache: 'no-store' });
    const body = (await response.json().catch(() => null)) as { error?: Refusal } | null;
    if (!response.ok) return { ok: false, refusal: body?.error ?? { message: `The portal answered ${response.status}; nothing was published. Try again.` } };
    return { ok: true, body };
  } catch {
    return { ok: false, refusal: { message: 'The portal could not be reached; nothing was published. Check the connection and try again.' } };
  }
}

function termsText(terms: Terms | null, currency: string, what: 'rate' | 'terms') {
  if (!terms) return '—';
  if (what === 'rate') return formatRate(terms.rate, currency);
  return `${terms.increment} · min ${terms.minimumDuration} s · fee ${formatRate(terms.connectionFee, currency)}`;
}

function Beside({ before, after }: { before: string; after: string }) {
  if (before === after || before === '—') return <span>{after}</span>;
  if (after === '—') return <span className="text-slate-600 line-through">{before}</span>;
  return (
    <span>
      <span className="text-slate-600 line-through">{before}</span> <span aria-hidden="true">→</span>
      <span className="sr-only"> becomes </span> {after}
    </span>
  );
}

/**
 * A new version from a CSV file: the preview first (what it changes against the version in force,
 * page by page), then publish with the time it takes effect. The file stays in the browser and is
 * sent again for each page and for publishing; the server keeps nothing in between.
 */
export function ImportPanel({ deckId, deckName, currency }: { deckId: string; deckName: string; currency: string }) {
  const router = useRouter();
  const id = useId();
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [invalid, setInvalid] = useState<Invalid | null>(null);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [loading, setLoading] = useState(false);
  const [publishing, setPublishing] = useState(false);
  const [effectiveFrom, setEffectiveFrom] = useState('');
  const [note, setNote] = useState('');
  const [answered, setAnswered] = useState(0);

  const runPreview = async (change: DeckChangeFilter = 'changed', page = 1) => {
    if (!file) {
      setRefusal({ message: 'Choose a CSV file first.', fields: { file: ['Choose a CSV file'] } });
      return;
    }
    setLoading(true);
    setRefusal(null);
    const answer = await send(deckId, { file, intent: 'preview', change, page: String(page) });
    setLoading(false);
    if (!answer.ok) {
      setRefusal(answer.refusal);
      setPreview(null);
      setInvalid(null);
      return;
    }
    const body = answer.body as Preview | Invalid;
    if (body.status === 'invalid') {
      setInvalid(body);
      setPreview(null);
    } else {
      setInvalid(null);
      setPreview(body);
    }
  };

  const publish = async () => {
    if (!file || !preview) return;
    setPublishing(true);
    setRefusal(null);
    const answer = await send(deckId, { file, intent: 'publish', effectiveFrom, note, basedOn: preview.basedOn?.id ?? 'none' });
    setPublishing(false);
    setAnswered((value) => value + 1);
    if (!answer.ok) {
      setRefusal(answer.refusal);
      return;
    }
    const published = answer.body as { version: number; effectiveFrom: string; entryCount: number; rerating?: string };
    toast.success(`Published version ${published.version} of “${deckName}” (${count(published.entryCount)} rates), in force from ${utc(published.effectiveFrom)}. ${published.rerating ?? ''}`.trim());
    setFile(null);
    setPreview(null);
    setEffectiveFrom('');
    setNote('');
    router.refresh();
  };

  const columns: ColumnDef<ChangeRow>[] = [
    { id: 'prefix', header: 'Prefix', meta: { className: 'tabular-nums' }, cell: ({ row }) => `+${row.original.prefix}` },
    { id: 'change', header: 'Change', cell: ({ row }) => CHANGE_LABELS[row.original.change] },
    { id: 'kind', header: 'Kind', cell: ({ row }) => (row.original.kind === 'termination' ? 'Termination' : 'Origination') },
    { id: 'destination', header: 'Destination', meta: { className: 'break-words' }, cell: ({ row }) => <Beside before={row.original.before?.destination ?? '—'} after={row.original.after?.destination ?? '—'} /> },
    { id: 'rate', header: 'Rate / min', meta: { numeric: true }, cell: ({ row }) => <Beside before={termsText(row.original.before, currency, 'rate')} after={termsText(row.original.after, currency, 'rate')} /> },
    { id: 'terms', header: 'Increment · minimum · fee', cell: ({ row }) => <Beside before={termsText(row.original.before, currency, 'terms')} after={termsText(row.original.after, currency, 'terms')} /> },
  ];

  const fileError = refusal?.fields?.file?.[0];
  const changes = preview?.changes;
  const lastPage = changes ? Math.max(1, Math.ceil(changes.total / changes.pageSize)) : 1;

  return (
    <div className="space-y-5">
      <div className="space-y-2 text-sm text-slate-700">
        <p>
          Columns <code className="break-all rounded bg-slate-100 px-1">{DECK_CSV_COLUMNS.join(',')}</code>, with or without that header. <code className="rounded bg-slate-100 px-1">increment</code> is first/next seconds (1/1, 6/6, 60/60; blank is 60/60), <code className="rounded bg-slate-100 px-1">kind</code> termination or origination (blank is termination); rates up to six decimals. Optionally, after the rates, DID tiers under their own header{' '}
          <code className="break-all rounded bg-slate-100 px-1">tier,label,countries,monthly,one_time</code>; without them the version in force keeps its DID tiers.
        </p>
      </div>
      <div className="flex flex-wrap items-end gap-3">
        <div>
          <label htmlFor={`${id}-file`} className="mb-1 block text-sm font-medium text-slate-800">
            Deck file (CSV)
          </label>
          <input
            id={`${id}-file`}
            type="file"
            accept=".csv,text/csv,text/plain"
            className="block w-full max-w-xs text-sm file:mr-3 file:rounded-md file:border file:border-slate-300 file:bg-white file:px-3 file:py-2 file:text-sm file:font-medium"
            aria-invalid={fileError ? true : undefined}
            aria-describedby={`${id}-file-error`}
            onChange={(event) => {
              setFile(event.target.files?.[0] ?? null);
              setPreview(null);
              setInvalid(null);
              setRefusal(null);
            }}
          />
          <p id={`${id}-file-error`} aria-live="polite" className="mt-1 text-xs text-red-700">
            {fileError}
          </p>
        </div>
        <Button type="button" variant="secondary" disabled={loading || !file} aria-disabled={loading || !file} onClick={() => void runPreview()}>
          {loading ? 'Reading the file…' : 'Preview changes'}
        </Button>
      </div>

      <p role="status" aria-live="polite" className={cn('text-sm text-red-700', !(refusal && !fileError) && 'sr-only')}>
        {refusal && !fileError ? refusal.message : ''}
      </p>

      {invalid ? (
        <div role="alert" className="rounded-md border border-red-200 bg-red-50 p-4 text-sm text-red-900">
          <p className="font-medium">{`Nothing can be published: ${invalid.problemCount === 1 ? 'one row is' : `${count(invalid.problemCount)} rows are`} not right. Fix the file and preview it again.`}</p>
          <ul className="mt-2 max-h-72 list-disc space-y-0.5 overflow-y-auto pl-5 font-mono text-xs">
            {invalid.problems.map((problem) => (
              <li key={`${problem.line}:${problem.reason}`}>{`line ${problem.line}: ${problem.reason}`}</li>
            ))}
          </ul>
          {invalid.problemCount > invalid.problems.length ? <p className="mt-2">{`…and ${count(invalid.problemCount - invalid.problems.length)} more.`}</p> : null}
        </div>
      ) : null}

      {preview && changes ? (
        <section aria-label="Preview" className="space-y-4">
          <p className="text-sm text-slate-800">
            {preview.basedOn
              ? `Version ${preview.nextVersion}, ${count(preview.entryCount)} rates, against version ${preview.basedOn.version} in force since ${utc(preview.basedOn.effectiveFrom)}:`
              : `Version ${preview.nextVersion}, ${count(preview.entryCount)} rates: the deck has no version in force yet, so every rate is new.`}
          </p>
          <div className="flex flex-wrap gap-2" role="group" aria-label="Show changes">
            {FILTERS.map((filter) => (
              <button
                key={filter.value}
                type="button"
                aria-pressed={changes.filter === filter.value}
                disabled={loading}
                onClick={() => void runPreview(filter.value, 1)}
                className={cn('rounded-md border px-3 py-1.5 text-sm', changes.filter === filter.value ? 'border-indigo-700 bg-indigo-50 font-medium text-indigo-900' : 'border-slate-300 bg-white text-slate-800 hover:bg-slate-50')}
              >
                {`${filter.label}: ${count(filter.count(preview.counts))}`}
              </button>
            ))}
            <span className="self-center px-1 text-sm text-slate-600">{`Unchanged: ${count(preview.counts.unchanged)}`}</span>
          </div>
          {changes.total === 0 ? (
            <p className="text-sm text-slate-600">{changes.filter === 'changed' ? 'The file changes no rate: publishing it only starts a new version with the same prices.' : 'None of this kind.'}</p>
          ) : (
            <>
              <DataTable rows={changes.rows} columns={columns} getRowId={(row) => `${row.kind}:${row.prefix}`} caption={`Changes, page ${changes.page} of ${lastPage}`} cardTitle="prefix" busy={loading} />
              <nav aria-label="Pages of changes" className="flex flex-wrap items-center justify-between gap-3 text-sm">
                <p className="text-slate-700" aria-live="polite">{`Showing ${count((changes.page - 1) * changes.pageSize + 1)}–${count((changes.page - 1) * changes.pageSize + changes.rows.length)} of ${count(changes.total)}`}</p>
                <div className="flex items-center gap-3">
                  <Button type="button" variant="ghost" disabled={loading || changes.page <= 1} onClick={() => void runPreview(changes.filter, changes.page - 1)}>
                    ← Previous
                  </Button>
                  <span className="tabular-nums text-slate-700">{`Page ${changes.page} of ${lastPage}`}</span>
                  <Button type="button" variant="ghost" disabled={loading || changes.page >= lastPage} onClick={() => void runPreview(changes.filter, changes.page + 1)}>
                    Next →
                  </Button>
                </div>
              </nav>
            </>
          )}
          <p className="text-sm text-slate-700">
            {preview.didTiers.action === 'replace'
              ? `DID tiers from the file: ${preview.didTiers.tiers.map((tier) => `${tier.label} (${tier.countries.join(', ')}) ${formatRate(tier.monthly, currency)} a month`).join('; ')}.`
              : preview.didTiers.action === 'keep'
                ? `The file has no DID tiers: the version in force's are kept (${preview.didTiers.tiers.map((tier) => `${tier.label} ${formatRate(tier.monthly, currency)}`).join('; ')}).`
                : 'No DID tiers: numbers are not priced by this deck.'}
          </p>
          <div className="grid gap-4 border-t border-slate-100 pt-4 sm:grid-cols-2">
            <TextField
              idPrefix={id}
              label="Effective from (UTC)"
              name="effectiveFrom"
              type="datetime-local"
              value={effectiveFrom}
              onChange={(event) => setEffectiveFrom(event.target.value)}
              errors={refusal?.fields?.effectiveFrom}
              hint="Leave empty for now. A future time schedules it; a past one re-prices the calls since then that are not on an issued invoice."
            />
            <TextField idPrefix={id} label="Note (optional)" name="note" maxLength={200} value={note} onChange={(event) => setNote(event.target.value)} errors={refusal?.fields?.note} placeholder="Q1 carrier price changes" />
          </div>
          <ConfirmDialog
            title={`Publish version ${preview.nextVersion} of “${deckName}”?`}
            description={`${count(preview.entryCount)} rates, in force from ${effectiveFrom ? `${effectiveFrom.replace('T', ' ')} UTC` : 'now'}. Versions never change once published; a later version replaces this one.`}
            consequence="Calls from that time are priced by it, including calls already stored whose invoices are not issued yet."
            confirmLabel={`Publish version ${preview.nextVersion}`}
            pendingLabel="Publishing…"
            pending={publishing}
            onConfirm={() => void publish()}
            closeOn={answered}
            tone="caution"
            trigger={{ label: `Publish version ${preview.nextVersion}`, variant: 'primary', disabled: loading || publishing }}
          />
        </section>
      ) : null}
    </div>
  );
}
