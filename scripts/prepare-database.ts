/**
 * Migrates the configured database and seeds the demo data when it should (embedded mode, or
 * SEED_DEMO=1). Runs before the server starts, never beside it: PGlite takes no lock.
 */
import { getDbHandle } from '@/lib/db/client';
import { seedDemo } from '@/lib/db/seed-demo';
import { getEnv } from '@/lib/env';

export async function prepareDatabase({ seed }: { seed?: boolean } = {}) {
  const env = getEnv();
  const handle = await getDbHandle();
  const shouldSeed = seed ?? env.seedDemo;
  if (shouldSeed) await seedDemo(handle.db);
  await handle.close();
  return { driver: handle.driver, seeded: shouldSeed };
}
