/**
 * The VITCOM sandbox's account: inventory, owned numbers, trunks, carts, orders, ports, CDRs and
 * the prepaid ledger, seeded deterministically from context.random and laid out around context.now().
 */
import type { SandboxContext } from '../common/server';

export const DEMO_ACCOUNTNO = '7001234';
export const DEMO_TOKEN = 'vtc_demo_4b1f9e2c7a';
export const TOLL_FREE = ['800', '833', '844', '855', '866', '877', '888'];
/** Undocumented upstream; the adapter assumes the same 15 minutes (lib/providers/vitcom/assumptions.ts). */
export const HOLD_TTL_MS = 15 * 60_000;
export const DAY_MS = 86_400_000;

export interface InventoryNumber {
  tn: string;
  category: 'landline' | 'tollfree';
  state?: string;
  npanxx: string;
  rateCenter?: string;
  /** reserveId or `order:<orderno>` while held. */
  heldBy?: string;
}
export interface OwnedNumber {
  didnumber: string;
  category: 'landline' | 'tollfree';
  trunkId?: string;
  didRate: string;
  didType: 'Metered' | 'Unmetered';
  orderType: 'New' | 'Portin';
  status: '0' | '1' | '2';
  cnam: string;
  orderno?: string;
}
export interface OriginationTrunk {
  id: string;
  title: string;
  primaryIP: string;
  primaryPort: string;
  prefix_1: string;
  secondaryIP: string;
  secondaryPort: string;
  prefix_2: string;
  date: number;
  billingType: 'Metered' | 'Unmetered';
  req_sessions: string;
  status: '0' | '1';
}
export interface TerminationTrunk {
  id: string;
  title: string;
  ipaddress: string;
  ports: string;
  cps: string;
  status: '0' | '1';
}
export interface Cart {
  reserveId: string;
  numbers: string[];
  expiresAt: number;
}
export interface Order {
  orderno: string;
  date: number;
  subtotalCents: number;
  perOrderCents: number;
  taxCents: number;
  tgId: string;
  didCategory: 'Landline' | 'TollFree';
  didType: 'Metered' | 'Unmetered';
  sessions: string;
  numbers: string[];
  processed: boolean;
}
export interface LnpOrder {
  orderno: string;
  createdAt: number;
  focAt: number;
  requestedFocDate?: string;
  category: 'landline' | 'tollfree';
  numbers: string[];
  subscriberType: string;
  loaAuthorizingPerson: string;
  fields: Record<string, string>;
  loaFile: string;
  carrierFile: string;
  /** The losing carrier's refusal, shown once the order leaves "submitted" (5 minutes in). */
  rejectReason?: string;
  /** The losing carrier moves the FOC once, one business day later, an hour after it was first set. */
  focMoves?: boolean;
  amountCents: number;
  materialized: boolean;
}
export interface CdrRecord {
  callId: string;
  start: number;
  answer?: number;
  end: number;
  ani: string;
  dnis: string;
  duration: number;
  billsec: number;
  pddMs: number;
  sipCode: number;
  disposition: 'ANSWERED' | 'BUSY' | 'NO ANSWER' | 'FAILED' | 'CANCEL';
  costMicros: number;
  tgId: string;
  /** The account's own number on the call (the DID for inbound, the caller ID for outbound). */
  ownNumber: string;
}
export interface LedgerRow {
  at: number;
  activity: string;
  debitCents: number;
  creditCents: number;
}
export interface StoredFile {
  contentType: string;
  body: Buffer;
}

export interface VitcomState {
  accountno: string;
  token: string;
  npanxx: Map<string, { NPANXX: string; NPA: string; RateCenter: string }[]>;
  inventory: Map<string, InventoryNumber>;
  owned: Map<string, OwnedNumber>;
  origination: Map<string, OriginationTrunk>;
  termination: Map<string, TerminationTrunk>;
  carts: Map<string, Cart>;
  orders: Map<string, Order>;
  lnp: Map<string, LnpOrder>;
  cdrs: { inbound: CdrRecord[]; outbound: CdrRecord[] };
  ledger: LedgerRow[];
  invoiceMonths: number[];
  files: Map<string, StoredFile>;
  nextId: number;
}

