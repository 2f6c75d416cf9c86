import { z } from 'zod';
import { AppError } from '@/lib/errors';
import { PROVIDER_IDS } from '@/lib/providers/types';
import { safeText, textProblem } from './common';

const baseUrl = safeText('The base URL', { message: 'Enter the base URL' })
  .trim()
  .url('Enter a full URL, like https://api.provider.example')
  .refine((value) => /^https?:\/\//.test(value), 'The URL must start with http:// or https://')
  .transform((value) => value.replace(/\/+$/, ''));

const name = safeText('The name', { message: 'Enter a name' }).trim().min(2, 'The name needs at least 2 characters').max(80, 'The name can be at most 80 characters');

export const createConnectionSchema = z.object({ provider: z.enum(PROVIDER_IDS, { message: 'Choose a provider' }), name, baseUrl });
export const updateConnectionSchema = z.object({ connectionId: z.string().uuid(), name, baseUrl });
export const connectionIdSchema = z.object({ connectionId: z.string().uuid() });
export const setConnectionEnabledSchema = z.object({ connectionId: z.string().uuid(), enabled: z.enum(['true', 'false']).transform((value) => value === 'true') });

/**
 * Credential fields arrive as `credential.<name>`; blank on an update keeps the stored value. A
 * value with a control character (it would end up in an HTTP header or query) is an `invalid:` error
 * naming its field; the value itself is never echoed.
 */
export function credentialsFromForm(raw: Record<string, string>): Record<string, string> {
  const credentials: Record<string, string> = {};
  const fieldErrors: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!key.startsWith('credential.') || value.trim() === '') continue;
    const problem = textProblem(value.trim());
    if (problem) fieldErrors[key] = [`This credential ${problem}`];
    else credentials[key.slice('credential.'.length)] = value.trim();
  }
  if (Object.keys(fieldErrors).length > 0) throw new AppError('invalid:credentials', 'Please correct the highlighted fields.', { fieldErrors });
  return credentials;
}
