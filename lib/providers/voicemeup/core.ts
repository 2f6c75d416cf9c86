/** What every VoiceMeUp capability shares: the client, the account's time zone and currency, peers, e911 endpoints. */
import { isProviderError } from '../errors';
import type { E911Record, ProviderContext, TrunkGroup } from '../types';
import { DEFAULT_TIME_ZONE, E911_NOT_FOUND_MEANS_NO_ENDPOINTS } from './assumptions';
import { createVoicemeupClient } from './client';
import { mapPeer } from './map';
import { mapEndpoint } from './map-e911';

export const STATE_KEYS = {
  areaCodes: 'ref:area_codes',
  validationDid: 'e911:validation_did',
  lastCallId: 'cdrs:last_unique_id',
} as const;

export type VoicemeupCore = ReturnType<typeof createVoicemeupCore>;

export function createVoicemeupCore(context: ProviderContext) {
  const client = createVoicemeupClient(context);
  const timeZone = context.credentials.time_zone || DEFAULT_TIME_ZONE;
  const now = () => context.now?.() ?? new Date();
  const currency = client.currency;

  /** Every endpoint on the account: e911_get_endpoints with no argument "will return all". */
  async function e911Endpoints(): Promise<E911Record[]> {
    try {
      const { data } = await client.e911GetEndpoints();
      return data.endpoints.map(mapEndpoint);
    } catch (error) {
      if (isProviderError(error) && error.providerKind === 'not_found' && E911_NOT_FOUND_MEANS_NO_ENDPOINTS) return [];
      throw error;
    }
  }

  async function getTrunk(trunkRef: string): Promise<TrunkGroup | null> {
    if (!/^\d+$/.test(trunkRef)) return null;
    try {
      const { data } = await client.getPeers(trunkRef);
      const peer = data.peers.find((item) => item.client_peer_id === trunkRef);
      return peer ? mapPeer(peer) : null;
    } catch (error) {
      if (isProviderError(error) && error.providerKind === 'not_found') return null;
      throw error;
    }
  }

  return { context, client, timeZone, now, currency, e911Endpoints, getTrunk };
}
