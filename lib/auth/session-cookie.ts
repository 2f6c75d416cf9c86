import { getToken, type JWT } from 'next-auth/jwt';

/**
 * The session cookie's decoded token, for proxy.ts and `auth()`. Decoding is the dearest step of a
 * signed-in request (HKDF, the key's thumbprint, AES-CBC and HMAC in WebCrypto: about a fifth of
 * the server's CPU on a light page, once in the proxy and again in `auth()`), and a browser sends
 * the same cookie on every request, so the answer is kept per cookie header. Only the decoding is
 * kept: whether the session still holds is read from its row on every request (lib/auth/config.ts),
 * and a kept token past its expiry is decoded again, which refuses it.
 */
const MAX_KEPT = 1000;
const kept = new Map<string, JWT>();

export async function decodeSessionCookie(cookieHeader: string, { secret, secureCookie }: { secret: string; secureCookie: boolean }): Promise<JWT | null> {
  if (!cookieHeader) return null;
  const key = `${secureCookie ? 'https' : 'http'} ${cookieHeader}`;
  const hit = kept.get(key);
  if (hit && typeof hit.exp === 'number' && hit.exp * 1000 > Date.now()) {
    // Most recently used last, so the oldest entry is the one to drop.
    kept.delete(key);
    kept.set(key, hit);
    return hit;
  }
  kept.delete(key);
  // The cookie only, as Auth.js's session endpoint reads it (no Authorization bearer token).
  const token = await getToken({ req: { headers: { cookie: cookieHeader } }, secret, secureCookie });
  if (!token) return null;
  kept.set(key, token);
  if (kept.size > MAX_KEPT) kept.delete(kept.keys().next().value!);
  return token;
}