/** Real NPAs, NXXs that look plausible, and the rate centers they serve. */
const GEOGRAPHY: { state: string; blocks: [npa: string, rateCenter: string, nxxCount: number][] }[] = [
  { state: 'IL', blocks: [['312', 'CHICAGO', 3], ['773', 'CHICAGO', 2], ['630', 'NAPERVILLE', 1], ['847', 'EVANSTON', 1]] },
  { state: 'TX', blocks: [['214', 'DALLAS', 2], ['972', 'DALLAS', 1], ['713', 'HOUSTON', 2], ['512', 'AUSTIN', 1]] },
  { state: 'NY', blocks: [['212', 'NEW YORK CITY', 2], ['718', 'BROOKLYN', 1], ['516', 'HEMPSTEAD', 1]] },
  { state: 'CA', blocks: [['213', 'LOS ANGELES', 2], ['415', 'SAN FRANCISCO', 1], ['619', 'SAN DIEGO', 1]] },
  { state: 'CO', blocks: [['303', 'DENVER', 2], ['719', 'COLORADO SPRINGS', 1]] },
  { state: 'WA', blocks: [['206', 'SEATTLE', 2], ['425', 'BELLEVUE', 1]] },
  { state: 'FL', blocks: [['305', 'MIAMI', 1], ['407', 'ORLANDO', 1]] },
  { state: 'GA', blocks: [['404', 'ATLANTA', 2]] },
];

const pad = (value: number, width: number) => String(value).padStart(width, '0');
export const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
export const wireDateTime = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
export const startOfUtcDay = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;
export const cents = (value: number) => `${Math.floor(value / 100)}.${pad(value % 100, 2)}`;

export function nextId(state: VitcomState): string {
  state.nextId += 1;
  return String(state.nextId);
}

