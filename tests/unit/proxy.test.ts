import { NextRequest } from 'next/server';
import { describe, expect, it } from 'vitest';
import { proxy } from '@/proxy';

function scriptSrc(policy: string | null) {
  return (policy ?? '').split(';').find((part) => part.trim().startsWith('script-src')) ?? '';
}

describe('proxy: CSP nonce, HSTS, anonymous redirects', () => {
  it('gives every page a fresh nonce and no unsafe-inline scripts, and hands the nonce to the render', async () => {
    const first = await proxy(new NextRequest('http://portal.test/login'));
    const second = await proxy(new NextRequest('http://portal.test/login'));
    const policy = first.headers.get('content-security-policy');
    expect(scriptSrc(policy)).toMatch(/'nonce-[A-Za-z0-9+/=]{16,}' 'strict-dynamic'/);
    expect(scriptSrc(policy)).not.toContain('unsafe-inline');
    expect(policy).not.toEqual(second.headers.get('content-security-policy'));
    // Next reads the request's CSP to put the nonce on its scripts.
    expect(first.headers.get('x-middleware-request-content-security-policy')).toEqual(policy);
  });

  it('sends HSTS over HTTPS only', async () => {
    expect((await proxy(new NextRequest('https://portal.test/login'))).headers.get('strict-transport-security')).toMatch(/max-age=\d{8}/);
    expect((await proxy(new NextRequest('http://portal.test/login'))).headers.get('strict-transport-security')).toBeNull();
  });

  it('sends anonymous page visits to sign in and anonymous API calls a 401', async () => {
    const page = await proxy(new NextRequest('http://portal.test/numbers?state=CA'));
    expect(page.status).toBe(307);
    expect(page.headers.get('location')).toBe('http://portal.test/login?callbackUrl=%2Fnumbers%3Fstate%3DCA');
    const api = await proxy(new NextRequest('http://portal.test/api/v1/numbers/export'));
    expect(api.status).toBe(401);
    expect((await proxy(new NextRequest('http://portal.test/invite/abc'))).status).toBe(200);
    expect((await proxy(new NextRequest('http://portal.test/api/health'))).status).toBe(200);
  });
});
