/** The request types the VoiceMeUp sandbox answers, each validating its parameters as the seed's tables say. */
import type { SandboxContext } from '../common/server';
import { dateInZone, timeInZone, type Account, type Did, type Endpoint, type Peer, type StreetEntry, type VoicemeupState } from './state';
import { el, node, record } from './xml';

export interface RouteResult {
  errors?: string[];
  notices?: string[];
  body?: string;
}
export interface RouteInput {
  query: URLSearchParams;
  account: Account;
  state: VoicemeupState;
  context: SandboxContext;
  currency: 'CAD' | 'USD' | 'EUR';
}
export type Route = (input: RouteInput) => RouteResult;

const fail = (...errors: string[]): RouteResult => ({ errors });
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const ALNUM = /^[A-Za-z0-9]+$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const TIMEOUTS = ['disabled', '2', '5', '10', '15', '20', '25', '30', '35', '40', '45', '50', '55'];
const DID_OPTIONS = ['enable_forwarding', 'enable_voicemail', 'enable_peer', 'enable_recording', 'enable_ivr', 'enable_fax'];
const CODECS = ['g729', 'ulaw', 'alaw', 'g726', 'gsm', 'ilbc'];
const ADDRESS_TYPES = [
  'apartment', 'basement', 'building', 'department', 'floor', 'front', 'hanger', 'key', 'lobby', 'lot', 'lower', 'office',
  'penthouse', 'pier', 'rear', 'room', 'side', 'slip', 'space', 'stop', 'suite', 'trailer', 'unit', 'upper',
];
const RATES: Record<RouteInput['currency'], number> = { CAD: 1, USD: 0.74, EUR: 0.68 };

function validDate(value: string): boolean {
  return DATE.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);
}

/** Amounts are kept in CAD micro-units and shown in the requested currency. */
function amount(micros: bigint, currency: RouteInput['currency'], decimals: number): string {
  const value = (Number(micros) / 1_000_000) * RATES[currency];
  return Math.abs(value).toFixed(decimals);
}
/** "negative amount if not followed by 'CR'" (seed L211): a credit carries the marker. */
function crAmount(creditMicros: bigint, currency: RouteInput['currency']): string {
  const text = amount(creditMicros, currency, 2);
  return creditMicros > 0n ? `${text} CR` : text;
}

/** Arrays arrive either comma-separated or PHP-style `name[]=` (encoding undocumented, §3.4). */
function arrayParam(query: URLSearchParams, name: string): string[] | undefined {
  const bracketed = query.getAll(`${name}[]`);
  const plain = query.get(name);
  if (!bracketed.length && plain === null) return undefined;
  return [...bracketed, ...(plain ?? '').split(',')].map((item) => item.trim()).filter(Boolean);
}

function intParam(query: URLSearchParams, name: string, min: number, max: number): number | undefined | 'invalid' {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  if (!/^\d+$/.test(raw)) return 'invalid';
  const value = Number(raw);
  return value < min || value > max ? 'invalid' : value;
}

function national(value: string | null): string | undefined {
  if (!value) return undefined;
  if (/^1\d{10}$/.test(value)) return value.slice(1);
  return /^\d{10}$/.test(value) ? value : undefined;
}

// --- XML of each record -----------------------------------------------------------------------------

function didXml(did: Did): string {
  return record('did', {
    client_did_id: did.clientDidId,
    phone_number: did.number,
    friendly_name: did.friendlyName,
    type: did.type,
    country_code: did.country,
    state_code: did.state,
    ratecenter: did.ratecenter,
    ratecenter_id: did.ratecenterId,
    client_peer_ids: did.peerIds.join(','),
    options: did.options.join(','),
    status: did.status,
    date_added: did.dateAdded,
  });
}

