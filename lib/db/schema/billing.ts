import 'server-only';
import { sql } from 'drizzle-orm';
import { bigint, boolean, check, index, integer, numeric, pgEnum, pgTable, primaryKey, smallint, text, timestamp, unique, uniqueIndex, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { accounts } from './accounts';
import { cdrDirection } from './cdrs';
import { accountLedger } from './numbers';
import { providerConnections } from './providers';
import { users } from './users';

/**
 * Billing (migration 0028, hand-written for its triggers). Amounts on invoices are integer cents;
 * rates and per-call amounts are numeric with six places (lib/billing/money.ts does the arithmetic,
 * never floats). Issued invoices and ledger entries are immutable by trigger.
 */
export const rateDeckPurpose = pgEnum('rate_deck_purpose', ['sell', 'cost']);
export const rateKind = pgEnum('rate_kind', ['termination', 'origination']);
export const invoiceStatus = pgEnum('invoice_status', ['draft', 'issued', 'paid', 'void']);
export const invoiceLineKind = pgEnum('invoice_line_kind', ['termination', 'origination', 'did', 'one_time', 'discount', 'tax', 'credit_note', 'adjustment']);
export const disputeStatus = pgEnum('dispute_status', ['open', 'accepted', 'partially_accepted', 'rejected']);

/** How a billing (master) account is invoiced. Absent: USD, no tax, 15 days, no prepay tier. */
export const billingProfiles = pgTable(
  'billing_profiles',
  {
    accountId: uuid('account_id')
      .primaryKey()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    currency: text('currency').notNull().default('USD'),
    taxName: text('tax_name').notNull().default('Tax'),
    taxRatePercent: numeric('tax_rate_percent', { precision: 7, scale: 4 }).notNull().default('0'),
    paymentTermsDays: integer('payment_terms_days').notNull().default(15),
    /** The prepay tier's discount on usage (VICICarrier: 8 after a payment of $10k+ up front). */
    prepayDiscountPercent: numeric('prepay_discount_percent', { precision: 7, scale: 4 }).notNull().default('0'),
    prepaySince: timestamp('prepay_since', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    check('billing_profiles_currency_check', sql`${table.currency} ~ '^[A-Z]{3}$'`),
    check('billing_profiles_tax_check', sql`${table.taxRatePercent} >= 0 AND ${table.taxRatePercent} < 100`),
    check('billing_profiles_prepay_check', sql`${table.prepayDiscountPercent} >= 0 AND ${table.prepayDiscountPercent} < 100`),
  ],
);

/**
 * A rate deck: `sell` decks price customers' calls (assigned to accounts, inherited down the tree;
 * one may be the default), `cost` decks are what one upstream connection charges us.
 */
export const rateDecks = pgTable(
  'rate_decks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    purpose: rateDeckPurpose('purpose').notNull(),
    currency: text('currency').notNull().default('USD'),
    connectionId: uuid('connection_id').references(() => providerConnections.id, { onDelete: 'restrict' }),
    isDefault: boolean('is_default').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('rate_decks_name_key').on(sql`lower(${table.name})`),
    uniqueIndex('rate_decks_connection_key').on(table.connectionId).where(sql`${table.connectionId} IS NOT NULL`),
    uniqueIndex('rate_decks_default_key').on(table.isDefault).where(sql`${table.isDefault}`),
    check('rate_decks_cost_connection_check', sql`(${table.purpose} = 'cost') = (${table.connectionId} IS NOT NULL)`),
    check('rate_decks_default_check', sql`NOT ${table.isDefault} OR ${table.purpose} = 'sell'`),
  ],
);

/** A version of a deck is immutable; the version with the latest `effective_from` at or before a call's INVITE prices it. */
export const rateDeckVersions = pgTable(
  'rate_deck_versions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    deckId: uuid('deck_id')
      .notNull()
      .references(() => rateDecks.id, { onDelete: 'restrict' }),
    version: integer('version').notNull(),
    effectiveFrom: timestamp('effective_from', { withTimezone: true }).notNull(),
    note: text('note'),
    entryCount: integer('entry_count').notNull().default(0),
    createdByUserId: uuid('created_by_user_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [unique('rate_deck_versions_deck_version_key').on(table.deckId, table.version), index('rate_deck_versions_effective_idx').on(table.deckId, table.effectiveFrom)],
);

/** A price per minute by longest E.164 prefix (digits, no +), with its increments, minimum and connection fee. */
export const rateDeckEntries = pgTable(
  'rate_deck_entries',
  {
    versionId: uuid('version_id')
      .notNull()
      .references(() => rateDeckVersions.id, { onDelete: 'restrict' }),
    kind: rateKind('kind').notNull(),
    prefix: text('prefix').notNull(),
    destination: text('destination').notNull(),
    rate: numeric('rate', { precision: 12, scale: 6 }).notNull(),
    connectionFee: numeric('connection_fee', { precision: 12, scale: 6 }).notNull().default('0'),
    firstIncrement: integer('first_increment').notNull().default(60),
    nextIncrement: integer('next_increment').notNull().default(60),
    minimumDuration: integer('minimum_duration').notNull().default(0),
  },
  (table) => [
    primaryKey({ name: 'rate_deck_entries_pkey', columns: [table.versionId, table.kind, table.prefix] }),
    check('rate_deck_entries_prefix_check', sql`${table.prefix} ~ '^[0-9]{1,15}$'`),
    check('rate_deck_entries_amounts_check', sql`${table.rate} >= 0 AND ${table.connectionFee} >= 0`),
    check('rate_deck_entries_increments_check', sql`${table.firstIncrement} > 0 AND ${table.nextIncrement} > 0 AND ${table.minimumDuration} >= 0`),
  ],
);

/** DID prices by tier of countries (seed 000: Tier A US/CA $5, Tier B MX/BR $10 a month). */
export const rateDeckDidTiers = pgTable(
  'rate_deck_did_tiers',
  {
    versionId: uuid('version_id')
      .notNull()
      .references(() => rateDeckVersions.id, { onDelete: 'restrict' }),
    tier: text('tier').notNull(),
    label: text('label').notNull(),
    /** ISO regions. */
    countries: text('countries').array().notNull(),
    monthly: numeric('monthly', { precision: 12, scale: 4 }).notNull(),
    oneTime: numeric('one_time', { precision: 12, scale: 4 }).notNull().default('0'),
  },
  (table) => [
    primaryKey({ name: 'rate_deck_did_tiers_pkey', columns: [table.versionId, table.tier] }),
    check('rate_deck_did_tiers_amounts_check', sql`${table.monthly} >= 0 AND ${table.oneTime} >= 0`),
  ],
);

/** The sell deck of an account and of every account below it that has none of its own. */
export const rateDeckAssignments = pgTable(
  'rate_deck_assignments',
  {
    accountId: uuid('account_id')
      .primaryKey()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    deckId: uuid('deck_id')
      .notNull()
      .references(() => rateDecks.id, { onDelete: 'restrict' }),
    assignedAt: timestamp('assigned_at', { withTimezone: true }).notNull().defaultNow(),
    assignedByUserId: uuid('assigned_by_user_id').references(() => users.id, { onDelete: 'set null' }),
  },
  (table) => [index('rate_deck_assignments_deck_idx').on(table.deckId)],
);

/**
 * A monthly invoice of a billing account over its subtree. Periods are calendar months (UTC) and one
 * live invoice per month: periods never overlap. Amounts in cents.
 */
export const invoices = pgTable(
  'invoices',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    billingAccountId: uuid('billing_account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'restrict' }),
    /** INV-YYYY-MM-xxxxx (five upper-case hex digits). */
    number: text('number').notNull(),
    status: invoiceStatus('status').notNull().default('draft'),
    currency: text('currency').notNull(),
    periodStart: timestamp('period_start', { withTimezone: true }).notNull(),
    periodEnd: timestamp('period_end', { withTimezone: true }).notNull(),
    /** Usage, DIDs and one-time charges, before discounts. */
    subtotalCents: bigint('subtotal_cents', { mode: 'number' }).notNull().default(0),
    /** Positive: what the discounts take off. */
    discountCents: bigint('discount_cents', { mode: 'number' }).notNull().default(0),
    taxCents: bigint('tax_cents', { mode: 'number' }).notNull().default(0),
    /** Positive: credit notes (accepted disputes) and adjustments in the customer's favour. */
    creditCents: bigint('credit_cents', { mode: 'number' }).notNull().default(0),
    /** subtotal − discount + tax − credit: this invoice's charges for the period. */
    chargesCents: bigint('charges_cents', { mode: 'number' }).notNull().default(0),
    /** What was owed before the period (positive: owed by the customer). */
    previousBalanceCents: bigint('previous_balance_cents', { mode: 'number' }).notNull().default(0),
    paymentsCents: bigint('payments_cents', { mode: 'number' }).notNull().default(0),
    totalDueCents: bigint('total_due_cents', { mode: 'number' }).notNull().default(0),
    taxName: text('tax_name').notNull().default('Tax'),
    taxRatePercent: numeric('tax_rate_percent', { precision: 7, scale: 4 }).notNull().default('0'),
    dueAt: timestamp('due_at', { withTimezone: true }),
    generatedAt: timestamp('generated_at', { withTimezone: true }).notNull().defaultNow(),
    issuedAt: timestamp('issued_at', { withTimezone: true }),
    paidAt: timestamp('paid_at', { withTimezone: true }),
    voidedAt: timestamp('voided_at', { withTimezone: true }),
    voidReason: text('void_reason'),
    replacesInvoiceId: uuid('replaces_invoice_id').references((): AnyPgColumn => invoices.id),
    /** The ledger entry that posted this invoice's charges at issue. */
    ledgerEntryId: uuid('ledger_entry_id').references((): AnyPgColumn => accountLedger.id),
    /** The issued PDF in document storage. */
    pdfStorageKey: text('pdf_storage_key'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    unique('invoices_number_key').on(table.number),
    uniqueIndex('invoices_period_key').on(table.billingAccountId, table.periodStart).where(sql`${table.status} <> 'void'`),
    index('invoices_billing_idx').on(table.billingAccountId, table.periodStart),
    check('invoices_period_check', sql`${table.periodEnd} > ${table.periodStart}`),
    check('invoices_number_check', sql`${table.number} ~ '^INV-[0-9]{4}-[0-9]{2}-[0-9A-F]{5}$'`),
  ],
);

/**
 * A line of an invoice, in the section of the account it belongs to. Usage lines keep the key they
 * were summed by (direction, destination, deck version and rate) so a dispute finds their calls.
 */
export const invoiceLines = pgTable(
  'invoice_lines',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    invoiceId: uuid('invoice_id')
      .notNull()
      .references(() => invoices.id, { onDelete: 'cascade' }),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'restrict' }),
    position: integer('position').notNull(),
    kind: invoiceLineKind('kind').notNull(),
    description: text('description').notNull(),
    /** A second line of words (the tier, the base of a discount). */
    detail: text('detail'),
    destination: text('destination'),
    direction: cdrDirection('direction'),
    rateVersionId: uuid('rate_version_id'),
    rate: numeric('rate', { precision: 12, scale: 6 }),
    /** Minutes (four places), numbers, or calls. */
    quantity: numeric('quantity', { precision: 18, scale: 4 }),
    unit: text('unit'),
    unitPrice: numeric('unit_price', { precision: 12, scale: 6 }),
    calls: bigint('calls', { mode: 'number' }),
    billedSeconds: bigint('billed_seconds', { mode: 'number' }),
    /** Signed: discounts and credits are negative. Rounded half-up once, here. */
    amountCents: bigint('amount_cents', { mode: 'number' }).notNull(),
    /** For a discount or a tax: what it is a percentage of, and the real percentage. */
    baseCents: bigint('base_cents', { mode: 'number' }),
    percent: numeric('percent', { precision: 9, scale: 4 }),
    disputeId: uuid('dispute_id'),
    /** Added by staff to a draft (a negotiated discount): kept when the draft is recomputed. */
    manual: boolean('manual').notNull().default(false),
  },
  (table) => [index('invoice_lines_invoice_idx').on(table.invoiceId, table.position)],
);

