import 'server-only';

/**
 * The carrier's price list, kept by operator staff: sell prices by number type (a default per type,
 * overridden per state or NPA) and what each upstream connection charges, so staff see the margin.
 * Customers never reach this module; they only see the sell price findPrice picks for a number.
 */
import type { SessionUser } from '@/lib/auth/access';
import { getDb, type Tx } from '@/lib/db/client';
import {
  deleteNumberPrice,
  deleteProviderNumberCost,
  getNumberPriceByIdForUpdate,
  getNumberPriceByScope,
  getNumberPrices,
  getProviderNumberCost,
  getProviderNumberCosts,
  insertNumberPriceIfMissing,
  updateNumberPriceAmounts,
  upsertProviderNumberCost,
} from '@/lib/db/queries/prices';
import { getProviderConnectionById, getProviderConnections } from '@/lib/db/queries/providers';
import type { NumberPrice } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { PROVIDER_NAMES } from '@/lib/providers/errors';
import type { NumberKind, ProviderId } from '@/lib/providers/types';
import {
  clearConnectionCostSchema,
  NUMBER_KINDS,
  saveOverrideSchema,
  setConnectionCostSchema,
  setDefaultPriceSchema,
  type PricePreviewInput,
  type SaveOverrideInput,
  type SetConnectionCostInput,
  type SetDefaultPriceInput,
} from '@/lib/validations/prices';
import { recordPlatformAudit } from './audit';
import { findPrice, fromUnits, toUnits } from './pricing';
import { assertStaff } from './providers';

export type PriceScope = 'default' | 'state' | 'npa';

export interface Amounts {
  monthly: string;
  setup: string;
}

/** A margin in money (4 places) and as a share of the price, in tenths of a percent; no float involved. */
export interface MarginFigure {
  amount: string;
  /** "60.0"; null when the price is 0 (a share of nothing). */
  percent: string | null;
}

export interface ConnectionMargin {
  connectionId: string;
  /** null: no cost on file for this connection and number type. */
  cost: Amounts | null;
  margin: { monthly: MarginFigure; setup: MarginFigure } | null;
}

export interface PriceRowView extends Amounts {
  id: string;
  kind: NumberKind;
  scope: PriceScope;
  state: string | null;
  npa: string | null;
  updatedAt: Date;
  margins: ConnectionMargin[];
}

export interface ConnectionSummary {
  id: string;
  name: string;
  providerName: string;
  enabled: boolean;
}

export interface ConnectionCostView extends Amounts {
  connectionId: string;
  kind: NumberKind;
}

export interface PriceListView {
  rows: PriceRowView[];
  /** Every connection, for the cost form; the margin columns use the enabled ones. */
  connections: ConnectionSummary[];
  enabledConnections: ConnectionSummary[];
  costs: ConnectionCostView[];
  /** Number types without a default: numbers of that type that match no override cannot be sold. */
  missingDefaults: NumberKind[];
}

/** (a × b) / c rounded half away from zero, in integers. */
function roundedDivision(numerator: bigint, denominator: bigint): bigint {
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const quotient = (2n * n + d) / (2n * d);
  return negative ? -quotient : quotient;
}

/** Price − cost, exactly, and its share of the price to a tenth of a percent. */
export function marginOf(price: string, cost: string): MarginFigure {
  const priceUnits = toUnits(price);
  const marginUnits = priceUnits - toUnits(cost);
  if (priceUnits === 0) return { amount: fromUnits(marginUnits, 4), percent: null };
  const tenths = roundedDivision(BigInt(marginUnits) * 1000n, BigInt(priceUnits));
  const absolute = tenths < 0n ? -tenths : tenths;
  return { amount: fromUnits(marginUnits, 4), percent: `${tenths < 0n ? '-' : ''}${absolute / 10n}.${absolute % 10n}` };
}

export function scopeOf(row: Pick<NumberPrice, 'state' | 'npa'>): PriceScope {
  if (row.npa) return 'npa';
  if (row.state) return 'state';
  return 'default';
}

const SCOPE_ORDER: Record<PriceScope, number> = { default: 0, state: 1, npa: 2 };

function snapshot(row: Pick<NumberPrice, 'kind' | 'state' | 'npa' | 'monthly' | 'setup'>) {
  return { kind: row.kind, state: row.state, npa: row.npa, monthly: row.monthly, setup: row.setup };
}

function summaryOf(connection: { id: string; name: string; provider: string; enabled: boolean }): ConnectionSummary {
  return { id: connection.id, name: connection.name, providerName: PROVIDER_NAMES[connection.provider as ProviderId] ?? connection.provider, enabled: connection.enabled };
}

