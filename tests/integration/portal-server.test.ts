/**
 * The plain server in front of Next.js refuses a path that does not decode with a 400 that says
 * why (Next.js answered such a path with a bare 500 "Internal Server Error").
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trustedProxyList } from '@/lib/auth/client-ip';
import { createPortalServer, hasDecodablePath } from '../../scripts/portal-server';

const reached: string[] = [];
const server = createPortalServer(
  {
    request(request, response) {
      reached.push(request.url ?? '');
      response.end('ok');
    },
  },
  trustedProxyList([]),
);
let port = 0;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

/** A raw request: the path goes on the wire exactly as written. */
function get(path: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, headers: { authorization: 'Bearer x' } }, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, type: String(response.headers['content-type'] ?? ''), body }));
      })
      .on('error', reject);
  });
}

describe('portal server: paths that do not decode', () => {
  it.each(['/api/v1/numbers/%ZZ', '/api/v1/trunk-groups/%E0%A4%A/sync', '/api/v1/ports/%'])('answers %s with a 400 in the API’s error shape, before Next.js', async (path) => {
    const answer = await get(path);
    expect(answer.status).toBe(400);
    expect(answer.type).toContain('application/json');
    expect(JSON.parse(answer.body)).toEqual({ error: { code: 'invalid:path', message: expect.stringContaining('malformed percent-encoding') } });
    expect(reached).not.toContain(path);
  });

  it('answers a page path with a plain 400 that says why', async () => {
    const answer = await get('/numbers/%E0%A4%A');
    expect(answer.status).toBe(400);
    expect(answer.type).toContain('text/plain');
    expect(answer.body).toMatch(/^Bad request\. The address has a malformed percent-encoding/);
    expect(reached).not.toContain('/numbers/%E0%A4%A');
  });

  it('passes on well-formed paths, encoded characters and whatever the query holds', async () => {
    for (const path of ['/numbers/%2B14155550123', '/api/v1/numbers?cursor=%ZZ', '/e911/caf%C3%A9']) {
      expect((await get(path)).body).toBe('ok');
      expect(reached).toContain(path);
    }
    expect(hasDecodablePath('/a%20b')).toBe(true);
    expect(hasDecodablePath('/a%2')).toBe(false);
    expect(hasDecodablePath(undefined)).toBe(true);
  });
});