function peerXml(peer: Peer): string {
  // The password is write-only.
  return record('peer', {
    client_peer_id: peer.id,
    username: peer.username,
    friendly_name: peer.friendlyName,
    type: 'sip',
    host_type: peer.hostType,
    host: peer.hostType === 'static' ? peer.host : '',
    default_ip: peer.defaultIp,
    callerid_name: peer.calleridName,
    callerid_number: peer.calleridNumber,
    callerid_mode: peer.calleridMode,
    codecs: peer.codecs.join(','),
    dtmf_mode: peer.dtmfMode,
    enable_nat: peer.enableNat ? '1' : '0',
    enable_auth: peer.enableAuth ? '1' : '0',
    auth_username: peer.authUsername,
    enable_qualify: peer.enableQualify ? '1' : '0',
    qualify: peer.qualify,
    status: peer.status,
  });
}

function addressFields(address: { civic: string; street: string; city: string; state: string; country: string; postal: string; addressType?: string; addressTypeNumber?: string }) {
  return {
    civic_number: address.civic,
    street: address.street,
    city: address.city,
    state_code: address.state,
    country_code: address.country,
    postal_code: address.postal,
    address_type: address.addressType,
    address_type_number: address.addressTypeNumber,
  };
}

function endpointXml(endpoint: Endpoint): string {
  return record('endpoint', {
    client_endpoint_id: endpoint.id,
    phone_number: endpoint.number,
    first_name: endpoint.firstName,
    last_name: endpoint.lastName,
    ...addressFields(endpoint),
    client_peer_ids: endpoint.peerIds.join(','),
    is_default: endpoint.isDefault ? '1' : '0',
  });
}

// --- E911 address checking ----------------------------------------------------------------------------

