import { isProviderError } from '../errors';
import type { E911Capability, E911Record, E911Validation } from '../types';
import { STATE_KEYS, type VoicemeupCore } from './core';
import { localError } from './errors';
import { toNational } from './map';
import { fromWireAddress, mapEndpoint, splitName, toWireAddress } from './map-e911';

export function createVoicemeupE911({ context, client, e911Endpoints }: VoicemeupCore): E911Capability {
  async function validationNumber(): Promise<string> {
    const cached = await context.state.get<string>(STATE_KEYS.validationDid);
    if (cached) return cached;
    const { data } = await client.getDids();
    const first = data.dids.find((did) => did.status !== 'disabled') ?? data.dids[0];
    if (!first) throw localError('invalid', 'VoiceMeUp validates e911 addresses against a DID and the account has none');
    await context.state.set(STATE_KEYS.validationDid, first.phone_number);
    return first.phone_number;
  }

  return {
    async validate(address): Promise<E911Validation> {
      const wire = toWireAddress(address);
      if (!wire.ok) return { valid: false, reason: wire.reason };
      const phoneNumber = await validationNumber();
      const result = await client.e911ValidateAddress({ phone_number: phoneNumber, ...wire.params });
      const alternates = (result.data.alternate_addresses ?? []).map((alternate) => fromWireAddress(alternate, address.name));
      return {
        valid: result.ok,
        normalized: result.ok && result.data.e911_address ? fromWireAddress(result.data.e911_address, address.name) : undefined,
        alternates: alternates.length ? alternates : undefined,
        reason: result.ok ? undefined : [...result.errors, ...result.notices].map((error) => error.description || error.type).join('; '),
      };
    },

    async provision(record): Promise<E911Record> {
      const national = toNational(record.e164);
      if (!national) throw localError('invalid', 'e911 is only offered on North American numbers');
      const wire = toWireAddress(record.address);
      if (!wire.ok) throw localError('invalid', wire.reason, { code: 'address_rejected' });
      const name = splitName(record.callerName ?? record.address.name);
      const result = await client.e911UpdateAddress({ phone_number: national, first_name: name.first, last_name: name.last, ...wire.params });
      if (!result.ok || !result.data.endpoint) {
        const alternates = (result.data.alternate_addresses ?? []).map((alternate) => `${alternate.civic_number} ${alternate.street}, ${alternate.city}`);
        const reason = [...result.errors, ...result.notices].map((error) => error.description || error.type).join('; ') || 'address not accepted';
        throw localError('invalid', alternates.length ? `${reason} (alternates: ${alternates.join(' | ')})` : reason, { code: 'address_rejected' });
      }
      return mapEndpoint(result.data.endpoint);
    },

    async remove(e164) {
      const national = toNational(e164);
      if (!national) throw localError('invalid', 'e911 is only offered on North American numbers');
      try {
        await client.e911DeleteAddress(national);
      } catch (error) {
        // Removing what is not provisioned leaves the state we wanted.
        if (isProviderError(error) && error.providerKind === 'not_found') return;
        throw error;
      }
    },

    // A refused request type ('unsupported') propagates: the caller records that the list is unavailable.
    list: e911Endpoints,
  };
}
