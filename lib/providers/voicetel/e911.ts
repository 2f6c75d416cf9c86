import { isProviderError } from '../errors';
import type { E911Address, E911Capability, E911Record } from '../types';
import { E911_ADDRESS_STATE_PREFIX } from './assumptions';
import { invalid, type VoiceTelCore } from './core';
import { buildE911Address, callerNameOf, e911AddressKey, mapE911Entry, mapValidatedAddress, toNanp10 } from './map';
import { e911ListResponse, e911RecordResponse, e911ValidateResponse } from './schema';

/** An addressRef is VoiceTel's integer `addressid` as a string; anything else cannot be one. */
function addressIdOf(addressRef: string | undefined): number | undefined {
  if (!addressRef || !/^\d{1,15}$/.test(addressRef)) return undefined;
  return Number(addressRef);
}

export function createVoiceTelE911({ client, state }: VoiceTelCore): E911Capability {
  async function e911ProvisionById(record: E911Record, addressId: number): Promise<E911Record> {
    const stored = await client.call({
      operation: 'PUT /e911/{dn}',
      method: 'PUT',
      path: `/e911/${toNanp10(record.e164)}`,
      body: { addressid: addressId, callername: callerNameOf(record) },
      idempotent: true,
      parse: (body) => e911RecordResponse.parse(body).data.record,
    });
    // The stored record does not echo the addressid; the one we sent is what it now points at.
    return mapE911Entry(stored, String(addressId));
  }

  async function e911Create(record: E911Record) {
    return client.call({
      operation: 'POST /e911',
      method: 'POST',
      path: '/e911',
      body: { dn: toNanp10(record.e164), ...buildE911Address(record.address), callername: callerNameOf(record) },
      idempotent: false,
      parse: (body) => e911RecordResponse.parse(body).data.record,
    });
  }

  return {
    async validate(address: E911Address) {
      if (address.country !== 'US') return { valid: false, reason: 'VoiceTel e911 covers US addresses only' };
      try {
        const validated = await client.call({
          operation: 'POST /e911/validations',
          method: 'POST',
          path: '/e911/validations',
          body: buildE911Address(address),
          // A lookup with no side effect.
          idempotent: true,
          parse: (body) => e911ValidateResponse.parse(body).data.address,
        });
        const result = mapValidatedAddress(validated, address);
        await state.set(`${E911_ADDRESS_STATE_PREFIX}${e911AddressKey(address)}`, validated.addressid);
        if (result.normalized) await state.set(`${E911_ADDRESS_STATE_PREFIX}${e911AddressKey(result.normalized)}`, validated.addressid);
        return result;
      } catch (error) {
        // Failure is a plain 409 "Address validation failed"; there are no alternate candidates.
        if (isProviderError(error) && error.httpStatus === 409) return { valid: false, reason: error.upstreamMessage ?? 'Address validation failed' };
        throw error;
      }
    },

    async provision(record) {
      if (record.address.country !== 'US') throw invalid('VoiceTel e911 covers US addresses only');
      // The caller's addressRef first, then the id this connection cached when it validated the address.
      const candidates = [
        addressIdOf(record.addressRef),
        await state.get<number>(`${E911_ADDRESS_STATE_PREFIX}${e911AddressKey(record.address)}`),
      ].filter((id, index, all): id is number => id !== undefined && all.indexOf(id) === index);
      for (const addressId of candidates) {
        try {
          return await e911ProvisionById(record, addressId);
        } catch (error) {
          // A stale address id: try the next one, then validate-and-provision in one call.
          if (!(isProviderError(error) && error.providerKind === 'conflict')) throw error;
        }
      }
      return mapE911Entry(await e911Create(record));
    },

    async remove(e164) {
      await client.call({
        operation: 'DELETE /e911/{dn}',
        method: 'DELETE',
        path: `/e911/${toNanp10(e164)}`,
        idempotent: true,
        parse: () => undefined,
      });
    },

    async list() {
      const records = await client.call({
        operation: 'GET /e911',
        method: 'GET',
        path: '/e911',
        idempotent: true,
        emptyOn404: () => [],
        parse: (body) => e911ListResponse.parse(body).data.records,
      });
      return records.map((record) => mapE911Entry(record));
    },
  };
}
