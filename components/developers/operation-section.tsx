import type { ReferenceOperation } from '@/lib/api/openapi-reference';
import { cn } from '@/components/ui/cn';
import { CodeBlock, RichText } from './code-block';
import { FieldTable } from './field-table';

const METHOD_TONES: Record<string, string> = {
  GET: 'bg-sky-100 text-sky-900',
  POST: 'bg-emerald-100 text-emerald-900',
  PUT: 'bg-amber-100 text-amber-900',
  PATCH: 'bg-amber-100 text-amber-900',
  DELETE: 'bg-red-100 text-red-900',
};

export function MethodBadge({ method }: { method: string }) {
  return <span className={cn('inline-block rounded px-1.5 py-0.5 font-mono text-xs font-semibold', METHOD_TONES[method] ?? 'bg-slate-100 text-slate-800')}>{method}</span>;
}

/** One operation of the reference: what it does, what it takes, what it answers, and a curl to try. */
export function OperationSection({ operation }: { operation: ReferenceOperation }) {
  const headingId = `${operation.operationId}-heading`;
  return (
    <article id={operation.operationId} aria-labelledby={headingId} className="scroll-mt-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm md:p-5">
      <h3 id={headingId} className="text-base font-semibold text-slate-900">
        {operation.summary}
      </h3>
      <p className="mt-1 flex min-w-0 flex-wrap items-center gap-2">
        <MethodBadge method={operation.method} />
        <code className="break-all text-sm text-slate-800">{operation.path}</code>
      </p>
      {operation.description ? (
        <p className="mt-2 text-sm text-slate-700">
          <RichText text={operation.description} />
        </p>
      ) : null}

      {operation.parameters.length ? (
        <section className="mt-4" aria-label={`Parameters of ${operation.operationId}`}>
          <h4 className="mb-1 text-sm font-semibold text-slate-800">Parameters</h4>
          <FieldTable caption={`Parameters of ${operation.summary}`} fields={operation.parameters} showLocation />
        </section>
      ) : null}

      {operation.body.length ? (
        <section className="mt-4" aria-label={`Request body of ${operation.operationId}`}>
          <h4 className="mb-1 text-sm font-semibold text-slate-800">Request body (JSON)</h4>
          {operation.body.length > 1 ? <p className="mb-1 text-sm text-slate-600">One of these shapes:</p> : null}
          {operation.body.map((fields, index) => (
            <div key={index} className={operation.body.length > 1 ? 'mt-2 rounded border border-slate-200 p-2' : undefined}>
              {operation.body.length > 1 ? <p className="text-xs font-medium text-slate-600">Shape {index + 1}</p> : null}
              {fields.length ? <FieldTable caption={`Body fields of ${operation.summary}${operation.body.length > 1 ? `, shape ${index + 1}` : ''}`} fields={fields} /> : <p className="text-sm text-slate-600">No fields.</p>}
            </div>
          ))}
        </section>
      ) : null}

      <section className="mt-4" aria-label={`Responses of ${operation.operationId}`}>
        <h4 className="mb-1 text-sm font-semibold text-slate-800">Responses</h4>
        <ul className="space-y-1 text-sm">
          {operation.responses.map((response) => (
            <li key={response.status} className="flex gap-2">
              <code className={cn('shrink-0 font-semibold', Number(response.status) < 400 ? 'text-emerald-800' : 'text-slate-700')}>{response.status}</code>
              <span className="min-w-0 text-slate-700">
                <RichText text={response.description} />
                {response.schema && Number(response.status) < 400 ? <span className="ml-1 font-mono text-xs text-indigo-900">{response.schema}</span> : null}
              </span>
            </li>
          ))}
        </ul>
      </section>

      <div className="mt-4">
        <CodeBlock code={operation.curl} label={`curl example for ${operation.operationId}`} language="curl" />
      </div>
    </article>
  );
}
