import 'server-only';
import { bigint, index, jsonb, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { accounts } from './accounts';
import { apiKeys } from './api';
import { users } from './users';

export const cdrExportStatus = pgEnum('cdr_export_status', ['queued', 'running', 'done', 'failed']);

/**
 * A CDR search too large to stream in one response, written to a CSV file under DATA_DIR/exports by
 * a queue job; the file is served only to the account's users and deleted once `expiresAt` passes.
 */
export const cdrExports = pgTable(
  'cdr_exports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    requestedByUserId: uuid('requested_by_user_id').references(() => users.id, { onDelete: 'set null' }),
    requestedByApiKeyId: uuid('requested_by_api_key_id').references(() => apiKeys.id, { onDelete: 'set null' }),
    /** The search as the page gave it (ISO times, filters), scoped again when the job runs. */
    filter: jsonb('filter').notNull(),
    status: cdrExportStatus('status').notNull().default('queued'),
    rowsWritten: bigint('rows_written', { mode: 'number' }).notNull().default(0),
    /** The estimate from rollups when the export was asked for. */
    rowsTotal: bigint('rows_total', { mode: 'number' }).notNull().default(0),
    /** Relative to DATA_DIR. */
    filePath: text('file_path'),
    error: text('error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (table) => [index('cdr_exports_account_idx').on(table.accountId, table.createdAt), index('cdr_exports_expires_idx').on(table.expiresAt)],
);

export type CdrExport = typeof cdrExports.$inferSelect;
