'use client';

import { Button } from '@/components/ui/button';

/**
 * What a portal page shows when rendering it failed. The error's own message and stack stay on the
 * server (they can name tables, hosts or upstreams); the digest is the id Next logs the error under,
 * so it is what a user quotes to support.
 */
export default function PortalError({ error, reset, retry }: { error: Error & { digest?: string }; reset: () => void; retry?: () => void }) {
  return (
    <div role="alert" className="mx-auto max-w-lg py-16 text-center">
      <h1 className="text-2xl font-semibold text-slate-900">This page could not be shown</h1>
      <p className="mt-2 text-slate-700">Something went wrong on our side. Nothing you saved was lost. Try again, or come back in a few minutes.</p>
      {error.digest ? (
        <p className="mt-4 text-sm text-slate-600">
          If it keeps happening, contact support and quote reference <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-slate-900 select-all">{error.digest}</code>.
        </p>
      ) : null}
      {/* `retry` also refetches the page from the server, where the failure happened; older Next versions only offer `reset`. */}
      <Button type="button" className="mt-6" onClick={() => (retry ?? reset)()}>
        Try again
      </Button>
    </div>
  );
}
