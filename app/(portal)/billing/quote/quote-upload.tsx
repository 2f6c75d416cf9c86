'use client';

import type { ColumnDef } from '@tanstack/react-table';
import { FileUp, X } from 'lucide-react';
import { useId, useRef, useState, type DragEvent, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { DataTable } from '@/components/ui/data-table';
import { SelectField, TextField } from '@/components/ui/field';
import { splitCsvLine } from '@/lib/billing/cdr-file';
import { formatCount, formatDateTime, formatMoney, formatRate } from '@/lib/format';
import type { Quote, QuoteLine } from '@/lib/services/quote';

type MappingField = 'to_column' | 'duration_column' | 'start_column' | 'answered_column';

const MAPPING_LABELS: Record<MappingField, { label: string; hint: string }> = {
  to_column: { label: 'Called number column', hint: 'The number each call went to' },
  duration_column: { label: 'Duration column', hint: 'Billed seconds (or h:mm:ss)' },
  start_column: { label: 'Start time column', hint: 'Optional' },
  answered_column: { label: 'Answered column', hint: 'Optional: without it, a call with seconds is answered' },
};
const MAPPING_FIELDS = Object.keys(MAPPING_LABELS) as MappingField[];

interface ApiError {
  code: string;
  message: string;
  fields?: Record<string, string[]>;
}

type Status = { kind: 'idle' } | { kind: 'uploading'; sent: number; total: number } | { kind: 'pricing' } | { kind: 'done'; quote: Quote } | { kind: 'error'; error: ApiError };

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;
const sizeOf = (bytes: number) => (bytes < 1024 * 1024 ? `${formatCount(Math.ceil(bytes / 1024))} KB` : megabytes(bytes));

/** The first line of the file, read locally: the mapping selects offer its cells. */
async function headerOf(file: File): Promise<string[]> {
  const text = await file.slice(0, 64 * 1024).text();
  return splitCsvLine(text.split(/\r?\n/)[0] ?? '').filter((cell) => cell.trim() !== '');
}

interface LineRow extends QuoteLine {
  id: string;
}

function columnsFor(currency: string, withKind: boolean): ColumnDef<LineRow>[] {
  return [
    {
      id: 'destination',
      header: 'Destination',
      meta: { className: 'break-words' },
      cell: ({ row }) => (
        <span>
          <span className="font-medium text-slate-900">{row.original.destination}</span>
          <span className="block text-xs text-slate-600">
            {`${row.original.prefixCount === 1 ? 'Prefix' : 'Prefixes'} ${row.original.prefixes.join(', ')}${row.original.prefixCount > row.original.prefixes.length ? ` and ${formatCount(row.original.prefixCount - row.original.prefixes.length)} more` : ''}`}
          </span>
        </span>
      ),
    },
    ...(withKind ? [{ id: 'kind', header: 'Rate', cell: ({ row }) => (row.original.kind === 'termination' ? 'Termination' : 'Origination') } satisfies ColumnDef<LineRow>] : []),
    {
      id: 'rate',
      header: 'Per minute',
      meta: { numeric: true },
      cell: ({ row }) => (
        <span>
          {formatRate(row.original.rate, currency)}
          <span className="block text-xs text-slate-600">
            {[`${row.original.firstIncrement}/${row.original.nextIncrement}`, row.original.minimumDuration > 0 ? `min ${row.original.minimumDuration} s` : null, Number(row.original.connectionFee) > 0 ? `${formatRate(row.original.connectionFee, currency)} a call` : null].filter(Boolean).join(' · ')}
          </span>
        </span>
      ),
    },
    { id: 'calls', header: 'Calls', meta: { numeric: true }, cell: ({ row }) => formatCount(row.original.calls) },
    { id: 'answered', header: 'Answered', meta: { numeric: true }, cell: ({ row }) => formatCount(row.original.answeredCalls) },
    { id: 'minutes', header: 'Billed minutes', meta: { numeric: true }, cell: ({ row }) => Number(row.original.billedMinutes).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }) },
    { id: 'amount', header: 'Amount', meta: { numeric: true, className: 'font-medium' }, cell: ({ row }) => formatMoney(row.original.amount, currency) },
  ];
}

