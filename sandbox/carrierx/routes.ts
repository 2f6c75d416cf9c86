/** CarrierX Core API v2 routes over the seeded state. */
import type { SandboxContext, SandboxRequest, SandboxResponse } from '../common/server';
import { json } from '../common/server';
import {
  API_PREFIX,
  ApiError,
  apiError,
  applyFilter,
  detailRecordResponse,
  errorBody,
  invalid,
  listResponse,
  notFound,
  objectResponse,
  type Row,
} from './query';
import { AGING_MS, DEMO_TOKEN, READ_ONLY_TOKEN, address, makeTrunk, makeTrunkGroup, sidFrom, type CarrierxState } from './state';

const UNAUTHENTICATED = errorBody('authentication required', 'cause', 'authentication required');
const FORBIDDEN = errorBody('permission denied', 'cause', 'permission denied');

const empty = (): SandboxResponse => ({ status: 204, headers: {}, body: '' });

function authenticate(request: SandboxRequest): 'full' | 'read' {
  const header = request.headers.authorization ?? '';
  const token = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim();
  if (token === DEMO_TOKEN) return 'full';
  if (token === READ_ONLY_TOKEN) return 'read';
  throw new ApiError(401, UNAUTHENTICATED);
}

/** JSON bodies only (§1.8 415), and the seed's wrapped 400 for JSON that does not parse. */
function jsonBody(request: SandboxRequest): Row {
  const type = String(request.headers['content-type'] ?? '');
  if (request.rawBody.length > 0 && !type.includes('application/json')) {
    throw new ApiError(415, errorBody('unsupported media type', 'cause', 'unsupported media type'));
  }
  const text = request.text().trim();
  if (!text) return {};
  try {
    const value = JSON.parse(text) as unknown;
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
    return value as Row;
  } catch {
    throw new ApiError(400, { body: { message: 'cannot parse json. Check json for validity', errors: null }, status: 400 });
  }
}

function pickFields(body: Row, fields: readonly string[]): Row {
  return Object.fromEntries(Object.entries(body).filter(([key]) => fields.includes(key)));
}

/**
 * PATCH (§1.3): nested objects merge by key, `null` removes a key, `nested_objects=replace`
 * replaces them; arrays and scalars are replaced.
 */
function patchInto(target: Row, body: Row, writable: readonly string[], replaceNested: boolean) {
  for (const [key, value] of Object.entries(pickFields(body, writable))) {
    const current = target[key];
    const isObject = (v: unknown): v is Row => !!v && typeof v === 'object' && !Array.isArray(v);
    if (!replaceNested && isObject(current) && isObject(value)) {
      const merged: Row = { ...current };
      for (const [nestedKey, nestedValue] of Object.entries(value)) {
        if (nestedValue === null) delete merged[nestedKey];
        else merged[nestedKey] = nestedValue;
      }
      target[key] = merged;
    } else {
      target[key] = value;
    }
  }
}

/** PUT (§1.3): the whole object; writable fields left out fall back to their defaults. */
function putInto(target: Row, body: Row, defaults: Row) {
  for (const [key, fallback] of Object.entries(defaults)) {
    target[key] = key in body ? body[key] : structuredClone(fallback);
  }
}

const DID_WRITABLE = ['attributes', 'callback_url', 'did_group_sid', 'name', 'string_key_1', 'string_key_2', 'transformations', 'trunk_group_sid'] as const;
const DID_DEFAULTS: Row = { attributes: {}, callback_url: null, did_group_sid: null, name: 'N/A', string_key_1: null, string_key_2: null, transformations: [], trunk_group_sid: null };
const ENDPOINT_WRITABLE = ['addresses', 'attributes', 'capacity', 'name', 'properties', 'transformations'] as const;
const ENDPOINT_DEFAULTS: Row = { addresses: [], attributes: {}, capacity: 0, name: 'N/A', properties: {}, transformations: [] };
const TRUNK_GROUP_WRITABLE = ['acls', 'hard_failure_codes', 'hard_failure_cooldown', 'hard_failure_interval', 'hard_failure_last_resort', 'hard_failure_threshold', 'name', 'routing_data', 'routing_type', 'soft_failure_codes', 'transformations'] as const;
const TRUNK_WRITABLE = ['acls', 'allow_forward', 'allow_transfer', 'asn_mode', 'call_type', 'codec', 'endpoint_sid', 'in_capacity', 'in_identity_format', 'in_identity_mode', 'location_sid', 'name', 'out_capacity', 'out_identity_mode', 'priority', 'relay_sip_headers', 'transformations', 'weight'] as const;

