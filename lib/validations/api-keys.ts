/**
 * What an API key is made of, shared by the portal's form, the API's body and the service: a name
 * a person can tell apart, a role below owner, and an optional expiry within two years.
 */
import { z } from 'zod';
import { blankToUndefined, calendarDate, safeText, startOfDayUtc } from './common';

/** Roles a key may have: never owner (a program never hands out ownership). */
export const API_KEY_ROLES = ['admin', 'technical', 'finance', 'viewer'] as const;
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

/**
 * Rights a key holds beyond its role, granted only by the carrier's operator staff: `cdr:write`
 * lets a customer's switch push its CDRs (POST /api/v1/cdrs).
 */
export const API_KEY_SCOPES = ['cdr:write'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export const API_KEY_SCOPE_LABELS: Record<ApiKeyScope, string> = { 'cdr:write': 'Push CDRs (cdr:write)' };

export const API_KEY_NAME_MAX = 80;
/** A key lives at most this long: a forgotten key stops on its own. */
export const API_KEY_MAX_LIFETIME_YEARS = 2;

export const API_KEY_ROLE_MESSAGE = 'Choose the role admin, technical, finance or viewer (keys cannot be owners)';

export const apiKeyNameSchema = safeText('Name', { message: 'Give the key a name' })
  .trim()
  .min(1, 'Give the key a name, such as "billing export"')
  .max(API_KEY_NAME_MAX, `Name can be at most ${API_KEY_NAME_MAX} characters`);

export const apiKeyRoleSchema = z.enum(API_KEY_ROLES, { message: API_KEY_ROLE_MESSAGE });

/** The latest expiry a key may have when created at `now`. */
export function latestApiKeyExpiry(now: Date): Date {
  const latest = new Date(now);
  latest.setUTCFullYear(latest.getUTCFullYear() + API_KEY_MAX_LIFETIME_YEARS);
  return latest;
}

/** Null when `expiresAt` is a fine expiry for a key created at `now`; else what is wrong. */
export function apiKeyExpiryProblem(expiresAt: Date, now: Date): string | null {
  if (Number.isNaN(expiresAt.getTime())) return 'The expiry is not a valid date';
  if (expiresAt.getTime() <= now.getTime()) return 'The expiry must be in the future';
  if (expiresAt.getTime() > latestApiKeyExpiry(now).getTime()) return `The expiry can be at most ${API_KEY_MAX_LIFETIME_YEARS} years ahead`;
  return null;
}

/**
 * The portal's form: the expiry is a day (`<input type="date">`), the key stops at 00:00 UTC that
 * day; blank means it never expires.
 */
export const createApiKeyFormSchema = z.object({
  name: apiKeyNameSchema,
  role: apiKeyRoleSchema,
  expiresAt: z.preprocess(blankToUndefined, calendarDate('Expiry').optional()).transform((day) => (day ? startOfDayUtc(day) : null)),
  /** Shown to operator staff only; the service refuses it from anyone else. */
  cdrWrite: z.preprocess((value) => value === 'on', z.boolean()),
});

export type CreateApiKeyInput = { name: string; role: ApiKeyRole; expiresAt: Date | null; scopes?: readonly ApiKeyScope[] };

export const revokeApiKeyFormSchema = z.object({ keyId: z.string().uuid('Not an API key') });
