import { headers } from 'next/headers';

/**
 * Whether this request reached the portal over HTTPS, directly or through a trusted proxy: Next.js
 * sets X-Forwarded-Proto from the socket, and the portal's server drops a client's own.
 */
export async function isHttpsRequest(): Promise<boolean> {
  return (await headers()).get('x-forwarded-proto')?.split(',')[0]?.trim() === 'https';
}

/** Options of the portal's own cookies: never readable by scripts, `Secure` over HTTPS. */
export async function accountCookieOptions() {
  return { httpOnly: true, sameSite: 'lax' as const, path: '/', secure: await isHttpsRequest() };
}
