'use client';

import { useId } from 'react';
import { OneTimeSecret } from '@/components/ui/one-time-secret';

/**
 * The digest password, shown once right after it was generated or rotated. It lives only in this
 * render of the action's answer: never in the URL, a cookie or storage.
 */
export function OneTimePassword({ username, password }: { username?: string; password: string }) {
  const id = useId();
  return (
    <OneTimeSecret
      title="New SIP password: copy it now"
      label="Digest password"
      value={password}
      noun="the password"
      testId="one-time-password"
      headingLevel={2}
      before={
        username ? (
          <div>
            <label htmlFor={`${id}-username`} className="mb-1 block text-sm font-medium text-slate-800">
              Digest username
            </label>
            <input id={`${id}-username`} readOnly value={username} className="block w-full max-w-md rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-sm text-slate-900" />
          </div>
        ) : null
      }
    >
      <p>It will not be shown again. If it is lost, rotate the password and update your PBX.</p>
    </OneTimeSecret>
  );
}
