/**
 * Small persisted state per connection (VoiceTel's API key, rate budgets, CDR cursors). The app
 * backs it with the database so it survives restarts; tests use the in-memory one.
 */
export interface StateOptions {
  /**
   * An upstream session secret (an API key or session token obtained at login): the database store
   * seals it at rest like the connection's credentials. On `get`, a value stored in plain text by an
   * older version is sealed in place. Sealed values are opened on any read, flag or not.
   */
  secret?: boolean;
}

export interface ProviderStateStore {
  get<T>(key: string, options?: StateOptions): Promise<T | undefined>;
  set<T>(key: string, value: T, options?: StateOptions): Promise<void>;
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
    // Memory never outlives the process: secrets need no sealing here.
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