const ABBREVIATIONS: Record<string, string> = {
  STREET: 'ST', AVENUE: 'AVE', ROAD: 'RD', BOULEVARD: 'BLVD', DRIVE: 'DR', WEST: 'W', EAST: 'E', NORTH: 'N', SOUTH: 'S',
  OUEST: 'O', EST: 'E', NORTHEAST: 'NE', NORTHWEST: 'NW', STE: 'SAINTE', SAINT: 'ST',
};
const upper = (value: string) => value.trim().replace(/\s+/g, ' ').toUpperCase();
const loose = (value: string) =>
  upper(value)
    .replace(/[.,']/g, '')
    .split(/[\s-]+/)
    .map((word) => ABBREVIATIONS[word] ?? word)
    .join(' ');
const postalKey = (value: string) => value.replace(/\s+/g, '').toUpperCase();

/** Edits (insert, delete, replace) that turn one word into the other. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * A typed word that is one typo away from the database's word, or from the full form it abbreviates
 * ("STRET" for ST, via STREET): the near miss the reference says comes back as alternates.
 */
const FULL_FORMS = Object.entries(ABBREVIATIONS);
function nearWord(typed: string, known: string): boolean {
  if (typed === known) return true;
  if (typed.length >= 4 && known.length >= 4 && editDistance(typed, known) <= 1) return true;
  return FULL_FORMS.some(([full, short]) => short === known && full.length >= 4 && editDistance(typed, full) <= 1);
}
function nearStreet(typed: string, known: string): boolean {
  const [a, b] = [loose(typed).split(' '), loose(known).split(' ')];
  return a.length === b.length && a.every((word, index) => nearWord(word, b[index]!));
}

type AddressCheck =
  | { ok: true; entry: StreetEntry; civic: string; addressType?: string; addressTypeNumber?: string }
  | { ok: false; errors: string[]; alternates: { entry: StreetEntry; civic: string }[] };

function checkAddress(query: URLSearchParams, state: VoicemeupState): AddressCheck {
  const civic = query.get('civic_number');
  const street = query.get('street');
  const city = query.get('city');
  const postal = query.get('postal_code');
  if (!civic || !street || !city || !postal) return { ok: false, errors: ['required_parameter_not_found'], alternates: [] };
  if (!/^\d+$/.test(civic)) return { ok: false, errors: ['civic_number_not_found'], alternates: [] };

  const countryCode = query.get('country_code')?.toUpperCase() ?? state.countries.find((country) => country.id === query.get('country_id'))?.code;
  if (!query.get('country_code') && !query.get('country_id')) return { ok: false, errors: ['required_parameter_not_found'], alternates: [] };
  const country = state.countries.find((item) => item.code === countryCode);
  if (!country) return { ok: false, errors: ['country_not_found'], alternates: [] };
  const stateCode = query.get('state_code')?.toUpperCase() ?? state.regions.find((region) => region.id === query.get('state_id'))?.code;
  if (!query.get('state_code') && !query.get('state_id')) return { ok: false, errors: ['required_parameter_not_found'], alternates: [] };
  if (!state.regions.some((region) => region.code === stateCode && region.countryId === country.id)) return { ok: false, errors: ['state_not_found'], alternates: [] };

  const addressType = query.get('address_type') ?? undefined;
  if (addressType !== undefined && !ADDRESS_TYPES.includes(addressType)) return { ok: false, errors: ['internal_error-invalid_argument'], alternates: [] };
  const addressTypeNumber = query.get('address_type_number') ?? undefined;

  const civicNumber = Number(civic);
  const inRange = (entry: StreetEntry) => civicNumber >= entry.civicFrom && civicNumber <= entry.civicTo;
  const local = state.streets.filter((entry) => entry.state === stateCode && entry.country === country.code);
  const exact = local.find((entry) => entry.street === upper(street) && entry.city === upper(city));
  if (exact) {
    if (!inRange(exact)) return { ok: false, errors: ['civic_number_not_found'], alternates: [] };
    // "Must be an exact match": a wrong postal code still fails, with the right one offered.
    if (postalKey(exact.postal) !== postalKey(postal)) return { ok: false, errors: ['alternate_address_provided'], alternates: [{ entry: exact, civic }] };
    return { ok: true, entry: exact, civic, addressType, addressTypeNumber };
  }
  const near = local
    .filter((entry) => nearStreet(street, entry.street) && inRange(entry))
    .sort((a, b) => Number(loose(b.city) === loose(city)) - Number(loose(a.city) === loose(city)));
  if (near.length) return { ok: false, errors: ['alternate_address_provided'], alternates: near.map((entry) => ({ entry, civic })) };
  const cityKnown = local.some((entry) => loose(entry.city) === loose(city));
  return { ok: false, errors: [cityKnown ? 'street_not_found' : 'city_not_found'], alternates: [] };
}

function alternatesXml(alternates: { entry: StreetEntry; civic: string }[]): string {
  if (!alternates.length) return '';
  return node(
    'alternate_addresses',
    alternates.map(({ entry, civic }) => record('address', addressFields({ civic, street: entry.street, city: entry.city, state: entry.state, country: entry.country, postal: entry.postal }))),
  );
}

// --- request types ----------------------------------------------------------------------------------

const getCalls: Route = ({ query, account, state, context, currency }) => {
  const from = query.get('date_from');
  const to = query.get('date_to');
  const uniqueId = query.get('unique_id');
  const direction = query.get('direction');
  if (from !== null && !validDate(from)) return fail('date_from_invalid');
  if (to !== null && !validDate(to)) return fail('date_to_invalid');
  if (uniqueId !== null && !/^[A-Za-z0-9]{32}$/.test(uniqueId)) return fail('unique_id_invalid');
  // "If set, date_to must also be set" and the reverse; one of the modes is required.
  if ((from === null) !== (to === null)) return fail('required_parameter_not_found');
  if (uniqueId === null && from === null) return fail('required_parameter_not_found');
  if (direction !== null && direction !== 'inbound' && direction !== 'outbound') return fail('direction_invalid');
  const limit = intParam(query, 'result_limit', 1, 1000);
  if (limit === 'invalid') return fail('result_limit_invalid');
  const offset = intParam(query, 'result_offset', 0, Number.MAX_SAFE_INTEGER);
  if (offset === 'invalid') return fail('result_offset_invalid');

  const regionOf = (center: { state: string; country: string }) =>
    state.regions.find((region) => region.code === center.state && region.countryId === (center.country === 'CA' ? '38' : '227'));
  const now = context.now().getTime();
  const logged = account.calls.filter((call) => call.loggedAt.getTime() <= now);
  let rows = logged;
  if (uniqueId !== null) {
    // Cursor mode: everything logged after that call, in log order; dates are ignored.
    const index = logged.findIndex((call) => call.uniqueId === uniqueId);
    if (index < 0) return fail('unique_id_invalid');
    rows = logged.slice(index + 1);
  } else {
    rows = logged.filter((call) => {
      const day = dateInZone(call.startedAt);
      return day >= (from as string) && day <= (to as string);
    });
    rows = rows.slice(offset ?? 0);
  }
  if (direction) rows = rows.filter((call) => call.direction === direction);
  rows = rows.slice(0, limit ?? 25);
  return {
    body: node(
      'calls',
      rows.map((call) =>
        record(
          'call_details',
          {
            date: dateInZone(call.startedAt),
            time: timeInZone(call.startedAt),
            direction: call.direction,
            source: call.source,
            destination: call.destination,
            client_peer_id: call.peerId,
            country_id: call.remote.country === 'CA' ? '38' : '227',
            country: call.remote.country === 'CA' ? 'Canada' : 'United States',
            state_id: regionOf(call.remote)?.id,
            state: regionOf(call.remote)?.name,
            district: call.remote.district,
            duration: call.duration,
            callerid_name: call.calleridName,
            callerid_number: call.calleridNumber,
            bindings: '',
            // Scenario `calls-unknown-status`: a status word the documentation never lists.
            status: context.scenario('calls-unknown-status') ? 'transferred' : call.status,
            normalized: call.normalized,
            billed_amount: amount(call.billedMicros, currency, 4),
            current_rate: amount(call.rateMicros, currency, 4),
            monthly_usage: 'increment',
          },
          { unique_id: call.uniqueId },
        ),
      ),
    ),
  };
};

const getDids: Route = ({ query, account }) => {
  const id = query.get('client_did_id');
  const phone = query.get('phone_number');
  if (id !== null && !/^\d+$/.test(id)) return fail('client_did_id_invalid');
  if (phone !== null && !/^\d{10}$/.test(phone)) return fail('phone_number_invalid');
  const dids = account.dids.filter((did) => (id === null || did.clientDidId === id) && (phone === null || did.number === phone));
  return { body: node('dids', dids.map(didXml)) };
};

function findDid(query: URLSearchParams, account: Account): Did | string {
  const id = query.get('client_did_id');
  const phone = query.get('phone_number');
  if (id === null && phone === null) return 'required_parameter_not_found';
  if (id !== null) return account.dids.find((did) => did.clientDidId === id) ?? 'client_did_id_invalid';
  return account.dids.find((did) => did.number === phone) ?? 'phone_number_invalid';
}

const setDid: Route = ({ query, account }) => {
  const did = findDid(query, account);
  if (typeof did === 'string') return fail(did);
  const friendlyName = query.get('friendly_name');
  if (friendlyName !== null && !(ALNUM.test(friendlyName) && friendlyName.length >= 2 && friendlyName.length <= 32)) return fail('friendly_name_invalid');
  const peerIds = arrayParam(query, 'client_peer_ids');
  if (peerIds && peerIds.length > 5) return fail('peers_to_ring_limit_reached');
  if (peerIds?.some((id) => !account.peers.some((peer) => peer.id === id))) return fail('client_peer_id_invalid');
  const options = arrayParam(query, 'options');
  if (options?.some((option) => !DID_OPTIONS.includes(option))) return fail('options_invalid');
  const status = query.get('status');
  if (status !== null && status !== 'enabled' && status !== 'disabled') return fail('status_invalid');
  for (const name of ['forward_timeout', 'peer_timeout']) {
    const value = query.get(name);
    if (value !== null && !TIMEOUTS.includes(value)) return fail(`${name}_invalid`);
  }
  if (friendlyName !== null) did.friendlyName = friendlyName;
  if (peerIds) did.peerIds = peerIds;
  if (options) did.options = options;
  if (status) did.status = status;
  return { body: didXml(did) };
};

const getDidInventory: Route = ({ query, state }) => {
  const type = query.get('type');
  const npa = query.get('npa');
  const nxx = query.get('nxx');
  const ratecenterId = query.get('ratecenter_id');
  if (type !== null && !['local', 'tollfree', 'inum', 'international'].includes(type)) return fail('type_invalid');
  if (npa !== null && !/^\d{3}$/.test(npa)) return fail('npa_invalid');
  if (nxx !== null && !/^\d{3}$/.test(nxx)) return fail('nxx_invalid');
  if (ratecenterId !== null && !/^\d{6}$/.test(ratecenterId)) return fail('ratecenter_id_invalid');
  const rows = state.inventory
    .filter((did) => (type === null || did.type === type) && (npa === null || did.npa === npa) && (nxx === null || did.nxx === nxx))
    .filter((did) => ratecenterId === null || did.ratecenterId === ratecenterId)
    .sort((a, b) => a.number.localeCompare(b.number));
  return {
    body: node(
      'inventory',
      rows.map((did) =>
        record('did', {
          did_id: did.didId,
          phone_number: did.number,
          type: did.type,
          npa: did.npa,
          nxx: did.nxx,
          ratecenter_id: did.ratecenterId,
          ratecenter: did.ratecenter,
          state_code: did.state,
          country_code: did.country,
        }),
      ),
    ),
  };
};

const addDid: Route = ({ query, account, state, context }) => {
  const phone = query.get('phone_number');
  const didId = query.get('did_id');
  if (phone === null && didId === null) return fail('required_parameter_not_found');
  if (phone !== null && !/^\d{10,15}$/.test(phone)) return fail('phone_number_invalid');
  const number = phone !== null ? (national(phone) ?? phone) : undefined;
  const index = state.inventory.findIndex((did) => (number !== undefined ? did.number === number : did.didId === didId));
  if (index < 0) return fail(number !== undefined ? 'phone_number_invalid' : 'internal_error-invalid_argument');
  const [item] = state.inventory.splice(index, 1);
  if (!item) return fail('internal_error-invalid_argument');
  const did: Did = {
    clientDidId: String(state.nextId.did++),
    number: item.number,
    type: item.type,
    friendlyName: '',
    country: item.country,
    state: item.state,
    ratecenter: item.ratecenter,
    ratecenterId: item.ratecenterId,
    peerIds: [],
    options: [],
    status: 'enabled',
    dateAdded: dateInZone(context.now()),
  };
  account.dids.push(did);
  return { body: didXml(did) };
};

const getAreaCodes: Route = ({ query, state }) => {
  const npa = query.get('npa');
  const ratecenterId = query.get('ratecenter_id');
  const countryId = query.get('country_id');
  const stateId = query.get('state_id');
  if (npa !== null && !/^\d{3}$/.test(npa)) return fail('npa_invalid');
  if (ratecenterId !== null && !/^\d{6}$/.test(ratecenterId)) return fail('ratecenter_id_invalid');
  if (countryId !== null && !state.countries.some((country) => country.id === countryId)) return fail('country_id_invalid');
  if (stateId !== null && !state.regions.some((region) => region.id === stateId)) return fail('state_id_invalid');
  const seen = new Map<string, string>();
  for (const center of state.rateCenters) {
    if (ratecenterId !== null && center.id !== ratecenterId) continue;
    const region = state.regions.find((item) => item.code === center.state && item.countryId === (center.country === 'CA' ? '38' : '227'));
    if (!region || (countryId !== null && region.countryId !== countryId) || (stateId !== null && region.id !== stateId)) continue;
    for (const code of center.npas) {
      if ((npa !== null && code !== npa) || seen.has(code)) continue;
      seen.set(
        code,
        record('area_code', { npa: code, country_id: region.countryId, country_code: center.country, state_id: region.id, state_code: region.code, state: region.name }),
      );
    }
  }
  return { body: node('area_codes', [...seen.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, xml]) => xml)) };
};

