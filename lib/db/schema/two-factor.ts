import 'server-only';
import { index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './users';

/**
 * A user's TOTP authenticator. The secret is sealed (lib/services/secret-box.ts), never stored in
 * clear. `enabled_at` is null while enrolment waits for the first code; `last_time_step` is the
 * newest code's step, so a code is accepted once.
 */
export const userTwoFactor = pgTable('user_two_factor', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  secretSealed: text('secret_sealed').notNull(),
  enabledAt: timestamp('enabled_at', { withTimezone: true }),
  lastTimeStep: integer('last_time_step'),
  /** While pending: the session that started the set-up, the only one shown its secret and able to confirm it. */
  pendingSessionId: text('pending_session_id'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** One-time recovery codes: SHA-256 of each (they carry 50 random bits), each used once. */
export const userRecoveryCodes = pgTable(
  'user_recovery_codes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex('user_recovery_codes_user_hash_key').on(table.userId, table.codeHash)],
);

/**
 * "Password verified, second factor still owed": the short-lived ticket the sign-in form carries to
 * its second step. Only its SHA-256 is kept; no session exists until a code redeems it.
 */
export const signInChallenges = pgTable(
  'sign_in_challenges',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tokenHash: text('token_hash').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    failedAttempts: integer('failed_attempts').notNull().default(0),
    consumedAt: timestamp('consumed_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex('sign_in_challenges_token_hash_key').on(table.tokenHash), index('sign_in_challenges_user_idx').on(table.userId)],
);

export type UserTwoFactor = typeof userTwoFactor.$inferSelect;
