import { z } from 'zod';
import { PROVIDER_IDS } from '@/lib/providers/types';

const baseUrl = z
  .string({ message: 'Enter the base URL' })
  .trim()
  .url('Enter a full URL, like https://api.provider.example')
  .refine((value) => /^https?:\/\//.test(value), 'The URL must start with http:// or https://')
  .transform((value) => value.replace(/\/+$/, ''));

const name = z.string({ message: 'Enter a name' }).trim().min(2, 'The name needs at least 2 characters').max(80, 'The name can be at most 80 characters');

export const createConnectionSchema = z.object({ provider: z.enum(PROVIDER_IDS, { message: 'Choose a provider' }), name, baseUrl });
export const updateConnectionSchema = z.object({ connectionId: z.string().uuid(), name, baseUrl });
export const connectionIdSchema = z.object({ connectionId: z.string().uuid() });
export const setConnectionEnabledSchema = z.object({ connectionId: z.string().uuid(), enabled: z.enum(['true', 'false']).transform((value) => value === 'true') });

/** Credential fields arrive as `credential.<name>`; blank on an update keeps the stored value. */
export function credentialsFromForm(raw: Record<string, string>): Record<string, string> {
  const credentials: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key.startsWith('credential.') && value.trim() !== '') credentials[key.slice('credential.'.length)] = value.trim();
  }
  return credentials;
}
