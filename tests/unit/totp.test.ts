import { describe, expect, it } from 'vitest';
import { checkTotp, currentTotp, hashRecoveryCode, isRecoveryCode, newRecoveryCodes, newTotpSecret, normalizeRecoveryCode, totpUri } from '@/lib/auth/totp';

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const at = (seconds: number) => new Date(seconds * 1000);
/** The start of a 30-second step, so ±1 step lands inside neighbouring steps. */
const T = 1_800_000_000;

describe('TOTP (RFC 6238)', () => {
  it('matches the RFC 6238 SHA-1 test vector (last six digits)', async () => {
    // RFC 6238 appendix B: secret "12345678901234567890" (base32 GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ), T = 59 s → 94287082.
    expect(await currentTotp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', at(59))).toBe('287082');
    expect(await currentTotp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', at(1111111109))).toBe('081804');
  });

  it('accepts the current step and one step either side, nothing further', async () => {
    const code = await currentTotp(SECRET, at(T));
    expect(await checkTotp({ secret: SECRET, code, now: at(T) })).toEqual({ ok: true, timeStep: T / 30 });
    expect((await checkTotp({ secret: SECRET, code, now: at(T + 30) })).ok).toBe(true);
    expect((await checkTotp({ secret: SECRET, code, now: at(T - 30) })).ok).toBe(true);
    expect((await checkTotp({ secret: SECRET, code, now: at(T + 60) })).ok).toBe(false);
    expect((await checkTotp({ secret: SECRET, code, now: at(T - 60) })).ok).toBe(false);
  });

  it('refuses a code of a step already used (afterTimeStep), but takes the next step', async () => {
    const code = await currentTotp(SECRET, at(T));
    const first = await checkTotp({ secret: SECRET, code, now: at(T) });
    expect(first.ok).toBe(true);
    const timeStep = first.ok ? first.timeStep : -1;
    expect((await checkTotp({ secret: SECRET, code, afterTimeStep: timeStep, now: at(T + 10) })).ok).toBe(false);
    const next = await currentTotp(SECRET, at(T + 30));
    expect(await checkTotp({ secret: SECRET, code: next, afterTimeStep: timeStep, now: at(T + 30) })).toEqual({ ok: true, timeStep: timeStep + 1 });
    // An older step (within the window) after a newer one was used is a replay too.
    expect((await checkTotp({ secret: SECRET, code, afterTimeStep: timeStep + 1, now: at(T + 30) })).ok).toBe(false);
  });

  it('answers malformed codes with "no" instead of throwing', async () => {
    for (const code of ['', '12345', '1234567', 'abcdef', ' 123456', '12 3456', '１２３４５６']) {
      expect((await checkTotp({ secret: SECRET, code, now: at(T) })).ok).toBe(false);
    }
    const wrong = String((Number(await currentTotp(SECRET, at(T))) + 1) % 1_000_000).padStart(6, '0');
    expect((await checkTotp({ secret: SECRET, code: wrong, now: at(T) })).ok).toBe(false);
  });

  it('makes secrets and an otpauth URI an authenticator app reads', () => {
    const secret = newTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(newTotpSecret()).not.toBe(secret);
    const uri = new URL(totpUri({ secret, email: 'a+b@acme.example' }));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.searchParams.get('secret')).toBe(secret);
    expect(uri.searchParams.get('issuer')).toBe('Carrier Portal');
    expect(decodeURIComponent(uri.pathname)).toContain('a+b@acme.example');
  });
});

describe('Recovery codes', () => {
  it('are ten distinct codes, typed forgivingly, hashed the same however typed', () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) {
      expect(code).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
      expect(isRecoveryCode(code)).toBe(true);
      expect(hashRecoveryCode(code.toUpperCase().replace('-', ' '))).toBe(hashRecoveryCode(code));
    }
    expect(normalizeRecoveryCode(' AbCde-fGhjk ')).toBe('abcdefghjk');
    expect(isRecoveryCode('123456')).toBe(false);
    expect(isRecoveryCode('abcde-fghi1')).toBe(false);
    expect(hashRecoveryCode(codes[0]!)).toMatch(/^[0-9a-f]{64}$/);
  });
});
