import { describe, expect, it } from 'vitest';
import { toCallParty } from '@/lib/phone-numbers';
import { emptyCounters, histogramQuantile, isNerSuccess, pddBucketIndex, PDD_BUCKET_COUNT, qualityMetrics } from '@/lib/quality/metrics';

describe('quality metrics', () => {
  it('puts a PDD in the bucket whose bounds hold it', () => {
    expect(pddBucketIndex(0)).toBe(0);
    expect(pddBucketIndex(99)).toBe(0);
    expect(pddBucketIndex(100)).toBe(1);
    expect(pddBucketIndex(1119)).toBe(7);
    expect(pddBucketIndex(1120)).toBe(8);
    expect(pddBucketIndex(60_000)).toBe(PDD_BUCKET_COUNT - 1);
  });

  it('interpolates quantiles inside a bucket and answers the open bucket by its lower bound', () => {
    const histogram = new Array(PDD_BUCKET_COUNT).fill(0);
    histogram[7] = 10; // [800, 1120)
    expect(histogramQuantile(histogram, 0.5)).toBe(960);
    expect(histogramQuantile(histogram, 1)).toBe(1120);
    histogram[PDD_BUCKET_COUNT - 1] = 90;
    expect(histogramQuantile(histogram, 0.95)).toBe(12_800);
    expect(histogramQuantile(new Array(PDD_BUCKET_COUNT).fill(0), 0.5)).toBeNull();
  });

  it('counts answers and user-determined outcomes toward NER, network failures not', () => {
    expect(isNerSuccess({ answered: true, sipCode: 200 })).toBe(true);
    for (const code of [486, 480, 603, 487, 404]) expect(isNerSuccess({ answered: false, sipCode: code })).toBe(true);
    for (const code of [503, 408, 500, 502]) expect(isNerSuccess({ answered: false, sipCode: code })).toBe(false);
    expect(isNerSuccess({ answered: false, sipCode: 500, q850Cause: 17 })).toBe(true);
  });

  it('answers null ratios for an empty period rather than zero', () => {
    const metrics = qualityMetrics(emptyCounters());
    expect(metrics).toMatchObject({ attempts: 0, asr: null, ner: null, acd: null, pddP50Ms: null, pddUnknownShare: null });
  });
});

describe('call parties', () => {
  it('takes E.164 by shape, keeps unallocated numbers and names the country from the prefix', () => {
    expect(toCallParty('+14155551212')).toMatchObject({ e164: '+14155551212', region: 'US', callingCode: '1', nationalNumber: '4155551212' });
    expect(toCallParty('+16135550100')).toMatchObject({ region: 'CA' });
    expect(toCallParty('+525512345678')).toMatchObject({ region: 'MX', callingCode: '52' });
    expect(toCallParty('+442079460958')).toMatchObject({ region: 'GB', callingCode: '44' });
    expect(toCallParty('(312) 555-0100')?.e164).toBe('+13125550100');
    expect(toCallParty('anonymous')).toBeUndefined();
    expect(toCallParty('+0123')).toBeUndefined();
  });
});
