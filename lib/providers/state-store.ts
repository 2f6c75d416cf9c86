/**
 * Small persisted state per connection (VoiceTel's API key, rate budgets, CDR cursors). The app
 * backs it with the database so it survives restarts; tests use the in-memory one.
 */
export interface ProviderStateStore {
  get<T>(key: string): Promise<T | undefined>;
  set<T>(key: string, value: T): Promise<void>;
  delete(key: string): Promise<void>;
  /**
   * Read-modify-write of one key, atomic against other callers (the database store locks the row),
   * so two concurrent calls cannot both spend the last unit of a budget. Throwing leaves it unchanged.
   */
  update<T>(key: string, change: (current: T | undefined) => T): Promise<T>;
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
    async update<T>(key: string, change: (current: T | undefined) => T) {
      const next = change(structuredClone(values.get(key)) as T | undefined);
      values.set(key, structuredClone(next));
      return next;
    },
    dump: () => Object.fromEntries(values),
  };
}
