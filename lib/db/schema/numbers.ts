import 'server-only';
import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, numeric, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { accounts } from './accounts';
import { apiKeys } from './api';
import { e911Addresses } from './e911';
import { portIns } from './port-ins';
import { providerConnections } from './providers';
import { trunkGroups } from './trunk-groups';
import { users } from './users';

export const numberKind = pgEnum('number_kind', ['local', 'tollfree']);

/** What decided between the upstreams offering one number, best criterion first (see lib/services/upstream-choice.ts). */
export type UpstreamChoiceCriterion = 'e911' | 'trunk_groups' | 'reliability' | 'price';

/** The stored reason a cart or order line's number came from its upstream. */
export interface UpstreamChoiceRecord {
  /** The first criterion on which the chosen upstream beat the runner-up; `only_offer` when no other offered it. */
  decidedBy: UpstreamChoiceCriterion | 'only_offer' | 'tie';
  offers: number;
  e911: boolean;
  /** The account's active trunk groups when it searched, and whether this upstream can carry each. */
  trunkGroups: { id: string; name: string; fits: boolean }[];
  reliable: boolean;
  /** The lowest known cost of the upstreams that offered it (with more than one offer). */
  lowestPrice: boolean;
  /** Staff only: what the chosen upstream charges us a month, where known. */
  cost: string | null;
  /** Staff only: the upstreams passed over, best first, with the criterion each lost on. */
  passedOver: { connectionId: string; provider: string; cost: string | null; lostOn: UpstreamChoiceCriterion | 'tie' }[];
}

/**
 * Sell prices by number type, optionally narrowed to a state or an NPA (the most specific row
 * wins). Money is numeric, never float.
 */
export const numberPrices = pgTable(
  'number_prices',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: numberKind('kind').notNull(),
    state: text('state'),
    npa: text('npa'),
    monthly: numeric('monthly', { precision: 10, scale: 4 }).notNull(),
    setup: numeric('setup', { precision: 10, scale: 4 }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex('number_prices_scope_key').on(table.kind, sql`coalesce(${table.state}, '')`, sql`coalesce(${table.npa}, '')`)],
);

/** What an upstream charges us per number type, where its API does not say (staff see the margin). */
export const providerNumberCosts = pgTable(
  'provider_number_costs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    connectionId: uuid('connection_id')
      .notNull()
      .references(() => providerConnections.id, { onDelete: 'cascade' }),
    kind: numberKind('kind').notNull(),
    monthly: numeric('monthly', { precision: 10, scale: 4 }).notNull(),
    setup: numeric('setup', { precision: 10, scale: 4 }).notNull(),
  },
  (table) => [uniqueIndex('provider_number_costs_key').on(table.connectionId, table.kind)],
);

/** One fanned-out search, kept briefly so paging and sorting never call the upstreams again. */
export const numberSearches = pgTable(
  'number_searches',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    queryKey: text('query_key').notNull(),
    query: jsonb('query').notNull(),
    results: jsonb('results').notNull(),
    providers: jsonb('providers').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (table) => [index('number_searches_lookup_idx').on(table.accountId, table.queryKey, table.expiresAt)],
);

/** A user's cart in one account: it lives in the database, so it survives sign-out and spans tabs. */
export const carts = pgTable(
  'carts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    /** The cart's owner: a signed-in user, or an API key (exactly one of the two). */
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    apiKeyId: uuid('api_key_id').references((): AnyPgColumn => apiKeys.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('carts_account_user_key').on(table.accountId, table.userId),
    uniqueIndex('carts_account_api_key_key').on(table.accountId, table.apiKeyId),
    check('carts_one_owner', sql`num_nonnulls(${table.userId}, ${table.apiKeyId}) = 1`),
  ],
);

