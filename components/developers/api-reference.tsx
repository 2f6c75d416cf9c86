import type { ReferenceTag } from '@/lib/api/openapi-reference';
import { RichText } from './code-block';
import { MethodBadge, OperationSection } from './operation-section';

const INTRO_LINKS = [
  { href: '#authentication', label: 'Authentication' },
  { href: '#errors', label: 'Errors' },
  { href: '#pagination', label: 'Pagination' },
  { href: '#idempotency', label: 'Idempotency' },
  { href: '#rate-limits', label: 'Rate limits' },
  { href: '#webhooks', label: 'Webhooks' },
];

/** The left column on md+ (sticky), a wrapped list of links above the content below md. */
export function ReferenceNav({ tags }: { tags: ReferenceTag[] }) {
  const link = 'block rounded px-2 py-1 text-sm text-slate-700 hover:bg-slate-100 hover:text-slate-900';
  return (
    <nav aria-label="API reference contents" className="mb-6 md:sticky md:top-4 md:mb-0 md:max-h-[calc(100vh-2rem)] md:self-start md:overflow-y-auto">
      <p className="mb-1 px-2 text-xs font-semibold uppercase tracking-wide text-slate-500">Guide</p>
      <ul className="mb-4 flex flex-wrap gap-x-1 md:block">
        {INTRO_LINKS.map((item) => (
          <li key={item.href}>
            <a href={item.href} className={link}>
              {item.label}
            </a>
          </li>
        ))}
      </ul>
      <p className="mb-1 px-2 text-xs font-semibold uppercase tracking-wide text-slate-500">Endpoints</p>
      <ul className="flex flex-wrap gap-x-1 md:block">
        {tags.map((tag) => (
          <li key={tag.slug}>
            <a href={`#${tag.slug}`} className={link}>
              {tag.name}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** Per tag: a list of its operations (method and path, linked), then each operation in full. */
export function ReferenceTags({ tags }: { tags: ReferenceTag[] }) {
  return (
    <div className="space-y-10">
      {tags.map((tag) => (
        <section key={tag.slug} id={tag.slug} aria-labelledby={`${tag.slug}-heading`} className="scroll-mt-4 space-y-4">
          <div>
            <h2 id={`${tag.slug}-heading`} className="text-xl font-semibold text-slate-900">
              {tag.name}
            </h2>
            {tag.description ? (
              <p className="mt-1 text-sm text-slate-600">
                <RichText text={tag.description} />
              </p>
            ) : null}
            <ul className="mt-3 space-y-1">
              {tag.operations.map((operation) => (
                <li key={operation.operationId} className="flex min-w-0 flex-wrap items-center gap-2 text-sm">
                  <MethodBadge method={operation.method} />
                  <a href={`#${operation.operationId}`} className="min-w-0 break-all font-mono text-indigo-800 underline">
                    {operation.path}
                  </a>
                  <span className="text-slate-600">{operation.summary}</span>
                </li>
              ))}
            </ul>
          </div>
          {tag.operations.map((operation) => (
            <OperationSection key={operation.operationId} operation={operation} />
          ))}
        </section>
      ))}
    </div>
  );
}
