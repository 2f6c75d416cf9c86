import 'server-only';
import { index, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { accounts } from './accounts';
import { providerConnections } from './providers';

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
