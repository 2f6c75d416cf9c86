import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHOICE_CRITERIA, chooseUpstream, decidingCriterion, describeChoice, rankOffers, trunkGroupFitProblems, type UpstreamOffer } from '@/lib/services/upstream-choice';

const main = (fits: boolean) => ({ id: 'g-main', name: 'Main PBX', fits });
const backup = (fits: boolean) => ({ id: 'g-backup', name: 'Backup', fits });

function offer(connectionId: string, overrides: Partial<UpstreamOffer> = {}): UpstreamOffer {
  return { connectionId, provider: 'voicetel', cost: '0.5000', reliable: true, e911: true, trunkGroups: [], ...overrides };
}

describe('choosing the upstream that sells a number', () => {
  it('ranks by E911, then trunk groups carried, then reliability, then cost', () => {
    expect(CHOICE_CRITERIA).toEqual(['e911', 'trunk_groups', 'reliability', 'price']);
    // Cheaper, but no E911: the E911 one wins (the customer pays the list price either way).
    const cheapNoE911 = offer('a', { cost: '0.1000', e911: false, provider: 'carrierx' });
    const dearE911 = offer('b', { cost: '0.9000' });
    expect(chooseUpstream([cheapNoE911, dearE911])).toMatchObject({ best: dearE911, choice: { decidedBy: 'e911', e911: true, lowestPrice: false } });

    // Both have E911: the one carrying the account's trunk group wins over a cheaper one.
    const cheapNoTrunk = offer('c', { cost: '0.1000', trunkGroups: [main(false)] });
    const dearTrunk = offer('d', { cost: '0.9000', trunkGroups: [main(true)] });
    expect(chooseUpstream([cheapNoTrunk, dearTrunk]).choice).toMatchObject({ decidedBy: 'trunk_groups', trunkGroups: [main(true)] });

    // More of the account's groups carried beats fewer.
    const both = offer('e', { cost: '0.9000', trunkGroups: [main(true), backup(true)] });
    const one = offer('f', { cost: '0.1000', trunkGroups: [main(true), backup(false)] });
    expect(chooseUpstream([one, both]).best).toBe(both);

    // Equal capabilities: reliability, then cost.
    const unreliableCheap = offer('g', { cost: '0.1000', reliable: false });
    const reliableDear = offer('h', { cost: '0.9000' });
    expect(chooseUpstream([unreliableCheap, reliableDear]).choice.decidedBy).toBe('reliability');
    const cheap = offer('i', { cost: '0.1000' });
    expect(chooseUpstream([reliableDear, cheap])).toMatchObject({ best: cheap, choice: { decidedBy: 'price', lowestPrice: true, cost: '0.1000' } });
  });

  it('ranks an unknown cost after every known one, and breaks a full tie by connection id', () => {
    const unknown = offer('a', { cost: undefined });
    const known = offer('b', { cost: '9.0000' });
    expect(rankOffers([unknown, known])).toEqual([known, unknown]);
    expect(chooseUpstream([unknown, known]).choice.passedOver).toEqual([{ connectionId: 'a', provider: 'voicetel', cost: null, lostOn: 'price' }]);
    const twin = offer('z');
    const first = offer('m');
    expect(chooseUpstream([twin, first])).toMatchObject({ best: first, choice: { decidedBy: 'tie', passedOver: [{ connectionId: 'z', lostOn: 'tie' }] } });
    expect(decidingCriterion(offer('x', { cost: undefined }), offer('y', { cost: undefined }))).toBeUndefined();
  });

  it('records a single offer as the only one, and never reports the lowest price without a comparison', () => {
    expect(chooseUpstream([offer('a')]).choice).toEqual({ decidedBy: 'only_offer', offers: 1, e911: true, trunkGroups: [], reliable: true, lowestPrice: false, cost: '0.5000', passedOver: [] });
    expect(() => chooseUpstream([])).toThrow();
  });

  it('is a total order: the best does not depend on the order the upstreams answered in, and no criterion is skipped', () => {
    const offers = fc.uniqueArray(
      fc.record({
        connectionId: fc.uuid(),
        provider: fc.constantFrom('voicetel', 'vitcom', 'carrierx', 'voicemeup'),
        cost: fc.option(fc.integer({ min: 0, max: 50_000 }).map((units) => (units / 10_000).toFixed(4)), { nil: undefined }),
        reliable: fc.boolean(),
        e911: fc.boolean(),
        trunkGroups: fc.array(fc.boolean(), { maxLength: 3 }).map((fits) => fits.map((ok, index) => ({ id: `g${index}`, name: `Group ${index}`, fits: ok }))),
      }),
      { minLength: 1, maxLength: 6, selector: (candidate) => candidate.connectionId },
    );
    fc.assert(
      fc.property(offers, (list) => {
        const { best, choice } = chooseUpstream(list);
        expect(chooseUpstream([...list].reverse()).best).toBe(best);
        // Nothing beats the best on the first criterion where they differ.
        for (const other of list) {
          const criterion = decidingCriterion(best, other);
          if (!criterion) continue;
          expect(rankOffers([other, best])[0]).toBe(best);
        }
        // An offer with E911 always beats one without.
        if (list.some((candidate) => candidate.e911)) expect(best.e911).toBe(true);
        expect(choice.passedOver).toHaveLength(list.length - 1);
      }),
    );
  });
});

