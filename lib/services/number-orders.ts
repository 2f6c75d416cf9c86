import 'server-only';

/**
 * Checkout and order execution. The order and its lines are written before any upstream call,
 * under the user's idempotency key, so a double click, a reload or a retry is the same order.
 * Each upstream gets its own ordering flow through its adapter; every adapter replays safely under
 * the same key, which is what lets a crashed order be driven again without buying twice. A line is
 * charged only in the transaction that makes the number the account's: the number's one live row
 * (unique per number) decides between two accounts buying it at once, and the line that loses is
 * failed, uncharged, with the reason. The ledger is unique per line, so a line is charged at most once.
 */
import { actorOwner, assertCan, can, type AccountAccess } from '@/lib/auth/access';
import { getDb, type Db, type Tx } from '@/lib/db/client';
import type { Account, CartItem, NumberOrder, NumberOrderLine } from '@/lib/db/schema';
import { getAccountById, getAccountsOnPath } from '@/lib/db/queries/accounts';
import { deleteCartItemsByCart, getCartByAccountOwner, getCartItemsByCart, lockCartById } from '@/lib/db/queries/carts';
import { getE911AddressById } from '@/lib/db/queries/e911';
import { getLiveHoldersByE164s, getTakenNumbersByE164s, insertLiveNumberIfFree } from '@/lib/db/queries/numbers';
import { deleteSearchesByAccount } from '@/lib/db/queries/number-searches';
import {
  claimOrderForExecution,
  clearOrderLease,
  getChargesByOrder,
  getNumbersBoughtByOrder,
  countOrdersByAccountScope,
  getOrderByIdInScope,
  getOrderByIdUnscoped,
  getOrderLinesByOrders,
  getOrdersByAccountScope,
  getOrdersByAccountScopeBefore,
  getOrderByIdempotencyKey,
  getOrderLineByIdForUpdate,
  getOrderLinesByOrder,
  getUnsettledOrders,
  insertLedgerEntryIfMissing,
  insertOrder,
  insertOrderLines,
  markOpenOrderLineFailed,
  markOrderLineActive,
  markOrderLinesSubmitted,
  setOrderStatus,
  type BoughtNumber,
  type OrderListRow,
  type OrderScope,
} from '@/lib/db/queries/number-orders';
import { AppError } from '@/lib/errors';
import { formatE911Address } from '@/lib/validations/e911';
import { log } from '@/lib/log';
import { toNanpTenDigits } from '@/lib/phone-numbers';
import { PROVIDER_NAMES, isProviderError } from '@/lib/providers/errors';
import { requireCapability, type OrderResult, type ProviderId } from '@/lib/providers/types';
import { checkFundsForOrder, type BillingFunds, type SpendCapView } from './account-funds';
import { dispatchAccountEventsSoon, publishAccountEvent } from './account-events';
import { recordAudit } from './audit';
import { fromUnits, sumAmounts, toUnits } from './pricing';
import { registerE911ForNewNumbers, type E911Status } from './e911';
import { e911DetailFor, e911StatusOf } from './e911-numbers';
import { claimOrderExecution } from '@/lib/db/order-execution-lock';
import { getConnectionAdapter } from './providers';
import { e911RequiredForRouting, routeNumbersUpstream, syncTrunkGroup } from './trunk-groups';
import { getTrunkGroupById, getTrunkGroupByIdUnscoped, setTrunkGroupOfNumbers } from '@/lib/db/queries/trunk-groups';
import { ORDER_LINES_SHOWN, ORDER_PAGE_SIZE, placedRangeOf, type OrderHistoryQuery } from '@/lib/validations/order-history';
import { numberScopeOf } from './numbers';
import { getEnabledProviderConnections, getProviderConnectionById, getProviderConnections } from '@/lib/db/queries/providers';
import { formatE164 } from '@/lib/format';
import { providerSupportsE911 } from './e911-capability';
import { describeLines, type ChoiceView } from './upstream-choice';
import { openStaffTask } from './staff-tasks';
import { translateRefusal, translateReported } from './upstream-refusals';

/** A line the upstream has not confirmed after this long is failed rather than retried forever. */
export const GIVE_UP_AFTER_MS = 30 * 60_000;
/**
 * Written while an order is driven, for people and older instances to see. Who may drive an order is
 * decided by claimOrderExecution, not by this: an order whose driver died is picked up at once.
 */
export const EXECUTION_LEASE_MS = 5 * 60_000;

/** Why a line lost a number to another order that made it its account's first. */
export function takenReason(holderAccountId: string | undefined, accountId: string): string {
  return holderAccountId === accountId
    ? 'Another order of this account bought this number a moment earlier; this line was not charged.'
    : 'Another customer bought this number a moment earlier; you were not charged.';
}

export interface CheckoutSummary {
  itemCount: number;
  totalMonthly: string;
  totalSetup: string;
  dueNow: string;
  /** The billing account's balance and credit: only for roles that read billing on it. */
  funds?: BillingFunds;
  /** Spend caps on the path and what each subtree spent this month: only for roles that read billing. */
  spendCaps?: SpendCapView[];
  problems: string[];
  /** The cart's lines with why each comes from its upstream (staff also read which upstream). */
  lines: { id: string; e164: string; monthly: string; setup: string; why: ChoiceView }[];
  /** Numbers whose carrier cannot register an emergency address: placing the order needs them confirmed. */
  noE911: string[];
  /** Numbers whose connection staff disabled since they were added: they cannot be bought. */
  unavailable: string[];
}