export const cartItems = pgTable(
  'cart_items',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    cartId: uuid('cart_id')
      .notNull()
      .references(() => carts.id, { onDelete: 'cascade' }),
    e164: text('e164').notNull(),
    kind: numberKind('kind').notNull(),
    state: text('state'),
    rateCenter: text('rate_center'),
    connectionId: uuid('connection_id')
      .notNull()
      .references(() => providerConnections.id),
    providerRef: text('provider_ref'),
    /** Set where the upstream holds numbers (VITCOM's reserve). */
    holdRef: text('hold_ref'),
    holdExpiresAt: timestamp('hold_expires_at', { withTimezone: true }),
    monthly: numeric('monthly', { precision: 10, scale: 4 }).notNull(),
    setup: numeric('setup', { precision: 10, scale: 4 }).notNull(),
    /** Why this upstream sells the number (lib/services/upstream-choice.ts); null for lines older than the ranking. */
    choice: jsonb('choice').$type<UpstreamChoiceRecord>(),
    addedAt: timestamp('added_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex('cart_items_cart_number_key').on(table.cartId, table.e164), index('cart_items_hold_expiry_idx').on(table.holdExpiresAt)],
);

export const orderStatus = pgEnum('order_status', ['pending', 'in_progress', 'completed', 'partial', 'failed']);
export const orderLineStatus = pgEnum('order_line_status', ['pending', 'submitted', 'active', 'failed']);

/** Recorded before any upstream call; the idempotency key makes a double submit the same order. */
export const numberOrders = pgTable(
  'number_orders',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    /** Set when a program placed the order with an API key. */
    apiKeyId: uuid('api_key_id').references((): AnyPgColumn => apiKeys.id, { onDelete: 'set null' }),
    idempotencyKey: text('idempotency_key').notNull(),
    status: orderStatus('status').notNull().default('pending'),
    /** Where the bought numbers are routed; the order keeps its history if the group is deleted. */
    trunkGroupRef: uuid('trunk_group_ref').references(() => trunkGroups.id, { onDelete: 'set null' }),
    e911AddressRef: uuid('e911_address_ref').references(() => e911Addresses.id, { onDelete: 'set null' }),
    totalMonthly: numeric('total_monthly', { precision: 12, scale: 4 }).notNull(),
    totalSetup: numeric('total_setup', { precision: 12, scale: 4 }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    /** While set and in the future, one process is driving this order; others leave it alone. */
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
  },
  (table) => [uniqueIndex('number_orders_idempotency_key').on(table.accountId, table.idempotencyKey), index('number_orders_status_idx').on(table.status)],
);

export const numberOrderLines = pgTable(
  'number_order_lines',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => numberOrders.id, { onDelete: 'cascade' }),
    e164: text('e164').notNull(),
    kind: numberKind('kind').notNull(),
    state: text('state'),
    rateCenter: text('rate_center'),
    connectionId: uuid('connection_id')
      .notNull()
      .references(() => providerConnections.id),
    providerRef: text('provider_ref'),
    holdRef: text('hold_ref'),
    status: orderLineStatus('status').notNull().default('pending'),
    /** Why the line failed, as the customer reads it. */
    reason: text('reason'),
    /** The carrier's own words for a refusal: staff only. */
    reasonDetail: text('reason_detail'),
    upstreamOrderId: text('upstream_order_id'),
    monthly: numeric('monthly', { precision: 10, scale: 4 }).notNull(),
    setup: numeric('setup', { precision: 10, scale: 4 }).notNull(),
    /** Copied from the cart line: why the number came from this upstream, as it stood at checkout. */
    choice: jsonb('choice').$type<UpstreamChoiceRecord>(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex('number_order_lines_order_number_key').on(table.orderId, table.e164), index('number_order_lines_status_idx').on(table.status)],
);

export const phoneNumberStatus = pgEnum('phone_number_status', ['active', 'released', 'missing_upstream']);
export const e911RegistrationStatus = pgEnum('e911_registration_status', ['none', 'pending', 'registered', 'failed', 'unsupported']);

/** The account's numbers: the cache pages read, refreshed from the upstreams by a job. */
export const phoneNumbers = pgTable(
  'phone_numbers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id),
    e164: text('e164').notNull(),
    kind: numberKind('kind').notNull(),
    state: text('state'),
    npa: text('npa').notNull(),
    rateCenter: text('rate_center'),
    connectionId: uuid('connection_id')
      .notNull()
      .references(() => providerConnections.id),
    status: phoneNumberStatus('status').notNull().default('active'),
    /** Released numbers may still name a deleted group or address: those references are cleared, not blocking. */
    trunkGroupRef: uuid('trunk_group_ref').references(() => trunkGroups.id, { onDelete: 'set null' }),
    e911Status: e911RegistrationStatus('e911_status').notNull().default('none'),
    e911AddressId: uuid('e911_address_id').references(() => e911Addresses.id, { onDelete: 'set null' }),
    /** Why registration failed, as the customer reads it (lib/services/upstream-refusals.ts). */
    e911Detail: text('e911_detail'),
    /** The carrier's own words for that failure: staff only. */
    e911UpstreamDetail: text('e911_upstream_detail'),
    /** When the registration status last changed: a number left pending long after this is driven again. */
    e911UpdatedAt: timestamp('e911_updated_at', { withTimezone: true }),
    /** Set while the number's carrier refuses to point it at its trunk group (the group itself may be applied there). */
    routingRefusedAt: timestamp('routing_refused_at', { withTimezone: true }),
    /** That refusal as the customer reads it (lib/services/upstream-refusals.ts). */
    routingRefusal: text('routing_refusal'),
    /** The carrier's own words for it: staff only. */
    routingRefusalDetail: text('routing_refusal_detail'),
    monthly: numeric('monthly', { precision: 10, scale: 4 }).notNull(),
    orderLineId: uuid('order_line_id').references(() => numberOrderLines.id),
    /** The port-in that brought the number to us, for numbers won by porting rather than ordered. */
    portInId: uuid('port_in_id').references((): AnyPgColumn => portIns.id, { onDelete: 'set null' }),
    activatedAt: timestamp('activated_at', { withTimezone: true }).notNull().defaultNow(),
    /** Released numbers stay billed to the end of the period they were released in. */
    releasedAt: timestamp('released_at', { withTimezone: true }),
    billedUntil: timestamp('billed_until', { withTimezone: true }),
    lastSeenUpstreamAt: timestamp('last_seen_upstream_at', { withTimezone: true }),
  },
  (table) => [
    // One live holder per number; released rows keep their history.
    uniqueIndex('phone_numbers_live_e164_key').on(table.e164).where(sql`${table.status} <> 'released'`),
    // Who held a number when a call was made (CDR attribution reads past holdings too).
    index('phone_numbers_released_e164_idx').on(table.e164).where(sql`${table.status} = 'released'`),
    index('phone_numbers_account_e164_idx').on(table.accountId, table.e164),
    index('phone_numbers_account_state_idx').on(table.accountId, table.state, table.e164),
    index('phone_numbers_account_npa_idx').on(table.accountId, table.npa, table.e164),
    // The My numbers table sorts and filters on these within an account of up to ~50k numbers.
    index('phone_numbers_account_status_idx').on(table.accountId, table.status, table.e164),
    index('phone_numbers_account_activated_idx').on(table.accountId, table.activatedAt),
    index('phone_numbers_account_monthly_idx').on(table.accountId, table.monthly, table.e164),
    index('phone_numbers_connection_idx').on(table.connectionId),
    // E911 coverage (dashboard, My numbers, /e911) counts an account's live numbers by status from the index alone.
    index('phone_numbers_account_e911_idx').on(table.accountId, table.e911Status).where(sql`${table.status} <> 'released'`),
    // Routing state (dashboard alert, a trunk group's banner) groups an account's routed numbers by (group, upstream).
    index('phone_numbers_account_trunk_idx').on(table.accountId, table.trunkGroupRef, table.connectionId).where(sql`${table.status} <> 'released' and ${table.trunkGroupRef} is not null`),
  ],
);

