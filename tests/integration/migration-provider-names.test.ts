/**
 * Migration 0014 on a database whose connections already share names (in any case): the oldest
 * keeps its name, the others get their id's first 8 characters appended, and from then on the
 * database refuses a name that differs only in case.
 */
import fs from 'node:fs';
import { sql } from 'drizzle-orm';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db, DbHandle } from '@/lib/db/client';
import { createTestDatabase } from '../support/db';
import { migrationsUpTo, rows } from '../support/migrations';

const LAST_TAG_BEFORE = '0012_account_number_counts';

describe('migration 0014: unique connection names over existing duplicates', () => {
  let handle: DbHandle & { drop(): Promise<void> };
  let db: Db;
  const ids = ['5a000000-0000-4000-8000-000000000001', '5b000000-0000-4000-8000-000000000002', '5c000000-0000-4000-8000-000000000003', '5d000000-0000-4000-8000-000000000004'];

  beforeAll(async () => {
    handle = await createTestDatabase();
    db = handle.db;
    await db.execute(sql`drop schema public cascade`);
    await db.execute(sql`drop schema if exists drizzle cascade`);
    await db.execute(sql`create schema public`);
    const folder = migrationsUpTo(LAST_TAG_BEFORE);
    if (handle.driver === 'pglite') await migratePglite(db as never, { migrationsFolder: folder });
    else await migratePostgres(db, { migrationsFolder: folder });
    fs.rmSync(folder, { recursive: true, force: true });

    const connection = (id: string, name: string, minutesAgo: number) =>
      db.execute(sql`insert into provider_connections (id, provider, name, base_url, credentials_ciphertext, created_at)
        values (${id}, 'voicetel', ${name}, 'http://127.0.0.1:9', 'x', now() - make_interval(mins => ${minutesAgo}))`);
    await connection(ids[0]!, 'Main', 30);
    await connection(ids[1]!, 'MAIN', 20);
    await connection(ids[2]!, 'main', 10);
    await connection(ids[3]!, 'Backup', 5);
    await handle.migrate();
  });

  afterAll(async () => {
    await handle?.drop();
  });

  it('keeps the oldest name and makes the others unique, touching nothing else', async () => {
    const names = await rows<{ id: string; name: string; enabled: boolean; disabled_reason: string | null }>(db, sql`select id, name, enabled, disabled_reason from provider_connections order by created_at`);
    expect(names).toEqual([
      { id: ids[0], name: 'Main', enabled: true, disabled_reason: null },
      { id: ids[1], name: 'MAIN (5b000000)', enabled: true, disabled_reason: null },
      { id: ids[2], name: 'main (5c000000)', enabled: true, disabled_reason: null },
      { id: ids[3], name: 'Backup', enabled: true, disabled_reason: null },
    ]);
  });

  it('refuses a name that differs from another only in case', async () => {
    await expect(db.execute(sql`insert into provider_connections (provider, name, base_url, credentials_ciphertext) values ('vitcom', 'BACKUP', 'http://127.0.0.1:9', 'x')`)).rejects.toThrow();
    const health = await rows<{ count: number }>(db, sql`select count(*)::int as count from provider_call_health`);
    expect(health).toEqual([{ count: 0 }]);
  });
});