describe('whether an upstream can carry a trunk group', () => {
  const destinations = [{ host: '203.0.113.10', port: 5060, transport: 'udp' as const, priority: 1, weight: 100 }];
  const ipGroup = { direction: 'both' as const, auth: 'ip' as const, allowedIps: ['203.0.113.0/24'], destinations, codecs: ['PCMU'] };
  const able = (provider: string) => ({ provider, hasTrunks: true, canCreateTrunks: true });

  it('follows the rules each descriptor declares, the same ones trunk-group forms check', () => {
    expect(trunkGroupFitProblems(ipGroup, able('voicetel'), false)).toEqual([]);
    expect(trunkGroupFitProblems(ipGroup, able('voicemeup'), false)[0]).toMatch(/^VoiceMeUp: it accepts only single addresses/);
    // VITCOM takes outbound calls from single IP addresses only, signed in by address.
    expect(trunkGroupFitProblems(ipGroup, able('vitcom'), false).join(' ')).toMatch(/single addresses/);
    expect(trunkGroupFitProblems({ ...ipGroup, auth: 'digest', allowedIps: [] }, able('vitcom'), false).join(' ')).toMatch(/^VITCOM: it accepts calls from your PBX/);
    expect(trunkGroupFitProblems({ ...ipGroup, allowedIps: ['203.0.113.10/32'] }, able('vitcom'), false)).toEqual([]);
  });

  it('needs a trunk API, and a way to create the group there or a copy linked already', () => {
    expect(trunkGroupFitProblems(ipGroup, { provider: 'voicetel', hasTrunks: false, canCreateTrunks: false }, false)[0]).toMatch(/no trunk groups/);
    expect(trunkGroupFitProblems(ipGroup, { provider: 'voicetel', hasTrunks: true, canCreateTrunks: false }, false)[0]).toMatch(/cannot create/);
    expect(trunkGroupFitProblems(ipGroup, { provider: 'voicetel', hasTrunks: true, canCreateTrunks: false }, true)).toEqual([]);
  });
});

describe('the reasons people read', () => {
  const choice = chooseUpstream([offer('win', { cost: '0.2000', trunkGroups: [main(true), backup(false)] }), offer('lose', { provider: 'carrierx', cost: '0.3000', e911: false, trunkGroups: [main(true), backup(false)] })]).choice;

  it('tells customers what the number can do, never which upstream', () => {
    const view = describeChoice(choice, { e911: true, staff: false });
    expect(view).toEqual({ e911: true, reasons: ['supports E911', 'supports your trunk group Main PBX', 'lowest price'], warnings: ['cannot be routed to your trunk group Backup'] });
    expect(JSON.stringify(view)).not.toMatch(/CarrierX|VoiceTel|win|lose/);
  });

  it('tells staff the upstream and what it was chosen over', () => {
    const view = describeChoice(choice, { e911: true, staff: true, upstreamLabel: 'VoiceTel · main' });
    expect(view.upstream).toBe('VoiceTel · main');
    expect(view.staffDetail).toBe('Chosen over CarrierX (no E911).');
    const byPrice = chooseUpstream([offer('a', { cost: '0.2000' }), offer('b', { provider: 'vitcom', cost: '0.3500' })]).choice;
    expect(describeChoice(byPrice, { e911: true, staff: true, labelOf: () => 'Vitcom · second' }).staffDetail).toBe('Chosen over Vitcom · second (costs 0.1500 more a month).');
  });

  it('says the only carrier offered it, and what little is known of lines from before the ranking', () => {
    expect(describeChoice(chooseUpstream([offer('a', { e911: false })]).choice, { e911: false, staff: false })).toEqual({ e911: false, reasons: ['the only carrier offering it'], warnings: [] });
    expect(describeChoice(null, { e911: true, staff: false })).toEqual({ e911: true, reasons: ['supports E911'], warnings: [] });
    expect(describeChoice(null, { e911: false, staff: true }).staffDetail).toBe('Bought before the portal recorded why.');
  });
});
