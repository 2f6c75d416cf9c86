import { CopyButton } from './copy-button';

/** A code sample that scrolls inside itself on narrow screens, never the page. */
export function CodeBlock({ code, label, language }: { code: string; label: string; language?: string }) {
  return (
    <figure className="min-w-0 overflow-hidden rounded-md bg-slate-900">
      <figcaption className="flex items-center justify-between gap-2 border-b border-slate-700 px-3 py-1 text-xs text-slate-300">
        <span>{language ?? label}</span>
        <CopyButton text={code} label={`Copy ${label}`} />
      </figcaption>
      {/* Focusable so keyboard users can scroll it sideways. */}
      <pre tabIndex={0} role="region" aria-label={label} className="overflow-x-auto p-3 text-xs leading-relaxed text-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-300">
        <code>{code}</code>
      </pre>
    </figure>
  );
}

/** Text with `backticks` as inline code (the document's descriptions are written that way). */
export function RichText({ text }: { text: string }) {
  const parts = text.split(/(`[^`]+`)/g);
  return (
    <>
      {parts.map((part, index) =>
        part.startsWith('`') && part.endsWith('`') && part.length > 1 ? (
          <code key={index} className="break-words rounded bg-slate-100 px-1 py-0.5 text-[0.85em] text-slate-800">
            {part.slice(1, -1)}
          </code>
        ) : (
          <span key={index}>{part}</span>
        ),
      )}
    </>
  );
}
