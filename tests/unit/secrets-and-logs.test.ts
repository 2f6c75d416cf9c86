import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redact } from '@/lib/log';
import { openCredentials, openSecret, sealCredentials, sealSecret } from '@/lib/services/secret-box';

describe('secret box (AES-256-GCM)', () => {
  const key = randomBytes(32);

  it('round-trips any text and never stores it in the clear', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 4 }), (plaintext) => {
        const sealed = sealSecret(plaintext, key);
        expect(openSecret(sealed, key)).toBe(plaintext);
        expect(sealed.includes(plaintext) && plaintext.length > 6).toBe(false);
      }),
    );
    expect(sealSecret('same', key)).not.toBe(sealSecret('same', key));
    expect(openCredentials(sealCredentials({ token: 'abc' }, key), key)).toEqual({ token: 'abc' });
  });

  it('refuses tampered ciphertext and the wrong key', () => {
    const sealed = sealSecret('api-key-123', key);
    const parts = sealed.split('.');
    const tampered = [...parts.slice(0, 3), Buffer.from('x' + Buffer.from(parts[3]!, 'base64url').toString('latin1').slice(1), 'latin1').toString('base64url')].join('.');
    expect(() => openSecret(tampered, key)).toThrow(/cannot be decrypted/);
    expect(() => openSecret(sealed, randomBytes(32))).toThrow(/cannot be decrypted/);
    expect(() => openSecret('garbage', key)).toThrow(/unreadable/);
  });
});

describe('log redaction', () => {
  it('hides secret-looking fields and query-string credentials', () => {
    const redacted = redact({
      password: 'hunter2',
      headers: { Authorization: 'Bearer abc', accept: 'json' },
      nested: [{ auth_token: 't0k3n', api_key: 'k' }],
      url: 'https://engine.example/api?request_type=get_calls&client_account_id=123&auth_token=secret&x=1',
    }) as Record<string, unknown>;
    const text = JSON.stringify(redacted);
    for (const secret of ['hunter2', 'Bearer abc', 't0k3n', 'secret', 'client_account_id=123']) expect(text).not.toContain(secret);
    expect(text).toContain('request_type=get_calls');
    expect(text).toContain('"accept":"json"');
  });
});
