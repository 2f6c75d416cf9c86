'use client';

import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { NuqsAdapter } from 'nuqs/adapters/next/app';
import { useState } from 'react';
import { Toaster } from 'sonner';

/** The portal's client context: React Query for polled data, nuqs for URL state, sonner for toasts. */
export function PortalProviders({ children }: { children: React.ReactNode }) {
  // One client per browser tab, created on first render (a module-level client would be shared
  // between requests during server rendering).
  const [queryClient] = useState(
    () => new QueryClient({ defaultOptions: { queries: { staleTime: 5_000, retry: 1, refetchOnWindowFocus: false } } }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <NuqsAdapter>
        {children}
        <Toaster position="top-right" closeButton />
      </NuqsAdapter>
    </QueryClientProvider>
  );
}
