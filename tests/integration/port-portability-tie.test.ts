import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { providerConnections } from '@/lib/db/schema';
import { checkPortPortability, choosePortConnection, createPortDraft, getPortDetail, savePortNumbers } from '@/lib/services/port-ins';
import { useTestDatabase } from '../support/db';
import { accessAs, seedTwoTenants } from '../support/fixtures';
import { portableNumbers } from '../support/port-ins';
import { useSandboxes } from '../support/sandboxes';

describe('port-in portability: which upstream wins', () => {
  const test = useTestDatabase();
  const sandboxes = useSandboxes();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  const tech = () => accessAs(test.db, 'tech@acme.example', tenants.east.id);
  const numbers = portableNumbers();
  const connectionOf = async (provider: 'vitcom' | 'voicetel') => (await test.db.select().from(providerConnections).where(eq(providerConnections.provider, provider)))[0]!;

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    await sandboxes.connect(test.db);
  });

  it('a tie goes to the upstream listed first (by name), whichever answered first; a re-check keeps the customer’s tied choice', async () => {
    const access = await tech();
    const vitcom = await connectionOf('vitcom');
    const voicetel = await connectionOf('voicetel');
    for (let attempt = 0; attempt < 3; attempt++) {
      const { id } = await createPortDraft(access);
      await savePortNumbers(access, id, { numbers: numbers(2).join('\n') });
      const outcome = await checkPortPortability(access, id);
      expect(outcome).toMatchObject({ checked: 2, portable: 2, unavailable: [] });
      const detail = await getPortDetail(access, id);
      // Both can take both numbers: the first candidate shown is the one chosen.
      expect(detail.candidates.map((candidate) => candidate.portable)).toEqual([2, 2]);
      expect(detail.connectionId).toBe(vitcom.id);
      expect(detail.candidates[0]!.connectionId).toBe(vitcom.id);

      await choosePortConnection(access, id, { connectionId: voicetel.id });
      await checkPortPortability(access, id);
      expect((await getPortDetail(access, id)).connectionId).toBe(voicetel.id);
    }
  });
});
