import 'server-only';
import { sql } from 'drizzle-orm';
import { boolean, check, date, index, integer, jsonb, pgEnum, pgTable, text, timestamp, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { PORT_DOCUMENT_KINDS, PORT_EXCEPTION_CODES, PORT_NUMBER_STATUSES, PORT_STATUSES, PORT_WIZARD_STEPS } from '@/lib/ports/types';
import { accounts } from './accounts';
import { apiKeys } from './api';
import { providerConnections } from './providers';
import { trunkGroups } from './trunk-groups';
import { users } from './users';

/**
 * Port-ins (migration 0030). The order is the customer's draft until submitted; past that only
 * staff or the upstream move it (lib/ports/state-machine.ts). Numbers carry their own state and
 * the order's is rolled up from them. A number is `in_flight` from submission until it completes
 * or leaves the port, and a unique index lets only one live port hold it.
 */
export const portStatus = pgEnum('port_status', PORT_STATUSES);
export const portNumberStatus = pgEnum('port_number_status', PORT_NUMBER_STATUSES);
export const portExceptionCode = pgEnum('port_exception_code', PORT_EXCEPTION_CODES);
export const portWizardStep = pgEnum('port_wizard_step', PORT_WIZARD_STEPS);
export const portDocumentKind = pgEnum('port_document_kind', PORT_DOCUMENT_KINDS);
export const portSubscriberType = pgEnum('port_subscriber_type', ['business', 'residential']);
export const portEventVisibility = pgEnum('port_event_visibility', ['public', 'internal']);
export const portActorKind = pgEnum('port_actor_kind', ['customer', 'staff', 'upstream', 'system']);
export const portNumberKind = pgEnum('port_number_kind', ['local', 'toll_free']);
export const portEventKind = pgEnum('port_event_kind', ['created', 'status', 'comment', 'document', 'foc', 'exception', 'upstream', 'numbers']);

/** The service address as the E911 normaliser returns it. */
export interface PortServiceAddress {
  street: string;
  unit?: string;
  city: string;
  state: string;
  postalCode: string;
  country: 'US' | 'CA';
}

export const portIns = pgTable(
  'port_ins',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'restrict' }),
    /** What the customer and staff call it: `PRT-` and six characters. */
    reference: text('reference').notNull(),
    /** The customer's own name for the draft ("Head office lines"). */
    label: text('label'),
    status: portStatus('status').notNull().default('draft'),
    /** The furthest wizard step reached; the draft resumes there. */
    step: portWizardStep('step').notNull().default('numbers'),
    /** The upstream that will win the numbers. */
    connectionId: uuid('connection_id').references(() => providerConnections.id, { onDelete: 'restrict' }),
    losingCarrier: text('losing_carrier'),
    subscriberType: portSubscriberType('subscriber_type'),
    subscriberName: text('subscriber_name'),
    authorizedPerson: text('authorized_person'),
    accountNumber: text('account_number'),
    /** The port-out PIN, sealed with the same secret box as provider credentials; never shown back in full. */
    pinSealed: text('pin_sealed'),
    wireless: boolean('wireless').notNull().default(false),
    billingTelephoneNumber: text('billing_telephone_number'),
    serviceAddress: jsonb('service_address').$type<PortServiceAddress>(),
    partialPort: boolean('partial_port').notNull().default(false),
    /** A partial port's numbers that stay with the losing carrier (the BTN among them). */
    remainingNumbers: text('remaining_numbers').array().notNull().default(sql`'{}'::text[]`),
    requestedFocDate: date('requested_foc_date', { mode: 'string' }),
    /** The FOC date the upstream committed to. */
    focDate: date('foc_date', { mode: 'string' }),
    /** Where completed numbers are routed. */
    trunkGroupId: uuid('trunk_group_id').references(() => trunkGroups.id, { onDelete: 'set null' }),
    upstreamRef: text('upstream_ref'),
    /** The upstream's own word for the state, verbatim (staff see it; an unknown one is flagged). */
    upstreamStatus: text('upstream_status'),
    upstreamStatusUnknown: boolean('upstream_status_unknown').notNull().default(false),
    upstreamLoaUrl: text('upstream_loa_url'),
    exceptionCode: portExceptionCode('exception_code'),
    exceptionMessage: text('exception_message'),
    readinessScore: integer('readiness_score'),
    lastPolledAt: timestamp('last_polled_at', { withTimezone: true }),
    nextPollAt: timestamp('next_poll_at', { withTimezone: true }),
    createdByUserId: uuid('created_by_user_id').references(() => users.id, { onDelete: 'set null' }),
    createdByApiKeyId: uuid('created_by_api_key_id').references(() => apiKeys.id, { onDelete: 'set null' }),
    submittedAt: timestamp('submitted_at', { withTimezone: true }),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
    /** Bumped on every change: a form saved over a newer version is refused, not merged. */
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    unique('port_ins_reference_key').on(table.reference),
    index('port_ins_account_idx').on(table.accountId, table.createdAt),
    index('port_ins_status_idx').on(table.status, table.requestedFocDate),
    index('port_ins_poll_idx').on(table.nextPollAt).where(sql`${table.upstreamRef} is not null and ${table.status} in ('submitted', 'pending', 'foc_scheduled', 'partially_completed')`),
    check('port_ins_reference_check', sql`${table.reference} ~ '^PRT-[0-9A-Z]{6}$'`),
  ],
);

