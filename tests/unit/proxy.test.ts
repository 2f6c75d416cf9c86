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

  describe('refuses a server action call Next.js cannot decode (400, before any action runs)', () => {
    const actionCall = (body: string | FormData) =>
      proxy(new NextRequest('http://portal.test/dashboard', { method: 'POST', headers: { 'next-action': '7f00', ...(typeof body === 'string' ? { 'content-type': 'text/plain;charset=UTF-8' } : {}) }, body }));
    const form = (fields: Record<string, string | Blob>) => {
      const data = new FormData();
      for (const [name, value] of Object.entries(fields)) data.set(name, value);
      return data;
    };

    it('whose arguments are not JSON', async () => {
      expect((await actionCall('not json')).status).toBe(400);
      expect((await actionCall(form({ 0: 'not json' }))).status).toBe(400);
    });

    it('whose arguments name a part the body does not hold', async () => {
      for (const body of ['["$Q9"]', '["$@1"]', '{"a":["$5:b"]}', '["$h2"]', '["$Ba"]', '[["$zz"]]']) {
        const response = await actionCall(body);
        expect(response.status, body).toBe(400);
        expect((await response.json()).error.code).toBe('invalid:action');
      }
      expect((await actionCall(form({ 0: '["$1"]' }))).status).toBe(400);
      expect((await actionCall(form({ 0: '["$W3"]', 1: '[]' }))).status).toBe(400);
      // A part that names another part that is not there.
      expect((await actionCall(form({ 0: '["$1"]', 1: '{"a":"$Q7"}' }))).status).toBe(400);
      expect((await actionCall(form({ 0: '["$1"]', 1: 'not json' }))).status).toBe(400);
    });

    it('but lets through values written inline and parts the body holds', async () => {
      // Without a session the proxy then sends the call to sign in: it was not refused as unreadable.
      expect((await actionCall('["$$Q9","$D2026-01-01T00:00:00.000Z","$undefined","$n12","$-0","$NaN","$Infinity",null,{"a":"$K1"}]')).status).toBe(307);
      expect((await actionCall(form({ 0: '["$1","$Q2:0"]', 1: '{"a":1,"b":"$2"}', 2: '[]' }))).status).toBe(307);
      expect((await actionCall(form({ 0: '["$Ba"]', 10: new Blob(['bytes']) }))).status).toBe(307);
      expect((await actionCall(form({ 0: '["$R3"]', S3: 'chunk' }))).status).toBe(307);
    });
  });
});