const getRatecenters: Route = ({ query, state }) => {
  const npa = query.get('npa');
  const ratecenterId = query.get('ratecenter_id');
  if (npa === null && ratecenterId === null) return fail('required_parameter_not_found');
  if (npa !== null && !/^\d{3}$/.test(npa)) return fail('npa_invalid');
  if (ratecenterId !== null && !/^\d{6}$/.test(ratecenterId)) return fail('ratecenter_id_invalid');
  const limit = intParam(query, 'result_limit', 1, 1000);
  if (limit === 'invalid') return fail('result_limit_invalid');
  const offset = intParam(query, 'result_offset', 0, Number.MAX_SAFE_INTEGER);
  if (offset === 'invalid') return fail('result_offset_invalid');
  const rows = state.rateCenters
    .filter((center) => (npa === null || center.npas.includes(npa)) && (ratecenterId === null || center.id === ratecenterId))
    .slice(offset ?? 0, (offset ?? 0) + (limit ?? 25));
  return {
    body: node(
      'ratecenters',
      rows.map((center) =>
        record('ratecenter', { ratecenter_id: center.id, name: center.name, npa: npa ?? center.npas[0], state_code: center.state, country_code: center.country }),
      ),
    ),
  };
};

const getPeers: Route = ({ query, account }) => {
  const id = query.get('client_peer_id');
  if (id !== null && !/^\d+$/.test(id)) return fail('client_peer_id_invalid');
  const peers = account.peers.filter((peer) => id === null || peer.id === id);
  if (id !== null && peers.length === 0) return fail('client_peer_id_invalid');
  return { body: node('peers', peers.map(peerXml)) };
};

