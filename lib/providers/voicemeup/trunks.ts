import type { TrunksCapability } from '../types';
import type { VoicemeupCore } from './core';
import { localError } from './errors';
import { mapPeer, peerParamsFromSpec } from './map';

/** VoiceMeUp peers: read and updated, never created or deleted through the API. */
export function createVoicemeupTrunks({ client, getTrunk }: VoicemeupCore): TrunksCapability {
  return {
    get: getTrunk,

    async list() {
      const { data } = await client.getPeers();
      return data.peers.map(mapPeer);
    },

    async update(trunkRef, spec) {
      if (!/^\d+$/.test(trunkRef)) throw localError('not_found', 'peer ids are numeric');
      const mapped = peerParamsFromSpec(trunkRef, spec);
      if (!mapped.ok) throw localError('invalid', mapped.reason, { code: 'unsupported_setting', field: mapped.field });
      await client.setPeer(mapped.params);
      const updated = await getTrunk(trunkRef);
      if (!updated) throw localError('not_found', `peer ${trunkRef} vanished after set_peer`);
      return updated;
    },
  };
}
