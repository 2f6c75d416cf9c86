import 'server-only';
import { index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { accounts } from './accounts';
import { providerConnections } from './providers';

export const trunkDirection = pgEnum('trunk_direction', ['inbound', 'outbound', 'both']);
export const trunkAuthMode = pgEnum('trunk_auth_mode', ['ip', 'digest', 'both']);
export const trunkGroupStatus = pgEnum('trunk_group_status', ['active', 'disabled']);
export const trunkCallerIdPolicy = pgEnum('trunk_caller_id_policy', ['pass_through', 'account_number', 'fixed']);
export const trunkSyncStatus = pgEnum('trunk_sync_status', ['not_needed', 'pending', 'applied', 'partially_applied', 'failed']);

export interface TrunkDestinationRow {
  host: string;
  port: number;
  transport: 'udp' | 'tcp' | 'tls';
  priority: number;
  weight: number;
}

/**
 * The portal's one model of a SIP trunk group: the desired state. Each upstream that carries the
 * group's numbers gets its own copy (trunk_group_upstreams), pushed through its adapter.
 */
export const trunkGroups = pgTable(
  'trunk_groups',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id),
    name: text('name').notNull(),
    direction: trunkDirection('direction').notNull(),
    auth: trunkAuthMode('auth').notNull(),
    allowedIps: jsonb('allowed_ips').$type<string[]>().notNull(),
    digestUsername: text('digest_username'),
    /** AES-256-GCM sealed; shown once when generated or rotated. */
    digestPasswordCiphertext: text('digest_password_ciphertext'),
    destinations: jsonb('destinations').$type<TrunkDestinationRow[]>().notNull(),
    maxChannels: integer('max_channels'),
    maxCps: integer('max_cps'),
    codecs: jsonb('codecs').$type<string[]>().notNull(),
    techPrefix: text('tech_prefix'),
    callerIdPolicy: trunkCallerIdPolicy('caller_id_policy').notNull().default('pass_through'),
    callerIdNumber: text('caller_id_number'),
    status: trunkGroupStatus('status').notNull().default('active'),
    syncStatus: trunkSyncStatus('sync_status').notNull().default('not_needed'),
    syncDetail: text('sync_detail'),
    /** Bumped on every change of the desired state; an upstream copy records the version it holds. */
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex('trunk_groups_account_name_key').on(table.accountId, table.name), index('trunk_groups_account_idx').on(table.accountId)],
);

export const trunkUpstreamStatus = pgEnum('trunk_upstream_status', ['pending', 'applied', 'failed', 'disabled']);

export type UpstreamTrunkState = import('@/lib/providers/types').TrunkGroup;

export interface TrunkDriftField {
  field: string;
  desired: string;
  actual: string;
}

export const trunkGroupUpstreams = pgTable(
  'trunk_group_upstreams',
  {
    trunkGroupId: uuid('trunk_group_id')
      .notNull()
      .references(() => trunkGroups.id, { onDelete: 'cascade' }),
    connectionId: uuid('connection_id')
      .notNull()
      .references(() => providerConnections.id),
    trunkRef: text('trunk_ref'),
    status: trunkUpstreamStatus('status').notNull().default('pending'),
    appliedVersion: integer('applied_version'),
    /** Why the last push failed, as the customer reads it (lib/services/upstream-refusals.ts). */
    lastError: text('last_error'),
    /** The carrier's own words for that failure: staff only. */
    lastErrorDetail: text('last_error_detail'),
    /** What this upstream cannot express of the model (e.g. weights on VoiceTel), in plain words. */
    limitations: jsonb('limitations').$type<string[]>().notNull().default([]),
    /** What the upstream held right after our last apply: drift is measured against this. */
    appliedState: jsonb('applied_state').$type<UpstreamTrunkState>(),
    drift: jsonb('drift').$type<TrunkDriftField[]>().notNull().default([]),
    lastAppliedAt: timestamp('last_applied_at', { withTimezone: true }),
    lastCheckedAt: timestamp('last_checked_at', { withTimezone: true }),
  },
  (table) => [primaryKey({ columns: [table.trunkGroupId, table.connectionId] })],
);

export type TrunkGroup = typeof trunkGroups.$inferSelect;
export type TrunkGroupUpstream = typeof trunkGroupUpstreams.$inferSelect;
