/** VoiceMeUp e911 addresses and endpoints ↔ domain e911 records. No I/O. */
import type { E911Address, E911Record } from '../types';
import { E911_NAME_FALLBACK } from './assumptions';
import { countryOf, toE164 } from './map';
import type { WireAddress, WireEndpoint } from './schema';

// --- E911 ---------------------------------------------------------------------------------------

const ADDRESS_TYPES: Record<string, string> = {
  apt: 'apartment', apartment: 'apartment', bsmt: 'basement', basement: 'basement', bldg: 'building', building: 'building',
  dept: 'department', department: 'department', fl: 'floor', floor: 'floor', frnt: 'front', front: 'front',
  hngr: 'hanger', hangar: 'hanger', hanger: 'hanger', key: 'key', lbby: 'lobby', lobby: 'lobby', lot: 'lot',
  lowr: 'lower', lower: 'lower', ofc: 'office', office: 'office', ph: 'penthouse', penthouse: 'penthouse', pier: 'pier',
  rear: 'rear', rm: 'room', room: 'room', side: 'side', slip: 'slip', spc: 'space', space: 'space', stop: 'stop',
  ste: 'suite', suite: 'suite', trlr: 'trailer', trailer: 'trailer', unit: 'unit', uppr: 'upper', upper: 'upper',
};

/** civic_number is an integer (§3.4), so a unit goes to address_type / address_type_number. */
export function toWireAddress(address: E911Address): { ok: true; params: Record<string, string | undefined> } | { ok: false; reason: string } {
  const street = /^\s*(\d+)\s+(.+?)\s*$/.exec(address.street);
  if (!street) return { ok: false, reason: 'street must start with a civic number' };
  const params: Record<string, string | undefined> = {
    civic_number: street[1],
    street: street[2],
    city: address.city.trim(),
    state_code: address.state.trim().toUpperCase(),
    country_code: address.country,
    postal_code: address.postalCode.trim().toUpperCase(),
  };
  if (address.unit?.trim()) {
    const unit = /^\s*(?:([A-Za-z]+)\.?\s*)?#?\s*([A-Za-z0-9-]+)\s*$/.exec(address.unit);
    const type = unit?.[1] ? ADDRESS_TYPES[unit[1].toLowerCase()] : 'unit';
    if (!unit || !type) return { ok: false, reason: `unit "${address.unit}" is not a known address type` };
    params.address_type = type;
    params.address_type_number = unit[2];
  }
  return { ok: true, params };
}

export function fromWireAddress(wire: WireAddress, name?: string): E911Address {
  const type = wire.address_type ? wire.address_type.charAt(0).toUpperCase() + wire.address_type.slice(1) : undefined;
  return {
    name,
    street: `${wire.civic_number} ${wire.street}`,
    unit: type ? [type, wire.address_type_number].filter(Boolean).join(' ') : undefined,
    city: wire.city,
    state: wire.state_code ?? '',
    postalCode: wire.postal_code,
    country: countryOf(wire.country_code),
  };
}

export function splitName(name: string | undefined): { first: string; last: string } {
  const words = (name ?? '').trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return { ...E911_NAME_FALLBACK };
  if (words.length === 1) return { first: words[0] ?? E911_NAME_FALLBACK.first, last: E911_NAME_FALLBACK.last };
  return { first: words.slice(0, -1).join(' '), last: words[words.length - 1] ?? E911_NAME_FALLBACK.last };
}

export function mapEndpoint(wire: WireEndpoint): E911Record {
  const callerName = [wire.first_name, wire.last_name].filter(Boolean).join(' ') || undefined;
  return {
    e164: toE164(wire.phone_number),
    address: fromWireAddress(wire, callerName),
    callerName,
    e911Ref: wire.client_endpoint_id,
  };
}