const setPeer: Route = ({ query, account }) => {
  const id = query.get('client_peer_id');
  if (id === null) return fail('required_parameter_not_found');
  const peer = account.peers.find((item) => item.id === id);
  if (!peer) return fail('client_peer_id_invalid');
  const get = (name: string) => query.get(name) ?? undefined;
  const flags = ['force_ring_signal', 'enable_nat', 'enable_reinvite', 'enable_recording', 'enable_dnis', 'enable_notification', 'enable_auth', 'enable_qualify'];
  for (const name of flags) {
    const value = get(name);
    if (value !== undefined && value !== '0' && value !== '1') return fail('internal_error-invalid_argument');
  }
  const friendlyName = get('friendly_name');
  if (friendlyName !== undefined && !(ALNUM.test(friendlyName) && friendlyName.length >= 2 && friendlyName.length <= 32)) return fail('friendly_name_invalid');
  const hostType = get('host_type');
  if (hostType !== undefined && hostType !== 'dynamic' && hostType !== 'static') return fail('host_type_invalid');
  const host = get('host');
  if (host !== undefined && !IPV4.test(host)) return fail('internal_error-invalid_argument');
  if ((hostType ?? peer.hostType) === 'static' && !(host ?? peer.host)) return fail('required_parameter_not_found');
  const password = get('password');
  if (password !== undefined && !(ALNUM.test(password) && password.length >= 6 && password.length <= 32)) return fail('password_invalid');
  const calleridName = get('callerid_name');
  if (calleridName !== undefined && !(/^[A-Za-z0-9 ]+$/.test(calleridName) && calleridName.length >= 3 && calleridName.length <= 15)) return fail('callerid_name_invalid');
  const calleridNumber = get('callerid_number');
  if (calleridNumber !== undefined && !/^\d{10}$/.test(calleridNumber)) return fail('callerid_number_invalid');
  const calleridMode = get('callerid_mode');
  if (calleridMode !== undefined && !['global', 'privacy', 'custom', 'device'].includes(calleridMode)) return fail('callerid_mode_invalid');
  const codecs = get('codecs')?.split(',').map((codec) => codec.trim());
  if (codecs !== undefined && (codecs.length === 0 || codecs.some((codec) => !CODECS.includes(codec)))) return fail('codecs_invalid');
  const dtmf = get('dtmf_mode');
  if (dtmf !== undefined && !['rfc2833', 'inband', 'info', 'auto'].includes(dtmf)) return fail('dtmf_invalid');
  const authUsername = get('auth_username');
  if (authUsername !== undefined && !(ALNUM.test(authUsername) && authUsername.length >= 3 && authUsername.length <= 32)) return fail('auth_username_invalid');
  const qualify = get('qualify');
  if (qualify !== undefined && !(/^\d+$/.test(qualify) && Number(qualify) >= 2000 && Number(qualify) <= 60000)) return fail('qualify_invalid');
  const defaultIp = get('default_ip');
  if (defaultIp !== undefined && !IPV4.test(defaultIp)) return fail('default_ip_invalid');
  const status = get('status');
  if (status !== undefined && status !== 'enabled' && status !== 'disabled') return fail('status_invalid');
  if (status === 'disabled' && account.dids.some((did) => did.peerIds.includes(peer.id))) return fail('peer_did_dependency');

  if (friendlyName !== undefined) peer.friendlyName = friendlyName;
  if (hostType !== undefined) peer.hostType = hostType;
  if (host !== undefined) peer.host = host;
  if (password !== undefined) peer.password = password;
  if (calleridName !== undefined) peer.calleridName = calleridName;
  if (calleridNumber !== undefined) peer.calleridNumber = calleridNumber;
  if (calleridMode !== undefined) peer.calleridMode = calleridMode;
  if (codecs !== undefined) peer.codecs = codecs;
  if (dtmf !== undefined) peer.dtmfMode = dtmf;
  if (get('enable_nat') !== undefined) peer.enableNat = get('enable_nat') === '1';
  if (get('enable_auth') !== undefined) peer.enableAuth = get('enable_auth') === '1';
  if (authUsername !== undefined) peer.authUsername = authUsername;
  if (get('enable_qualify') !== undefined) peer.enableQualify = get('enable_qualify') === '1';
  if (qualify !== undefined) peer.qualify = qualify;
  if (defaultIp !== undefined) peer.defaultIp = defaultIp;
  if (status !== undefined) peer.status = status;
  return { body: peerXml(peer) };
};

