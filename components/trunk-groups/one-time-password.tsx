'use client';

import { useId, useState } from 'react';
import { Button } from '@/components/ui/button';

/**
 * The digest password, shown once right after it was generated or rotated. It lives only in this
 * render of the action's answer: never in the URL, a cookie or storage.
 */
export function OneTimePassword({ username, password }: { username?: string; password: string }) {
  const id = useId();
  const [copied, setCopied] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(password);
      setCopied('copied');
    } catch {
      setCopied('failed');
    }
  };
  return (
    <section aria-labelledby={`${id}-title`} className="space-y-3 rounded-md border-2 border-amber-500 bg-amber-50 p-4" data-testid="one-time-password">
      <h2 id={`${id}-title`} className="text-base font-semibold text-amber-950">
        New SIP password: copy it now
      </h2>
      <p className="text-sm text-amber-950">It will not be shown again. If it is lost, rotate the password and update your PBX.</p>
      <div className="space-y-3">
        {username ? (
          <div>
            <label htmlFor={`${id}-username`} className="mb-1 block text-sm font-medium text-slate-800">
              Digest username
            </label>
            <input id={`${id}-username`} readOnly value={username} className="block w-full max-w-md rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-sm text-slate-900" />
          </div>
        ) : null}
        <div>
          <label htmlFor={`${id}-password`} className="mb-1 block text-sm font-medium text-slate-800">
            Digest password
          </label>
          <div className="flex gap-2">
            <input
              id={`${id}-password`}
              readOnly
              value={password}
              autoComplete="off"
              spellCheck={false}
              onFocus={(event) => event.currentTarget.select()}
              className="block w-full rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-sm text-slate-900"
            />
            <Button type="button" variant="secondary" onClick={copy}>
              Copy
            </Button>
          </div>
        </div>
      </div>
      <p role="status" aria-live="polite" className="text-xs text-amber-950">
        {copied === 'copied' ? 'Copied to the clipboard.' : copied === 'failed' ? 'Could not copy: select the password and copy it yourself.' : ''}
      </p>
    </section>
  );
}
