/**
 * TOTP (RFC 6238: SHA-1, six digits, 30-second steps, as every authenticator app expects) and the
 * one-time recovery codes that stand in for a lost authenticator.
 */
import { createHash, randomInt } from 'node:crypto';
import { generate, generateSecret, generateURI, verify } from 'otplib';

export const TOTP_ISSUER = 'Carrier Portal';
export const RECOVERY_CODE_COUNT = 10;

export function newTotpSecret(): string {
  return generateSecret();
}

/** The `otpauth://` address an authenticator app reads from the enrolment QR code. */
export function totpUri({ secret, email }: { secret: string; email: string }): string {
  return generateURI({ issuer: TOTP_ISSUER, label: email, secret });
}

export function isTotpCode(code: string): boolean {
  return /^\d{6}$/.test(code);
}

export type TotpCheck = { ok: true; timeStep: number } | { ok: false };

/**
 * A code from the current step or one step either side (clocks drift), and only from a step after
 * `afterTimeStep` (the last code this user had accepted), so a code that worked once never works again.
 */
export async function checkTotp({ secret, code, afterTimeStep, now = new Date() }: { secret: string; code: string; afterTimeStep?: number | null; now?: Date }): Promise<TotpCheck> {
  if (!isTotpCode(code)) return { ok: false };
  const result = await verify({
    secret,
    token: code,
    epoch: Math.floor(now.getTime() / 1000),
    epochTolerance: 30,
    ...(afterTimeStep != null ? { afterTimeStep } : {}),
  });
  return result.valid && 'timeStep' in result ? { ok: true, timeStep: result.timeStep } : { ok: false };
}

/** The code an authenticator shows at `now` (demo sign-in and tests). */
export function currentTotp(secret: string, now = new Date()): Promise<string> {
  return generate({ secret, epoch: Math.floor(now.getTime() / 1000) });
}

/** No 0/o, 1/l/i: recovery codes are read off paper and typed by hand. */
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** Ten codes like `k7m2p-x9qrt` (about 49 random bits each). */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const chars = Array.from({ length: 10 }, () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)]).join('');
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

/** What a person typed, as stored: lower case, without spaces or dashes. */
export function normalizeRecoveryCode(input: string): string {
  return input.toLowerCase().replace(/[\s-]/g, '');
}

export function isRecoveryCode(input: string): boolean {
  return new RegExp(`^[${RECOVERY_ALPHABET}]{10}$`).test(normalizeRecoveryCode(input));
}

export function hashRecoveryCode(input: string): string {
  return createHash('sha256').update(normalizeRecoveryCode(input)).digest('hex');
}