/** A customer's dispute of calls on an invoice line; staff decide within two business days. */
export const disputes = pgTable(
  'disputes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    billingAccountId: uuid('billing_account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'restrict' }),
    /** The account whose section holds the line. */
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'restrict' }),
    invoiceId: uuid('invoice_id')
      .notNull()
      .references(() => invoices.id, { onDelete: 'restrict' }),
    invoiceLineId: uuid('invoice_line_id')
      .notNull()
      .references(() => invoiceLines.id, { onDelete: 'restrict' }),
    status: disputeStatus('status').notNull().default('open'),
    reason: text('reason').notNull(),
    disputedCents: bigint('disputed_cents', { mode: 'number' }).notNull(),
    creditedCents: bigint('credited_cents', { mode: 'number' }),
    decisionNote: text('decision_note'),
    raisedByUserId: uuid('raised_by_user_id').references(() => users.id, { onDelete: 'set null' }),
    /** The actor's label (a user's e-mail or an API key's name). */
    raisedBy: text('raised_by').notNull(),
    decidedByUserId: uuid('decided_by_user_id').references(() => users.id, { onDelete: 'set null' }),
    /** Two business days after it was raised (seed 000's promise). */
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    /** The credit note posted for an accepted dispute; it shows on the next invoice. */
    creditEntryId: uuid('credit_entry_id').references(() => accountLedger.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('disputes_billing_idx').on(table.billingAccountId, table.createdAt), index('disputes_open_idx').on(table.status, table.dueAt)],
);

