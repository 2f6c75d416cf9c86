import type { ReferenceField } from '@/lib/api/openapi-reference';
import { RichText } from './code-block';

/**
 * Parameters or body fields: a table on md+, one block per field below md (the table's own rows,
 * laid out as blocks, so nothing scrolls sideways at 390 px).
 */
export function FieldTable({ caption, fields, showLocation }: { caption: string; fields: (ReferenceField & { in?: string })[]; showLocation?: boolean }) {
  return (
    <table className="block w-full text-left text-sm md:table">
      <caption className="sr-only">{caption}</caption>
      <thead className="hidden md:table-header-group">
        <tr className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
          <th scope="col" className="py-2 pr-4 font-medium">Name</th>
          <th scope="col" className="py-2 pr-4 font-medium">Type</th>
          <th scope="col" className="py-2 font-medium">Description</th>
        </tr>
      </thead>
      <tbody className="block md:table-row-group">
        {fields.map((field) => (
          <tr key={`${field.in ?? ''}${field.name}`} className="block border-b border-slate-100 py-2 last:border-0 md:table-row">
            <th scope="row" className="block py-0.5 pr-4 align-top font-normal md:table-cell md:py-2">
              <code className="break-all font-semibold text-slate-900">{field.name}</code>
              <span className="ml-2 whitespace-nowrap text-xs">
                {field.required ? <span className="font-medium text-red-800">required</span> : <span className="text-slate-500">optional</span>}
                {showLocation && field.in ? <span className="ml-1 text-slate-500">· {field.in}</span> : null}
              </span>
            </th>
            <td className="block py-0.5 pr-4 align-top md:table-cell md:py-2">
              <span className="break-words font-mono text-xs text-indigo-900">{field.type}</span>
            </td>
            <td className="block py-0.5 align-top text-slate-700 md:table-cell md:py-2">
              {field.description ? <RichText text={field.description} /> : null}
              {field.constraints ? <span className="block text-xs text-slate-500">{field.constraints}</span> : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