/** Rented DIDs are shown without the inventory-only [EXT] helper fields. */
function didView(did: Row): Row {
  const view = { ...did };
  delete view.npa;
  delete view.npa_nxx;
  return view;
}

function normalizeAddresses(raw: unknown): Row[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw invalid('addresses', 'addresses must be an array of objects');
  return raw.map((entry, index) => {
    if (!entry || typeof entry !== 'object' || typeof (entry as Row).ip !== 'string' || !(entry as Row).ip) {
      throw invalid(`addresses[${index}].ip`, 'ip is required');
    }
    const item = entry as Row;
    const transport = item.transport ?? 'udp';
    if (!['udp', 'tcp', 'tls'].includes(String(transport))) throw invalid(`addresses[${index}].transport`, 'transport must be one of tcp, tls, udp');
    const direction = item.direction ?? 'any';
    if (!['inbound', 'outbound', 'any'].includes(String(direction))) throw invalid(`addresses[${index}].direction`, 'direction must be one of inbound, outbound, any');
    return address({
      ip: String(item.ip),
      port: Number(item.port ?? 5060),
      dst_port: Number(item.dst_port ?? 5060),
      priority: Number(item.priority ?? 0),
      transport,
      direction,
      srtp: Boolean(item.srtp ?? false),
      sip_username: (item.sip_username as string | null | undefined) ?? null,
      sip_password: (item.sip_password as string | null | undefined) ?? null,
      location_sid: (item.location_sid as string | null | undefined) ?? null,
    });
  });
}

function trunkGroupView(group: Row): Row {
  return { ...group, trunks: (group.trunks as Row[]).map((trunk) => ({ ...trunk })) };
}

function checkEndpointRef(state: CarrierxState, body: Row) {
  if (body.endpoint_sid === undefined || body.endpoint_sid === null) return;
  if (!state.endpoints.has(String(body.endpoint_sid))) {
    throw new ApiError(400, errorBody('object validation error', 'endpoint_sid', 'cannot find endpoint', String(body.endpoint_sid)));
  }
}

/** Inventory as the clock sees it: released numbers come back after their aging period. */
function availableInventory(state: CarrierxState, now: number): Row[] {
  const back = state.aging.filter((entry) => now - entry.releasedAt >= AGING_MS);
  for (const entry of back) {
    entry.did.status = 'available';
    state.inventory.set(String(entry.did.phonenumber), entry.did);
  }
  state.aging = state.aging.filter((entry) => now - entry.releasedAt < AGING_MS);
  return [...state.inventory.values()];
}

export function route(state: CarrierxState, request: SandboxRequest, context: SandboxContext): SandboxResponse {
  try {
    return dispatch(state, request, context);
  } catch (error) {
    if (error instanceof ApiError) return apiError(error);
    throw error;
  }
}

