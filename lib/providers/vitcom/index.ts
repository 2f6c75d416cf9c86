import type { ProviderDescriptor } from '../types';
import { createVitcomAdapter, VITCOM_CAPABILITIES } from './adapter';

export type { VitcomAdapter } from './adapter';
export type { VitcomQualityStats } from './map';

export const vitcomProvider: ProviderDescriptor = {
  id: 'vitcom',
  name: 'VITCOM',
  capabilities: VITCOM_CAPABILITIES,
  credentialFields: [
    { name: 'accountno', label: 'Account number', secret: false },
    { name: 'token', label: 'API token', secret: true },
  ],
  defaultBaseUrl: 'http://127.0.0.1:4102',
  create: (context) => createVitcomAdapter(context),
};
