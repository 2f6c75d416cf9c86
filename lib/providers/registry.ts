/**
 * Every provider the portal can connect to: adding one is adding its folder and a line here. App code
 * asks the registry (through lib/services) and works with domain types and the descriptor's limits;
 * it never imports an adapter's client.
 */
import { carrierxProvider } from './carrierx';
import { vitcomProvider } from './vitcom';
import { voicemeupProvider } from './voicemeup';
import { voicetelProvider } from './voicetel';
import type { ProviderDescriptor, ProviderId, UpstreamLimits } from './types';

export const PROVIDERS: Record<ProviderId, ProviderDescriptor> = {
  voicetel: voicetelProvider,
  vitcom: vitcomProvider,
  carrierx: carrierxProvider,
  voicemeup: voicemeupProvider,
};

export function getProviderDescriptor(id: ProviderId): ProviderDescriptor {
  return PROVIDERS[id];
}

/** What the upstream refuses before we ask it; undefined for a provider the registry does not know. */
export function upstreamLimitsOf(provider: string): UpstreamLimits | undefined {
  return Object.hasOwn(PROVIDERS, provider) ? PROVIDERS[provider as ProviderId].limits : undefined;
}
