/**
 * Migration 0011 on a database that already holds data at the previous schema: text references
 * become uuid foreign keys (dangling ones cleared, the rest kept), free-text statuses become enums,
 * and nothing else is lost.
 */
import fs from 'node:fs';
import { sql } from 'drizzle-orm';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setDbHandle, type Db, type DbHandle } from '@/lib/db/client';
import { createTestDatabase } from '../support/db';
import { migrationsUpTo, rows } from '../support/migrations';

const LAST_TAG_BEFORE = '0010_user_sessions';

describe('migration 0011: foreign keys and enums over existing data', () => {
  let handle: DbHandle & { drop(): Promise<void> };
  let db: Db;
  const ids = {
    group: '3f9a1c2e-0000-4000-8000-000000000001',
    address: '3f9a1c2e-0000-4000-8000-000000000002',
    connection: '3f9a1c2e-0000-4000-8000-000000000003',
  };
  let countsBefore: Record<string, number>;

  const tableCounts = async () => {
    const tables = ['accounts', 'users', 'memberships', 'audit_events', 'account_ledger', 'number_prices', 'trunk_groups', 'e911_addresses', 'phone_numbers', 'number_orders'];
    const counts: Record<string, number> = {};
    for (const table of tables) counts[table] = (await rows<{ count: number }>(db, sql.raw(`select count(*)::int as count from ${table}`)))[0]!.count;
    return counts;
  };

  beforeAll(async () => {
    // A fresh database migrated to 0010 only: createTestDatabase migrates everything, so start from its driver and an empty schema.
    handle = await createTestDatabase();
    db = handle.db;
    await db.execute(sql`drop schema public cascade`);
    await db.execute(sql`drop schema if exists drizzle cascade`);
    await db.execute(sql`create schema public`);
    const folder = migrationsUpTo(LAST_TAG_BEFORE);
    if (handle.driver === 'pglite') await migratePglite(db as never, { migrationsFolder: folder });
    else await migratePostgres(db, { migrationsFolder: folder });
    fs.rmSync(folder, { recursive: true, force: true });

    // Raw SQL, not the demo seed: the seed speaks today's schema, this database is still at 0010.
    const accountId = '6d1f5a8e-0000-4000-8000-000000000001';
    await db.execute(sql`insert into accounts (id, billing_account_id, path, name) values (${accountId}, ${accountId}, ${`/${accountId}/`}, 'Acme Telecom')`);
    await db.execute(sql`insert into users (id, email, name, password_hash) values ('6d1f5a8e-0000-4000-8000-000000000002', 'owner@acme.example', 'Olivia', 'x')`);
    await db.execute(sql`insert into memberships (user_id, account_id, role) values ('6d1f5a8e-0000-4000-8000-000000000002', ${accountId}, 'owner')`);
    await db.execute(sql`insert into provider_connections (id, provider, name, base_url, credentials_ciphertext) values (${ids.connection}, 'voicetel', 'Old', 'http://127.0.0.1:9', 'x')`);
    await db.execute(sql`insert into trunk_groups (id, account_id, name, direction, auth, allowed_ips, destinations, codecs, caller_id_policy)
      values (${ids.group}, ${accountId}, 'Main', 'both', 'ip', '[]', '[]', '["PCMU"]', 'fixed')`);
    await db.execute(sql`insert into e911_addresses (id, account_id, street, city, state, postal_code, country) values (${ids.address}, ${accountId}, '1 Main St', 'Dallas', 'TX', '75201', 'US')`);
    const number = (e164: string, trunkRef: string | null, e911Status: string, addressId: string | null) =>
      db.execute(sql`insert into phone_numbers (account_id, e164, kind, npa, connection_id, trunk_group_ref, e911_status, e911_address_id, monthly)
        values (${accountId}, ${e164}, 'local', '214', ${ids.connection}, ${trunkRef}, ${e911Status}, ${addressId}, '1.0000')`);
    // A reference typed in upper case, one to a group that no longer exists, and one that is no id at all.
    await number('+12145550001', ids.group.toUpperCase(), 'registered', ids.address);
    await number('+12145550002', '3f9a1c2e-0000-4000-8000-0000000000ff', 'pending', null);
    await number('+12145550003', 'tg-1', 'something-else', null);
    await number('+12145550004', null, 'none', '3f9a1c2e-0000-4000-8000-0000000000fe');
    const order = (key: string, trunkRef: string | null, addressRef: string | null) =>
      db.execute(sql`insert into number_orders (account_id, idempotency_key, status, trunk_group_ref, e911_address_ref, total_monthly, total_setup)
        values (${accountId}, ${key}, 'completed', ${trunkRef}, ${addressRef}, '1.0000', '0.0000')`);
    await order('kept', ids.group, ids.address);
    await order('dangling', 'gone', 'also-gone');
    countsBefore = await tableCounts();

    await handle.migrate();
    setDbHandle(handle);
  });

  afterAll(async () => {
    setDbHandle(undefined);
    await handle?.drop();
  });

  it('keeps every row and every reference that names a portal row', async () => {
    expect(await tableCounts()).toEqual(countsBefore);
    const numbers = await rows<{ e164: string; trunk_group_ref: string | null; e911_status: string; e911_address_id: string | null }>(
      db,
      sql`select e164, trunk_group_ref, e911_status, e911_address_id from phone_numbers where e164 like '+1214555000%' order by e164`,
    );
    expect(numbers).toEqual([
      { e164: '+12145550001', trunk_group_ref: ids.group, e911_status: 'registered', e911_address_id: ids.address },
      { e164: '+12145550002', trunk_group_ref: null, e911_status: 'pending', e911_address_id: null },
      { e164: '+12145550003', trunk_group_ref: null, e911_status: 'none', e911_address_id: null },
      { e164: '+12145550004', trunk_group_ref: null, e911_status: 'none', e911_address_id: null },
    ]);
    const orders = await rows<{ idempotency_key: string; trunk_group_ref: string | null; e911_address_ref: string | null }>(
      db,
      sql`select idempotency_key, trunk_group_ref, e911_address_ref from number_orders order by idempotency_key`,
    );
    expect(orders).toEqual([
      { idempotency_key: 'dangling', trunk_group_ref: null, e911_address_ref: null },
      { idempotency_key: 'kept', trunk_group_ref: ids.group, e911_address_ref: ids.address },
    ]);
    expect(await rows(db, sql`select caller_id_policy from trunk_groups`)).toEqual([{ caller_id_policy: 'fixed' }]);
  });

  it('enforces the references and the enums from now on', async () => {
    const [account] = await rows<{ id: string }>(db, sql`select id from accounts where name = 'Acme Telecom'`);
    await expect(db.execute(sql`update phone_numbers set trunk_group_ref = ${'3f9a1c2e-0000-4000-8000-0000000000aa'} where e164 = '+12145550002'`)).rejects.toThrow();
    await expect(db.execute(sql`update phone_numbers set e911_status = 'maybe' where e164 = '+12145550002'`)).rejects.toThrow();
    await expect(db.execute(sql`update trunk_groups set caller_id_policy = 'anything'`)).rejects.toThrow();
    await expect(db.execute(sql`update accounts set billing_account_id = ${'3f9a1c2e-0000-4000-8000-0000000000ab'} where id = ${account!.id}`)).rejects.toThrow();
    // Deleting the group or the address clears what pointed at them; history rows stay.
    await db.execute(sql`delete from trunk_groups where id = ${ids.group}`);
    await db.execute(sql`delete from e911_addresses where id = ${ids.address}`);
    expect(await rows(db, sql`select trunk_group_ref, e911_address_id from phone_numbers where e164 = '+12145550001'`)).toEqual([{ trunk_group_ref: null, e911_address_id: null }]);
    expect(await rows(db, sql`select trunk_group_ref, e911_address_ref from number_orders where idempotency_key = 'kept'`)).toEqual([{ trunk_group_ref: null, e911_address_ref: null }]);
  });
});