function QuoteResult({ quote }: { quote: Quote }) {
  const currency = quote.deck.currency;
  const rows: LineRow[] = quote.lines.map((line, index) => ({ ...line, id: `${index}` }));
  const withKind = quote.lines.some((line) => line.kind === 'origination');
  const pricedCalls = quote.lines.reduce((sum, line) => sum + line.calls, 0);
  return (
    <div className="space-y-4">
      <Card title="Quote" description={`On ${quote.deck.name}, version ${quote.deck.version} (in force ${formatDateTime(new Date(quote.at))}). Read as ${quote.format.label}: numbers from “${quote.format.columns.to}”, seconds from “${quote.format.columns.duration}”.`}>
        <dl className="grid gap-4 text-sm sm:grid-cols-2 lg:grid-cols-4">
          <div>
            <dt className="text-slate-600">Total</dt>
            <dd className="text-2xl font-semibold tabular-nums text-slate-900">{formatMoney(quote.total, currency)}</dd>
          </div>
          <div>
            <dt className="text-slate-600">Calls priced</dt>
            <dd className="text-lg font-medium tabular-nums">{formatCount(pricedCalls)}</dd>
          </div>
          <div>
            <dt className="text-slate-600">Rows read</dt>
            <dd className="text-lg font-medium tabular-nums">{formatCount(quote.rowsRead)}</dd>
          </div>
          <div>
            <dt className="text-slate-600">Calls from</dt>
            <dd className="font-medium">{quote.period ? `${formatDateTime(new Date(quote.period.from))} to ${formatDateTime(new Date(quote.period.to))}` : 'The file has no start times'}</dd>
          </div>
        </dl>
      </Card>
      <Card>
        <DataTable
          rows={rows}
          columns={columnsFor(currency, withKind)}
          getRowId={(row) => row.id}
          caption={`Quote per destination, ${currency}`}
          captionVisible
          rowHeader="destination"
          regionLabel="Quote per destination, scrollable"
          empty={<p className="text-sm text-slate-600">No call of the file matched a rate of the deck.</p>}
        />
        <p className="mt-3 text-right text-sm font-semibold tabular-nums">{`Total ${formatMoney(quote.total, currency)}`}</p>
      </Card>
      {quote.unrated.calls > 0 || quote.rowsSkippedCount > 0 ? (
        <Card title="Not in the total">
          <ul className="space-y-2 text-sm text-slate-800">
            {quote.unrated.reasons.invalid_number > 0 ? (
              <li>{`${formatCount(quote.unrated.reasons.invalid_number)} ${quote.unrated.reasons.invalid_number === 1 ? 'call' : 'calls'} to something that is not a phone number (an extension, “s”).`}</li>
            ) : null}
            {quote.unrated.reasons.no_rate > 0 ? <li>{`${formatCount(quote.unrated.reasons.no_rate)} ${quote.unrated.reasons.no_rate === 1 ? 'call' : 'calls'} to destinations the deck has no rate for.`}</li> : null}
            {quote.unrated.lines.length > 0 ? <li className="text-slate-600">{`Unpriced calls on lines ${quote.unrated.lines.join(', ')}${quote.unrated.calls > quote.unrated.lines.length ? '…' : ''}`}</li> : null}
            {quote.rowsSkippedCount > 0 ? (
              <li>
                <details>
                  <summary className="cursor-pointer">{`${formatCount(quote.rowsSkippedCount)} ${quote.rowsSkippedCount === 1 ? 'row' : 'rows'} could not be read`}</summary>
                  <ul className="mt-2 space-y-1 text-slate-700">
                    {quote.rowsSkipped.map((skipped) => (
                      <li key={skipped.line}>{`Line ${skipped.line}: ${skipped.reason}`}</li>
                    ))}
                    {quote.rowsSkippedCount > quote.rowsSkipped.length ? <li>{`…and ${formatCount(quote.rowsSkippedCount - quote.rowsSkipped.length)} more.`}</li> : null}
                  </ul>
                </details>
              </li>
            ) : null}
          </ul>
        </Card>
      ) : null}
    </div>
  );
}

/**
 * Pick or drop a CDR CSV; it is uploaded to POST /api/v1/quote (the same service as the API) with
 * its progress. When the columns cannot be told, the file's own header names are offered to map.
 */
