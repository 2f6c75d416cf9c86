import { describe, expect, it } from 'vitest';
import { PROVIDERS } from '@/lib/providers/registry';
import { hasCapability } from '@/lib/providers/types';
import { numberSupportsE911, providerSupportsE911 } from '@/lib/services/e911-capability';

describe('which carriers can register an emergency address', () => {
  it('follows the adapters’ e911 capability group: VoiceTel and VoiceMeUp can, Vitcom and CarrierX cannot', () => {
    expect(providerSupportsE911('voicetel')).toBe(true);
    expect(providerSupportsE911('voicemeup')).toBe(true);
    expect(providerSupportsE911('vitcom')).toBe(false);
    expect(providerSupportsE911('carrierx')).toBe(false);
    expect(numberSupportsE911({ provider: 'carrierx' })).toBe(false);
    expect(numberSupportsE911({ provider: 'voicetel' })).toBe(true);
  });

  it('says no for a provider the registry does not know', () => {
    expect(providerSupportsE911('acme-telecom')).toBe(false);
    expect(providerSupportsE911('__proto__')).toBe(false);
  });

  it('agrees with hasCapability for every registered provider', () => {
    for (const descriptor of Object.values(PROVIDERS)) {
      const adapter = descriptor.create({ connectionId: 't', baseUrl: descriptor.defaultBaseUrl, credentials: {}, http: {} as never, state: {} as never });
      expect(providerSupportsE911(descriptor.id)).toBe(hasCapability(adapter, 'e911'));
    }
  });
});