/** What checkout shows, and why it would be refused (funds, spend cap, expired holds, empty cart). */
export async function getCheckoutSummary(access: AccountAccess, now = new Date()): Promise<CheckoutSummary> {
  assertCan(access, 'technical.read');
  const db = await getDb();
  const cart = await getCartByAccountOwner(db, { accountId: access.account.id, owner: actorOwner(access) });
  const items = cart ? await getCartItemsByCart(db, { cartId: cart.id }) : [];
  const [summary, why] = await Promise.all([summarize(db, access, items, now), describeLines(db, items, { staff: access.user.isOperatorStaff })]);
  const lines = items.map((item, index) => ({ id: item.id, e164: item.e164, monthly: item.monthly, setup: item.setup, why: why[index]! }));
  return { ...summary, lines, noE911: lines.filter((line) => !line.why.e911).map((line) => line.e164) };
}

/** With `lock` (placing the order), funds and spend caps are judged under the billing account's lock. */
async function summarize(db: Db, access: AccountAccess, items: CartItem[], now: Date, { lock = false }: { lock?: boolean } = {}): Promise<Omit<CheckoutSummary, 'lines' | 'noE911'>> {
  const totalMonthly = sumAmounts(items.map((item) => item.monthly));
  const totalSetup = sumAmounts(items.map((item) => item.setup));
  const dueNow = sumAmounts([totalMonthly, totalSetup]);
  const problems: string[] = [];
  if (items.length === 0) problems.push('Your cart is empty: add numbers from Buy numbers first.');
  const expired = items.filter((item) => item.holdExpiresAt && item.holdExpiresAt <= now);
  if (expired.length > 0) problems.push(`The hold on ${expired.map((item) => item.e164).join(', ')} ran out: remove ${expired.length === 1 ? 'it' : 'them'} and search again.`);
  const enabled = new Set((await getEnabledProviderConnections(db)).map((connection) => connection.id));
  const unavailable = items.filter((item) => !enabled.has(item.connectionId)).map((item) => item.e164);
  if (unavailable.length > 0) {
    const them = unavailable.length === 1 ? 'it' : 'them';
    problems.push(`${unavailable.map(formatE164).join(', ')} can no longer be bought: the carrier that offered ${them} is not available now. Remove ${them} from your cart and search again.`);
  }
  const money = await checkFundsForOrder(db, access, { dueNow, itemCount: items.length, now, lock });
  return { itemCount: items.length, totalMonthly, totalSetup, dueNow, funds: money.funds, spendCaps: money.spendCaps, problems: [...problems, ...money.problems], unavailable };
}

/**
 * Records the order from the cart (or returns the order already recorded under this key). The
 * cart row is locked, so two concurrent checkouts of one cart make one order.
 */
