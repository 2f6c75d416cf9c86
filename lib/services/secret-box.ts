import 'server-only';

/**
 * AES-256-GCM for secrets at rest (provider credentials, upstream session keys). The key comes from
 * CREDENTIALS_KEY, or in embedded mode from a file generated once in the data folder. Format:
 * v1.<iv>.<tag>.<ciphertext>.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { getEnv } from '@/lib/env';
import { AppError } from '@/lib/errors';

export function sealSecret(plaintext: string, key: Buffer = getEnv().credentialsKey): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join('.');
}

export function openSecret(sealed: string, key: Buffer = getEnv().credentialsKey): string {
  const [version, iv, tag, ciphertext] = sealed.split('.');
  if (version !== 'v1' || !iv || !tag || ciphertext === undefined) throw new AppError('internal:secret_format', 'Stored credentials are unreadable.');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  } catch (cause) {
    throw new AppError('internal:secret_key', 'Stored credentials cannot be decrypted with the configured CREDENTIALS_KEY.', { cause });
  }
}

export function sealCredentials(credentials: Record<string, string>, key?: Buffer): string {
  return sealSecret(JSON.stringify(credentials), key);
}

export function openCredentials(sealed: string, key?: Buffer): Record<string, string> {
  return JSON.parse(openSecret(sealed, key)) as Record<string, string>;
}

/** How a sealed JSON value is stored in a jsonb column (provider connection state). */
export interface SealedValue {
  $sealed: string;
}

export function isSealedValue(value: unknown): value is SealedValue {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === '$sealed' && typeof (value as SealedValue).$sealed === 'string' && (value as SealedValue).$sealed.startsWith('v1.');
}

/** Any JSON value (an upstream API key, a session token with its expiry) sealed for a jsonb column. */
export function sealValue(value: unknown, key?: Buffer): SealedValue {
  return { $sealed: sealSecret(JSON.stringify(value ?? null), key) };
}

export function openValue(sealed: SealedValue, key?: Buffer): unknown {
  return JSON.parse(openSecret(sealed.$sealed, key)) as unknown;
}
