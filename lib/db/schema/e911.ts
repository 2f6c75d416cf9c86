import 'server-only';
import { index, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { accounts } from './accounts';
import { providerConnections } from './providers';

/**
 * One upstream's answer to an address check: accepted as typed, accepted in a corrected form,
 * rejected (possibly proposing alternatives), or not reached (down, timed out).
 */
export interface E911UpstreamCheck {
  connectionId: string;
  provider: string;
  outcome: 'accepted' | 'corrected' | 'rejected' | 'unchecked';
  /** The upstream's words for a rejection or failure (may name the carrier: staff only). */
  reason?: string;
  /** How many alternatives it proposed. */
  alternates?: number;
}

export interface E911ValidationRecord {
  checkedAt: string;
  upstreams: E911UpstreamCheck[];
}

/** An account's emergency address book; addresses are stored normalized (USPS Publication 28). */
export const e911Addresses = pgTable(
  'e911_addresses',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id),
    street: text('street').notNull(),
    unit: text('unit'),
    city: text('city').notNull(),
    state: text('state').notNull(),
    postalCode: text('postal_code').notNull(),
    country: text('country').notNull(),
    callerName: text('caller_name'),
    validatedAt: timestamp('validated_at', { withTimezone: true }),
    /** What each upstream answered when the address was last checked (null: saved before they were kept). */
    validation: jsonb('validation').$type<E911ValidationRecord>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('e911_addresses_account_idx').on(table.accountId)],
);

/** What each upstream calls the address once it has validated it (its own address id). */
export const e911AddressUpstreams = pgTable(
  'e911_address_upstreams',
  {
    addressId: uuid('address_id')
      .notNull()
      .references(() => e911Addresses.id, { onDelete: 'cascade' }),
    connectionId: uuid('connection_id')
      .notNull()
      .references(() => providerConnections.id),
    upstreamAddressId: text('upstream_address_id'),
    normalized: jsonb('normalized'),
    validatedAt: timestamp('validated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.addressId, table.connectionId] })],
);

export type E911AddressRow = typeof e911Addresses.$inferSelect;
