import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { isPublicAddress, nonPublicReason, NonPublicAddressError, pinnedLookup, useHostResolver, vetHost } from '@/lib/net/public-address';

describe('The SSRF guard', () => {
  let restore: (() => void) | undefined;
  afterEach(() => {
    restore?.();
    restore = undefined;
  });

  it.each([
    ['10.0.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['169.254.169.254', 'link-local'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.251', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fc00::1', 'unique-local'],
    ['fd00:1234::1', 'unique-local'],
    ['fe80::1', 'link-local'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback (IPv4 inside IPv6)'],
    ['::ffff:7f00:1', 'loopback (IPv4 inside IPv6)'],
    ['::ffff:10.0.0.1', 'private (IPv4 inside IPv6)'],
    ['::ffff:169.254.169.254', 'link-local (IPv4 inside IPv6)'],
    ['64:ff9b::10.0.0.1', 'private (IPv4 inside IPv6)'],
    ['2002:7f00:1::', 'loopback (IPv4 inside IPv6)'],
  ])('refuses %s (%s)', (address, reason) => {
    expect(nonPublicReason(address)).toBe(reason);
  });

  it.each(['8.8.8.8', '93.184.216.34', '1.1.1.1', '2606:4700:4700::1111', '2a00:1450:4001::200e', '::ffff:8.8.8.8'])('lets the public address %s through', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });

  it('judges every IPv4 address the same bare and in its IPv4-mapped IPv6 form', () => {
    fc.assert(
      fc.property(fc.ipV4(), (address) => {
        expect(isPublicAddress(`::ffff:${address}`)).toBe(isPublicAddress(address));
      }),
      { numRuns: 500 },
    );
  });

  it('refuses a name when any of its addresses is not public, and one that does not resolve', async () => {
    restore = useHostResolver(async (name) => {
      if (name === 'split.example') return [{ address: '93.184.216.34', family: 4 }, { address: 'fd00::5', family: 6 }];
      if (name === 'good.example') return [{ address: '93.184.216.34', family: 4 }, { address: '2606:4700::1', family: 6 }];
      throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    });
    await expect(vetHost('split.example')).rejects.toThrow(/fd00::5, a unique-local address/);
    await expect(vetHost('good.example')).resolves.toEqual({ address: '93.184.216.34', family: 4 });
    await expect(vetHost('missing.example')).rejects.toBeInstanceOf(NonPublicAddressError);
    await expect(vetHost('[::1]')).rejects.toThrow(/loopback/);
  });

  it('refuses localhost through the system resolver', async () => {
    await expect(vetHost('localhost')).rejects.toThrow(/loopback/);
  });

  it('connects to the pinned address whatever the name would resolve to now', async () => {
    const server = http.createServer((_request, response) => response.end('pinned'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const body = await new Promise<string>((resolve, reject) => {
        const request = http.request({ host: 'no-such-host.invalid', port, path: '/', agent: false, lookup: pinnedLookup({ address: '127.0.0.1', family: 4 }) }, (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString()));
          response.on('end', () => resolve(text));
        });
        request.on('error', reject);
        request.end();
      });
      expect(body).toBe('pinned');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
