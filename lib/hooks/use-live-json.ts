'use client';

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';

/** A JSON route's error body (`{ error: { code, message } }`) as a thrown value. */
export class RouteError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'RouteError';
  }
}

export async function fetchJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  const response = await fetch(url, { signal, cache: 'no-store', headers: { accept: 'application/json' } });
  const body = (await response.json().catch(() => undefined)) as { error?: { code?: string; message?: string } } | undefined;
  if (!response.ok) throw new RouteError(response.status, body?.error?.code ?? 'internal:unexpected', body?.error?.message ?? `The server answered ${response.status}; try again.`);
  return body as T;
}

/** Every polled view carries the server's time of reading, so two copies can be told apart by age. */
export interface LiveView {
  generatedAt: string;
}

/**
 * Server-rendered data kept live: the route is polled every `intervalMs` until `settled` says the
 * work is done (or it answers 4xx), then polling stops. A newer server render (after an action
 * revalidates the page) replaces an older polled copy, never the other way round.
 */
export function useLiveJson<T extends LiveView>({ queryKey, url, initialData, settled, intervalMs = 1500 }: { queryKey: readonly unknown[]; url: string; initialData: T; settled: (data: T) => boolean; intervalMs?: number }) {
  const queryClient = useQueryClient();
  const query = useQuery({
    queryKey,
    queryFn: ({ signal }) => fetchJson<T>(url, signal),
    initialData,
    initialDataUpdatedAt: Date.parse(initialData.generatedAt),
    refetchInterval: (current) => {
      const error = current.state.error;
      if (error instanceof RouteError && error.status < 500) return false;
      return current.state.data && settled(current.state.data) ? false : intervalMs;
    },
  });
  const keyText = JSON.stringify(queryKey);
  useEffect(() => {
    const key = JSON.parse(keyText) as unknown[];
    const cached = queryClient.getQueryData<T>(key);
    if (!cached || cached.generatedAt < initialData.generatedAt) queryClient.setQueryData(key, initialData);
  }, [queryClient, keyText, initialData]);
  return { data: query.data ?? initialData, error: query.error, isFetching: query.isFetching };
}