function dispatch(state: CarrierxState, request: SandboxRequest, context: SandboxContext): SandboxResponse {
  if (!request.path.startsWith(`${API_PREFIX}/`)) throw new ApiError(404, errorBody('not found', null, 'The requested resource was not found on the server.'));
  const access = authenticate(request);
  const method = request.method.toUpperCase();
  if (method !== 'GET' && access === 'read') throw new ApiError(403, FORBIDDEN);
  const path = request.path.slice(API_PREFIX.length).replace(/\/+$/, '');
  const parts = path.split('/').filter(Boolean);
  const now = context.now().getTime();
  const replaceNested = request.query.get('nested_objects') === 'replace';

  // GET /oauth/whoami
  if (path === '/oauth/whoami' && method === 'GET') return objectResponse(request, state.partner);

  // [EXT] GET /phonenumber/available_dids (and the deprecated /dids/inventory)
  if ((path === '/phonenumber/available_dids' || path === '/dids/inventory') && method === 'GET') {
    const response = listResponse(request, availableInventory(state, now), { defaultOrder: 'phonenumber asc' });
    // The current docs say `total` is null for this collection.
    const body = JSON.parse(String(response.body)) as Row;
    return json(200, { ...body, total: null });
  }

  // /phonenumber/dids
  if (parts[0] === 'phonenumber' && parts[1] === 'dids') {
    const didSid = parts[2];
    if (!didSid && method === 'GET') {
      let rows = [...state.dids.values()];
      const trunkGroupSid = request.query.get('trunk_group_sid');
      if (trunkGroupSid) rows = rows.filter((did) => did.trunk_group_sid === trunkGroupSid);
      const response = listResponse(request, rows);
      const body = JSON.parse(String(response.body)) as { items: Row[] };
      return json(200, { ...body, items: body.items.map(didView) });
    }
    if (!didSid && method === 'POST') {
      const body = jsonBody(request);
      const inventory = availableInventory(state, now);
      let did: Row | undefined;
      if (typeof body.phonenumber === 'string' && body.phonenumber) {
        did = state.inventory.get(body.phonenumber);
      } else if (body.phonenumber === undefined) {
        did = applyFilter(inventory, request.query.get('filter'))[0];
      } else {
        throw invalid('phonenumber', 'phonenumber must be a string');
      }
      if (!did) throw new ApiError(404, errorBody('no item error', 'phonenumber', 'cannot find phonenumber'));
      if (body.trunk_group_sid && !state.trunkGroups.has(String(body.trunk_group_sid))) {
        throw new ApiError(400, errorBody('object validation error', 'trunk_group_sid', 'cannot find trunk group', String(body.trunk_group_sid)));
      }
      state.inventory.delete(String(did.phonenumber));
      patchInto(did, body, DID_WRITABLE, true);
      did.partner_sid = state.partner.partner_sid;
      delete did.status;
      state.dids.set(String(did.did_sid), did);
      state.partner.balance = (Number(state.partner.balance) - Number(did.price ?? 0)).toFixed(2);
      return objectResponse(request, didView(did));
    }
    if (didSid) {
      const did = state.dids.get(didSid);
      if (!did) throw notFound('did');
      if (method === 'GET') return objectResponse(request, didView(did));
      if (method === 'PATCH' || method === 'PUT') {
        const body = jsonBody(request);
        // The route of the DID (§3.10): a trunk group of this partner, or null for none.
        if ('trunk_group_sid' in body && body.trunk_group_sid !== null && typeof body.trunk_group_sid !== 'string') {
          throw invalid('trunk_group_sid', 'trunk_group_sid must be a string or null');
        }
        if (body.trunk_group_sid && !state.trunkGroups.has(String(body.trunk_group_sid))) {
          throw new ApiError(400, errorBody('object validation error', 'trunk_group_sid', 'cannot find trunk group', String(body.trunk_group_sid)));
        }
        if (method === 'PATCH') patchInto(did, body, DID_WRITABLE, replaceNested);
        else putInto(did, body, DID_DEFAULTS);
        return objectResponse(request, didView(did));
      }
      if (method === 'DELETE') {
        state.dids.delete(didSid);
        // Released numbers age before anyone can rent them again (§3.10 `aging`).
        state.aging.push({
          did: { ...did, partner_sid: null, trunk_group_sid: null, string_key_1: null, string_key_2: null, status: 'aging', did_sid: sidFrom(state.random) },
          releasedAt: now,
        });
        return empty();
      }
    }
  }

  // /calls/call_drs: only records already inserted by the sandbox clock exist.
  if (parts[0] === 'calls' && parts[1] === 'call_drs' && method === 'GET') {
    const visible = state.cdrs.filter((cdr) => Date.parse(String(cdr.date_insert)) <= now);
    if (parts[2]) {
      const cdr = visible.find((row) => row.dr_sid === parts[2]);
      if (!cdr) throw notFound('call detail record');
      return objectResponse(request, cdr);
    }
    return detailRecordResponse(request, visible, 'dr_sid', 'date_stop');
  }

  // /invoices
  if (parts[0] === 'invoices') {
    const ref = parts[1];
    if (!ref && method === 'GET') return listResponse(request, state.invoices);
    if (ref) {
      const match = /^(.+?)(?:\.(pdf|html))?$/.exec(ref);
      const invoice = state.invoices.find((row) => row.invoice_sid === match?.[1]);
      if (!invoice) throw notFound('invoice');
      const format = match?.[2];
      if (parts[2] === 'emails' && method === 'POST' && format) {
        const type = String(request.headers['content-type'] ?? '');
        if (!type.includes('application/x-www-form-urlencoded')) throw new ApiError(415, errorBody('unsupported media type', 'cause', 'unsupported media type'));
        const emails = new URLSearchParams(request.text()).get('emails');
        if (!emails) throw invalid('emails', 'emails is required');
        return empty();
      }
      if (method === 'GET' && !parts[2]) {
        if (format === 'pdf') return invoicePdf(invoice);
        if (format === 'html') return invoiceHtml(invoice);
        return objectResponse(request, invoice);
      }
    }
  }

  // /endpoints
  if (parts[0] === 'endpoints') {
    const endpointSid = parts[1];
    if (!endpointSid && method === 'GET') return listResponse(request, [...state.endpoints.values()], { defaultOrder: 'name asc' });
    if (!endpointSid && method === 'POST') {
      const body = jsonBody(request);
      const type = body.type;
      const types = ['conference', 'conference_playback', 'flexml', 'mediator', 'peering_receiver', 'peering_sender', 'third_party', 'voicemail'];
      if (typeof type !== 'string' || !types.includes(type)) throw invalid('type', 'type is required');
      const addresses = normalizeAddresses(body.addresses);
      if (type === 'third_party' && addresses.length === 0) throw invalid('addresses', 'ip is required for third_party endpoints');
      const endpoint: Row = {
        ...structuredClone(ENDPOINT_DEFAULTS),
        endpoint_sid: sidFrom(state.random),
        out_sip_password: body.out_sip_password ?? null,
        out_sip_username: body.out_sip_username ?? null,
        partner_sid: state.partner.partner_sid,
        type,
        voip_token: type === 'third_party' ? sidFrom(state.random) : null,
      };
      patchInto(endpoint, body, ENDPOINT_WRITABLE, true);
      endpoint.addresses = addresses;
      state.endpoints.set(String(endpoint.endpoint_sid), endpoint);
      return objectResponse(request, endpoint);
    }
    if (endpointSid) {
      const endpoint = state.endpoints.get(endpointSid);
      if (!endpoint) throw notFound('endpoint');
      if (method === 'GET') return objectResponse(request, endpoint);
      if (method === 'PATCH' || method === 'PUT') {
        if (endpoint.type === 'system_gateway') throw new ApiError(403, FORBIDDEN);
        const body = jsonBody(request);
        if (body.addresses !== undefined) body.addresses = normalizeAddresses(body.addresses);
        if (method === 'PATCH') patchInto(endpoint, body, ENDPOINT_WRITABLE, replaceNested);
        else putInto(endpoint, body, ENDPOINT_DEFAULTS);
        return objectResponse(request, endpoint);
      }
      if (method === 'DELETE') {
        if (endpoint.type === 'system_gateway') throw new ApiError(403, FORBIDDEN);
        state.endpoints.delete(endpointSid);
        return empty();
      }
    }
  }

  // [EXT] /trunk_groups and /trunk_groups/{sid}/trunks
  if (parts[0] === 'trunk_groups') {
    const groupSid = parts[1];
    if (!groupSid && method === 'GET') {
      return listResponse(request, [...state.trunkGroups.values()].map((group) => trunkGroupView(group)), { defaultOrder: 'name asc' });
    }
    if (!groupSid && method === 'POST') {
      const body = jsonBody(request);
      const group = makeTrunkGroup(state.random, typeof body.name === 'string' && body.name ? body.name : 'N/A');
      patchInto(group, body, TRUNK_GROUP_WRITABLE, true);
      if (Array.isArray(body.trunks)) {
        group.trunks = body.trunks.map((trunk) => {
          checkEndpointRef(state, trunk as Row);
          return makeTrunk(state.random, pickFields(trunk as Row, TRUNK_WRITABLE));
        });
      }
      state.trunkGroups.set(String(group.trunk_group_sid), group);
      return objectResponse(request, trunkGroupView(group));
    }
    if (groupSid) {
      const group = state.trunkGroups.get(groupSid);
      if (!group) throw notFound('trunk group');
      const trunks = group.trunks as Row[];
      if (parts[2] === 'trunks') {
        const trunkSid = parts[3];
        if (!trunkSid && method === 'GET') return listResponse(request, trunks);
        if (!trunkSid && method === 'POST') {
          const body = jsonBody(request);
          checkEndpointRef(state, body);
          const trunk = makeTrunk(state.random, pickFields(body, TRUNK_WRITABLE));
          trunks.push(trunk);
          return objectResponse(request, trunk);
        }
        const trunk = trunks.find((row) => row.trunk_sid === trunkSid);
        if (!trunk) throw notFound('trunk');
        if (method === 'GET') return objectResponse(request, trunk);
        if (method === 'PATCH' || method === 'PUT') {
          const body = jsonBody(request);
          checkEndpointRef(state, body);
          if (method === 'PATCH') patchInto(trunk, body, TRUNK_WRITABLE, replaceNested);
          else {
            const fresh = makeTrunk(state.random, pickFields(body, TRUNK_WRITABLE));
            Object.assign(trunk, { ...fresh, trunk_sid: trunk.trunk_sid });
          }
          return objectResponse(request, trunk);
        }
        if (method === 'DELETE') {
          group.trunks = trunks.filter((row) => row !== trunk);
          return empty();
        }
      }
      if (!parts[2]) {
        if (method === 'GET') return objectResponse(request, trunkGroupView(group));
        if (method === 'PATCH' || method === 'PUT') {
          const body = jsonBody(request);
          if (method === 'PATCH') patchInto(group, body, TRUNK_GROUP_WRITABLE, replaceNested);
          else {
            const fresh = makeTrunkGroup(state.random, typeof body.name === 'string' ? body.name : 'N/A');
            patchInto(fresh, body, TRUNK_GROUP_WRITABLE, true);
            Object.assign(group, { ...fresh, trunk_group_sid: group.trunk_group_sid, trunks: group.trunks });
          }
          return objectResponse(request, trunkGroupView(group));
        }
        if (method === 'DELETE') {
          state.trunkGroups.delete(groupSid);
          for (const did of state.dids.values()) if (did.trunk_group_sid === groupSid) did.trunk_group_sid = null;
          return empty();
        }
      }
    }
  }

  throw new ApiError(404, errorBody('not found', null, 'The requested resource was not found on the server.'));
}

