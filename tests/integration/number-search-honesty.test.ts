import { beforeAll, describe, expect, it } from 'vitest';
import { findPatternMatch } from '@/lib/number-pattern';
import { toNanpTenDigits } from '@/lib/phone-numbers';
import { searchAvailableNumbers, toSearchView } from '@/lib/services/number-search';
import { toUnits } from '@/lib/services/pricing';
import { numberSearchSchema, searchViewSchema } from '@/lib/validations/numbers';
import { useTestDatabase } from '../support/db';
import { accessAs, seedTwoTenants } from '../support/fixtures';
import { useSandboxes } from '../support/sandboxes';

/** Issue 12.9 and the search part of 12.4, over the four sandboxes. */
describe('number search: vanity, blocks, E911', () => {
  const test = useTestDatabase();
  const sandboxes = useSandboxes();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  const tech = () => accessAs(test.db, 'tech@acme.example', tenants.east.id);
  const search = async (query: Record<string, string>) => searchAvailableNumbers(await tech(), numberSearchSchema.parse({ quantity: '10', ...query }), { fresh: true });
  const firstPage = (extra: Record<string, string> = {}) => searchViewSchema.parse({ sort: 'number', dir: 'asc', page: '1', ...extra });

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    await sandboxes.connect(test.db);
  });

  it('finds *FLOWERS* at the carriers that search by pattern, and the highlight covers the spelled digits', async () => {
    const answer = await search({ pattern: '*FLOWERS*' });
    expect(answer.providers.every((outcome) => outcome.ok)).toBe(true);
    const providers = new Set(answer.results.map((result) => result.provider));
    expect([...providers].sort()).toEqual(['carrierx', 'voicetel']);
    expect(answer.results.length).toBeGreaterThanOrEqual(8);
    for (const result of answer.results) {
      const national = toNanpTenDigits(result.e164)!;
      expect(national).toContain('3569377');
      const match = findPatternMatch(national, '*FLOWERS*');
      expect(match).toEqual([{ start: national.indexOf('3569377'), end: national.indexOf('3569377') + 7, letters: 'FLOWERS' }]);
    }
  });

  it('sends the pattern each carrier understands when an area code or toll-free is asked for too', async () => {
    const local = await search({ pattern: '*FLOWERS*', npa: '312' });
    expect(local.providers.every((outcome) => outcome.ok)).toBe(true);
    expect(local.results.map((result) => result.e164)).toEqual(['+13123569377']);

    const tollFree = await search({ kind: 'tollfree', pattern: '*flowers*' });
    expect(tollFree.providers.every((outcome) => outcome.ok)).toBe(true);
    expect(tollFree.results.map((result) => result.e164).sort()).toEqual(['+18333569377', '+18443569377', '+18773569377', '+18883569377']);

    // Anchored at the end: only numbers that end in the word.
    const suffix = await search({ pattern: '*PLUMBER' });
    expect(suffix.results.map((result) => result.e164).sort()).toEqual(['+13037586237', '+17137586237', '+18327586237']);
  });

  it('answers a consecutive search of 5 with whole blocks of 5 only, one row per block', async () => {
    const answer = await search({ state: 'IL', quantity: '5', consecutive: 'on' });
    expect(answer.results.length).toBeGreaterThan(0);
    expect(answer.results.length % 5).toBe(0);
    const view = toSearchView(answer, firstPage(), false);
    expect(view.blockSize).toBe(5);
    expect(view.total).toBe(answer.results.length / 5);
    expect(view.blocks).toHaveLength(view.total);
    for (const block of view.blocks) {
      expect(block.count).toBe(5);
      const digits = block.numbers.map((e164) => Number(e164.slice(2)));
      expect(digits).toEqual(digits.map((_, index) => digits[0]! + index));
      expect(block.first).toBe(block.numbers[0]);
      expect(block.last).toBe(block.numbers[4]);
      expect(block.monthly).toMatch(/^\d+\.\d{4}$/);
      expect(toUnits(block.monthlyTotal)).toBe(5 * toUnits(block.monthly!));
      expect(toUnits(block.setupTotal)).toBe(5 * toUnits(block.setup!));
    }
    // Every number of the page belongs to one of its blocks.
    expect(view.results.map((row) => row.e164).sort()).toEqual(view.blocks.flatMap((block) => block.numbers).sort());
  });

  it('marks numbers whose carrier cannot register an emergency address, and the filter leaves them out', async () => {
    const answer = await search({ pattern: '*FLOWERS*' });
    const all = toSearchView(answer, firstPage(), false);
    const withoutE911 = all.results.filter((row) => !row.e911);
    expect(withoutE911.length).toBeGreaterThan(0);
    expect(all.hiddenWithoutE911).toBe(0);
    // CarrierX has no e911 capability; VoiceTel has.
    expect(new Set(answer.results.filter((result) => withoutE911.some((row) => row.e164 === result.e164)).map((result) => result.provider))).toEqual(new Set(['carrierx']));

    const only = toSearchView(answer, firstPage({ e911Only: 'only' }), false);
    expect(only.e911Only).toBe(true);
    expect(only.results.length).toBeGreaterThan(0);
    expect(only.results.every((row) => row.e911)).toBe(true);
    expect(only.total + only.hiddenWithoutE911).toBe(all.total);
    expect(only.results.map((row) => row.e164)).toEqual(answer.results.filter((result) => result.provider === 'voicetel').map((result) => result.e164).sort());
  });
});
