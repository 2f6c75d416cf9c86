/**
 * A fresh, migrated database per test file: in-memory PGlite by default, or a throwaway database
 * on the PostgreSQL server named by DATABASE_URL (CI runs the suites both ways).
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll } from 'vitest';
import { openPglite, openPostgres, setDbHandle, type DbHandle } from '@/lib/db/client';

export function testDriver(): 'postgres' | 'pglite' {
  return process.env.DATABASE_URL ? 'postgres' : 'pglite';
}

export async function createTestDatabase(): Promise<DbHandle & { drop(): Promise<void> }> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const handle = openPglite();
    await handle.migrate();
    return { ...handle, drop: () => handle.close() };
  }
  const name = `cp_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const handle = openPostgres(url.toString(), { max: 4 });
  await handle.migrate();
  return {
    ...handle,
    async drop() {
      await handle.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

/** Installs a fresh database as the app's database for the whole test file. */
export function useTestDatabase() {
  const holder: { handle?: DbHandle & { drop(): Promise<void> } } = {};
  beforeAll(async () => {
    holder.handle = await createTestDatabase();
    setDbHandle(holder.handle);
  });
  afterAll(async () => {
    setDbHandle(undefined);
    await holder.handle?.drop();
  });
  return {
    get db() {
      if (!holder.handle) throw new Error('test database not ready');
      return holder.handle.db;
    },
  };
}
