import 'server-only';
import type { Db } from '@/lib/db/client';
import { deleteProviderStateValue, getProviderStateValue, insertProviderStatePlaceholder, updateProviderStateValue, upsertProviderStateValue } from '@/lib/db/queries/providers';
import { log } from '@/lib/log';
import type { ProviderStateStore, StateOptions } from '@/lib/providers/state-store';
import { isSealedValue, openValue, sealValue } from './secret-box';

/**
 * The connection's adapter state in the database, so API keys and rate budgets survive restarts.
 * Values set as `secret` (upstream session keys) are stored sealed by the secret box, never as
 * plain JSON; every read opens them, and a secret read finding plain text from an older version
 * seals it in place.
 */
export function createDbStateStore(db: Db, connectionId: string): ProviderStateStore {
  /** A sealed value the configured key cannot open (CREDENTIALS_KEY changed) reads as absent: the adapter logs in again. */
  function open(key: string, stored: unknown): unknown {
    if (!isSealedValue(stored)) return stored;
    try {
      return openValue(stored);
    } catch (error) {
      log.warn('provider.state_unreadable', { connectionId, key, error });
      return undefined;
    }
  }

  async function write(key: string, value: unknown, options?: StateOptions) {
    const stored = options?.secret ? sealValue(value) : value;
    await upsertProviderStateValue(db, { connectionId, key, value: stored });
  }

  return {
    async get<T>(key: string, options?: StateOptions) {
      const row = await getProviderStateValue(db, { connectionId, key });
      if (!row) return undefined;
      if (options?.secret && !isSealedValue(row.value) && row.value !== null) await write(key, row.value, options);
      return open(key, row.value) as T | undefined;
    },
    async set<T>(key: string, value: T, options?: StateOptions) {
      await write(key, value, options);
    },
    async delete(key: string) {
      await deleteProviderStateValue(db, { connectionId, key });
    },
    async update<T>(key: string, change: (current: T | undefined) => T) {
      return db.transaction(async (tx) => {
        await insertProviderStatePlaceholder(tx, { connectionId, key });
        const row = await getProviderStateValue(tx, { connectionId, key, forUpdate: true });
        const sealed = isSealedValue(row?.value);
        const next = change((open(key, row?.value) ?? undefined) as T | undefined);
        // A sealed value stays sealed through a read-modify-write.
        await updateProviderStateValue(tx, { connectionId, key, value: sealed ? sealValue(next) : (next as unknown) });
        return next;
      });
    },
  };
}
