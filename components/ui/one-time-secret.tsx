'use client';

import { useId, useState, type ReactNode } from 'react';
import { Button } from './button';

/**
 * A secret shown once, right after it was made (an API key, a webhook signing secret, a SIP
 * password): a read-only field that selects itself, a Copy button, and what to do if it is lost. It
 * lives only in this render of the action's answer: never in the URL, a cookie or storage.
 */
export function OneTimeSecret({
  title,
  label,
  value,
  noun,
  testId,
  headingLevel = 3,
  before,
  children,
}: {
  title: ReactNode;
  label: string;
  value: string;
  /** What the copy-failed message calls it: "the key", "the secret". */
  noun: string;
  testId: string;
  headingLevel?: 2 | 3;
  /** Fields shown above the secret (a username beside a password). */
  before?: ReactNode;
  /** What it is for and what to do if it is lost; shown under the title. */
  children: ReactNode;
}) {
  const id = useId();
  const [copied, setCopied] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied('copied');
    } catch {
      setCopied('failed');
    }
  };
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <section aria-labelledby={`${id}-title`} className="space-y-3 rounded-md border-2 border-amber-500 bg-amber-50 p-4" data-testid={testId}>
      <Heading id={`${id}-title`} className="text-base font-semibold text-amber-950">
        {title}
      </Heading>
      <div className="space-y-3 text-sm text-amber-950">{children}</div>
      {before}
      <div>
        <label htmlFor={`${id}-secret`} className="mb-1 block text-sm font-medium text-slate-800">
          {label}
        </label>
        <div className="flex flex-col gap-2 sm:flex-row">
          <input
            id={`${id}-secret`}
            readOnly
            value={value}
            autoComplete="off"
            spellCheck={false}
            onFocus={(event) => event.currentTarget.select()}
            className="block w-full min-w-0 rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-sm text-slate-900"
          />
          <Button type="button" variant="secondary" onClick={copy}>
            Copy
          </Button>
        </div>
      </div>
      <p role="status" aria-live="polite" className="text-xs text-amber-950">
        {copied === 'copied' ? 'Copied to the clipboard.' : copied === 'failed' ? `Could not copy: select ${noun} and copy it yourself.` : ''}
      </p>
    </section>
  );
}
