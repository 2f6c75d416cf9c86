import 'server-only';

/**
 * Whether a number's carrier can register an emergency address for it. Registration belongs to
 * the upstream that carries the number (no other upstream can register it), so this is a fact of
 * the number's provider: an adapter without the `e911` capability group cannot. One answer for
 * search (the "no E911" badge), checkout (the confirmation) and /e911 (what cannot be covered).
 */
import { getDb } from '@/lib/db/client';
import { getProviderConnections } from '@/lib/db/queries/providers';
import { createProviderHttp } from '@/lib/providers/http';
import { PROVIDERS } from '@/lib/providers/registry';
import { createMemoryStateStore } from '@/lib/providers/state-store';
import { hasCapability, type ProviderId } from '@/lib/providers/types';

const known = new Map<string, boolean>();

/** From the adapter's capability groups (made without credentials; nothing is called). */
export function providerSupportsE911(provider: string): boolean {
  const cached = known.get(provider);
  if (cached !== undefined) return cached;
  if (!Object.hasOwn(PROVIDERS, provider)) return false;
  const descriptor = PROVIDERS[provider as ProviderId];
  const probe = `e911-capability:${provider}`;
  const adapter = descriptor.create({
    connectionId: probe,
    baseUrl: descriptor.defaultBaseUrl,
    credentials: {},
    http: createProviderHttp({ provider: descriptor.id, connectionId: probe, baseUrl: descriptor.defaultBaseUrl }),
    state: createMemoryStateStore(),
  });
  const supported = hasCapability(adapter, 'e911');
  known.set(provider, supported);
  return supported;
}

/** For a search result or cart line, which carry their provider. */
export function numberSupportsE911(number: { provider: string }): boolean {
  return providerSupportsE911(number.provider);
}

/** Per connection id; a connection that does not exist (deleted) cannot register anything. */
export async function e911SupportOfConnections(connectionIds: readonly string[]): Promise<Map<string, boolean>> {
  const wanted = new Set(connectionIds);
  const providers = new Map((await getProviderConnections(await getDb())).filter((row) => wanted.has(row.id)).map((row) => [row.id, row.provider]));
  return new Map([...wanted].map((id) => [id, providers.has(id) ? providerSupportsE911(providers.get(id)!) : false]));
}

export async function connectionSupportsE911(connectionId: string): Promise<boolean> {
  return (await e911SupportOfConnections([connectionId])).get(connectionId) ?? false;
}

/** Every connection (enabled or not) whose numbers cannot have an emergency address registered. */
export async function connectionsWithoutE911(): Promise<string[]> {
  return (await getProviderConnections(await getDb())).filter((row) => !providerSupportsE911(row.provider)).map((row) => row.id);
}