/**
 * Each account's live numbers and those of them without a registered emergency address, kept by
 * statement triggers on `phone_numbers` (migration 0012), so the dashboard and My numbers read a
 * few counters instead of counting an inventory of 50,000 numbers on every request.
 */
export const accountNumberCounts = pgTable('account_number_counts', {
  accountId: uuid('account_id')
    .primaryKey()
    .references(() => accounts.id, { onDelete: 'cascade' }),
  live: integer('live').notNull().default(0),
  liveWithoutE911: integer('live_without_e911').notNull().default(0),
});

/**
 * Each account's live numbers on a trunk group, by (group, upstream connection), and how many of
 * them that upstream refused to route, kept by statement triggers on `phone_numbers` (migration
 * 0020): whether numbers are routed as configured depends on the (group, connection) pair, so the
 * dashboard's alert reads these few rows instead of every routed number.
 */
export const trunkNumberCounts = pgTable(
  'trunk_number_counts',
  {
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    trunkGroupId: uuid('trunk_group_id').notNull(),
    connectionId: uuid('connection_id').notNull(),
    live: integer('live').notNull().default(0),
    refused: integer('refused').notNull().default(0),
  },
  (table) => [primaryKey({ columns: [table.accountId, table.trunkGroupId, table.connectionId] })],
);

export const ledgerEntryKind = pgEnum('ledger_entry_kind', ['payment', 'charge', 'credit', 'invoice', 'adjustment', 'credit_note', 'reversal']);

/**
 * Money on the billing (master) account: payments and credits positive, charges negative. A
 * charge for an order line is unique, so a line is never charged twice.
 */
export const accountLedger = pgTable(
  'account_ledger',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    billingAccountId: uuid('billing_account_id')
      .notNull()
      .references(() => accounts.id),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id),
    kind: ledgerEntryKind('kind').notNull(),
    amount: numeric('amount', { precision: 12, scale: 4 }).notNull(),
    description: text('description').notNull(),
    orderLineId: uuid('order_line_id').references(() => numberOrderLines.id),
    /** A reversal names the entry it cancels (at most once); entries never change (trigger, migration 0028). */
    reversesId: uuid('reverses_id').references((): AnyPgColumn => accountLedger.id),
    /** The invoice whose charges this entry posted, or on which a credit was shown (no foreign key: invoices name their entry). */
    invoiceId: uuid('invoice_id'),
    disputeId: uuid('dispute_id'),
    /** A payment's reference (wire or cheque number); no card data is ever kept. */
    reference: text('reference'),
    /** The form a person submitted it from (minted when the form rendered): a second submit of that form records nothing. */
    requestKey: text('request_key'),
    createdByUserId: uuid('created_by_user_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('account_ledger_order_line_key').on(table.orderLineId),
    uniqueIndex('account_ledger_request_key').on(table.billingAccountId, table.requestKey).where(sql`${table.requestKey} IS NOT NULL`),
    index('account_ledger_billing_idx').on(table.billingAccountId, table.createdAt),
    uniqueIndex('account_ledger_reverses_key').on(table.reversesId).where(sql`${table.reversesId} IS NOT NULL`),
  ],
);

export type PhoneNumber = typeof phoneNumbers.$inferSelect;
export type NumberOrder = typeof numberOrders.$inferSelect;
export type NumberOrderLine = typeof numberOrderLines.$inferSelect;
export type CartItem = typeof cartItems.$inferSelect;
export type NumberPrice = typeof numberPrices.$inferSelect;