export function createVitcomState(context: SandboxContext): VitcomState {
  const random = context.random;
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const now = context.now().getTime();
  const today = startOfUtcDay(now);

  const state: VitcomState = {
    accountno: DEMO_ACCOUNTNO,
    token: DEMO_TOKEN,
    npanxx: new Map(),
    inventory: new Map(),
    owned: new Map(),
    origination: new Map(),
    termination: new Map(),
    carts: new Map(),
    orders: new Map(),
    lnp: new Map(),
    cdrs: { inbound: [], outbound: [] },
    ledger: [],
    invoiceMonths: [],
    files: new Map(),
    nextId: 400_100,
  };

  // Inventory: a few NXXs per NPA, 12–24 free lines each, one block with a consecutive run.
  const localBlocks: string[] = [];
  for (const { state: st, blocks } of GEOGRAPHY) {
    const rows: { NPANXX: string; NPA: string; RateCenter: string }[] = [];
    for (const [npa, rateCenter, nxxCount] of blocks) {
      const nxxs = new Set<number>();
      while (nxxs.size < nxxCount) nxxs.add(int(201, 989));
      for (const nxx of [...nxxs].sort()) {
        const npanxx = `${npa}${nxx}`;
        rows.push({ NPANXX: npanxx, NPA: npa, RateCenter: rateCenter });
        localBlocks.push(npanxx);
        const lines = new Set<number>();
        const count = int(12, 24);
        if (localBlocks.length % 4 === 1) {
          const startLine = int(1000, 9000);
          for (let k = 0; k < 5; k++) lines.add(startLine + k);
        }
        while (lines.size < count) lines.add(int(0, 9999));
        for (const line of lines) {
          const tn = `${npanxx}${pad(line, 4)}`;
          state.inventory.set(tn, { tn, category: 'landline', state: st, npanxx, rateCenter });
        }
      }
    }
    state.npanxx.set(st, rows);
  }
  for (const prefix of TOLL_FREE) {
    for (let k = 0; k < 20; k++) {
      const tn = `${prefix}${int(200, 999)}${pad(int(0, 9999), 4)}`;
      state.inventory.set(tn, { tn, category: 'tollfree', npanxx: tn.slice(0, 6) });
    }
  }

  // Trunks: two origination groups and one termination group.
  state.origination.set('3', {
    id: '3', title: 'vitcoms', primaryIP: '198.51.100.10', primaryPort: '5060', prefix_1: '1001',
    secondaryIP: '198.51.100.11', secondaryPort: '5060', prefix_2: '1002', date: now - 120 * DAY_MS,
    billingType: 'Metered', req_sessions: '0', status: '1',
  });
  state.origination.set('7', {
    id: '7', title: 'backup-pbx', primaryIP: '203.0.113.40', primaryPort: '5080', prefix_1: '',
    secondaryIP: '', secondaryPort: '', prefix_2: '', date: now - 45 * DAY_MS,
    billingType: 'Unmetered', req_sessions: '30', status: '1',
  });
  state.termination.set('4', { id: '4', title: 'vitcoms-out', ipaddress: '198.51.100.10', ports: '100', cps: '10', status: '1' });

  // Owned numbers, from two past orders (taken out of the inventory blocks).
  const takeLocal = (count: number) => {
    const picked: string[] = [];
    const free = [...state.inventory.values()].filter((n) => n.category === 'landline');
    while (picked.length < count) {
      const candidate = pick(free);
      if (!picked.includes(candidate.tn)) picked.push(candidate.tn);
    }
    return picked;
  };
  const addOrder = (numbers: string[], daysAgo: number, tgId: string, category: 'Landline' | 'TollFree') => {
    const orderno = nextId(state);
    const each = category === 'Landline' ? 100 : 200;
    state.orders.set(orderno, {
      orderno, date: now - daysAgo * DAY_MS, subtotalCents: each * numbers.length, perOrderCents: 50,
      taxCents: Math.round(each * numbers.length * 0.05), tgId, didCategory: category,
      didType: state.origination.get(tgId)!.billingType, sessions: state.origination.get(tgId)!.req_sessions, numbers, processed: true,
    });
    for (const tn of numbers) {
      state.inventory.delete(tn);
      state.owned.set(tn, {
        didnumber: tn, category: category === 'Landline' ? 'landline' : 'tollfree', trunkId: tgId,
        didRate: category === 'Landline' ? '0.45' : '0.95', didType: state.origination.get(tgId)!.billingType,
        orderType: 'New', status: '1', cnam: pick(['ACME CORP', 'ACME SUPPORT', '']), orderno,
      });
    }
    return orderno;
  };
  const firstOrder = takeLocal(8);
  addOrder(firstOrder, 60, '3', 'Landline');
  const tollFreeOwned = [...state.inventory.values()].filter((n) => n.category === 'tollfree').slice(0, 2).map((n) => n.tn);
  addOrder(tollFreeOwned, 40, '3', 'TollFree');
  addOrder(takeLocal(3), 20, '7', 'Landline');
  const [suspended, cancelled] = firstOrder.slice(-2);
  state.owned.get(suspended!)!.status = '0';
  state.owned.get(cancelled!)!.status = '2';

  // Port-ins: one long completed, one still moving, one rejected.
  const lnpBase = {
    category: 'landline' as const, subscriberType: 'business', loaAuthorizingPerson: 'Dana Whitfield',
    fields: { subscriberFirstName: 'Acme Corp', addressHouseNumber: '400', addressStreetName: 'W Madison St', addressCity: 'Chicago', addressStateCode: 'IL', addressZip: '60606', losingCarrierName: 'Bandwidth', billingNumber: '+13125550142' },
    loaFile: 'seed_loa.pdf', carrierFile: 'seed_bill.pdf', amountCents: 200, materialized: true,
  };
  let id = nextId(state);
  state.lnp.set(id, { ...lnpBase, orderno: id, createdAt: now - 9 * DAY_MS, focAt: now - 6 * DAY_MS, numbers: ['3125550142', '3125550143'] });
  for (const tn of ['3125550142', '3125550143']) {
    state.owned.set(tn, { didnumber: tn, category: 'landline', trunkId: '3', didRate: '0.45', didType: 'Metered', orderType: 'Portin', status: '1', cnam: 'ACME CORP', orderno: id });
  }
  id = nextId(state);
  state.lnp.set(id, { ...lnpBase, orderno: id, createdAt: now - 20 * 60_000, focAt: now + 100 * 60_000, numbers: ['7735550190'], materialized: false });
  id = nextId(state);
  state.lnp.set(id, { ...lnpBase, orderno: id, createdAt: now - 3 * DAY_MS, focAt: now - 3 * DAY_MS, numbers: ['2145550118'], rejectReason: 'Account number does not match the losing carrier CSR', materialized: false });

  // CDRs for the last 35 days, today included; files only show calls that have ended by "now".
  const activeDids = [...state.owned.values()].filter((n) => n.status === '1').map((n) => n.didnumber);
  const randomNanp = () => `${pick(['312', '214', '415', '646', '303', '617', '702', '512'])}${int(201, 989)}${pad(int(0, 9999), 4)}`;
  for (let day = 34; day >= 0; day--) {
    const dayStart = today - day * DAY_MS;
    for (const direction of ['inbound', 'outbound'] as const) {
      const count = int(18, 38);
      const calls: CdrRecord[] = [];
      for (let k = 0; k < count; k++) {
        const start = dayStart + Math.floor(random() * DAY_MS);
        const pddMs = 1000 + Math.floor(random() ** 1.6 * 5000);
        const roll = random();
        const disposition: CdrRecord['disposition'] =
          roll < 0.62 ? 'ANSWERED' : roll < 0.74 ? 'BUSY' : roll < 0.88 ? 'NO ANSWER' : roll < 0.96 ? 'FAILED' : 'CANCEL';
        const ring = int(2, 20) * 1000;
        let duration = 0;
        if (disposition === 'ANSWERED') duration = random() < 0.88 ? 20 + Math.floor(random() ** 1.7 * 580) : 600 + Math.floor(random() * 3000);
        const answer = disposition === 'ANSWERED' ? start + pddMs + ring : undefined;
        const end =
          answer !== undefined ? answer + duration * 1000 : start + pddMs + (disposition === 'NO ANSWER' ? 30_000 : disposition === 'CANCEL' ? ring : 0);
        const billsec = duration === 0 ? 0 : Math.ceil(duration / 6) * 6;
        const ratePerMinMicros = direction === 'inbound' ? 4_500 : 9_500;
        const own = pick(activeDids);
        calls.push({
          callId: `${direction === 'inbound' ? 'O' : 'T'}${utcDay(dayStart).replace(/-/g, '')}${pad(k, 4)}`,
          start, answer, end, ani: direction === 'inbound' ? randomNanp() : own, dnis: direction === 'inbound' ? own : randomNanp(),
          duration, billsec, pddMs,
          sipCode: { ANSWERED: 200, BUSY: 486, 'NO ANSWER': 480, FAILED: pick([503, 404, 403]), CANCEL: 487 }[disposition],
          disposition, costMicros: Math.round((billsec / 60) * ratePerMinMicros), tgId: direction === 'inbound' ? '3' : '4', ownNumber: own,
        });
      }
      calls.sort((a, b) => a.start - b.start);
      state.cdrs[direction].push(...calls);
    }
  }

  // Prepaid ledger over 90 days: top-ups with fees, order debits, daily call charges, monthly USF.
  const ledger: LedgerRow[] = [];
  const dayStart90 = today - 90 * DAY_MS;
  ledger.push({ at: dayStart90, activity: 'Test Call Credit', debitCents: 0, creditCents: 200 });
  ledger.push({ at: dayStart90 + 3_600_000, activity: 'Credit Card', debitCents: 0, creditCents: 50_000 });
  ledger.push({ at: dayStart90 + 3_600_000, activity: 'Credit Card Fee', debitCents: 1_480, creditCents: 0 });
  for (const order of state.orders.values()) {
    ledger.push({ at: order.date, activity: 'Order (New DIDs)', debitCents: order.subtotalCents + order.perOrderCents + order.taxCents, creditCents: 0 });
  }
  for (const port of state.lnp.values()) if (!port.rejectReason) ledger.push({ at: port.createdAt, activity: 'Order (LNP)', debitCents: port.amountCents, creditCents: 0 });
  for (let day = 89; day >= 1; day--) {
    const dayStart = today - day * DAY_MS;
    const micros = [...state.cdrs.inbound, ...state.cdrs.outbound].filter((c) => c.start >= dayStart && c.start < dayStart + DAY_MS).reduce((sum, c) => sum + c.costMicros, 0);
    const charge = micros > 0 ? Math.round(micros / 10_000) : int(150, 600);
    ledger.push({ at: dayStart + DAY_MS - 1000, activity: 'Call Charges', debitCents: charge, creditCents: 0 });
    if (day === 45) {
      ledger.push({ at: dayStart + 36_000_000, activity: 'Paypal Transfer', debitCents: 0, creditCents: 20_000 });
      ledger.push({ at: dayStart + 36_000_000, activity: 'Paypal Fee', debitCents: 610, creditCents: 0 });
    }
    if (day === 15) {
      ledger.push({ at: dayStart + 50_000_000, activity: 'Bank Transfer', debitCents: 0, creditCents: 30_000 });
      ledger.push({ at: dayStart + 50_000_000, activity: 'Bank Fee', debitCents: 1_200, creditCents: 0 });
    }
    if (new Date(dayStart).getUTCDate() === 1) ledger.push({ at: dayStart + 1000, activity: 'USF Tax Deduction', debitCents: int(180, 420), creditCents: 0 });
  }
  state.ledger = ledger.sort((a, b) => a.at - b.at);

  // Monthly invoices on the 1st, for the last six months.
  const current = new Date(today);
  for (let back = 5; back >= 0; back--) state.invoiceMonths.push(Date.UTC(current.getUTCFullYear(), current.getUTCMonth() - back, 1));

  return state;
}

