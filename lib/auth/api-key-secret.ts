/**
 * API key secrets: `cp_live_` and 32 random bytes in base62 (43 characters), so a key is easy to
 * spot in a leaked file and copies whole on a double-click. Only the SHA-256 is stored.
 */
import { createHash, randomBytes } from 'node:crypto';

export const API_KEY_PREFIX = 'cp_live_';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** 32 bytes need 43 base62 digits (62^43 > 2^256). */
const SECRET_DIGITS = 43;
/** Characters of the secret shown in lists to tell keys apart: the prefix and six more. */
const VISIBLE_LENGTH = API_KEY_PREFIX.length + 6;

export function base62(bytes: Uint8Array, digits: number): string {
  let value = BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`);
  let out = '';
  for (let i = 0; i < digits; i++) {
    out = BASE62[Number(value % 62n)] + out;
    value /= 62n;
  }
  return out;
}

export function generateApiKeySecret(): string {
  return API_KEY_PREFIX + base62(randomBytes(32), SECRET_DIGITS);
}

export function hashApiKeySecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function visiblePrefix(secret: string): string {
  return secret.slice(0, VISIBLE_LENGTH);
}

/** Shape only: anything else is refused without a database read. */
export function looksLikeApiKey(secret: string): boolean {
  return secret.length === API_KEY_PREFIX.length + SECRET_DIGITS && secret.startsWith(API_KEY_PREFIX) && /^[0-9A-Za-z]+$/.test(secret.slice(API_KEY_PREFIX.length));
}
