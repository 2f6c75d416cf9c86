import type { ProviderDescriptor } from '../types';
import { createVitcomAdapter } from './adapter';

export type { VitcomAdapter } from './adapter';
export type { VitcomQualityStats } from './map';

export const vitcomProvider: ProviderDescriptor = {
  id: 'vitcom',
  name: 'VITCOM',
  credentialFields: [
    { name: 'accountno', label: 'Account number', secret: false },
    { name: 'token', label: 'API token', secret: true },
  ],
  defaultBaseUrl: 'http://127.0.0.1:4102',
  // Termination trunks take single IPs (lib/providers/vitcom/trunks.ts refuses ranges itself).
  limits: {
    cidrPrefixes: null,
    // Origination: a primary and a secondary IP over UDP (§2 O5, §3.30; "Invalid primaryTrunk" for a
    // host name); termination: one trunk per single IP, IP-authenticated only (§2 T1).
    trunk: { outboundAuths: ['ip'], outboundSingleAddresses: true, maxDestinations: 2, destinationsIpv4Only: true, transports: ['udp'] },
  },
  create: (context) => createVitcomAdapter(vitcomProvider, context),
};
