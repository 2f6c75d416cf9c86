/**
 * VITCOM endpoints as the document describes them: form POSTs (GET query works too) with `token`
 * and `accountno`, string-valued JSON, per-endpoint payload keys, and every failure as HTTP 404
 * `{"status":"404","error":"Invalid {parameter}"}`. Where the document prints JSON with trailing
 * commas or `{ "a","b" }` set literals, the sandbox sends exactly that, so clients must be lenient.
 */
import { json, type SandboxContext, type SandboxRequest, type SandboxResponse } from '../common/server';
import { renderCdrCsv, renderPdf, statsRows } from './files';
import {
  balanceCents,
  cents,
  DAY_MS,
  expireCarts,
  FOC_MOVES_ACCOUNT_SUFFIX,
  LNP_REJECTIONS,
  HOLD_TTL_MS,
  lnpStatus,
  nextId,
  settlePorts,
  startOfUtcDay,
  TOLL_FREE,
  utcDay,
  wireDateTime,
  type InventoryNumber,
  type LnpOrder,
  type Order,
  type VitcomState,
} from './state';

type Params = Map<string, string>;
interface Call {
  params: Params;
  files: Map<string, { name: string; type: string; bytes: Buffer }>;
  base: string;
  now: number;
  scenario: SandboxContext['scenario'];
}

const ok = (payload: Record<string, unknown>) => json(200, { status: '200', ...payload });
const fail = (parameter: string) => json(404, { status: '404', error: `Invalid ${parameter}` });
const failText = (message: string) => json(404, { status: '404', error: message });
/** The document's examples end rows with a comma (`"peak": "XXXX",\n}`); so does this. */
const withTrailingCommas = (body: Record<string, unknown>): SandboxResponse => ({
  status: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ status: '200', ...body }, null, 3).replace(/("|\d|true|false|null)\n(\s*)\}/g, '$1,\n$2}'),
});
/**
 * Order answers repeat `status` (the envelope's "200", then the order's "1"), as the document
 * prints them; JSON.stringify cannot write duplicate keys, so these are written by hand.
 */
const rawObject = (entries: readonly [string, unknown][], tail = ''): SandboxResponse => ({
  status: 200,
  headers: { 'content-type': 'application/json' },
  body: `{\n${entries.map(([key, value]) => `   ${JSON.stringify(key)}: ${JSON.stringify(value)}`).join(',\n')}${tail}\n}`,
});
/** The document prints TN sets as `[ { "X","Y" } ]`. */
const setLiteral = (tns: readonly string[]) => (tns.length ? `[\n      {\n         ${tns.map((tn) => JSON.stringify(tn)).join(',')}\n      }\n   ]` : '[]');

const isIp = (value: string) => /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(value) && value.split('.').every((part) => Number(part) <= 255);
const list = (value: string | undefined) => (value ?? '').split(',').map((part) => part.trim()).filter(Boolean);
const ten = (value: string) => {
  const digits = value.replace(/\D/g, '');
  if (/^[2-9]\d{9}$/.test(digits)) return digits;
  if (/^1[2-9]\d{9}$/.test(digits)) return digits.slice(1);
  return undefined;
};
const joined = (tns: readonly string[]) => [tns.join(' , ')];

export async function readCall(request: SandboxRequest, context: SandboxContext): Promise<Call> {
  const params: Params = new Map(request.query.entries());
  const files = new Map<string, { name: string; type: string; bytes: Buffer }>();
  if (request.method === 'POST' && request.rawBody.length) {
    const form = await request.formData();
    for (const [key, value] of form.entries()) {
      if (typeof value === 'string') params.set(key, value);
      else files.set(key, { name: value.name, type: value.type, bytes: Buffer.from(await value.arrayBuffer()) });
    }
  }
  return { params, files, base: `http://${request.headers.host ?? '127.0.0.1'}`, now: context.now().getTime(), scenario: context.scenario };
}

// ---------- numbers ----------

function searchDid(state: VitcomState, call: Call) {
  const st = call.params.get('state')?.toUpperCase();
  if (!st || !state.npanxx.has(st)) return fail('state');
  const npanxx = call.params.get('NPANXX');
  const full = call.params.get('NPANXXYYYY');
  if (npanxx && !/^\d{6}$/.test(npanxx)) return fail('NPANXX');
  if (full && !/^\d{10}$/.test(full)) return fail('NPANXXYYYY');
  const rows = [...state.inventory.values()]
    .filter((n) => n.category === 'landline' && n.state === st && !n.heldBy && (!npanxx || n.npanxx === npanxx) && (!full || n.tn === full))
    .sort((a, b) => a.tn.localeCompare(b.tn));
  return ok({ DIDs: rows.map((n) => ({ TN: n.tn, statusid: '0' })) });
}

function searchTfn(state: VitcomState, call: Call) {
  const prefix = call.params.get('tfn_prefix') ?? '';
  if (!TOLL_FREE.includes(prefix)) return fail('tfn_prefix');
  const rows = [...state.inventory.values()].filter((n) => n.category === 'tollfree' && n.tn.startsWith(prefix) && !n.heldBy).sort((a, b) => a.tn.localeCompare(b.tn));
  return ok({ TFNs: rows.map((n) => ({ TN: n.tn, statusid: '0' })) });
}