export async function placeOrder(
  access: AccountAccess,
  input: {
    idempotencyKey: string;
    trunkGroupRef?: string;
    e911AddressRef?: string;
    acknowledgedNoE911?: readonly string[];
    /** The numbers the caller put in the cart: checked under the cart's lock, so a cart another request changed meanwhile buys nothing. */
    expectNumbers?: readonly string[];
  },
  now = new Date(),
): Promise<NumberOrder> {
  assertCan(access, 'technical.write');
  const db = await getDb();
  const existing = await getOrderByIdempotencyKey(db, { accountId: access.account.id, idempotencyKey: input.idempotencyKey });
  if (existing) return existing;
  if (input.trunkGroupRef && !(await getTrunkGroupById(db, { trunkGroupId: input.trunkGroupRef, accountId: access.account.id }))) {
    throw new AppError('not_found:trunk_group', 'That trunk group is not in this account.', { fieldErrors: { trunkGroupRef: ['Choose one of this account’s trunk groups'] } });
  }
  if (input.e911AddressRef && !(await getE911AddressById(db, { addressId: input.e911AddressRef, accountId: access.account.id }))) {
    throw new AppError('not_found:e911_address', 'That emergency address is not in this account.', { fieldErrors: { e911AddressRef: ['Choose one of this account’s emergency addresses'] } });
  }
  // Where an address is required before routing, new numbers join a trunk group only with one (and only once it is registered).
  if (input.trunkGroupRef && !input.e911AddressRef && (await e911RequiredForRouting(db, access.account))) {
    const message = 'This account requires a registered emergency address before numbers are routed to a trunk group: choose the emergency address for these numbers too (add one on the E911 page first if there is none), or buy without a trunk group.';
    throw new AppError('conflict:e911_required', message, { fieldErrors: { e911AddressRef: [message] } });
  }
  return db.transaction(async (tx) => {
    const cart = await getCartByAccountOwner(tx, { accountId: access.account.id, owner: actorOwner(access) });
    if (!cart) throw new AppError('invalid:cart_empty', 'Your cart is empty: add numbers from Buy numbers first.');
    await lockCartById(tx, { cartId: cart.id });
    const again = await getOrderByIdempotencyKey(tx, { accountId: access.account.id, idempotencyKey: input.idempotencyKey });
    if (again) return again;
    const items = await getCartItemsByCart(tx, { cartId: cart.id });
    if (input.expectNumbers && [...new Set(input.expectNumbers)].sort().join(',') !== items.map((item) => item.e164).sort().join(',')) {
      throw new AppError('conflict:cart_changed', 'The cart changed since this checkout was shown (in another tab, window or request); nothing was bought. Reload, check the numbers and place the order again.');
    }
    const account = (await getAccountById(tx, { accountId: access.account.id })) ?? access.account;
    const summary = await summarize(tx as unknown as Db, { ...access, account }, items, now, { lock: true });
    if (summary.problems.length > 0) {
      const code =
        items.length === 0
          ? 'invalid:cart_empty'
          : summary.problems.some((problem) => problem.includes('ran out'))
            ? 'invalid:cart_expired'
            : summary.unavailable.length > 0
              ? 'conflict:numbers_unavailable'
              : 'conflict:funds';
      throw new AppError(code, summary.problems.join(' '));
    }
    const withoutE911 = await unacknowledgedWithoutE911(tx, items, input.acknowledgedNoE911 ?? []);
    const order = await insertOrder(tx, {
      accountId: access.account.id,
      ...actorOwner(access),
      idempotencyKey: input.idempotencyKey,
      trunkGroupRef: input.trunkGroupRef ?? null,
      e911AddressRef: input.e911AddressRef ?? null,
      totalMonthly: summary.totalMonthly,
      totalSetup: summary.totalSetup,
    });
    if (!order) throw new AppError('internal:order_create');
    await insertOrderLines(
      tx,
      items.map((item) => ({
        orderId: order.id,
        e164: item.e164,
        kind: item.kind,
        state: item.state,
        rateCenter: item.rateCenter,
        connectionId: item.connectionId,
        providerRef: item.providerRef,
        holdRef: item.holdRef,
        monthly: item.monthly,
        setup: item.setup,
        choice: item.choice,
      })),
    );
    await deleteCartItemsByCart(tx, { cartId: cart.id });
    await deleteSearchesByAccount(tx, { accountId: access.account.id });
    await recordAudit(tx, access, {
      accountId: access.account.id,
      action: 'order.place',
      targetType: 'number_order',
      targetId: order.id,
      after: { numbers: items.map((item) => item.e164), dueNow: summary.dueNow, ...(withoutE911.length > 0 ? { confirmedWithoutE911: withoutE911 } : {}) },
    });
    return order;
  });
}

/**
 * A number whose carrier cannot register an emergency address is bought only once the customer has
 * confirmed that very number (read under the cart's lock, so a number added from another tab since
 * the page was shown is not covered by the confirmation). Answers the confirmed numbers.
 */
async function unacknowledgedWithoutE911(tx: Tx, items: CartItem[], acknowledged: readonly string[]): Promise<string[]> {
  const providers = new Map((await getProviderConnections(tx)).map((connection) => [connection.id, connection.provider]));
  const without = items.filter((item) => !providerSupportsE911(providers.get(item.connectionId) ?? '')).map((item) => item.e164);
  const confirmed = new Set(acknowledged);
  const missing = without.filter((e164) => !confirmed.has(e164));
  if (missing.length > 0) {
    const count = missing.length === 1 ? '1 number' : `${missing.length} numbers`;
    const message = `${count} in your cart cannot have E911 (an emergency address): ${missing.map(formatE164).join(', ')}. Confirm that you understand before placing the order, or remove ${missing.length === 1 ? 'it' : 'them'} from the cart.`;
    throw new AppError('invalid:e911_confirmation', message, { fieldErrors: { acknowledgedNoE911: [message] } });
  }
  return without;
}

/** Lines sent together: one upstream connection, one hold. The order of groups is stable. */
function groupLines(lines: NumberOrderLine[]) {
  const groups = new Map<string, NumberOrderLine[]>();
  for (const line of [...lines].sort((a, b) => a.e164.localeCompare(b.e164))) {
    const key = `${line.connectionId}|${line.holdRef ?? ''}`;
    groups.set(key, [...(groups.get(key) ?? []), line]);
  }
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, group]) => ({ key, lines: group }));
}

/** The key an upstream sees for one group of an order: the same on every retry and after a crash. */
function upstreamKey(order: NumberOrder, groupKey: string) {
  return `${order.id}:${groupKey.replace(/\|/g, ':')}`.slice(0, 120);
}

/**
 * The upstream says the line is bought: the number becomes the account's and the line is charged,
 * in one transaction. Inserting the number's live row is the arbiter: if another order holds it
 * (committed first, or waited for by the unique index), this line fails with the reason, uncharged.
 */
