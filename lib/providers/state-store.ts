/**
 * Small persisted state per connection (VoiceTel's API key, rate budgets, CDR cursors). The app
 * backs it with the database so it survives restarts; tests use the in-memory one.
 */
export interface ProviderStateStore {
  get<T>(key: string): Promise<T | undefined>;
  set<T>(key: string, value: T): Promise<void>;
  delete(key: string): Promise<void>;
}

export function createMemoryStateStore(initial: Record<string, unknown> = {}): ProviderStateStore & { dump(): Record<string, unknown> } {
  const values = new Map<string, unknown>(Object.entries(initial));
  return {
    async get<T>(key: string) {
      return values.get(key) as T | undefined;
    },
    async set<T>(key: string, value: T) {
      values.set(key, structuredClone(value));
    },
    async delete(key: string) {
      values.delete(key);
    },
    dump: () => Object.fromEntries(values),
  };
}