function category(call: Call): 'landline' | 'tollfree' | undefined {
  const value = call.params.get('category')?.toLowerCase();
  return value === 'landline' || value === 'tollfree' ? value : undefined;
}

function openCart(state: VitcomState, call: Call) {
  const reserveId = call.params.get('reserveId');
  if (reserveId) return state.carts.get(reserveId);
  const cart = { reserveId: nextId(state), numbers: [] as string[], expiresAt: call.now + HOLD_TTL_MS };
  state.carts.set(cart.reserveId, cart);
  return cart;
}

function reserve(state: VitcomState, call: Call) {
  const cat = category(call);
  if (!cat) return fail('category');
  const st = call.params.get('state')?.toUpperCase();
  const prefix = call.params.get('tfn_prefix');
  if (cat === 'landline' && (!st || !state.npanxx.has(st))) return fail('state');
  if (cat === 'tollfree' && (!prefix || !TOLL_FREE.includes(prefix))) return fail('tfn_prefix');
  const wanted = list(call.params.get('number') ?? call.params.get('did')).map(ten);
  if (!wanted.length || wanted.some((tn) => !tn)) return fail('number');
  const usable = (n: InventoryNumber | undefined): n is InventoryNumber =>
    !!n && !n.heldBy && n.category === cat && (cat === 'tollfree' ? n.tn.startsWith(prefix!) : n.state === st);
  const numbers = wanted.map((tn) => state.inventory.get(tn!)).filter(usable);
  if (!numbers.length) return fail('number');
  const cart = openCart(state, call);
  if (!cart) return fail('reserveId');
  for (const n of numbers) {
    n.heldBy = cart.reserveId;
    cart.numbers.push(n.tn);
  }
  return ok({ reserveId: cart.reserveId, TNs: joined(numbers.map((n) => n.tn)) });
}

function bulkReserve(state: VitcomState, call: Call) {
  const cat = category(call);
  if (!cat) return fail('category');
  const quantity = Number(call.params.get('quantity'));
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > 1000) return fail('quantity');
  const st = call.params.get('state')?.toUpperCase();
  const npanxx = call.params.get('npanxx');
  const city = call.params.get('city')?.toUpperCase();
  const prefix = call.params.get('tfn_prefix');
  if (cat === 'tollfree' && (!prefix || !TOLL_FREE.includes(prefix))) return fail('tfn_prefix');
  const pool = [...state.inventory.values()]
    .filter(
      (n) =>
        !n.heldBy &&
        n.category === cat &&
        (cat === 'tollfree' ? n.tn.startsWith(prefix!) : (!st || n.state === st) && (!npanxx || n.npanxx === npanxx) && (!city || n.rateCenter === city)),
    )
    .sort((a, b) => a.tn.localeCompare(b.tn))
    .slice(0, quantity);
  if (!pool.length) return fail('quantity');
  const cart = openCart(state, call);
  if (!cart) return fail('reserveId');
  for (const n of pool) {
    n.heldBy = cart.reserveId;
    cart.numbers.push(n.tn);
  }
  return ok({ reserveId: cart.reserveId, TNs: joined(pool.map((n) => n.tn)) });
}

function removeReserved(state: VitcomState, call: Call) {
  const cart = state.carts.get(call.params.get('reserveId') ?? '');
  if (!cart) return fail('reserveId');
  const asked = list(call.params.get('number')).map((tn) => ten(tn) ?? tn);
  const targets = asked.length ? asked : [...cart.numbers];
  const removed = targets.filter((tn) => cart.numbers.includes(tn));
  const missing = targets.filter((tn) => !cart.numbers.includes(tn));
  for (const tn of removed) {
    const n = state.inventory.get(tn);
    if (n?.heldBy === cart.reserveId) n.heldBy = undefined;
  }
  cart.numbers = cart.numbers.filter((tn) => !removed.includes(tn));
  if (!cart.numbers.length) state.carts.delete(cart.reserveId);
  return ok({ 'Removed TNs': removed.length ? joined(removed) : [''], 'TNs not available': missing.length ? joined(missing) : [''] });
}

function orderBody(order: Order) {
  return {
    date: wireDateTime(order.date),
    amount: cents(order.subtotalCents + order.perOrderCents + order.taxCents),
    per_order_cost: cents(order.perOrderCents),
    taxes: cents(order.taxCents),
    other_charges: '0.00',
    discount: '0.00',
    tg_id: order.tgId,
    orderType: 'New',
    didCategory: order.didCategory,
    didType: order.didType,
    sessions: order.didType === 'Metered' ? '0' : order.sessions,
    status: '1',
    numbers: order.numbers,
  };
}