async function activateLine(db: Db, order: NumberOrder, line: NumberOrderLine, upstreamOrderId: string | undefined) {
  await db.transaction(async (tx) => {
    const current = await getOrderLineByIdForUpdate(tx, { lineId: line.id });
    if (!current || current.status === 'active' || current.status === 'failed') return;
    const account = await getAccountById(tx, { accountId: order.accountId });
    // Every number sold is North American; the stored area code is its first three national digits.
    const national = toNanpTenDigits(line.e164) ?? line.e164.replace(/\D/g, '');
    const owned = await insertLiveNumberIfFree(tx, {
      accountId: order.accountId,
      e164: line.e164,
      kind: line.kind,
      state: line.state,
      npa: national.slice(0, 3),
      rateCenter: line.rateCenter,
      connectionId: line.connectionId,
      trunkGroupRef: order.trunkGroupRef,
      // Registered once the order settles (below); left pending, the e911 job drives it again.
      ...(order.e911AddressRef ? { e911AddressId: order.e911AddressRef, e911Status: 'pending' as const, e911UpdatedAt: new Date() } : {}),
      monthly: line.monthly,
      orderLineId: line.id,
      lastSeenUpstreamAt: new Date(),
    });
    if (!owned) {
      const [holder] = await getLiveHoldersByE164s(tx, { e164s: [line.e164] });
      if (holder?.orderLineId !== line.id) {
        await loseLine(tx, order, line, holder, { upstreamOrderId, carrierSold: 'yes' });
        return;
      }
    }
    await markOrderLineActive(tx, { lineId: line.id, upstreamOrderId: upstreamOrderId ?? null });
    await insertLedgerEntryIfMissing(tx, {
      billingAccountId: account?.billingAccountId ?? order.accountId,
      accountId: order.accountId,
      kind: 'charge',
      amount: fromUnits(-(toUnits(line.setup) + toUnits(line.monthly)), 4),
      description: `Number ${line.e164}: setup and first month`,
      orderLineId: line.id,
    });
  });
}

/**
 * The number is another order's in the portal: whatever the upstream answered, this line is not bought.
 * `carrierSold`: the line's carrier answered that it bought the number ('yes'), or was sent the line
 * and never asked again ('maybe'). Where the holder has the number on another connection, ours may be
 * billing us for a number nobody has: staff check it there and release it.
 */
async function loseLine(
  db: Db | Tx,
  order: NumberOrder,
  line: NumberOrderLine,
  holder: { accountId: string; connectionId?: string } | undefined,
  { upstreamOrderId, carrierSold }: { upstreamOrderId?: string; carrierSold?: 'yes' | 'maybe' } = {},
) {
  const reason = takenReason(holder?.accountId, order.accountId);
  const failed = await markOpenOrderLineFailed(db, { lineId: line.id, reason, upstreamOrderId: upstreamOrderId ?? null });
  log.warn('numbers.order_line_lost', { orderId: order.id, lineId: line.id, e164: line.e164, lineConnectionId: line.connectionId, holderConnectionId: holder?.connectionId, upstreamOrderId, carrierSold });
  // On the holder's own connection the carrier has the number once, and it is the holder's: nothing to release.
  if (!failed || !carrierSold || holder?.connectionId === line.connectionId) return;
  const holderConnection = holder?.connectionId ? await getProviderConnectionById(db, { connectionId: holder.connectionId }) : undefined;
  const elsewhere = holderConnection ? `on another connection (${holderConnection.name})` : 'on another connection';
  const answered =
    carrierSold === 'yes'
      ? `It answered that it bought the number for this line (upstream order ${upstreamOrderId ?? 'without an id'}), but another order had already made it its account's ${elsewhere}.`
      : `The line was sent to it, but before the carrier's answer was read another order made the number its account's ${elsewhere}.`;
  await openCheckAtCarrierTask(db, order, line, {
    title: 'lost it to another order',
    detail: `${answered} The line was failed and not charged, so nobody in the portal holds the number on this connection. If the carrier lists it on our account, release it there; the other connection's number is a customer's and stays.`,
  });
}

async function failLine(db: Db, line: NumberOrderLine, reason: string, reasonDetail?: string) {
  await markOpenOrderLineFailed(db, { lineId: line.id, reason: reason.slice(0, 300), reasonDetail: reasonDetail?.slice(0, 1000) });
}

/** Live holders of these lines' numbers other than the lines themselves, by number. */
async function otherHolders(db: Db, lines: NumberOrderLine[]) {
  const holders = await getLiveHoldersByE164s(db, { e164s: lines.map((line) => line.e164) });
  const lineIds = new Set(lines.map((line) => line.id));
  return new Map(holders.filter((holder) => !holder.orderLineId || !lineIds.has(holder.orderLineId)).map((holder) => [holder.e164, holder]));
}

/** Other lines that hold these numbers, or are buying them now: whoever the upstream refused us for. */
async function rivals(db: Db, lines: NumberOrderLine[]) {
  const lineIds = new Set(lines.map((line) => line.id));
  const taken = await getTakenNumbersByE164s(db, { e164s: lines.map((line) => line.e164) });
  return new Map(taken.filter((row) => !row.orderLineId || !lineIds.has(row.orderLineId)).map((row) => [row.e164, row]));
}

