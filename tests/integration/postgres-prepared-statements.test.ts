/**
 * On PostgreSQL, queries with parameters are prepared once per connection (lib/db/client.ts):
 * Drizzle's driver asks postgres.js for an unnamed statement each time, which costs a second round
 * trip and a parse per execution. Bulk statements stay unnamed; plans stay per execution.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres, type DbHandle } from '@/lib/db/client';
import { testDriver } from '../support/db';

describe.runIf(testDriver() === 'postgres')('statements on PostgreSQL', () => {
  let admin: postgres.Sql;
  let name: string;
  // One connection, so the session views below see the statements the queries left.
  let handle: DbHandle;

  beforeAll(async () => {
    admin = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
    name = `cp_test_${randomBytes(6).toString('hex')}`;
    await admin.unsafe(`create database ${name}`);
    const url = new URL(process.env.DATABASE_URL!);
    url.pathname = `/${name}`;
    handle = openPostgres(url.toString(), { max: 1 });
  });
  afterAll(async () => {
    await handle?.close();
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  });

  const preparedTexts = async () => {
    const rows = (await handle.db.execute(sql`select statement from pg_prepared_statements`)) as unknown as { statement: string }[];
    return rows.map((row) => row.statement);
  };

  it('prepares a statement with parameters once and runs it again with other values', async () => {
    const sum = (a: number, b: number) => handle.db.execute(sql`select ${a}::int + ${b}::int as total /* sum */`);
    expect(await sum(1, 2)).toEqual([{ total: 3 }]);
    expect(await sum(40, 2)).toEqual([{ total: 42 }]);
    const sums = (await preparedTexts()).filter((text) => text.includes('/* sum */'));
    expect(sums).toHaveLength(1);
  });

  it('prepares the statements of a transaction too', async () => {
    const total = await handle.db.transaction(async (tx) => {
      const [row] = (await tx.execute(sql`select ${5}::int * 2 as doubled /* in a transaction */`)) as unknown as { doubled: number }[];
      return row!.doubled;
    });
    expect(total).toBe(10);
    expect((await preparedTexts()).some((text) => text.includes('/* in a transaction */'))).toBe(true);
  });

  it('leaves bulk statements unnamed, whatever their size', async () => {
    const values = Array.from({ length: 150 }, (_, index) => index);
    const [row] = (await handle.db.execute(sql`select array_length(array[${sql.join(values.map((value) => sql`${value}::int`), sql`, `)}], 1) as n /* bulk */`)) as unknown as { n: number }[];
    expect(row!.n).toBe(150);
    expect((await preparedTexts()).some((text) => text.includes('/* bulk */'))).toBe(false);
  });

  it('plans each execution for its own values', async () => {
    expect(await handle.db.execute(sql`show plan_cache_mode`)).toEqual([{ plan_cache_mode: 'force_custom_plan' }]);
  });
});
