/**
 * Migrates the configured database and seeds the demo data when it should (embedded mode, or
 * SEED_DEMO=1): the demo customer tree, and one provider connection per sandbox. Runs before the
 * server starts, never beside it: PGlite takes no lock.
 */
import { portFromEnv } from '../sandbox/common/server';
import { sandboxDefinitions } from '../sandbox/index';
import { carrierxDemoCredentials } from '../sandbox/carrierx';
import { vitcomDemoCredentials } from '../sandbox/vitcom';
import { voicemeupDemoCredentials } from '../sandbox/voicemeup';
import { voicetelDemoCredentials } from '../sandbox/voicetel';
import { getDbHandle } from '@/lib/db/client';
import { seedDemo } from '@/lib/db/seed-demo';
import { getEnv } from '@/lib/env';
import { PROVIDERS } from '@/lib/providers/registry';
import { ensureDefaultConnections } from '@/lib/services/providers';

const sandboxCredentials = {
  voicetel: voicetelDemoCredentials,
  vitcom: vitcomDemoCredentials,
  carrierx: carrierxDemoCredentials,
  voicemeup: voicemeupDemoCredentials,
} as const;

export function sandboxConnections() {
  return (Object.keys(sandboxDefinitions) as (keyof typeof sandboxDefinitions)[]).map((provider) => {
    const definition = sandboxDefinitions[provider];
    return {
      provider,
      name: `${PROVIDERS[provider].name} sandbox`,
      baseUrl: `http://127.0.0.1:${portFromEnv(definition.name, definition.defaultPort)}`,
      credentials: sandboxCredentials[provider],
    };
  });
}

export async function prepareDatabase({ seed }: { seed?: boolean } = {}) {
  const env = getEnv();
  const handle = await getDbHandle();
  const shouldSeed = seed ?? env.seedDemo;
  if (shouldSeed) {
    await seedDemo(handle.db);
    await ensureDefaultConnections(handle.db, sandboxConnections());
  }
  await handle.close();
  return { driver: handle.driver, seeded: shouldSeed };
}