async function applyResult(db: Db, order: NumberOrder, lines: NumberOrderLine[], result: OrderResult, finalAttempt: boolean) {
  const taken = await rivals(db, lines);
  for (const line of lines) {
    const outcome = result.lines.find((candidate) => candidate.e164 === line.e164);
    if (outcome?.status === 'active') await activateLine(db, order, line, result.upstreamOrderId);
    // Refused because another order just bought it, or is buying it: say so, not the upstream's words for it.
    else if (outcome?.status === 'failed' && taken.has(line.e164)) await loseLine(db, order, line, taken.get(line.e164));
    // The customer reads what to do next (lib/services/upstream-refusals.ts); the carrier's words stay for staff.
    else if (outcome?.status === 'failed') await failLine(db, line, translateReported(undefined, outcome.reason, 'number_order', { carrier: 'the carrier' }).customer, outcome.reason ?? 'no reason given');
    else if (finalAttempt) {
      await failLine(db, line, 'The upstream never confirmed this number; it was not bought.');
      await openCheckAtCarrierTask(db, order, line, `The carrier never confirmed it in ${GIVE_UP_AFTER_MS / 60_000} minutes (order ${result.upstreamOrderId ?? 'without an upstream id'}).`);
    }
  }
}

/**
 * A line given up on after it was sent: the carrier may hold (and bill) a number no account has.
 * Staff check the carrier and release it there if it was bought.
 */
async function openCheckAtCarrierTask(db: Db | Tx, order: NumberOrder, line: NumberOrderLine, task: string | { title: string; detail: string }) {
  const connection = await getProviderConnectionById(db, { connectionId: line.connectionId });
  const provider = connection ? PROVIDER_NAMES[connection.provider as ProviderId] : undefined;
  const { title, detail } =
    typeof task === 'string'
      ? { title: 'gave up on it', detail: `${task} The line was failed and not charged, so no account holds the number in the portal. If the carrier lists it on our account, release it there.` }
      : task;
  await openStaffTask(db, {
    accountId: order.accountId,
    kind: 'release_at_carrier',
    subject: { type: 'number_order_line', id: line.id },
    connectionId: line.connectionId,
    title: `Check ${formatE164(line.e164)} at ${provider ?? 'the carrier'}: order ${order.id} ${title}`,
    detail,
  });
}

/** Sends (or re-sends, under the same key) every unsettled group of the order, then settles its status. */
export async function executeOrder(orderId: string, options: { now?: Date } = {}): Promise<NumberOrder> {
  const db = await getDb();
  const order = await getOrderByIdUnscoped(db, { orderId });
  if (!order) throw new AppError('not_found:order');
  if (order.status === 'completed' || order.status === 'partial' || order.status === 'failed') return order;
  // One driver at a time: two drivers racing on one group could record a number bought by one as refused by the other.
  const release = await claimOrderExecution(order.id);
  if (!release) return order;
  try {
    // The previous driver may have settled it between the read above and the claim.
    const claimed = await claimOrderForExecution(db, { orderId: order.id, leaseUntil: new Date(Date.now() + EXECUTION_LEASE_MS) });
    if (!claimed) return (await getOrderByIdUnscoped(db, { orderId: order.id })) ?? order;
    try {
      return await driveOrder(db, claimed, options);
    } finally {
      await clearOrderLease(db, { orderId: order.id });
    }
  } finally {
    await release();
  }
}

