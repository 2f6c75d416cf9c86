/**
 * pg-boss's `db` option over the app's own drivers (pg-boss would otherwise open a `pg` pool).
 * PGlite: the app's own instance, because PGlite takes no lock and a second instance on the same
 * folder corrupts it. PostgreSQL: a postgres.js client of pg-boss's own, so its long polls and
 * locked maintenance never wait behind the app's pool.
 */
import type { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import type PgBoss from 'pg-boss';

export interface BossDb extends PgBoss.Db {
  close(): Promise<void>;
}

/**
 * pg-boss sends its multi-statement scripts (`BEGIN; …; COMMIT;`) without parameters; only the
 * simple protocol (`exec`) runs them. It reads the rows of the last statement.
 */
export function pgliteBossDb(client: PGlite): BossDb {
  return {
    async executeSql(text, values) {
      if (values && values.length > 0) return client.query(text, values);
      try {
        const results = await client.exec(text);
        return { rows: results.at(-1)?.rows ?? [] };
      } catch (error) {
        // A script that failed after its BEGIN would leave the one shared connection in an aborted transaction.
        await client.exec('rollback').catch(() => undefined);
        throw error;
      }
    },
    // The app owns the instance and closes it.
    close: async () => undefined,
  };
}

export function postgresBossDb(url: string, options: { max?: number } = {}): BossDb {
  const sql = postgres(url, {
    max: options.max ?? 4,
    onnotice: () => {},
    // pg-boss passes `undefined` for options it leaves to the queue's defaults.
    transform: { undefined: null },
    // pg-boss hands JSON over already stringified: send it as is, not stringified a second time.
    types: {
      bossJson: {
        to: 3802,
        from: [114, 3802],
        serialize: (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value)),
        parse: (value: string) => JSON.parse(value) as unknown,
      },
    },
  });
  return {
    async executeSql(text, values) {
      if (values && values.length > 0) return { rows: Array.from(await sql.unsafe(text, values as never[])) };
      // A script's BEGIN and COMMIT must reach the same connection.
      const connection = await sql.reserve();
      try {
        const result = (await connection.unsafe(text).simple()) as unknown as postgres.RowList<postgres.Row[]> | postgres.RowList<postgres.Row[]>[];
        const last = Array.isArray(result) && Array.isArray(result[0]) ? (result.at(-1) as postgres.RowList<postgres.Row[]>) : (result as postgres.RowList<postgres.Row[]>);
        return { rows: Array.from(last ?? []) };
      } catch (error) {
        await connection.unsafe('rollback').catch(() => undefined);
        throw error;
      } finally {
        connection.release();
      }
    },
    close: () => sql.end({ timeout: 2 }),
  };
}
