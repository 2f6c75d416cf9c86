import { describe, expect, it } from 'vitest';
import { describeSync, syncTone } from '@/lib/services/carrier-labels';
import type { SyncOutcome } from '@/lib/services/trunk-groups';

const upstream = (connectionId: string, ok: boolean): SyncOutcome['upstreams'][number] => ({ connectionId, provider: 'voicetel', ok, detail: ok ? 'applied' : 'The carrier did not accept the group.' });

describe('syncTone: a trunk group change that did not take everywhere is never a success', () => {
  it('is plain success only when every carrier applied it, or none was involved', () => {
    expect(syncTone({ status: 'applied', upstreams: [upstream('a', true), upstream('b', true)] })).toBeUndefined();
    expect(syncTone({ status: 'not_needed', upstreams: [] })).toBeUndefined();
    expect(syncTone(undefined)).toBeUndefined();
  });

  it('is partial when some carriers refused, failed when all did', () => {
    const partial: SyncOutcome = { status: 'partially_applied', upstreams: [upstream('a', true), upstream('b', false)] };
    expect(syncTone(partial)).toBe('partial');
    expect(syncTone({ status: 'failed', upstreams: [upstream('a', false), upstream('b', false)] })).toBe('failed');
    // The message names the refusing carrier without the upstream's name for customers.
    const text = describeSync(partial, new Map([['a', 'Carrier 1'], ['b', 'Carrier 2']]), false);
    expect(text).toContain('Carrier 2');
    expect(text).not.toMatch(/voicetel/i);
  });
});