export function balanceCents(state: VitcomState): number {
  return state.ledger.reduce((sum, row) => sum + row.creditCents - row.debitCents, 0);
}

/** Carts live HOLD_TTL_MS; expired ones give their numbers back. */
export function expireCarts(state: VitcomState, now: number) {
  for (const cart of state.carts.values()) {
    if (cart.expiresAt > now) continue;
    for (const tn of cart.numbers) {
      const number = state.inventory.get(tn);
      if (number?.heldBy === cart.reserveId) number.heldBy = undefined;
    }
    state.carts.delete(cart.reserveId);
  }
}

/**
 * Test triggers, like test card numbers: the last four digits of the account number sent as
 * `wirelessAccountNumber` choose how the port ends. Texts as a Bandwidth-like back end passes the
 * losing carrier's refusal on.
 */
export const LNP_REJECTIONS: Readonly<Record<string, string>> = {
  '9901': 'Losing carrier rejected: account number does not match the CSR',
  '9902': 'Losing carrier rejected: authorizing person is not listed on the account',
  '9903': 'Losing carrier rejected: BTN does not match the CSR',
  '9904': 'Losing carrier rejected: invalid PIN',
  '9905': 'Losing carrier rejected: ZIP code does not match the CSR',
  '9906': 'Losing carrier rejected: subscriber name does not match the CSR',
  '9907': 'Losing carrier rejected: service address does not match the CSR',
  '9908': 'Rate center not portable: no VITCOM coverage in the rate center',
  '9909': 'Losing carrier rejected: requested FOC date is not available',
  '9910': 'LOA rejected: signature missing or LOA older than 30 days',
};
export const FOC_MOVES_ACCOUNT_SUFFIX = '9920';
const FOC_SET_AFTER_MS = 30 * 60_000;
const FOC_MOVED_AFTER_MS = FOC_SET_AFTER_MS + 3_600_000;

