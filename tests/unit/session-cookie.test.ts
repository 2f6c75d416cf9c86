import { encode } from 'next-auth/jwt';
import { afterEach, describe, expect, it, vi } from 'vitest';

const getToken = vi.hoisted(() => vi.fn());
vi.mock('next-auth/jwt', async (importOriginal) => {
  const actual = await importOriginal<typeof import('next-auth/jwt')>();
  getToken.mockImplementation(actual.getToken);
  return { ...actual, getToken };
});

const { decodeSessionCookie } = await import('@/lib/auth/session-cookie');

const secret = 'a-test-secret-of-enough-length-0123456789';
const cookieName = 'authjs.session-token';

async function sessionCookie(claims: Record<string, unknown>, maxAge = 3600) {
  return `cp_account=x; ${cookieName}=${await encode({ token: claims, secret, salt: cookieName, maxAge })}`;
}

afterEach(() => {
  vi.useRealTimers();
  getToken.mockClear();
});

describe('decodeSessionCookie: the session cookie decoded once per cookie', () => {
  it('answers the claims the cookie was made with, decoding a cookie it has seen only once', async () => {
    const cookie = await sessionCookie({ uid: 'user-1', sid: 'session-1' });
    for (let request = 0; request < 3; request++) {
      expect(await decodeSessionCookie(cookie, { secret, secureCookie: false })).toMatchObject({ uid: 'user-1', sid: 'session-1' });
    }
    expect(getToken).toHaveBeenCalledTimes(1);
  });

  it('refuses a cookie once its token has expired, though it was decoded before', async () => {
    const cookie = await sessionCookie({ uid: 'user-2', sid: 'session-2' }, 60);
    expect(await decodeSessionCookie(cookie, { secret, secureCookie: false })).toMatchObject({ uid: 'user-2' });
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 10 * 60_000);
    expect(await decodeSessionCookie(cookie, { secret, secureCookie: false })).toBeNull();
    expect(getToken).toHaveBeenCalledTimes(2);
  });

  it('answers nobody for no cookie, a forged one, another secret or the other scheme’s cookie name, and keeps none of them', async () => {
    const cookie = await sessionCookie({ uid: 'user-3', sid: 'session-3' });
    expect(await decodeSessionCookie('', { secret, secureCookie: false })).toBeNull();
    expect(await decodeSessionCookie(`${cookieName}=not-a-token`, { secret, secureCookie: false })).toBeNull();
    expect(await decodeSessionCookie(cookie, { secret: `${secret}-other`, secureCookie: false })).toBeNull();
    // Over HTTPS Auth.js names the cookie __Secure-authjs.session-token; the plain name stands for nobody there.
    expect(await decodeSessionCookie(cookie, { secret, secureCookie: true })).toBeNull();
    expect(await decodeSessionCookie(cookie, { secret, secureCookie: true })).toBeNull();
    expect(getToken).toHaveBeenCalledTimes(4);
  });
});