export function QuoteUpload({ accountId, currency, maxBytes }: { accountId: string; currency: string; maxBytes: number }) {
  const inputId = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const requestRef = useRef<XMLHttpRequest | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const [dragging, setDragging] = useState(false);
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  const [choices, setChoices] = useState<string[] | null>(null);
  const [mapping, setMapping] = useState<Record<MappingField, string>>({ to_column: '', duration_column: '', start_column: '', answered_column: '' });
  const [at, setAt] = useState('');
  const busy = status.kind === 'uploading' || status.kind === 'pricing';
  const fieldErrors = status.kind === 'error' ? (status.error.fields ?? {}) : {};
  const fileError = status.kind === 'idle' || status.kind === 'error' ? fieldErrors.file?.[0] : undefined;

  const choose = (picked: File | undefined) => {
    if (!picked || busy) return;
    setFile(picked);
    setChoices(null);
    setMapping({ to_column: '', duration_column: '', start_column: '', answered_column: '' });
    setStatus(picked.size > maxBytes ? { kind: 'error', error: { code: 'too_large:file', message: `${picked.name} is ${megabytes(picked.size)}: a quote reads at most ${megabytes(maxBytes)}. Split the file (by day, say) and quote each part.`, fields: { file: ['Too large.'] } } } : { kind: 'idle' });
  };

  const clear = () => {
    setFile(null);
    setChoices(null);
    setStatus({ kind: 'idle' });
    if (inputRef.current) inputRef.current.value = '';
  };

  const onDrop = (event: DragEvent<HTMLElement>) => {
    event.preventDefault();
    setDragging(false);
    choose(event.dataTransfer.files[0]);
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!file || busy) return;
    if (file.size > maxBytes) return;
    const form = new FormData();
    // Fields before the file: the server reads the mapping before it streams the rows.
    if (choices) for (const field of MAPPING_FIELDS) if (mapping[field]) form.append(field, mapping[field]);
    if (at) form.append('at', new Date(at).toISOString());
    form.append('file', file, file.name);
    const request = new XMLHttpRequest();
    requestRef.current = request;
    request.open('POST', `/api/v1/quote?accountId=${encodeURIComponent(accountId)}`);
    request.upload.onprogress = (progress) => setStatus(progress.loaded >= progress.total ? { kind: 'pricing' } : { kind: 'uploading', sent: progress.loaded, total: progress.total || file.size });
    request.upload.onload = () => setStatus({ kind: 'pricing' });
    request.onerror = () => setStatus({ kind: 'error', error: { code: 'network', message: 'The upload did not reach the portal (the connection dropped). Try again.' } });
    request.onabort = () => setStatus({ kind: 'idle' });
    request.onload = async () => {
      requestRef.current = null;
      let body: unknown;
      try {
        body = JSON.parse(request.responseText);
      } catch {
        body = undefined;
      }
      if (request.status === 200 && body) return setStatus({ kind: 'done', quote: body as Quote });
      const error = (body as { error?: ApiError } | undefined)?.error ?? { code: 'internal', message: `The quote failed (HTTP ${request.status}). Try again.` };
      if (error.code === 'invalid:columns') setChoices(await headerOf(file).catch(() => []));
      setStatus({ kind: 'error', error });
    };
    setStatus({ kind: 'uploading', sent: 0, total: file.size });
    request.send(form);
  };

  return (
    <div className="space-y-4">
      <Card>
        <form onSubmit={submit} className="space-y-4" aria-busy={busy}>
          <div
            onDragOver={(event) => {
              event.preventDefault();
              if (!busy) setDragging(true);
            }}
            onDragLeave={() => setDragging(false)}
            onDrop={onDrop}
            className={`rounded-lg border-2 border-dashed p-6 text-center focus-within:outline-2 focus-within:outline-offset-2 focus-within:outline-indigo-700 ${dragging ? 'border-indigo-600 bg-indigo-50' : fileError ? 'border-red-700' : 'border-slate-300'}`}
          >
            <FileUp aria-hidden="true" className="mx-auto mb-2 h-8 w-8 text-slate-500" />
            <label htmlFor={inputId} className="cursor-pointer text-sm text-slate-800">
              <span className="font-medium text-indigo-800 underline">Choose a CDR file</span> or drag it here
            </label>
            <input
              ref={inputRef}
              id={inputId}
              name="file"
              type="file"
              accept=".csv,.txt,text/csv,text/plain"
              className="sr-only"
              disabled={busy}
              aria-invalid={fileError ? true : undefined}
              aria-describedby={`${inputId}-hint ${inputId}-error`}
              onChange={(event) => {
                choose(event.target.files?.[0]);
                // The same file, edited, picked again must still count as a change.
                event.target.value = '';
              }}
            />
            <p id={`${inputId}-hint`} className="mt-1 text-xs text-slate-600">
              {`CSV up to ${megabytes(maxBytes)}: Asterisk (Master.csv or with a header), FreeSWITCH mod_cdr_csv, this portal’s call export, or any CSV with called-number and duration columns.`}
            </p>
            {file ? (
              <p className="mt-3 flex flex-wrap items-center justify-center gap-2 text-sm">
                <span className="break-all font-medium text-slate-900">{file.name}</span>
                <span className="text-slate-600">{sizeOf(file.size)}</span>
                <button type="button" onClick={clear} disabled={busy} className="inline-flex items-center gap-1 rounded px-1 text-slate-700 underline hover:text-slate-900" aria-label={`Remove ${file.name}`}>
                  <X aria-hidden="true" className="h-4 w-4" />
                  Remove
                </button>
              </p>
            ) : null}
            <p id={`${inputId}-error`} aria-live="polite" className="mt-1 text-xs text-red-700">
              {fileError}
            </p>
          </div>

          {choices ? (
            <fieldset className="space-y-3">
              <legend className="text-sm font-semibold text-slate-900">Which columns hold what</legend>
              {choices.length === 0 ? <p className="text-sm text-slate-600">The file’s first line has no names to choose from: add a header row naming its columns.</p> : null}
              <div className="grid gap-3 sm:grid-cols-2">
                {MAPPING_FIELDS.map((field) => (
                  <SelectField
                    key={field}
                    idPrefix="quote"
                    name={field}
                    label={MAPPING_LABELS[field].label}
                    hint={MAPPING_LABELS[field].hint}
                    value={mapping[field]}
                    errors={fieldErrors[field]}
                    onChange={(event) => setMapping((current) => ({ ...current, [field]: event.target.value }))}
                    disabled={busy}
                  >
                    <option value="">{field === 'to_column' || field === 'duration_column' ? 'As detected' : 'None'}</option>
                    {choices.map((choice) => (
                      <option key={choice} value={choice}>
                        {choice}
                      </option>
                    ))}
                  </SelectField>
                ))}
              </div>
            </fieldset>
          ) : null}

          <details className="text-sm">
            <summary className="cursor-pointer text-slate-700">Price on the deck as it was at another time</summary>
            <TextField idPrefix="quote" className="mt-2 max-w-xs" type="datetime-local" name="at" label="Deck in force at" hint="Your local time; empty: now" value={at} onChange={(event) => setAt(event.target.value)} errors={fieldErrors.at} disabled={busy} />
          </details>

          {status.kind === 'error' ? (
            <p role="alert" className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-900">
              {status.error.message}
            </p>
          ) : null}

          <div className="flex flex-wrap items-center gap-3">
            <Button type="submit" disabled={!file || busy || (file?.size ?? 0) > maxBytes}>
              {busy ? 'Pricing…' : choices ? 'Quote with these columns' : 'Quote this file'}
            </Button>
            {busy ? (
              <Button type="button" variant="secondary" onClick={() => requestRef.current?.abort()}>
                Cancel
              </Button>
            ) : null}
            {status.kind === 'uploading' ? (
              <span className="flex items-center gap-2 text-sm text-slate-700" aria-live="polite">
                <progress value={status.sent} max={status.total || 1} aria-label="Upload" className="h-2 w-32" />
                {`${sizeOf(status.sent)} of ${sizeOf(status.total)}`}
              </span>
            ) : status.kind === 'pricing' ? (
              <span className="text-sm text-slate-700" aria-live="polite">
                Pricing the calls…
              </span>
            ) : null}
          </div>
        </form>
      </Card>
      {status.kind === 'done' ? <QuoteResult quote={status.quote} /> : null}
      {status.kind === 'idle' && !file ? <p className="text-sm text-slate-600">{`Amounts are in ${currency}, each destination’s line rounded to the cent once, as on an invoice.`}</p> : null}
    </div>
  );
}
