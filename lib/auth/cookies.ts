import { headers } from 'next/headers';
import { getEnv } from '@/lib/env';

/**
 * Whether this request reached the portal over HTTPS: directly, through a trusted proxy (the
 * portal's server drops forwarded headers from anyone else), or by the configured public URL.
 */
export async function isHttpsRequest(): Promise<boolean> {
  if (getEnv().appUrl.startsWith('https://')) return true;
  return (await headers()).get('x-forwarded-proto')?.split(',')[0]?.trim() === 'https';
}

/** Options of the portal's own cookies: never readable by scripts, `Secure` over HTTPS. */
export async function accountCookieOptions() {
  return { httpOnly: true, sameSite: 'lax' as const, path: '/', secure: await isHttpsRequest() };
}
