/**
 * Every provider the portal can connect to. App code asks the registry (through lib/services) and
 * works with domain types; it never imports an adapter's client.
 */
import { carrierxProvider } from './carrierx';
import { vitcomProvider } from './vitcom';
import { voicemeupProvider } from './voicemeup';
import { voicetelProvider } from './voicetel';
import type { Capability, ProviderDescriptor, ProviderId } from './types';

export const PROVIDERS: Record<ProviderId, ProviderDescriptor> = {
  voicetel: voicetelProvider,
  vitcom: vitcomProvider,
  carrierx: carrierxProvider,
  voicemeup: voicemeupProvider,
};

export function getProviderDescriptor(id: ProviderId): ProviderDescriptor {
  return PROVIDERS[id];
}

export function providersWith(capability: Capability): ProviderDescriptor[] {
  return Object.values(PROVIDERS).filter((descriptor) => descriptor.capabilities.includes(capability));
}
