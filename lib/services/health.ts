import 'server-only';
import { getDbHandle } from '@/lib/db/client';
import { pingDatabase } from '@/lib/db/queries/health';

export type DatabaseHealth = { ok: true; driver: 'pglite' | 'postgres'; latencyMs: number } | { ok: false };

/** Whether the database answers within the time a load balancer's health check allows. */
export async function checkDatabaseHealth(timeoutMs = 3000): Promise<DatabaseHealth> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const handle = await getDbHandle();
    await Promise.race([
      pingDatabase(handle.db),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('database timeout')), timeoutMs);
      }),
    ]);
    return { ok: true, driver: handle.driver, latencyMs: Date.now() - started };
  } catch {
    return { ok: false };
  } finally {
    clearTimeout(timer);
  }
}
