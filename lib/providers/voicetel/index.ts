/**
 * The VoiceTel adapter: one group per capability (numbers, trunks, ports, e911, CDRs, billing), each
 * in its own file over the shared client in core.ts.
 */
import { isProviderError } from '../errors';
import type { ProviderAdapter, ProviderContext, ProviderDescriptor } from '../types';
import { BUDGETS } from './assumptions';
import { createVoiceTelBilling } from './billing';
import { createVoiceTelCdrs } from './cdrs';
import { createVoiceTelCore, isUserGateway, type CoverageBucket, type CoverageRequest } from './core';
import { createVoiceTelE911 } from './e911';
import { createVoiceTelNumbers } from './numbers';
import { createVoiceTelPorts, type VoiceTelPorts } from './ports';
import { gatewaysListResponse } from './schema';
import { createVoiceTelTrunks } from './trunks';

export type { CoverageBucket, CoverageDimension, CoverageRequest } from './core';

/** VoiceTel's extras beyond the common groups: coverage drill-down and the port-in list. */
export interface VoiceTelAdapter extends ProviderAdapter {
  readonly ports: VoiceTelPorts;
  getCoverage(request: CoverageRequest): Promise<CoverageBucket[]>;
}

export function createVoiceTelAdapter(context: ProviderContext): VoiceTelAdapter {
  const core = createVoiceTelCore(context);
  const { client } = core;
  return {
    descriptor: voicetelProvider,

    async testConnection() {
      try {
        await client.ensureApiKey();
        const gateways = await client.call({
          operation: 'GET /gateways',
          method: 'GET',
          path: '/gateways',
          idempotent: true,
          parse: (body) => gatewaysListResponse.parse(body).data.gateways,
        });
        return { ok: true, detail: `Signed in; ${gateways.filter(isUserGateway).length} gateway(s) on the account.` };
      } catch (error) {
        if (!isProviderError(error)) throw error;
        return { ok: false, detail: error.upstreamMessage ? `${error.message} (${error.upstreamMessage})` : error.message, failure: error };
      }
    },

    numbers: createVoiceTelNumbers(core),
    trunks: createVoiceTelTrunks(core),
    ports: createVoiceTelPorts(core),
    e911: createVoiceTelE911(core),
    cdrs: createVoiceTelCdrs(core),
    billing: createVoiceTelBilling(core),
    getCoverage: core.coverage,
  };
}

export const voicetelProvider: ProviderDescriptor = {
  id: 'voicetel',
  name: 'VoiceTel',
  credentialFields: [
    { name: 'username', label: 'Account ID (10-digit username)', secret: false },
    { name: 'password', label: 'Account password', secret: true },
  ],
  defaultBaseUrl: 'http://127.0.0.1:4101',
  // [spec] servers[0]; the adapter adds /v2.2.
  documentedBaseUrl: 'https://api.voicetel.com',
  limits: {
    // ACL: "Only routable public IPv4 CIDRs with masks /8, /16, /24, or /32 are accepted."
    cidrPrefixes: [8, 16, 24, 32],
    // The reference gives `callername` no length; 15 is a GUESS (the CNAM/ALI display convention).
    callerNameMaxLength: 15,
    // A gateway is one host:port ([digest] §4 "Trunk groups"): no failover, transport or CPS limit.
    trunk: { maxDestinations: 1, transports: ['udp'], cpsLimit: false },
  },
  rateBudgets: Object.values(BUDGETS),
  create: createVoiceTelAdapter,
};
