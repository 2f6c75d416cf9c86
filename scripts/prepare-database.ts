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
import { hasDemoCdrs, seedDemoCdrs } from '@/lib/services/demo-cdrs';
import { seedDemoInvoices } from '@/lib/services/demo-invoices';
import { importDemoNumbers } from '@/lib/services/demo-numbers';
import { seedDemoPortIns } from '@/lib/services/demo-port-ins';
import { seedDemoRateDecks } from '@/lib/services/demo-rate-decks';
import { ensureDefaultConnections } from '@/lib/services/providers';
import { evaluateQualityAlerts } from '@/lib/services/quality-alerts';

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

/**
 * `demoCdrDays` (npm start, the browser suite): that many days of demo calls, once; not in
 * `seedDemo`, which every test calls. `importNumbers` (npm start, with its sandboxes already
 * answering): the numbers the sandboxes hold become the demo tree's, once.
 */
export async function prepareDatabase({ seed, demoCdrDays, importNumbers = false }: { seed?: boolean; demoCdrDays?: number; importNumbers?: boolean } = {}) {
  const env = getEnv();
  const handle = await getDbHandle();
  const shouldSeed = seed ?? env.seedDemo;
  let demoCalls: number | undefined;
  if (shouldSeed) {
    await seedDemo(handle.db);
    await ensureDefaultConnections(handle.db, sandboxConnections());
    // seedDemo priced the demo before the connections existed: their cost decks now, before any demo call.
    await seedDemoRateDecks(handle.db);
    if (demoCdrDays && !(await hasDemoCdrs(handle.db))) {
      const started = Date.now();
      console.log(`Seeding ${demoCdrDays} days of demo calls (first start only)…`);
      const result = await seedDemoCdrs(handle.db, { now: new Date(started), days: demoCdrDays });
      demoCalls = result.accepted;
      console.log(`  ${result.accepted.toLocaleString('en-US')} demo calls in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      // Judged at the incident's end, as the 5-minute job would have then: a first start shows its alert.
      const alerts = await evaluateQualityAlerts({ at: result.incident.to });
      console.log(`  quality alerts at the demo incident: ${alerts.opened} opened`);
      // The months the calls cover that are over, invoiced as the close job would have (the older ones paid).
      const invoiced = await seedDemoInvoices(handle.db, new Date(started));
      console.log(`  demo invoices: ${invoiced.invoices.map((invoice) => `${invoice.number} (${invoice.status})`).join(', ') || 'none (no month is over yet)'}`);
      const ports = await seedDemoPortIns(handle.db, new Date(started));
      console.log(`  demo port-ins: ${ports.created}`);
    }
    if (importNumbers) {
      const { imported } = await importDemoNumbers(handle.db);
      if (imported > 0) console.log(`  demo phone numbers: ${imported}, imported from the sandboxes`);
    }
  }
  await handle.close();
  return { driver: handle.driver, seeded: shouldSeed, demoCalls };
}