function genOrder(state: VitcomState, call: Call) {
  const trunk = state.origination.get(call.params.get('trunk_id') ?? '');
  if (!trunk || trunk.status !== '1') return fail('trunk_id');
  const cart = state.carts.get(call.params.get('reserveId') ?? '');
  if (!cart || !cart.numbers.length) return fail('reserveId');
  state.carts.delete(cart.reserveId);
  const orderno = nextId(state);
  const tollFree = cart.numbers.filter((tn) => TOLL_FREE.includes(tn.slice(0, 3))).length;
  const subtotal = (cart.numbers.length - tollFree) * 100 + tollFree * 200;
  const order: Order = {
    orderno, date: call.now, subtotalCents: subtotal, perOrderCents: 50, taxCents: Math.round(subtotal * 0.05), tgId: trunk.id,
    didCategory: tollFree === cart.numbers.length ? 'TollFree' : 'Landline', didType: trunk.billingType, sessions: trunk.req_sessions,
    numbers: [...cart.numbers], processed: false,
  };
  for (const tn of order.numbers) {
    const n = state.inventory.get(tn);
    if (n) n.heldBy = `order:${orderno}`;
  }
  state.orders.set(orderno, order);
  return rawObject([['status', '200'], ['success', 'Order Generated successfully.'], ['orderId', orderno], ...Object.entries(orderBody(order))]);
}

function processOrder(state: VitcomState, call: Call) {
  const order = state.orders.get(call.params.get('orderId') ?? '');
  if (!order || order.processed) return fail('orderId');
  const amount = order.subtotalCents + order.perOrderCents + order.taxCents;
  if (balanceCents(state) < amount) return failText('Insufficient balance');
  order.processed = true;
  state.ledger.push({ at: call.now, activity: 'Order (New DIDs)', debitCents: amount, creditCents: 0 });
  for (const tn of order.numbers) {
    const n = state.inventory.get(tn);
    state.inventory.delete(tn);
    state.owned.set(tn, {
      didnumber: tn, category: n?.category ?? 'landline', trunkId: order.tgId, didRate: n?.category === 'tollfree' ? '0.95' : '0.45',
      didType: order.didType, orderType: 'New', status: '1', cnam: '', orderno: order.orderno,
    });
  }
  return ok({ success: 'Order Processed Successfully.', orderId: order.orderno });
}

function getNewOrders(state: VitcomState, call: Call) {
  const id = call.params.get('orderId');
  if (id && !state.orders.has(id)) return fail('orderId');
  const orders = [...state.orders.values()].filter((o) => !id || o.orderno === id);
  return ok({ Orders: orders.map((o) => ({ orderno: o.orderno, accountno: state.accountno, ...orderBody(o) })) });
}

function getNumbers(state: VitcomState, call: Call) {
  const cat = category(call);
  const status = call.params.get('status');
  const trunkId = call.params.get('trunkId');
  const orderno = call.params.get('orderno');
  if (orderno && !state.orders.has(orderno) && !state.lnp.has(orderno)) return fail('orderno');
  if (trunkId && !state.origination.has(trunkId)) return fail('trunkId');
  const rows = [...state.owned.values()]
    .filter((n) => (!cat || n.category === cat) && (!status || n.status === status) && (!trunkId || n.trunkId === trunkId) && (!orderno || n.orderno === orderno))
    .map((n) => {
      const trunk = n.trunkId ? state.origination.get(n.trunkId) : undefined;
      return {
        didnumber: n.didnumber, trunkGroup: trunk?.primaryIP ?? '', prefix1: trunk?.prefix_1 ?? '', trunkGroup2: trunk?.secondaryIP ?? '',
        prefix2: trunk?.prefix_2 ?? '', didRate: n.didRate, didType: n.didType, orderType: n.orderType, status: n.status, cnam: n.cnam,
      };
    });
  // Scenario `numbers-foreign-didnumber`: a row whose number is not North American.
  if (call.scenario('numbers-foreign-didnumber')) rows.push({ ...rows[0]!, didnumber: '442079460123' });
  return ok({ data: rows });
}

function updateNumber(state: VitcomState, call: Call) {
  const tns = list(call.params.get('number')).map((tn) => ten(tn) ?? '');
  const numbers = tns.map((tn) => state.owned.get(tn));
  if (!tns.length || numbers.some((n) => !n)) return fail('number');
  const trunkId = call.params.get('trunkId');
  if (trunkId && !state.origination.has(trunkId)) return fail('trunkId');
  const status = call.params.get('status');
  if (status !== undefined && status !== '0' && status !== '1' && status !== '2') return fail('status');
  for (const n of numbers) {
    if (trunkId) n!.trunkId = trunkId;
    if (status) n!.status = status;
  }
  return ok({ success: 'Trunk successfully Updated.' });
}

// ---------- trunks ----------

function checkRoute(call: Call, ipKey: string, portKey: string, prefixKey: string, required: boolean): string | undefined {
  const ip = call.params.get(ipKey);
  if (required ? !ip || !isIp(ip) : ip && !isIp(ip)) return ipKey;
  const port = call.params.get(portKey);
  if (port && !/^\d{4}$/.test(port)) return portKey;
  const prefix = call.params.get(prefixKey);
  if (prefix && !/^\d{4,6}$/.test(prefix)) return prefixKey;
  return undefined;
}