async function driveOrder(db: Db, order: NumberOrder, options: { now?: Date }): Promise<NumberOrder> {
  const orderId = order.id;
  const now = options.now ?? new Date();
  const finalAttempt = now.getTime() - order.createdAt.getTime() > GIVE_UP_AFTER_MS;
  const suspended = await suspendedAccountOf(db, order.accountId);

  for (const group of groupLines(await getOrderLinesByOrder(db, { orderId }))) {
    const unsettled = group.lines.filter((line) => line.status === 'pending' || line.status === 'submitted');
    // A number the portal already holds for another order is not asked for: whatever the upstream would say, it is not this order's.
    const taken = await otherHolders(db, unsettled);
    for (const line of unsettled) if (taken.has(line.e164)) await loseLine(db, order, line, taken.get(line.e164), { carrierSold: line.status === 'submitted' ? 'maybe' : undefined });
    const open = unsettled.filter((line) => !taken.has(line.e164));
    if (open.length === 0) continue;
    const first = open[0]!;
    const stopped = await whyNotSent(db, first.connectionId, suspended);
    if (stopped) {
      for (const line of open.filter((candidate) => candidate.status === 'pending')) await failLine(db, line, stopped.reason, stopped.detail);
      const sent = open.filter((candidate) => candidate.status === 'submitted');
      if (sent.length > 0) await followUpSent(db, order, group.key, sent, finalAttempt);
      continue;
    }
    // Recorded as sent before the call: after a crash we know to ask the upstream, not guess.
    await markOrderLinesSubmitted(db, { lineIds: open.map((line) => line.id) });
    let provider: ProviderId | undefined;
    let result: OrderResult;
    try {
      const { adapter, connection } = await getConnectionAdapter(first.connectionId);
      provider = connection.provider as ProviderId;
      // The trunk group is the portal's; it is pushed and the numbers routed once they are ours (below).
      const request = { numbers: open.map((line) => line.e164), idempotencyKey: upstreamKey(order, group.key), holdRef: first.holdRef ?? undefined };
      const numbers = requireCapability(adapter, 'numbers');
      const resumed = open.some((line) => line.status === 'submitted') ? await numbers.getOrder({ idempotencyKey: request.idempotencyKey, numbers: request.numbers }) : null;
      const settledByLookup = resumed && resumed.lines.every((line) => line.status !== 'pending') && resumed.lines.length >= open.length;
      result = settledByLookup ? resumed : await numbers.order(request);
    } catch (error) {
      const name = provider ? PROVIDER_NAMES[provider] : 'The upstream';
      log.warn('numbers.order_group_failed', { orderId, connectionId: first.connectionId, error });
      // A refusal is final for the group. Anything else (a timeout, 5xx, 429, garbage, or our own
      // database failing inside the adapter after the upstream bought) is retried later under the same key.
      const definite = isProviderError(error) && ['invalid', 'conflict', 'not_found', 'auth', 'unsupported'].includes(error.providerKind);
      if (definite || finalAttempt) {
        const refused = translateRefusal(error, 'number_order', { carrier: 'the carrier' });
        if (refused.staffTask === 'credentials') {
          await openStaffTask(db, { accountId: null, kind: 'credentials', subject: { type: 'provider_connection', id: first.connectionId }, connectionId: first.connectionId, title: `${name} rejects the connection's credentials`, detail: refused.staffDetail });
        }
        for (const line of open) {
          await failLine(db, line, definite ? refused.customer : 'The carrier could not complete the order; nothing was charged for this number.', `${name}: ${refused.staffDetail}`);
          // Sent without an answer: the upstream may have bought it all the same.
          if (!definite) await openCheckAtCarrierTask(db, order, line, `${name} never confirmed the order (${refused.staffDetail}).`);
        }
      }
      continue;
    }
    try {
      await applyResult(db, order, open, result, finalAttempt);
    } catch (error) {
      // The upstream has answered: what it bought is ours to record. A local fault (a connection reset,
      // a statement timeout) leaves the lines submitted, and the next run reads the order back under its key.
      log.error('numbers.order_result_unrecorded', { orderId, connectionId: first.connectionId, error });
    }
  }
  const settled = await settleOrder(db, order.id);
  if (settled.status !== 'in_progress') {
    const bought = await getNumbersBoughtByOrder(db, { orderId: order.id });
    if (order.e911AddressRef) await registerOrderE911(order, bought);
    if (order.trunkGroupRef) await routeOrderToTrunkGroup(db, settled, bought);
  }
  return settled;
}

/** The account of the order, or the ancestor of it, that is suspended now. */
async function suspendedAccountOf(db: Db, accountId: string): Promise<Account | undefined> {
  const account = await getAccountById(db, { accountId });
  if (!account) return undefined;
  return (await getAccountsOnPath(db, { path: account.path })).find((candidate) => candidate.status === 'suspended');
}

/**
 * Why lines on this connection that were never sent must not be sent now. A suspended account buys
 * nothing new: its unsent lines fail uncharged rather than wait, since a waiting line keeps its number
 * from every other customer for as long as the suspension lasts and the carrier's hold lapses anyway.
 */
async function whyNotSent(db: Db, connectionId: string, suspended: Account | undefined): Promise<{ reason: string; detail: string } | undefined> {
  if (suspended) {
    return {
      reason: `Not bought: ${suspended.name} is suspended, so this number was not ordered from the carrier and nothing was charged. Once the account is active again, search for a number and order it again.`,
      detail: `Not sent: account ${suspended.name} (${suspended.id}) was suspended before the line was sent.`,
    };
  }
  const connection = await getProviderConnectionById(db, { connectionId });
  if (!connection || connection.enabled) return undefined;
  return {
    reason: 'Not bought: the carrier that offered this number is not available now, so it was not ordered and nothing was charged. Search again for another number.',
    detail: `Not sent: connection “${connection.name}” (${PROVIDER_NAMES[connection.provider as ProviderId] ?? connection.provider}) was disabled before the line was sent.`,
  };
}

/**
 * Lines already sent on a connection that may take no new work: the carrier is asked what it did
 * under the order's key, never sent the order again (a line marked sent may never have reached it).
 * What it bought is the account's and charged; without an answer a line stays sent until the order
 * is given up on, which fails it uncharged and asks staff to check the carrier.
 */
async function followUpSent(db: Db, order: NumberOrder, groupKey: string, lines: NumberOrderLine[], finalAttempt: boolean) {
  const first = lines[0]!;
  let result: OrderResult | null = null;
  try {
    const { adapter } = await getConnectionAdapter(first.connectionId);
    result = await requireCapability(adapter, 'numbers').getOrder({ idempotencyKey: upstreamKey(order, groupKey), numbers: lines.map((line) => line.e164) });
  } catch (error) {
    log.warn('numbers.order_lookup_failed', { orderId: order.id, connectionId: first.connectionId, error });
  }
  try {
    await applyResult(db, order, lines, result ?? { lines: [] }, finalAttempt);
  } catch (error) {
    log.error('numbers.order_result_unrecorded', { orderId: order.id, connectionId: first.connectionId, error });
  }
}