/** One business day (Monday to Friday) after `ms`, same time of day. */
export function addBusinessDay(ms: number): number {
  let at = ms + DAY_MS;
  while ([0, 6].includes(new Date(at).getUTCDay())) at += DAY_MS;
  return at;
}

/**
 * Port status as of `now`: submitted → pending (5 min) → FOC (30 min) → completed at the FOC time.
 * A rejection shows when the order leaves submitted; a moving FOC moves an hour after it was set.
 */
export function lnpStatus(order: LnpOrder, now: number): { status: string; changedAt: number; actualFoc?: number } {
  const age = now - order.createdAt;
  if (age < 5 * 60_000) return { status: '0', changedAt: order.createdAt };
  if (order.rejectReason) return { status: '4', changedAt: order.createdAt + 5 * 60_000 };
  if (age < FOC_SET_AFTER_MS) return { status: '1', changedAt: order.createdAt + 5 * 60_000 };
  const moved = order.focMoves && age >= FOC_MOVED_AFTER_MS;
  const focAt = moved ? addBusinessDay(order.focAt) : order.focAt;
  if (now < focAt) return { status: '2', changedAt: order.createdAt + (moved ? FOC_MOVED_AFTER_MS : FOC_SET_AFTER_MS), actualFoc: focAt };
  return { status: '3', changedAt: focAt, actualFoc: focAt };
}

/** A completed port's numbers become the account's own. */
export function settlePorts(state: VitcomState, now: number) {
  for (const order of state.lnp.values()) {
    if (order.materialized || lnpStatus(order, now).status !== '3') continue;
    order.materialized = true;
    const trunkId = [...state.origination.values()].find((t) => t.status === '1')?.id;
    for (const tn of order.numbers) {
      state.owned.set(tn, {
        didnumber: tn, category: order.category, trunkId, didRate: order.category === 'tollfree' ? '0.95' : '0.45',
        didType: 'Metered', orderType: 'Portin', status: '1', cnam: '', orderno: order.orderno,
      });
    }
  }
}
