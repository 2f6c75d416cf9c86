/**
 * Inputs the API audit found passing that must not: list positions past 9999, webhook URLs on port
 * 0, NAT64 local-use and IPv4-translated addresses, and push bodies past their byte limit.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { decodeCursor, encodeCursor } from '@/lib/api/cursor';
import { nonPublicReason } from '@/lib/net/public-address';
import { linesOf } from '@/lib/services/cdr-push';
import { webhookCreateSchema, webhookUrlShapeProblem } from '@/lib/validations/webhooks';

const id = '6f1c2d3e-4b5a-4c6d-8e7f-001122334455';
const invalidCursor = expect.objectContaining({ code: 'invalid:cursor' });

describe('list cursors end with the year 9999', () => {
  const byMillis = z.object({ createdAt: z.number().int(), id: z.string().uuid() });
  const byTime = z.object({ t: z.string().datetime({ offset: true }), id: z.number().int() });

  it('refuses a time in the year 10000, as milliseconds or carried there by an offset', () => {
    expect(() => decodeCursor(encodeCursor({ createdAt: Date.UTC(10000, 0, 1), id }), byMillis)).toThrow(invalidCursor);
    expect(() => decodeCursor(encodeCursor({ t: '9999-12-31T23:00:00-05:00', id: 1 }), byTime)).toThrow(invalidCursor);
  });

  it('keeps the last millisecond of 9999', () => {
    const last = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
    expect(decodeCursor(encodeCursor({ createdAt: last, id }), byMillis)).toEqual({ createdAt: last, id });
    expect(decodeCursor(encodeCursor({ t: '9999-12-31T23:59:59.999Z', id: 1 }), byTime)).toEqual({ t: '9999-12-31T23:59:59.999Z', id: 1 });
  });
});

describe('webhook URLs', () => {
  it('refuses port 0 with a message for the field', () => {
    expect(webhookUrlShapeProblem('https://93.184.216.34:0/hooks')).toMatch(/^Port 0 cannot receive requests/);
    const parsed = webhookCreateSchema.safeParse({ url: 'https://hooks.example.com:0/in', eventTypes: ['order.completed'] });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues).toEqual([expect.objectContaining({ path: ['url'], message: expect.stringMatching(/^Port 0/) })]);
    expect(webhookUrlShapeProblem('https://hooks.example.com:8443/in')).toBeNull();
  });
});

describe('the SSRF guard', () => {
  it.each([
    ['64:ff9b:1::a00:1', 'NAT64 local-use'],
    ['64:ff9b:1:a00:100::', 'NAT64 local-use'],
    ['64:ff9b:1:ffff:ffff:ffff:ffff:ffff', 'NAT64 local-use'],
    ['::ffff:0:10.0.0.1', 'IPv4-translated'],
    ['::ffff:0:808:808', 'IPv4-translated'],
  ])('refuses %s (%s)', (address, reason) => {
    expect(nonPublicReason(address)).toBe(reason);
  });

  it('still judges the well-known NAT64 prefix by the IPv4 address inside', () => {
    expect(nonPublicReason('64:ff9b::8.8.8.8')).toBeNull();
    expect(nonPublicReason('64:ff9b::10.0.0.1')).toBe('private (IPv4 inside IPv6)');
  });
});

describe('a pushed body', () => {
  const streamOf = (chunks: string[]) => {
    const encoded = chunks.map((chunk) => new TextEncoder().encode(chunk));
    return new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = encoded.shift();
        if (!next) return controller.close();
        controller.enqueue(next);
      },
    });
  };
  const linesRead = async (stream: ReadableStream<Uint8Array>, maxBytes: number) => {
    const lines = [];
    for await (const line of linesOf(stream, 100, maxBytes)) lines.push(line);
    return lines;
  };

  it('is read up to its byte limit only, blank lines counted: the line the limit falls in ends it', async () => {
    const lines = await linesRead(streamOf(['a\nb\n', '\n\n\n\n', 'cc\ndd\n', 'never\n']), 10);
    // 10 bytes: "a", "b", four blank lines; "cc" is cut by the limit.
    expect(lines).toEqual([
      { line: 1, text: 'a' },
      { line: 2, text: 'b' },
      { line: 3, text: '' },
      { line: 4, text: '' },
      { line: 5, text: '' },
      { line: 6, text: '' },
      { line: 7, pastByteLimit: true },
    ]);
  });

  it('is read whole when it is exactly at the limit', async () => {
    const lines = await linesRead(streamOf(['a\nb\n', 'cc\n']), 7);
    expect(lines).toEqual([
      { line: 1, text: 'a' },
      { line: 2, text: 'b' },
      { line: 3, text: 'cc' },
    ]);
  });

  it('cuts a line that never ends at the limit too', async () => {
    const lines = await linesRead(streamOf(['x'.repeat(60), 'x'.repeat(60), 'x'.repeat(60)]), 100);
    expect(lines).toEqual([{ line: 1, pastByteLimit: true }]);
  });
});