/** The emergency address chosen at checkout is registered on the numbers bought, each on its own upstream. */
async function registerOrderE911(order: NumberOrder, bought: BoughtNumber[]) {
  try {
    if (bought.length === 0) return;
    await registerE911ForNewNumbers({ accountId: order.accountId, addressId: order.e911AddressRef!, numberIds: bought.map((number) => number.id) });
  } catch (error) {
    log.warn('numbers.order_e911_failed', { orderId: order.id, error });
  }
}

/**
 * The numbers bought join the trunk group chosen at checkout: the group is pushed, they are routed.
 * Where the account requires a registered emergency address, a number whose registration failed
 * leaves the group unrouted, as routing it later would be refused.
 */
async function routeOrderToTrunkGroup(db: Db, order: NumberOrder, bought: BoughtNumber[]) {
  try {
    if (bought.length === 0) return;
    const account = await getAccountById(db, { accountId: order.accountId });
    const required = account ? await e911RequiredForRouting(db, account) : undefined;
    const fresh = required ? await getNumbersBoughtByOrder(db, { orderId: order.id }) : bought;
    const unregistered = required ? fresh.filter((number) => number.e911Status !== 'registered') : [];
    if (unregistered.length > 0) {
      await setTrunkGroupOfNumbers(db, { numberIds: unregistered.map((number) => number.id), trunkGroupId: null });
    }
    const routed = fresh.filter((number) => !unregistered.includes(number));
    if (routed.length === 0) return;
    await syncTrunkGroup(order.trunkGroupRef!);
    const group = await getTrunkGroupByIdUnscoped(db, { trunkGroupId: order.trunkGroupRef! });
    await routeNumbersUpstream(db, routed, group?.status === 'active' ? order.trunkGroupRef! : null);
  } catch (error) {
    log.warn('numbers.order_trunk_routing_failed', { orderId: order.id, error });
  }
}

async function settleOrder(db: Db, orderId: string): Promise<NumberOrder> {
  const lines = await getOrderLinesByOrder(db, { orderId });
  const open = lines.some((line) => line.status === 'pending' || line.status === 'submitted');
  const active = lines.filter((line) => line.status === 'active').length;
  const status = open ? 'in_progress' : active === lines.length ? 'completed' : active === 0 ? 'failed' : 'partial';
  if (status === 'in_progress') return (await setOrderStatus(db, { orderId, status, completedAt: null }))!;
  const settled = await db.transaction(async (tx) => {
    const row = (await setOrderStatus(tx, { orderId, status, completedAt: new Date() }))!;
    await publishAccountEvent(tx, {
      accountId: row.accountId,
      type: 'order.completed',
      data: { orderId, status, activated: lines.filter((line) => line.status === 'active').map((line) => line.e164), failed: lines.filter((line) => line.status === 'failed').map((line) => line.e164) },
    });
    return row;
  });
  dispatchAccountEventsSoon();
  return settled;
}

/** Job, and start-up: drives every order a crash or a fault left unsettled (one of a suspended account only follows up what was sent). */
export async function reconcileOrders(now = new Date()): Promise<{ orderId: string; status: NumberOrder['status'] }[]> {
  const db = await getDb();
  const outcomes: { orderId: string; status: NumberOrder['status'] }[] = [];
  for (const order of await getUnsettledOrders(db)) {
    try {
      const settled = await executeOrder(order.id, { now });
      outcomes.push({ orderId: order.id, status: settled.status });
    } catch (error) {
      log.error('numbers.reconcile_failed', { orderId: order.id, error });
    }
  }
  return outcomes;
}

export interface OrderView {
  order: NumberOrder;
  lines: (NumberOrderLine & {
    /** What the ledger charged for this line; undefined when nothing was. */
    charged?: string;
    /** The line's number is live in this order's account now. */
    owned: boolean;
    e911?: { status: E911Status; detail?: string };
    /** Why the number came from its upstream; the upstream itself for staff only. */
    why: ChoiceView;
  })[];
  /** From the ledger, never from line statuses; null for roles that do not read billing. */
  charged: string | null;
  /** Set when an emergency address was chosen at checkout. */
  e911Address?: { id: string; label: string };
}