const getFundingDetails: Route = ({ account, currency }) => ({
  body: record('funding_details', {
    account_balance: crAmount(account.balanceMicros, currency),
    funds_left: crAmount(account.balanceMicros + account.creditLineMicros, currency),
    currency,
  }),
});

const getTransactions: Route = ({ query, account, currency }) => {
  const from = query.get('date_from');
  const to = query.get('date_to');
  if (from !== null && !validDate(from)) return fail('date_from_invalid');
  if (to !== null && !validDate(to)) return fail('date_to_invalid');
  const rows = account.transactions.filter((tx) => (from === null || tx.date >= from) && (to === null || tx.date <= to));
  return {
    body: node(
      'transactions',
      rows.map((tx) =>
        record('transaction', {
          transaction_id: tx.id,
          date: tx.date,
          type: tx.type,
          description: tx.description,
          amount: tx.amountMicros < 0n ? `${amount(-tx.amountMicros, currency, 2)} CR` : amount(tx.amountMicros, currency, 2),
          invoice_number: tx.invoiceNumber,
        }),
      ),
    ),
  };
};

const getCountries: Route = ({ state }) => ({
  body: node('countries', state.countries.map((country) => record('country', { country_id: country.id, country_code: country.code, name: country.name }))),
});

const getStates: Route = ({ query, state }) => {
  const countryId = query.get('country_id');
  if (countryId === null) return fail('country_id_required');
  if (!state.countries.some((country) => country.id === countryId)) return fail('country_id_invalid');
  return {
    body: node(
      'states',
      state.regions.filter((region) => region.countryId === countryId).map((region) => record('state', { state_id: region.id, state_code: region.code, name: region.name })),
    ),
  };
};

