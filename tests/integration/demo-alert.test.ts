import { beforeAll, describe, expect, it } from 'vitest';
import { providerConnections, qualityAlerts } from '@/lib/db/schema';
import { seedDemoCdrs, type DemoCdrResult } from '@/lib/services/demo-cdrs';
import { evaluateQualityAlerts } from '@/lib/services/quality-alerts';
import { sealCredentials } from '@/lib/services/secret-box';
import { useTestDatabase } from '../support/db';
import { seedTwoTenants } from '../support/fixtures';

/**
 * A first start shows one alert whenever it happens: here on a Sunday night UTC, the quietest time
 * of the demo's week, with the four weeks of history the alert rule compares against.
 */
describe('demo calls raise exactly one quality alert at the incident', () => {
  const test = useTestDatabase();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  let seeded: DemoCdrResult;

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    for (const provider of ['carrierx', 'vitcom', 'voicemeup', 'voicetel'] as const) {
      await test.db.insert(providerConnections).values({ provider, name: `${provider} demo`, baseUrl: 'http://127.0.0.1:9', credentialsCiphertext: sealCredentials({ key: 'k' }), enabled: false });
    }
    seeded = await seedDemoCdrs(test.db, { now: new Date('2026-11-22T03:10:00Z'), days: 30 });
  }, 180_000);

  it('opens one ASR alert on the incident account, trunk group and destination', async () => {
    const evaluation = await evaluateQualityAlerts({ at: seeded.incident.to });
    expect(evaluation.opened).toBe(1);
    const alerts = await test.db.select().from(qualityAlerts);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ accountId: tenants.west.id, trunkGroupId: seeded.incident.trunkGroupId, destination: 'US', metric: 'asr' });
    expect(alerts[0]!.resolvedAt).toBeNull();
  });
});