function defineTrunk(state: VitcomState, call: Call) {
  const title = call.params.get('title')?.trim();
  if (!title) return fail('title');
  const bad = checkRoute(call, 'primaryTrunk', 'primaryPort', 'primaryPrefix', true) ?? checkRoute(call, 'secondaryTrunk', 'secondaryPort', 'secondaryPrefix', false);
  if (bad) return fail(bad);
  const billingType = call.params.get('billingType');
  if (billingType !== 'Metered' && billingType !== 'Unmetered') return fail('billingType');
  const sessions = call.params.get('sessions') ?? '';
  if (billingType === 'Unmetered' && !/^\d+$/.test(sessions)) return fail('sessions');
  const id = nextId(state);
  state.origination.set(id, {
    id, title, primaryIP: call.params.get('primaryTrunk')!, primaryPort: call.params.get('primaryPort') || '5060', prefix_1: call.params.get('primaryPrefix') ?? '',
    secondaryIP: call.params.get('secondaryTrunk') ?? '', secondaryPort: call.params.get('secondaryTrunk') ? call.params.get('secondaryPort') || '5060' : '',
    prefix_2: call.params.get('secondaryPrefix') ?? '', date: call.now, billingType, req_sessions: billingType === 'Unmetered' ? sessions : '0', status: '1',
  });
  return ok({ success: 'Trunk group added successfully.' });
}

function getTrunk(state: VitcomState, call: Call) {
  const id = call.params.get('tg_id');
  if (id && !state.origination.has(id)) return fail('tg_id');
  const rows = [...state.origination.values()].filter((t) => !id || t.id === id);
  return ok({
    data: rows.map((t) => ({
      id: t.id, accountno: state.accountno, title: t.title, primaryIP: t.primaryIP, primaryPort: t.primaryPort, prefix_1: t.prefix_1,
      secondaryIP: t.secondaryIP, secondaryPort: t.secondaryPort, prefix_2: t.prefix_2, date: wireDateTime(t.date),
      req_sessions: t.req_sessions, alloc_sessions: '0', status: t.status,
    })),
  });
}

function updateTrunk(state: VitcomState, call: Call) {
  const trunk = state.origination.get(call.params.get('trunkid') ?? '');
  if (!trunk) return fail('trunkid');
  const p = call.params;
  if (p.has('primaryTrunk') && !isIp(p.get('primaryTrunk')!)) return fail('primaryTrunk');
  const secondary = p.get('secondaryTrunk');
  if (secondary && !isIp(secondary)) return fail('secondaryTrunk');
  for (const key of ['primaryPort', 'secondaryPort'] as const) if (p.get(key) && !/^\d{4}$/.test(p.get(key)!)) return fail(key);
  for (const key of ['primaryPrefix', 'secondaryPrefix'] as const) if (p.get(key) && !/^\d{4,6}$/.test(p.get(key)!)) return fail(key);
  // Only parameters present change anything; an empty value clears it.
  if (p.has('title') && p.get('title')) trunk.title = p.get('title')!;
  if (p.has('primaryTrunk')) trunk.primaryIP = p.get('primaryTrunk')!;
  if (p.has('primaryPort')) trunk.primaryPort = p.get('primaryPort') || '5060';
  if (p.has('primaryPrefix')) trunk.prefix_1 = p.get('primaryPrefix')!;
  if (p.has('secondaryTrunk')) trunk.secondaryIP = secondary ?? '';
  if (p.has('secondaryPort')) trunk.secondaryPort = trunk.secondaryIP ? p.get('secondaryPort') || '5060' : '';
  if (p.has('secondaryPrefix')) trunk.prefix_2 = p.get('secondaryPrefix')!;
  return ok({ trunkid: trunk.id, success: 'Trunk successfully Updated.' });
}

function defineTrunkTermination(state: VitcomState, call: Call) {
  const title = call.params.get('title')?.trim();
  if (!title) return fail('title');
  const ip = call.params.get('ipaddress') ?? '';
  if (!isIp(ip) || [...state.termination.values()].some((t) => t.status === '1' && t.ipaddress === ip)) return fail('ipaddress');
  const ports = Number(call.params.get('ports'));
  if (!Number.isInteger(ports) || ports < 1 || ports > 1000) return fail('ports');
  const cps = call.params.get('cps') ?? '';
  if (cps && !/^\d{1,3}$/.test(cps)) return fail('cps');
  const id = nextId(state);
  state.termination.set(id, { id, title, ipaddress: ip, ports: String(ports), cps: cps || '5', status: '1' });
  return ok({ success: 'Trunk group added successfully.' });
}

function getTrunkTermination(state: VitcomState, call: Call) {
  const id = call.params.get('tg_id');
  if (id && !state.termination.has(id)) return fail('tg_id');
  const rows = [...state.termination.values()].filter((t) => !id || t.id === id);
  return ok({
    data: rows.map((t) => ({
      id: t.id, accountno: state.accountno, ipaddress: t.ipaddress, ports: t.ports, cps: t.cps,
      ports_assigned: t.status === '1' ? t.ports : '0', cps_assigned: t.status === '1' ? t.cps : '0',
      config: `${call.base}/ajax/settings_pdf/${t.ipaddress}`, status: t.status,
    })),
  });
}

function disableTrunkTermination(state: VitcomState, call: Call) {
  const trunk = state.termination.get(call.params.get('tg_id') ?? '');
  if (!trunk) return fail('tg_id');
  trunk.status = '0';
  return ok({ 'Removed TNs': 'Diabled Successfully' });
}

// ---------- porting ----------