/** The calls a dispute is about, with the charge each had when disputed. */
export const disputeCalls = pgTable(
  'dispute_calls',
  {
    disputeId: uuid('dispute_id')
      .notNull()
      .references(() => disputes.id, { onDelete: 'cascade' }),
    accountId: uuid('account_id').notNull(),
    inviteAt: timestamp('invite_at', { withTimezone: true, precision: 3 }).notNull(),
    cdrId: bigint('cdr_id', { mode: 'number' }).notNull(),
    charge: numeric('charge', { precision: 14, scale: 6 }).notNull(),
  },
  (table) => [primaryKey({ name: 'dispute_calls_pkey', columns: [table.disputeId, table.cdrId] }), index('dispute_calls_cdr_idx').on(table.accountId, table.cdrId)],
);

/** Spend-cap and credit-limit alerts already sent, once per account, month, limit and threshold. */
export const spendAlerts = pgTable(
  'spend_alerts',
  {
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    periodStart: timestamp('period_start', { withTimezone: true }).notNull(),
    limitKind: text('limit_kind', { enum: ['spend_cap', 'credit_limit'] }).notNull(),
    thresholdPercent: smallint('threshold_percent').notNull(),
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ name: 'spend_alerts_pkey', columns: [table.accountId, table.periodStart, table.limitKind, table.thresholdPercent] }),
    check('spend_alerts_kind_check', sql`${table.limitKind} IN ('spend_cap', 'credit_limit')`),
  ],
);

export type RateDeck = typeof rateDecks.$inferSelect;
export type RateDeckVersion = typeof rateDeckVersions.$inferSelect;
export type RateDeckEntry = typeof rateDeckEntries.$inferSelect;
export type RateDeckDidTier = typeof rateDeckDidTiers.$inferSelect;
export type Invoice = typeof invoices.$inferSelect;
export type InvoiceLine = typeof invoiceLines.$inferSelect;
export type Dispute = typeof disputes.$inferSelect;