const e911GetEndpoints: Route = ({ query, account }) => {
  const id = query.get('client_endpoint_id');
  const phone = query.get('phone_number');
  if (phone !== null && !/^\d{10}$/.test(phone)) return fail('phone_number_invalid');
  // "If both argument are given, the client_endpoint_id will be used."
  const endpoints = account.endpoints.filter((endpoint) => (id !== null ? endpoint.id === id : phone === null || endpoint.number === phone));
  if (id !== null && endpoints.length === 0) return fail('client_endpoint_id_not_found');
  if (phone !== null && endpoints.length === 0) return fail('no_e911_endpoint_found');
  return { body: node('endpoints', endpoints.map(endpointXml)) };
};

const e911ValidateAddress: Route = ({ query, account, state }) => {
  const phone = query.get('phone_number');
  if (phone === null) return fail('required_parameter_not_found');
  if (!/^\d{10}$/.test(phone)) return fail('phone_number_invalid');
  if (!account.dids.some((did) => did.number === phone)) return fail('phone_number_not_found');
  const check = checkAddress(query, state);
  if (!check.ok) return { errors: check.errors, body: alternatesXml(check.alternates) };
  const { entry } = check;
  return {
    body: record(
      'e911_address',
      addressFields({ civic: check.civic, street: entry.street, city: entry.city, state: entry.state, country: entry.country, postal: entry.postal, addressType: check.addressType, addressTypeNumber: check.addressTypeNumber }),
    ),
  };
};