/** Technical and money roles may open an order; charges are only for roles that read billing. */
export async function getOrderView(access: AccountAccess, orderId: string): Promise<OrderView> {
  if (!can(access, 'technical.read') && !can(access, 'billing.read')) throw new AppError('forbidden:role');
  const withCharges = can(access, 'billing.read');
  const db = await getDb();
  const order = await getOrderByIdInScope(db, { orderId, scope: orderScopeOf(access) });
  if (!order) throw new AppError('not_found:order');
  const [lines, bought, charges, address] = await Promise.all([
    getOrderLinesByOrder(db, { orderId }),
    getNumbersBoughtByOrder(db, { orderId }),
    getChargesByOrder(db, { orderId }),
    order.e911AddressRef ? getE911AddressById(db, { addressId: order.e911AddressRef, accountId: order.accountId }) : Promise.resolve(undefined),
  ]);
  const boughtByLine = new Map(bought.filter((number) => number.accountId === order.accountId).map((number) => [number.orderLineId, number]));
  const staff = access.user.isOperatorStaff;
  const why = await describeLines(db, lines, { staff });
  const charged = withCharges ? sumAmounts([...charges.values()]) : null;
  return {
    order,
    lines: lines.map((line, index) => {
      const number = boughtByLine.get(line.id);
      // The carrier's own words on a refused line are for operator staff; customers read `reason`.
      const base = { ...line, reasonDetail: staff ? line.reasonDetail : null, charged: withCharges ? charges.get(line.id) : undefined, owned: Boolean(number), why: why[index]! };
      if (!number || !order.e911AddressRef) return base;
      const status = e911StatusOf(number.e911Status);
      return { ...base, e911: { status, detail: e911DetailFor(status, number.e911Detail, staff) } };
    }),
    charged,
    e911Address: address ? { id: address.id, label: formatE911Address(address) } : undefined,
  };
}

// ---------- order history ----------

/** Whose orders a user sees: the same rule as My numbers (admins and owners the subtree, everyone else the account). */
export function orderScopeOf(access: AccountAccess): OrderScope {
  return numberScopeOf(access);
}

export interface OrderHistoryLine {
  id: string;
  e164: string;
  status: 'pending' | 'submitted' | 'active' | 'failed';
  reason: string | null;
  /** The live number's page, when the viewer reaches it. */
  numberId: string | null;
  /** What the ledger charged: only for roles that read billing. */
  charged?: string;
}

export interface OrderHistoryRow extends OrderListRow {
  /** The first lines by number; the order's page has them all. */
  lines: OrderHistoryLine[];
  /** From the ledger: only for roles that read billing. */
  charged?: string;
}

export interface OrderHistory {
  rows: OrderHistoryRow[];
  total: number;
  page: number;
  pageSize: number;
  /** The subtree's orders are listed (an account column is useful). */
  showAccount: boolean;
  /** Charges are shown: the viewer reads billing. */
  showCharges: boolean;
  /** A number's page reads technical data. */
  linkNumbers: boolean;
}

/**
 * Orders of the account (and of its subtree for admins and owners), one page, filtered and sorted in
 * SQL. Roles that read technical data or billing see it; charges are read only for billing roles.
 */
export async function listOrders(access: AccountAccess, query: Pick<OrderHistoryQuery, 'filter' | 'view'>): Promise<OrderHistory> {
  if (!can(access, 'technical.read') && !can(access, 'billing.read')) throw new AppError('forbidden:role');
  const db = await getDb();
  const scope = orderScopeOf(access);
  const withCharges = can(access, 'billing.read');
  const { status, q } = query.filter;
  const filter = { status, digits: q, ...placedRangeOf(query.filter) };
  const { sort, dir, page } = query.view;
  const [orders, total] = await Promise.all([
    getOrdersByAccountScope(db, { scope, filter, sort, dir, limit: ORDER_PAGE_SIZE, offset: (page - 1) * ORDER_PAGE_SIZE, withCharges }),
    countOrdersByAccountScope(db, { scope, filter }),
  ]);
  const lines = await getOrderLinesByOrders(db, { orderIds: orders.map((order) => order.id), perOrder: ORDER_LINES_SHOWN, viewerPath: access.account.path, withCharges });
  const linesByOrder = new Map<string, OrderHistoryLine[]>();
  for (const line of lines) {
    const { orderId, charged, ...rest } = line;
    linesByOrder.set(orderId, [...(linesByOrder.get(orderId) ?? []), { ...rest, ...(withCharges ? { charged: charged ?? undefined } : {}) }]);
  }
  return {
    rows: orders.map(({ charged, ...order }) => ({ ...order, lines: linesByOrder.get(order.id) ?? [], ...(withCharges ? { charged: charged ?? '0' } : {}) })),
    total,
    page,
    pageSize: ORDER_PAGE_SIZE,
    showAccount: scope.subtree,
    showCharges: withCharges,
    linkNumbers: can(access, 'technical.read'),
  };
}

export interface OrderPage {
  rows: (OrderListRow & { position: { at: string; id: string } })[];
  showCharges: boolean;
}

/** The API's order list: newest first, the next `limit + 1` after `before`, with order history's scope and rights. */
export async function listOrdersAfter(access: AccountAccess, { status, before, limit }: { status?: NumberOrder['status']; before?: { at: string; id: string }; limit: number }): Promise<OrderPage> {
  if (!can(access, 'technical.read') && !can(access, 'billing.read')) throw new AppError('forbidden:role');
  const withCharges = can(access, 'billing.read');
  const rows = await getOrdersByAccountScopeBefore(await getDb(), { scope: orderScopeOf(access), filter: { status }, before, limit: limit + 1, withCharges });
  return { rows, showCharges: withCharges };
}

/** Whether the order's page opens for this viewer (the number page links its order only then). */
export async function isOrderVisible(access: AccountAccess, orderId: string): Promise<boolean> {
  if (!can(access, 'technical.read')) return false;
  return Boolean(await getOrderByIdInScope(await getDb(), { orderId, scope: orderScopeOf(access) }));
}