/** Not portable: our own numbers, Alaska/Hawaii/territories (no coverage), and NANP service codes. */
function portable(state: VitcomState, tn: string): boolean {
  if (state.inventory.has(tn) || state.owned.has(tn)) return false;
  if (['907', '808', '787', '939', '671', '340'].includes(tn.slice(0, 3))) return false;
  return !/^\d{3}(555|911|411|611)/.test(tn) || tn.slice(6, 8) === '01';
}

function checkLnp(state: VitcomState, call: Call): SandboxResponse {
  const raw = list(call.params.get('numbers'));
  if (!raw.length) return fail('numbers');
  const accepted: string[] = [];
  const rejected: string[] = [];
  for (const value of raw) {
    const tn = ten(value);
    (tn && portable(state, tn) ? accepted : rejected).push(value);
  }
  return {
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: `{\n   "status": "200",\n   "accepted": ${setLiteral(accepted)},\n   "rejected": ${setLiteral(rejected)}\n}`,
  };
}

const MAGIC: [string, number[]][] = [
  ['application/pdf', [0x25, 0x50, 0x44, 0x46]],
  ['image/png', [0x89, 0x50, 0x4e, 0x47]],
  ['image/jpeg', [0xff, 0xd8, 0xff]],
  ['image/tiff', [0x49, 0x49, 0x2a, 0x00]],
  ['application/zip', [0x50, 0x4b, 0x03, 0x04]],
];
const sniff = (bytes: Buffer) => MAGIC.find(([, magic]) => magic.every((byte, index) => bytes[index] === byte))?.[0];

function nextBusinessDay(ms: number): number {
  let day = startOfUtcDay(ms) + DAY_MS;
  while ([0, 6].includes(new Date(day).getUTCDay())) day += DAY_MS;
  return day;
}

function generateLnpOrder(state: VitcomState, call: Call): SandboxResponse {
  const p = call.params;
  const raw = list(p.get('numbers'));
  if (!raw.length || raw.some((value) => !ten(value))) return fail('numbers');
  const cat = category(call);
  if (!cat) return fail('category');
  const subscriberType = p.get('subscriberType');
  if (subscriberType !== 'residential' && subscriberType !== 'business') return fail('subscriberType');
  const person = p.get('loaAuthorizingPerson')?.trim();
  if (!person) return fail('loaAuthorizingPerson');
  const loa = call.files.get('loa_doc');
  const bill = call.files.get('carrier_doc');
  const loaType = loa ? sniff(loa.bytes) : undefined;
  const billType = bill ? sniff(bill.bytes) : undefined;
  if (!loa || !loaType) return fail('loa_doc');
  if (!bill || !billType) return fail('carrier_doc');
  let focAt = call.now + 2 * 3_600_000;
  const requested = p.get('requestedFocDate')?.trim();
  if (requested) {
    const match = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(requested);
    if (!match) return fail('requestedFocDate');
    const at = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]), Number(match[4]), Number(match[5]), Number(match[6]));
    // Rejected on weekends and before the losing carrier's minimum (one business day here).
    if ([0, 6].includes(new Date(at).getUTCDay()) || at < nextBusinessDay(call.now)) return fail('requestedFocDate');
    focAt = at;
  }
  const accepted = raw.map((value) => ten(value)!).filter((tn) => portable(state, tn));
  if (!accepted.length) return fail('numbers');
  const orderno = nextId(state);
  const fields: Record<string, string> = {};
  for (const key of ['subscriberFirstName', 'subscriberLastName', 'addressHouseNumber', 'addressStreetName', 'addressStreetSuffix', 'addressCity', 'addressStateCode', 'addressZip', 'billingNumber', 'losingCarrierName', 'wirelessAccountNumber']) {
    const value = p.get(key);
    if (value) fields[key] = value;
  }
  const ext = (type: string) => ({ 'application/pdf': 'pdf', 'image/png': 'png', 'image/jpeg': 'jpg', 'image/tiff': 'tif', 'application/zip': 'zip' })[type] ?? 'bin';
  const loaFile = `${orderno}_loa.${ext(loaType)}`;
  const carrierFile = `${orderno}_carrier.${ext(billType)}`;
  state.files.set(`/uploads/portin/${loaFile}`, { contentType: loaType, body: loa.bytes });
  state.files.set(`/uploads/portin/${carrierFile}`, { contentType: billType, body: bill.bytes });
  const accountSuffix = (fields.wirelessAccountNumber ?? '').slice(-4);
  const order: LnpOrder = {
    orderno, createdAt: call.now, focAt, requestedFocDate: requested, category: cat, numbers: accepted, subscriberType, loaAuthorizingPerson: person,
    fields, loaFile, carrierFile, rejectReason: LNP_REJECTIONS[accountSuffix], focMoves: accountSuffix === FOC_MOVES_ACCOUNT_SUFFIX,
    amountCents: 100 * accepted.length, materialized: false,
  };
  state.lnp.set(orderno, order);
  state.ledger.push({ at: call.now, activity: 'Order (LNP)', debitCents: order.amountCents, creditCents: 0 });
  const entries: [string, unknown][] = [
    ['status', '200'], ['success', 'Order Generated Successfully.'], ['orderNo', orderno], ['date', wireDateTime(call.now)], ['amount', cents(order.amountCents)],
    ['per_order_cost', '0.00'], ['taxes', '0.00'], ['other_charges', '0.00'], ['discount', '0.00'], ['tg_id', [...state.origination.keys()][0] ?? ''],
    ['orderType', 'New'], ['didCategory', cat === 'tollfree' ? 'TollFree' : 'Landline'], ['didType', 'Metered'], ['sessions', '0'], ['status', '1'],
  ];
  // As printed in the document: a set literal and a comma before the closing brace.
  return rawObject(entries, `,\n   "acceptedTns": ${setLiteral(accepted)},`);
}