export async function getPriceList(user: SessionUser): Promise<PriceListView> {
  assertStaff(user);
  const db = await getDb();
  const [prices, costRows, connectionRows] = await Promise.all([getNumberPrices(db), getProviderNumberCosts(db), getProviderConnections(db)]);
  const connections = connectionRows.map(summaryOf);
  const enabledConnections = connections.filter((connection) => connection.enabled);
  const order = new Map(connections.map((connection, index) => [connection.id, index]));
  const costs: ConnectionCostView[] = costRows
    .map((row) => ({ connectionId: row.connectionId, kind: row.kind, monthly: row.monthly, setup: row.setup }))
    .sort((a, b) => (order.get(a.connectionId) ?? 0) - (order.get(b.connectionId) ?? 0) || NUMBER_KINDS.indexOf(a.kind) - NUMBER_KINDS.indexOf(b.kind));

  const rows = prices
    .map((row): PriceRowView => ({
      id: row.id,
      kind: row.kind,
      scope: scopeOf(row),
      state: row.state,
      npa: row.npa,
      monthly: row.monthly,
      setup: row.setup,
      updatedAt: row.updatedAt,
      margins: enabledConnections.map((connection) => {
        const cost = costs.find((entry) => entry.connectionId === connection.id && entry.kind === row.kind);
        if (!cost) return { connectionId: connection.id, cost: null, margin: null };
        return {
          connectionId: connection.id,
          cost: { monthly: cost.monthly, setup: cost.setup },
          margin: { monthly: marginOf(row.monthly, cost.monthly), setup: marginOf(row.setup, cost.setup) },
        };
      }),
    }))
    .sort(
      (a, b) =>
        NUMBER_KINDS.indexOf(a.kind) - NUMBER_KINDS.indexOf(b.kind) ||
        SCOPE_ORDER[a.scope] - SCOPE_ORDER[b.scope] ||
        (a.state ?? '').localeCompare(b.state ?? '') ||
        (a.npa ?? '').localeCompare(b.npa ?? ''),
    );
  const missingDefaults = NUMBER_KINDS.filter((kind) => !rows.some((row) => row.kind === kind && row.scope === 'default'));
  return { rows, connections, enabledConnections, costs, missingDefaults };
}

export interface PricePreview {
  /** The row that prices such a number, or undefined when none does (the number cannot be sold). */
  row?: Pick<PriceRowView, 'id' | 'kind' | 'scope' | 'state' | 'npa' | 'monthly' | 'setup'>;
}

/**
 * Which row prices a number of this kind, state and NPA. findPrice is the rule customers are
 * charged by; run over the rows' ids, it names the row it picks, so the preview cannot drift from it.
 */
export async function previewPrice(user: SessionUser, input: PricePreviewInput): Promise<PricePreview> {
  assertStaff(user);
  const prices = await getNumberPrices(await getDb());
  const number = { kind: input.kind, state: input.state ?? null, npa: input.npa ?? '' };
  const chosenId = findPrice(
    prices.map((row) => ({ ...row, monthly: row.id, setup: row.id })),
    number,
  )?.monthly;
  const row = prices.find((candidate) => candidate.id === chosenId);
  const price = findPrice(prices, number);
  if (!row || !price) return {};
  return { row: { id: row.id, kind: row.kind, scope: scopeOf(row), state: row.state, npa: row.npa, monthly: price.monthly, setup: price.setup } };
}

/**
 * One row per (kind, state, NPA): an existing row is updated, never duplicated. A concurrent insert
 * of the same scope lands on the unique index and is then updated instead.
 */
async function upsertPrice(tx: Tx, scope: { kind: NumberKind; state: string | null; npa: string | null }, amounts: Amounts) {
  const before = await getNumberPriceByScope(tx, scope);
  if (!before) {
    const inserted = await insertNumberPriceIfMissing(tx, { ...scope, ...amounts });
    if (inserted) return { before: undefined, after: inserted };
  }
  const current = before ?? (await getNumberPriceByScope(tx, scope));
  if (!current) throw new AppError('internal:price_upsert');
  const after = await updateNumberPriceAmounts(tx, { priceId: current.id, ...amounts });
  if (!after) throw new AppError('internal:price_upsert');
  return { before: current, after };
}