const e911UpdateAddress: Route = ({ query, account, state }) => {
  const phone = query.get('phone_number');
  if (phone === null) return fail('required_parameter_not_found');
  if (!/^\d{10}$/.test(phone)) return fail('phone_number_invalid');
  if (!account.dids.some((did) => did.number === phone)) return fail('phone_number_not_found');
  const firstName = query.get('first_name')?.trim();
  const lastName = query.get('last_name')?.trim();
  if (!firstName) return fail('first_name_not_found');
  if (!lastName) return fail('last_name_not_found');
  const check = checkAddress(query, state);
  if (!check.ok) return { errors: check.errors, body: alternatesXml(check.alternates) };
  const { entry } = check;
  const fields = {
    firstName,
    lastName,
    civic: check.civic,
    street: entry.street,
    city: entry.city,
    state: entry.state,
    country: entry.country,
    postal: entry.postal,
    addressType: check.addressType,
    addressTypeNumber: check.addressTypeNumber,
  };
  let endpoint = account.endpoints.find((item) => item.number === phone);
  if (endpoint) Object.assign(endpoint, fields);
  else {
    endpoint = { id: String(state.nextId.endpoint++), number: phone, ...fields, isDefault: account.endpoints.length === 0, peerIds: [] };
    account.endpoints.push(endpoint);
  }
  return { body: endpointXml(endpoint) };
};

const e911DeleteAddress: Route = ({ query, account }) => {
  const id = query.get('client_endpoint_id');
  const phone = query.get('phone_number');
  if (id === null && phone === null) return fail('required_parameter_not_found');
  if (id === null && !/^\d{10}$/.test(phone ?? '')) return fail('phone_number_invalid');
  // "If both are given, the client_endpoint_id will override."
  const endpoint = account.endpoints.find((item) => (id !== null ? item.id === id : item.number === phone));
  if (!endpoint) return fail(id !== null ? 'client_endpoint_id_not_found' : 'no_e911_endpoint_found');
  if (endpoint.isDefault && account.endpoints.length > 1) return fail('entry_is_default_endpoint');
  account.endpoints = account.endpoints.filter((item) => item !== endpoint);
  return { notices: account.endpoints.length === 0 ? ['last_endpoint_was_deleted'] : [], body: el('client_endpoint_id', endpoint.id) };
};

export const ROUTES: Record<string, Route> = {
  get_calls: getCalls,
  get_dids: getDids,
  set_did: setDid,
  get_did_inventory: getDidInventory,
  add_did: addDid,
  get_area_codes: getAreaCodes,
  get_ratecenters: getRatecenters,
  get_peers: getPeers,
  set_peer: setPeer,
  get_funding_details: getFundingDetails,
  get_transactions: getTransactions,
  get_countries: getCountries,
  get_states: getStates,
  e911_get_endpoints: e911GetEndpoints,
  e911_validate_address: e911ValidateAddress,
  e911_update_address: e911UpdateAddress,
  e911_delete_address: e911DeleteAddress,
};

/** In the seed's catalog but not simulated here: answered with request_type_not_implemented. */
export const CATALOG_ONLY = [
  'get_recordings', 'delete_recordings', 'get_voicemails', 'delete_voicemails', 'get_faxes', 'delete_faxes', 'request_dids',
  'get_ratecenter_exchanges', 'get_mailboxes', 'set_mailbox', 'get_extensions', 'set_extension', 'get_account_details',
  'get_account_preferences', 'get_call_issues', 'report_call_issue', 'get_rates', 'get_plans', 'e911_associate_peer',
  'e911_disassociate_peer', 'get_network_status', 'call_dispatch',
];
