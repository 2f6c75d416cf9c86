import type { IncomingMessage } from 'node:http';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CLIENT_IP_HEADER, clientIp, resolveClientIp, stampClientIp, trustedProxyList } from '@/lib/auth/client-ip';

const none = trustedProxyList([]);
const lb = trustedProxyList(['10.0.0.0/8', '2001:db8::/32', '192.0.2.10']);

function request(peer: string, headers: Record<string, string>): IncomingMessage {
  return { socket: { remoteAddress: peer }, headers: { ...headers } } as unknown as IncomingMessage;
}

describe('client address', () => {
  it('believes no forwarded header by default: a rotating X-Forwarded-For changes nothing', () => {
    fc.assert(
      fc.property(fc.array(fc.ipV4(), { minLength: 1, maxLength: 4 }), (spoofed) => {
        expect(resolveClientIp({ peer: '203.0.113.5', forwardedFor: spoofed.join(', '), trusted: none })).toBe('203.0.113.5');
      }),
    );
  });

  it('walks back through trusted proxies only, to the first address they did not vouch for', () => {
    expect(resolveClientIp({ peer: '10.1.1.1', forwardedFor: '198.51.100.7', trusted: lb })).toBe('198.51.100.7');
    // The client wrote the leftmost entry itself; the load balancer appended the real one.
    expect(resolveClientIp({ peer: '10.1.1.1', forwardedFor: '1.2.3.4, 198.51.100.7', trusted: lb })).toBe('198.51.100.7');
    expect(resolveClientIp({ peer: '10.1.1.1', forwardedFor: '198.51.100.7, 10.2.2.2', trusted: lb })).toBe('198.51.100.7');
    expect(resolveClientIp({ peer: '::ffff:10.1.1.1', forwardedFor: '2001:db9::1, 192.0.2.10', trusted: lb })).toBe('2001:db9::1');
    expect(resolveClientIp({ peer: '::ffff:10.1.1.1', forwardedFor: '2001:db8::1, 192.0.2.10', trusted: lb })).toBe('2001:db8::1');
    expect(resolveClientIp({ peer: '10.1.1.1', forwardedFor: 'not-an-ip', trusted: lb })).toBe('10.1.1.1');
    expect(resolveClientIp({ peer: '10.1.1.1', forwardedFor: undefined, trusted: lb })).toBe('10.1.1.1');
  });

  it('refuses TRUSTED_PROXIES entries that are not addresses or blocks', () => {
    expect(() => trustedProxyList(['10.0.0.0/33'])).toThrow(/invalid prefix/);
    expect(() => trustedProxyList(['proxy.example'])).toThrow(/not an IP/);
    expect(() => trustedProxyList(['10.0.0.0/8x'])).toThrow(/invalid prefix/);
  });

  it('stamps the resolved address under a per-process token a client cannot forge', () => {
    const forged = new Headers({ [CLIENT_IP_HEADER]: 'guess 9.9.9.9', 'x-forwarded-for': '9.9.9.9' });
    expect(clientIp(forged)).toBeUndefined();

    const incoming = request('203.0.113.5', { [CLIENT_IP_HEADER]: 'guess 9.9.9.9', 'x-forwarded-for': '9.9.9.9', 'x-forwarded-host': 'evil.example' });
    stampClientIp(incoming, none);
    const headers = new Headers(incoming.headers as Record<string, string>);
    expect(clientIp(headers)).toBe('203.0.113.5');
    expect(headers.get('x-forwarded-for')).toBe('203.0.113.5');
    expect(headers.get('x-forwarded-host')).toBeNull();

    const proxied = request('10.0.0.2', { 'x-forwarded-for': '198.51.100.7', 'x-forwarded-proto': 'https' });
    stampClientIp(proxied, lb);
    expect(clientIp(new Headers(proxied.headers as Record<string, string>))).toBe('198.51.100.7');
    expect(proxied.headers['x-forwarded-proto']).toBe('https');
  });
});
