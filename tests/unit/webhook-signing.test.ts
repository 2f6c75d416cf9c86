import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it, vi } from 'vitest';
import { generateWebhookSecret, signWebhook, webhookHeaders } from '@/lib/services/webhook-signing';

describe('Standard Webhooks signing', () => {
  it('makes whsec_ secrets of 24 random bytes', () => {
    const secrets = new Set(Array.from({ length: 50 }, () => generateWebhookSecret()));
    expect(secrets.size).toBe(50);
    for (const secret of secrets) {
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+={0,2}$/);
      expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(24);
    }
  });

  it('matches the official library’s signature for any id, time and body', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 4_000_000_000 }), fc.string(), (id, timestamp, body) => {
        const secret = generateWebhookSecret();
        expect(signWebhook(secret, { id, timestamp, body })).toBe(new Webhook(secret).sign(id, new Date(timestamp * 1000), body));
      }),
      { numRuns: 200 },
    );
  });

  it('puts one signature per secret in the header, each of which the library accepts', () => {
    const current = generateWebhookSecret();
    const previous = generateWebhookSecret();
    const now = new Date('2026-12-01T12:00:00Z');
    const body = JSON.stringify({ type: 'number.released', timestamp: now.toISOString(), data: { e164: '+14155550123' } });
    const headers = webhookHeaders([current, previous], { id: 'evt_abc', timestamp: Math.floor(now.getTime() / 1000), body });
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    vi.useFakeTimers({ toFake: ['Date'], now });
    try {
      expect(new Webhook(current).verify(body, headers)).toMatchObject({ type: 'number.released' });
      expect(new Webhook(previous).verify(body, headers)).toMatchObject({ type: 'number.released' });
      expect(() => new Webhook(generateWebhookSecret()).verify(body, headers)).toThrow();
      expect(() => new Webhook(current).verify(body.replace('0123', '0124'), headers)).toThrow();
    } finally {
      vi.useRealTimers();
    }
  });
});
