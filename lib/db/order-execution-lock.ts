import 'server-only';

/**
 * Who may drive a number order right now. One driver at a time per order, and an order whose
 * driver died is free again at once (no lease to wait out):
 * - in every process, a set of the orders it is driving keeps two calls in it apart;
 * - on PostgreSQL, the instance also holds a session-level advisory lock per order on one
 *   connection it keeps while it drives anything. The server drops a session's locks when its
 *   process or connection dies, so a crashed instance's orders are free to the next one that asks,
 *   and a live instance's are never taken. PGlite is one process, where the set is enough.
 */
import { createHash } from 'node:crypto';
import type { ReservedSql, Sql } from 'postgres';
import { getDbHandle, type DbHandle } from '@/lib/db/client';
import { log } from '@/lib/log';

interface LockSession {
  connection: Promise<ReservedSql>;
  holders: number;
}

interface InstanceLocks {
  driving: Set<string>;
  session?: LockSession;
}

/** Per database handle, so a test's throwaway database starts with nothing held. */
const instances = new WeakMap<object, InstanceLocks>();

function locksOf(handle: DbHandle): InstanceLocks {
  let locks = instances.get(handle.db);
  if (!locks) {
    locks = { driving: new Set() };
    instances.set(handle.db, locks);
  }
  return locks;
}

export function orderLockKey(orderId: string): bigint {
  return createHash('sha256').update(`carrier-portal:number-order:${orderId}`).digest().readBigInt64BE(0);
}

function joinSession(handle: DbHandle, locks: InstanceLocks): LockSession {
  if (!locks.session) {
    const client = (handle.db as unknown as { $client: Sql }).$client;
    const connection = client.reserve();
    // A failed reservation is not kept: the next claim asks again.
    connection.catch(() => {
      if (locks.session?.connection === connection) locks.session = undefined;
    });
    locks.session = { connection, holders: 0 };
  }
  locks.session.holders += 1;
  return locks.session;
}

/** The connection goes back to the pool once nothing is driven, without a lock left on it. */
async function leaveSession(locks: InstanceLocks, session: LockSession) {
  session.holders -= 1;
  if (session.holders > 0) return;
  if (locks.session === session) locks.session = undefined;
  try {
    const connection = await session.connection;
    try {
      await connection`select pg_advisory_unlock_all()`;
    } finally {
      connection.release();
    }
  } catch (error) {
    log.warn('numbers.order_lock_session_failed', { error });
  }
}

/**
 * Claims the order for this process, or returns undefined when a live driver (here or in another
 * instance) has it. The caller must call the returned release when it stops driving.
 */
export async function claimOrderExecution(orderId: string, handle?: DbHandle): Promise<(() => Promise<void>) | undefined> {
  const db = handle ?? (await getDbHandle());
  const locks = locksOf(db);
  if (locks.driving.has(orderId)) return undefined;
  locks.driving.add(orderId);
  if (db.driver === 'pglite') {
    return async () => {
      locks.driving.delete(orderId);
    };
  }
  const key = orderLockKey(orderId).toString();
  const session = joinSession(db, locks);
  try {
    const connection = await session.connection;
    const [row] = await connection<{ locked: boolean }[]>`select pg_try_advisory_lock(${key}::bigint) as locked`;
    if (!row?.locked) {
      locks.driving.delete(orderId);
      await leaveSession(locks, session);
      return undefined;
    }
  } catch (error) {
    // A broken connection is not handed to the next claim.
    if (locks.session === session) locks.session = undefined;
    locks.driving.delete(orderId);
    await leaveSession(locks, session);
    throw error;
  }
  return async () => {
    try {
      const connection = await session.connection;
      await connection`select pg_advisory_unlock(${key}::bigint)`;
    } catch (error) {
      // The connection is gone, and its locks with it.
      log.warn('numbers.order_unlock_failed', { orderId, error });
    } finally {
      locks.driving.delete(orderId);
      await leaveSession(locks, session);
    }
  };
}