export const portInNumbers = pgTable(
  'port_in_numbers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    portInId: uuid('port_in_id')
      .notNull()
      .references(() => portIns.id, { onDelete: 'cascade' }),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'restrict' }),
    e164: text('e164').notNull(),
    kind: portNumberKind('kind').notNull(),
    status: portNumberStatus('status').notNull().default('draft'),
    /** Held by a live (submitted, not yet finished) port: only one may hold a number. */
    inFlight: boolean('in_flight').notNull().default(false),
    portable: boolean('portable'),
    portabilityReason: text('portability_reason'),
    losingCarrier: text('losing_carrier'),
    rateCenter: text('rate_center'),
    rateCenterPortable: boolean('rate_center_portable'),
    /** Every upstream that answered for the number: `{ connectionId, portable, reason }`. */
    portability: jsonb('portability').$type<{ connectionId: string; provider: string; portable: boolean; reason: string | null; losingCarrier: string | null; rateCenter: string | null }[]>(),
    checkedAt: timestamp('checked_at', { withTimezone: true }),
    exceptionCode: portExceptionCode('exception_code'),
    exceptionMessage: text('exception_message'),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    unique('port_in_numbers_port_e164_key').on(table.portInId, table.e164),
    uniqueIndex('port_in_numbers_in_flight_key').on(table.e164).where(sql`${table.inFlight}`),
    index('port_in_numbers_account_e164_idx').on(table.accountId, table.e164),
  ],
);

export const portInDocuments = pgTable(
  'port_in_documents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    portInId: uuid('port_in_id')
      .notNull()
      .references(() => portIns.id, { onDelete: 'cascade' }),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'restrict' }),
    kind: portDocumentKind('kind').notNull(),
    storageKey: text('storage_key').notNull(),
    contentType: text('content_type').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    sha256: text('sha256').notNull(),
    filename: text('filename').notNull(),
    /** A PDF's text, where it has any: the readiness check compares the name and address with it. */
    extractedText: text('extracted_text'),
    signedName: text('signed_name'),
    signedAt: timestamp('signed_at', { withTimezone: true }),
    signerIp: text('signer_ip'),
    signerUserAgent: text('signer_user_agent'),
    /** The unsigned LOA's hash, printed in the signed PDF's signature block. */
    unsignedSha256: text('unsigned_sha256'),
    uploadedByUserId: uuid('uploaded_by_user_id').references(() => users.id, { onDelete: 'set null' }),
    /** A newer document of the same kind replaces this one; the old stays for the record. */
    supersededAt: timestamp('superseded_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index('port_in_documents_port_idx').on(table.portInId, table.kind),
    uniqueIndex('port_in_documents_current_key').on(table.portInId, table.kind).where(sql`${table.supersededAt} is null`),
  ],
);

/** The timeline: every state change, comment, document and upstream answer, oldest first. */
export const portInEvents = pgTable(
  'port_in_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    portInId: uuid('port_in_id')
      .notNull()
      .references(() => portIns.id, { onDelete: 'cascade' }),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'restrict' }),
    kind: portEventKind('kind').notNull(),
    fromStatus: portStatus('from_status'),
    toStatus: portStatus('to_status'),
    visibility: portEventVisibility('visibility').notNull().default('public'),
    actorKind: portActorKind('actor_kind').notNull(),
    actorUserId: uuid('actor_user_id').references(() => users.id, { onDelete: 'set null' }),
    actorApiKeyId: uuid('actor_api_key_id').references(() => apiKeys.id, { onDelete: 'set null' }),
    body: text('body'),
    detail: jsonb('detail').$type<Record<string, unknown>>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('port_in_events_port_idx').on(table.portInId, table.createdAt)],
);

export type PortIn = typeof portIns.$inferSelect;
export type PortInNumber = typeof portInNumbers.$inferSelect;
export type PortInDocument = typeof portInDocuments.$inferSelect;
export type PortInEvent = typeof portInEvents.$inferSelect;