export async function saveOverride(user: SessionUser, input: SaveOverrideInput, ip?: string): Promise<{ row: NumberPrice; created: boolean }> {
  assertStaff(user);
  const parsed = saveOverrideSchema.parse(input);
  const scope = { kind: parsed.kind, state: parsed.npa ? null : (parsed.state ?? null), npa: parsed.npa ?? null };
  const db = await getDb();
  return db.transaction(async (tx) => {
    const { before, after } = await upsertPrice(tx, scope, { monthly: parsed.monthly, setup: parsed.setup });
    await recordPlatformAudit(tx, user, {
      action: before ? 'price.override.update' : 'price.override.create',
      targetType: 'number_price',
      targetId: after.id,
      before: before ? snapshot(before) : undefined,
      after: snapshot(after),
      ip,
    });
    return { row: after, created: !before };
  });
}

export async function setDefaultPrice(user: SessionUser, input: SetDefaultPriceInput, ip?: string): Promise<NumberPrice> {
  assertStaff(user);
  const parsed = setDefaultPriceSchema.parse(input);
  const db = await getDb();
  return db.transaction(async (tx) => {
    const { before, after } = await upsertPrice(tx, { kind: parsed.kind, state: null, npa: null }, { monthly: parsed.monthly, setup: parsed.setup });
    await recordPlatformAudit(tx, user, { action: 'price.default.set', targetType: 'number_price', targetId: after.id, before: before ? snapshot(before) : undefined, after: snapshot(after), ip });
    return after;
  });
}

/** Overrides only: a type's default is what every number falls back on, so it is changed, never deleted. */
export async function deleteOverride(user: SessionUser, priceId: string, ip?: string): Promise<NumberPrice> {
  assertStaff(user);
  const db = await getDb();
  return db.transaction(async (tx) => {
    const row = await getNumberPriceByIdForUpdate(tx, { priceId });
    if (!row) throw new AppError('not_found:price', 'That price row no longer exists; reload the page.');
    if (scopeOf(row) === 'default') throw new AppError('invalid:price_default', 'The default price of a number type cannot be deleted; set a new default instead.');
    await deleteNumberPrice(tx, { priceId: row.id });
    await recordPlatformAudit(tx, user, { action: 'price.override.delete', targetType: 'number_price', targetId: row.id, before: snapshot(row), ip });
    return row;
  });
}

async function requireConnection(tx: Tx, connectionId: string) {
  const connection = await getProviderConnectionById(tx, { connectionId });
  if (!connection) throw new AppError('not_found:connection', 'That provider connection no longer exists; reload the page.');
  return connection;
}

export async function setConnectionCost(user: SessionUser, input: SetConnectionCostInput, ip?: string): Promise<ConnectionCostView> {
  assertStaff(user);
  const parsed = setConnectionCostSchema.parse(input);
  const db = await getDb();
  return db.transaction(async (tx) => {
    const connection = await requireConnection(tx, parsed.connectionId);
    const before = await getProviderNumberCost(tx, { connectionId: connection.id, kind: parsed.kind });
    const after = await upsertProviderNumberCost(tx, { connectionId: connection.id, kind: parsed.kind, monthly: parsed.monthly, setup: parsed.setup });
    if (!after) throw new AppError('internal:cost_upsert');
    const view = (row: typeof after) => ({ connectionId: row.connectionId, connectionName: connection.name, kind: row.kind, monthly: row.monthly, setup: row.setup });
    await recordPlatformAudit(tx, user, { action: 'price.cost.set', targetType: 'provider_number_cost', targetId: after.id, before: before ? view(before) : undefined, after: view(after), ip });
    return { connectionId: after.connectionId, kind: after.kind, monthly: after.monthly, setup: after.setup };
  });
}

/** Back to "no cost on file" for this connection and number type. */
export async function clearConnectionCost(user: SessionUser, input: { connectionId: string; kind: NumberKind }, ip?: string): Promise<void> {
  assertStaff(user);
  const parsed = clearConnectionCostSchema.parse(input);
  const db = await getDb();
  await db.transaction(async (tx) => {
    const connection = await requireConnection(tx, parsed.connectionId);
    const removed = await deleteProviderNumberCost(tx, { connectionId: connection.id, kind: parsed.kind });
    if (!removed) throw new AppError('not_found:cost', 'There is no cost on file for that connection and number type.');
    await recordPlatformAudit(tx, user, {
      action: 'price.cost.clear',
      targetType: 'provider_number_cost',
      targetId: removed.id,
      before: { connectionId: removed.connectionId, connectionName: connection.name, kind: removed.kind, monthly: removed.monthly, setup: removed.setup },
      ip,
    });
  });
}
