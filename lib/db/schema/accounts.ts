import 'server-only';
import { sql } from 'drizzle-orm';
import { boolean, index, integer, numeric, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';

export const accountStatus = pgEnum('account_status', ['active', 'suspended']);

/**
 * Accounts form a tree. `path` is the materialized chain of ids from the root (`/root/…/self/`) so
 * a subtree is one indexed prefix match; the billing account is the master that pays for it.
 */
export const accounts = pgTable(
  'accounts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    parentId: uuid('parent_id').references((): AnyPgColumn => accounts.id, { onDelete: 'restrict' }),
    billingAccountId: uuid('billing_account_id')
      .notNull()
      .references((): AnyPgColumn => accounts.id, { onDelete: 'restrict' }),
    path: text('path').notNull(),
    depth: integer('depth').notNull().default(0),
    name: text('name').notNull(),
    status: accountStatus('status').notNull().default('active'),
    maxConcurrentCalls: integer('max_concurrent_calls'),
    maxCallsPerSecond: integer('max_calls_per_second'),
    monthlySpendCap: numeric('monthly_spend_cap', { precision: 12, scale: 2 }),
    internationalAllowed: boolean('international_allowed').notNull().default(false),
    /** Numbers of this account and every account below it need a registered e911 address before joining a trunk group. */
    requireE911ForRouting: boolean('require_e911_for_routing').notNull().default(false),
    /** Every member of this account and of any account below it must sign in with two-factor authentication. */
    requireTwoFactor: boolean('require_two_factor').notNull().default(false),
    /** How far a billing account may go below zero before orders are refused. */
    creditLimit: numeric('credit_limit', { precision: 12, scale: 2 }).notNull().default('0'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('accounts_path_key').on(table.path),
    index('accounts_parent_idx').on(table.parentId),
    index('accounts_path_prefix_idx').on(sql`${table.path} text_pattern_ops`),
    uniqueIndex('accounts_sibling_name_key').on(table.parentId, sql`lower(${table.name})`),
  ],
);

export type Account = typeof accounts.$inferSelect;
export type AccountStatus = (typeof accountStatus.enumValues)[number];
