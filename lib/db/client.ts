import 'server-only';

/**
 * One Drizzle database for the process: PGlite under the data folder when DATABASE_URL is unset,
 * postgres.js otherwise. Both speak PostgreSQL, so queries and migrations are shared.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { getEnv } from '@/lib/env';
import * as schema from './schema';

/** Both drivers expose the same query builder; the postgres.js type stands for both. */
export type Db = PostgresJsDatabase<typeof schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

interface DbHandle {
  db: Db;
  driver: 'pglite' | 'postgres';
  /** PostgreSQL: the URL it was opened with (pg-boss opens a client of its own on it). */
  url?: string;
  migrate(): Promise<void>;
  close(): Promise<void>;
  /**
   * LISTEN on a channel (postgres.js: a dedicated connection outside the pool; PGlite: its one
   * connection). Resolves once listening; the answer stops it.
   */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  /** NOTIFY outside any transaction (inside one, `SELECT pg_notify(…)` on the transaction instead). */
  notify(channel: string, payload: string): Promise<void>;
}

const globalForDb = globalThis as unknown as { carrierPortalDb?: Promise<DbHandle> };

const migrationsFolder = path.join(/* turbopackIgnore: true */ process.cwd(), 'drizzle');

export function openPglite(dataDir?: string): DbHandle {
  if (dataDir) fs.mkdirSync(dataDir, { recursive: true });
  const client = dataDir ? new PGlite(dataDir) : new PGlite();
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    db,
    driver: 'pglite',
    migrate: () => migratePglite(db as never, { migrationsFolder }),
    close: () => client.close(),
    listen: async (channel, onPayload) => client.listen(channel, onPayload),
    notify: async (channel, payload) => {
      await client.query('SELECT pg_notify($1, $2)', [channel, payload]);
    },
  };
}

/**
 * Drizzle's postgres.js driver sends every query not built with `.prepare(name)` as
 * `unsafe(text, params, { prepare: false })`. postgres.js then asks the server for the parameter
 * types before each execution (Parse and Describe, wait, then Bind and Execute): two round trips per
 * statement, and the text parsed again every time. Prepared, a statement is parsed once per
 * connection and each execution is one round trip. Queries without parameters keep the simple
 * protocol (and may hold several statements), as before. Bulk writes (a batch of calls, a rate
 * deck's rows) have a text per row count and hundreds of parameters: they stay unnamed, so a
 * connection does not keep a parse tree for every batch size.
 */
const PREPARED_PARAMETERS_AT_MOST = 100;

function preparingStatements<T extends postgres.Sql | postgres.TransactionSql>(sql: T): T {
  return new Proxy(sql, {
    get(target, property, receiver) {
      if (property === 'unsafe') {
        return (query: string, parameters?: unknown[], options?: postgres.UnsafeQueryOptions) =>
          target.unsafe(query, parameters as never, { ...options, prepare: (parameters?.length ?? 0) <= PREPARED_PARAMETERS_AT_MOST });
      }
      if (property === 'begin' || property === 'savepoint') {
        return (...args: unknown[]) => {
          const body = args.pop() as (transaction: postgres.TransactionSql) => unknown;
          const open = Reflect.get(target, property) as (...openArgs: unknown[]) => unknown;
          return open(...args, (transaction: postgres.TransactionSql) => body(preparingStatements(transaction)));
        };
      }
      return Reflect.get(target, property, receiver);
    },
  });
}

export function openPostgres(url: string, options: { max?: number } = {}): DbHandle {
  // Each execution is still planned for its own parameters, as an unnamed statement is: one
  // account's subtree can hold 50,000 numbers and another's five, so a generic plan would not do.
  const client = postgres(url, { max: options.max ?? 10, onnotice: () => {}, connection: { plan_cache_mode: 'force_custom_plan' } });
  const db = drizzlePostgres(preparingStatements(client), { schema });
  return {
    db,
    driver: 'postgres',
    url,
    migrate: () => migratePostgres(db, { migrationsFolder }),
    close: () => client.end({ timeout: 5 }),
    listen: async (channel, onPayload) => {
      const { unlisten } = await client.listen(channel, onPayload);
      return unlisten;
    },
    notify: async (channel, payload) => {
      await client.notify(channel, payload);
    },
  };
}

async function openFromEnv(): Promise<DbHandle> {
  const env = getEnv();
  const handle = env.databaseUrl ? openPostgres(env.databaseUrl) : openPglite(path.join(env.dataDir, 'pglite'));
  await handle.migrate();
  return handle;
}

/** The process's database, migrated on first use. */
export function getDbHandle(): Promise<DbHandle> {
  globalForDb.carrierPortalDb ??= openFromEnv().catch((error) => {
    globalForDb.carrierPortalDb = undefined;
    throw error;
  });
  return globalForDb.carrierPortalDb;
}

export async function getDb(): Promise<Db> {
  return (await getDbHandle()).db;
}

/** Tests install their own database (a fresh PGlite or a throwaway PostgreSQL database). */
export function setDbHandle(handle: DbHandle | undefined) {
  globalForDb.carrierPortalDb = handle ? Promise.resolve(handle) : undefined;
}

export type { DbHandle };