function invoiceLines(invoice: Row): string[] {
  const items = (invoice.invoice_items as Row[]).map((item) => `${item.type} ${item.direction} usage ${item.usage}: $${item.amount}`);
  return [
    `CarrierX invoice ${invoice.display_id}`,
    `Period ${String(invoice.date_billing_period_start).slice(0, 10)} to ${String(invoice.date_billing_period_end).slice(0, 10)}`,
    ...items,
    `Tax: $${invoice.amount_tax}`,
    `Total: $${invoice.amount}`,
  ];
}

/** A small but valid one-page PDF listing the invoice lines. */
function invoicePdf(invoice: Row): SandboxResponse {
  const escape = (text: string) => text.replace(/[\\()]/g, (c) => `\\${c}`);
  const stream = ['BT', '/F1 11 Tf', '50 780 Td', '14 TL', ...invoiceLines(invoice).map((line) => `(${escape(line)}) '`), 'ET'].join('\n');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${Buffer.byteLength(stream)} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let pdf = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, index) => {
    offsets.push(Buffer.byteLength(pdf));
    pdf += `${index + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = Buffer.byteLength(pdf);
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return {
    status: 200,
    headers: { 'content-type': 'application/pdf', 'content-disposition': `attachment; filename="invoice-${invoice.display_id}.pdf"` },
    body: Buffer.from(pdf, 'latin1'),
  };
}

function invoiceHtml(invoice: Row): SandboxResponse {
  const body = `<!doctype html><html><body>${invoiceLines(invoice).map((line) => `<p>${line}</p>`).join('')}</body></html>`;
  return {
    status: 200,
    headers: { 'content-type': 'text/html; charset=utf-8', 'content-disposition': `attachment; filename="invoice-${invoice.display_id}.html"` },
    body,
  };
}
