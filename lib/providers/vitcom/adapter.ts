/** The VITCOM adapter: one group per capability, each in its own file over the shared core. */
import { isProviderError } from '../errors';
import type { ProviderAdapter, ProviderContext, ProviderDescriptor } from '../types';
import { createVitcomBilling } from './billing';
import { createVitcomCdrs, type VitcomCdrs } from './cdrs';
import { createVitcomCore } from './core';
import { createVitcomNumbers, type VitcomNumbers } from './numbers';
import { createVitcomPorts } from './ports';
import { createVitcomTrunks } from './trunks';

export interface VitcomAdapter extends ProviderAdapter {
  readonly numbers: VitcomNumbers;
  readonly cdrs: VitcomCdrs;
}

export function createVitcomAdapter(descriptor: ProviderDescriptor, context: ProviderContext): VitcomAdapter {
  const core = createVitcomCore(context);
  const { client } = core;
  return {
    descriptor,
    async testConnection() {
      try {
        const trunks = await client.getTrunk();
        return { ok: true, detail: `Connected; ${trunks.data.length} origination trunk group(s).` };
      } catch (error) {
        if (!isProviderError(error)) throw error;
        return { ok: false, detail: `${error.message}${error.providerKind === 'auth' ? '' : ` (${error.upstreamMessage ?? error.providerKind})`}`, failure: error };
      }
    },
    numbers: createVitcomNumbers(core),
    trunks: createVitcomTrunks(core),
    ports: createVitcomPorts(core),
    cdrs: createVitcomCdrs(core),
    billing: createVitcomBilling(core),
  };
}