/** The `lnp-unknown-status` scenario: an order still moving reports status words the adapter does not know. */
const UNKNOWN_LNP_STATUS: Readonly<Record<string, string>> = { '0': '7', '1': '7', '2': 'Hold' };

function lnpBody(state: VitcomState, order: LnpOrder, call: Call) {
  const { status: actual, changedAt, actualFoc } = lnpStatus(order, call.now);
  const status = (call.scenario('lnp-unknown-status') && UNKNOWN_LNP_STATUS[actual]) || actual;
  const [first, ...rest] = order.loaAuthorizingPerson.split(/\s+/);
  return {
    orderno: order.orderno, accountno: state.accountno, date: wireDateTime(order.createdAt), amount: cents(order.amountCents), per_order_cost: '0.00',
    taxes: '0.00', other_charges: '0.00', discount: '0.00', tg_id: [...state.origination.keys()][0] ?? '', orderType: 'Portin',
    didCategory: order.category === 'tollfree' ? 'TollFree' : 'Landline', didType: 'Metered', sessions: '0', status,
    requestedFocDate: order.requestedFocDate ?? '', actualFocDate: actualFoc ? wireDateTime(actualFoc) : '',
    billingNumber: order.fields.billingNumber ?? '', loaAuthorizingPerson: order.loaAuthorizingPerson, numbers: order.numbers,
    subscriberType: order.subscriberType, subscriberFirstName: order.fields.subscriberFirstName ?? first ?? '',
    subscriberLastName: order.fields.subscriberLastName ?? rest.join(' '), addressHouseNumber: order.fields.addressHouseNumber ?? '',
    addressStreetName: order.fields.addressStreetName ?? '', addressStreetSuffix: order.fields.addressStreetSuffix ?? '',
    addressCity: order.fields.addressCity ?? '', addressStateCode: order.fields.addressStateCode ?? '', addressZip: order.fields.addressZip ?? '',
    losingCarrierName: order.fields.losingCarrierName ?? '', lastModifiedDate: new Date(changedAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    lastModifiedBy: 'System', immediately: false, triggered: status === '3',
    loa: `${call.base}/uploads/portin/${order.loaFile}`, carrier_doc: `${call.base}/uploads/portin/${order.carrierFile}`,
    ...(order.rejectReason ? { rejectReason: order.rejectReason } : {}),
  };
}

function getLnpOrders(state: VitcomState, call: Call) {
  const id = call.params.get('orderId');
  if (id && !state.lnp.has(id)) return fail('orderId');
  const orders = [...state.lnp.values()].filter((o) => !id || o.orderno === id);
  return withTrailingCommas({ Orders: orders.map((o) => lnpBody(state, o, call)) });
}

// ---------- stats and CDRs ----------

function dateParam(call: Call, key: string): number | undefined | null {
  const value = call.params.get(key);
  if (!value) return undefined;
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  return match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : null;
}

function dailyCdrs(state: VitcomState, call: Call, direction: 'inbound' | 'outbound') {
  const from = dateParam(call, 'from');
  const to = dateParam(call, 'to');
  if (from === null) return fail('from');
  if (to === null) return fail('to');
  const last = Math.min(to ?? startOfUtcDay(call.now), startOfUtcDay(call.now));
  const first = from ?? last - 6 * DAY_MS;
  const days = new Set(state.cdrs[direction].filter((c) => c.end <= call.now).map((c) => startOfUtcDay(c.start)));
  const rows = [...days].filter((day) => day >= first && day <= last).sort((a, b) => b - a);
  const kind = direction === 'inbound' ? 'orig' : 'term';
  return withTrailingCommas({
    data: rows.map((day) => {
      const stamp = utcDay(day).replace(/-/g, '');
      return {
        date: wireDateTime(day),
        success: `${call.base}/uploads/cdrs/${state.accountno}_${kind}_${stamp}_success.csv`,
        failed: `${call.base}/uploads/cdrs/${state.accountno}_${kind}_${stamp}_failed.csv`,
      };
    }),
  });
}

function stats(state: VitcomState, call: Call, by: 'number' | 'origination' | 'termination') {
  const ids = list(call.params.get(by === 'number' ? 'number' : 'tg_id')).map((value) => (by === 'number' ? (ten(value) ?? value) : value));
  if (!ids.length) return fail(by === 'number' ? 'number' : 'tg_id');
  const known = ids.filter((id) => (by === 'number' ? state.owned.has(id) : by === 'origination' ? state.origination.has(id) : state.termination.has(id)));
  if (!known.length) return fail(by === 'number' ? 'number' : 'tg_id');
  const calls = (by === 'termination' ? state.cdrs.outbound : by === 'origination' ? state.cdrs.inbound : [...state.cdrs.inbound, ...state.cdrs.outbound]).filter((c) => c.end <= call.now);
  return withTrailingCommas({
    data: statsRows(calls, known, (c) => (by === 'number' ? c.ownNumber : c.tgId)).map((row) => ({ accountno: state.accountno, ...row })),
  });
}

function monthlySummary(state: VitcomState, call: Call, direction: 'inbound' | 'outbound') {
  const year = Number(call.params.get('year'));
  if (!Number.isInteger(year) || year < 2000 || year > 2100) return fail('year');
  const monthParam = call.params.get('month');
  const month = monthParam ? Number(monthParam) : undefined;
  if (month !== undefined && (!Number.isInteger(month) || month < 1 || month > 12)) return fail('month');
  const rows: Record<string, string>[] = [];
  for (let m = 1; m <= 12; m++) {
    if (month && m !== month) continue;
    const calls = state.cdrs[direction].filter((c) => {
      const d = new Date(c.start);
      return c.end <= call.now && d.getUTCFullYear() === year && d.getUTCMonth() + 1 === m;
    });
    const numbers = [...new Set(calls.map((c) => c.ownNumber))].sort();
    for (const row of statsRows(calls, numbers, (c) => c.ownNumber)) {
      const { number, ...rest } = row;
      rows.push({ accountno: state.accountno, number, month: `${year}-${String(m).padStart(2, '0')}-1`, ...rest });
    }
  }
  return withTrailingCommas({ data: rows });
}

// ---------- billing ----------

const ACTIVITIES = [
  'All Activity', 'Test Call Credit', 'Bank Transfer', 'Bank Fee', 'Paypal Transfer', 'Paypal Fee', 'USF Tax Deduction', 'Payment Cancelled',
  'Payment Refund', 'Call Charges', 'Order (New DIDs)', 'Order (LNP)', 'Credit Card', 'Credit Card Fee',
];

function financialSummary(state: VitcomState, call: Call) {
  const activity = call.params.get('activitytype');
  if (activity && !ACTIVITIES.includes(activity)) return fail('activitytype');
  let running = 0;
  const rows = [...state.ledger]
    .sort((a, b) => a.at - b.at)
    .map((row) => {
      running += row.creditCents - row.debitCents;
      return { accountno: state.accountno, date: wireDateTime(row.at), activity: row.activity, debit: cents(row.debitCents), credit: cents(row.creditCents), balance: cents(running) };
    })
    .filter((row) => !activity || activity === 'All Activity' || row.activity === activity);
  return ok({ data: rows });
}

function getInvoices(state: VitcomState, call: Call) {
  const from = dateParam(call, 'from');
  const to = dateParam(call, 'to');
  if (from === null) return fail('from');
  if (to === null) return fail('to');
  const rows = state.invoiceMonths
    .filter((at) => at <= call.now && (from === undefined || at >= from) && (to === undefined || at <= to + DAY_MS - 1))
    .map((at) => ({ date: wireDateTime(at), file: `${call.base}/downloads/invoices/INV-${state.accountno}-${utcDay(at).slice(0, 7).replace('-', '')}.pdf` }));
  return ok({ data: rows });
}

const PAYMENT_METHODS: Record<string, string> = { 'Credit Card': 'credit card', 'Paypal Transfer': 'paypal', 'Bank Transfer': 'bank' };
const FEES: Record<string, string> = { 'Credit Card': 'Credit Card Fee', 'Paypal Transfer': 'Paypal Fee', 'Bank Transfer': 'Bank Fee' };

function getPayments(state: VitcomState, call: Call) {
  const method = call.params.get('method')?.toLowerCase();
  const from = dateParam(call, 'from');
  const to = dateParam(call, 'to');
  const reference = call.params.get('referenceno');
  const rows = state.ledger
    .filter((row) => PAYMENT_METHODS[row.activity])
    .map((row) => {
      const fee = state.ledger.find((other) => other.at === row.at && other.activity === FEES[row.activity])?.debitCents ?? 0;
      return {
        accountno: state.accountno, date: wireDateTime(row.at), referenceno: `PMT${Math.floor(row.at / 1000).toString(36).toUpperCase()}`,
        funded_amount: cents(row.creditCents), charges: cents(fee), amount: cents(row.creditCents - fee), method: PAYMENT_METHODS[row.activity]!, status: '1',
        at: row.at,
      };
    })
    .filter((row) => (!method || row.method === method) && (!reference || row.referenceno === reference) && (!from || row.at >= from) && (!to || row.at < to + DAY_MS))
    .map((row) => {
      const { at, ...wire } = row;
      void at;
      return wire;
    });
  return ok({ data: rows });
}

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/** No amount parameter exists; the sandbox books a fixed 25.00 top-up (see README). */
function makePayment(state: VitcomState, call: Call) {
  const p = call.params;
  for (const key of ['firstname', 'lastname']) if (!p.get(key)?.trim()) return fail(key);
  const card = p.get('cardnumber') ?? '';
  if (!/^\d{13,19}$/.test(card) || !luhn(card)) return fail('cardnumber');
  const month = Number(p.get('expmonth'));
  if (!Number.isInteger(month) || month < 1 || month > 12) return fail('expmonth');
  const year = Number(p.get('expyear'));
  const nowDate = new Date(call.now);
  if (!Number.isInteger(year) || year < nowDate.getUTCFullYear() || (year === nowDate.getUTCFullYear() && month < nowDate.getUTCMonth() + 1)) return fail('expyear');
  if (!/^\d{3,4}$/.test(p.get('cvv') ?? '')) return fail('cvv');
  state.ledger.push({ at: call.now, activity: 'Credit Card', debitCents: 0, creditCents: 2_500 });
  state.ledger.push({ at: call.now, activity: 'Credit Card Fee', debitCents: 74, creditCents: 0 });
  return ok({ success: 'Payment added successfully.' });
}

// ---------- dispatch ----------

type Handler = (state: VitcomState, call: Call) => SandboxResponse;
export const endpoints: Record<string, Handler> = {
  '/availabilitystate': (state) => ok({ data: [...state.npanxx.keys()].sort() }),
  '/availabilitynpanxx': (state, call) => {
    const rows = state.npanxx.get(call.params.get('state')?.toUpperCase() ?? '');
    return rows ? ok({ data: rows }) : fail('state');
  },
  '/searchdid': searchDid,
  '/searchtfn': searchTfn,
  '/defineTrunk': defineTrunk,
  '/get_trunk': getTrunk,
  '/update_trunk': updateTrunk,
  '/reserve': reserve,
  '/bulkreserve': bulkReserve,
  '/remove_reserved': removeReserved,
  '/getnumbers': getNumbers,
  '/updatenumber': updateNumber,
  '/gen_order': genOrder,
  '/process_order': processOrder,
  '/check_lnp': checkLnp,
  '/generate_lnp_order': generateLnpOrder,
  '/get_new_orders': getNewOrders,
  '/get_lnp_orders': getLnpOrders,
  '/did_stats': (state, call) => stats(state, call, 'number'),
  '/daily_cdrs': (state, call) => dailyCdrs(state, call, 'inbound'),
  '/tg_stats': (state, call) => stats(state, call, 'origination'),
  '/monthly_summary': (state, call) => monthlySummary(state, call, 'inbound'),
  '/defineTrunk_termination': defineTrunkTermination,
  '/get_trunk_termination': getTrunkTermination,
  '/disable_trunk_termination': disableTrunkTermination,
  '/daily_cdrs_termination': (state, call) => dailyCdrs(state, call, 'outbound'),
  '/tg_stats_termination': (state, call) => stats(state, call, 'termination'),
  '/monthly_summary_termination': (state, call) => monthlySummary(state, call, 'outbound'),
  '/get_invoices': getInvoices,
  '/financial_summary': financialSummary,
  '/get_payments': getPayments,
  '/make_payment': makePayment,
};

/** Files linked from responses: CDR CSVs, invoice PDFs, uploaded LOAs, trunk config sheets. */
export function serveFile(state: VitcomState, path: string, now: number, context: Pick<SandboxContext, 'scenario'>): SandboxResponse | undefined {
  const cdr = /^\/uploads\/cdrs\/(\d+)_(orig|term)_(\d{8})_(success|failed)\.csv$/.exec(path);
  if (cdr) {
    const [, account, kind, stamp, outcome] = cdr;
    if (account !== state.accountno) return undefined;
    const day = Date.UTC(Number(stamp!.slice(0, 4)), Number(stamp!.slice(4, 6)) - 1, Number(stamp!.slice(6, 8)));
    const calls = state.cdrs[kind === 'orig' ? 'inbound' : 'outbound'].filter(
      (c) => c.start >= day && c.start < day + DAY_MS && c.end <= now && (outcome === 'success') === (c.disposition === 'ANSWERED'),
    );
    const drift = (['cdr-csv-renamed-columns', 'cdr-csv-short-rows'] as const).find((name) => context.scenario(name));
    return { status: 200, headers: { 'content-type': 'text/csv' }, body: renderCdrCsv(calls, drift) };
  }
  const invoice = /^\/downloads\/invoices\/INV-(\d+)-(\d{6})\.pdf$/.exec(path);
  if (invoice && invoice[1] === state.accountno) {
    return { status: 200, headers: { 'content-type': 'application/pdf' }, body: renderPdf(`VITCOM invoice ${invoice[2]} for account ${state.accountno}`) };
  }
  const config = /^\/ajax\/settings_pdf\/([\d.]+)$/.exec(path);
  if (config) return { status: 200, headers: { 'content-type': 'application/pdf' }, body: renderPdf(`Termination settings for ${config[1]}: sip.vitcom.example:5060 UDP`) };
  const stored = state.files.get(path);
  if (stored) return { status: 200, headers: { 'content-type': stored.contentType }, body: stored.body };
  if (path.startsWith('/uploads/portin/seed_')) return { status: 200, headers: { 'content-type': 'application/pdf' }, body: renderPdf('Seeded LOA') };
  return undefined;
}

export function housekeeping(state: VitcomState, now: number) {
  expireCarts(state, now);
  settlePorts(state, now);
}
