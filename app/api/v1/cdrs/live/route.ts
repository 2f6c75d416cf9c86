import { z } from 'zod';
import { defineEndpoint } from '@/lib/api/contract';
import { bearerSecretOf, withAccount } from '@/lib/api/handler';
import { liveCallerStillAllowed, subscribeToLiveCalls, type LiveBatch, type LiveSubscription } from '@/lib/services/cdr-live';

export const dynamic = 'force-dynamic';

/**
 * Not in the OpenAPI document (an endless text/event-stream has no JSON answer for the spec and
 * fuzz suites to check); docs/api.md describes it. The wrapper still authenticates (session or API
 * key), checks `usage.read` and refuses unknown query parameters.
 */
const streamLiveCdrs = defineEndpoint({
  method: 'GET',
  path: '/cdrs/live',
  operationId: 'streamLiveCdrs',
  tag: 'CDRs',
  summary: 'Calls as their CDRs are stored (Server-Sent Events)',
  access: { permission: 'usage.read' },
  answer: z.object({}),
});

const HEARTBEAT_MS = 15_000;
/** Events a slow client may leave unread before it is dropped (it reconnects and starts afresh). */
const MAX_QUEUED_EVENTS = 256;

const encoder = new TextEncoder();
const frame = (event: string, data: unknown) => encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);

export const GET = withAccount(streamLiveCdrs, async ({ request, access }) => {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const held: { subscription?: LiveSubscription } = {};
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let done = false;
  const finish = async (last?: Uint8Array) => {
    if (done) return;
    done = true;
    clearInterval(heartbeat);
    request.signal.removeEventListener('abort', onAbort);
    await held.subscription?.close();
    try {
      if (last) controller.enqueue(last);
      controller.close();
    } catch {
      // the client cancelled the stream first
    }
  };
  const onAbort = () => void finish();
  const stream = new ReadableStream<Uint8Array>(
    {
      start: (c) => {
        controller = c;
      },
      cancel: () => finish(),
    },
    new CountQueuingStrategy({ highWaterMark: MAX_QUEUED_EVENTS }),
  );
  const onBatch = (batch: LiveBatch) => {
    if (done) return;
    if ((controller.desiredSize ?? 1) <= 0) {
      void finish(frame('overflow', { message: 'This client read too slowly and was dropped; reconnect to resume.' }));
      return;
    }
    // committedAt is the ingesting process's clock; another machine's may run a little ahead of ours.
    const calls = batch.calls.map((call) => ({ ...call, delayMs: Math.max(0, batch.sentAt - call.committedAt) }));
    controller.enqueue(frame('calls', { sentAt: batch.sentAt, calls }));
  };
  const subscription = await subscribeToLiveCalls(access, onBatch);
  held.subscription = subscription;
  request.signal.addEventListener('abort', onAbort);
  if (request.signal.aborted) await finish();
  else {
    controller.enqueue(encoder.encode('retry: 3000\n\n'));
    controller.enqueue(frame('ready', { serverTime: Date.now(), accounts: subscription.accountIds.size, heartbeatMs: HEARTBEAT_MS }));
    // The caller is asked again at each heartbeat: a key revoked or a session ended closes its
    // open feeds within one heartbeat, not when the client happens to reconnect.
    const apiKeySecret = bearerSecretOf(request);
    heartbeat = setInterval(async () => {
      if ((controller.desiredSize ?? 1) <= 0) return void finish();
      if (!(await liveCallerStillAllowed(access, { apiKeySecret }))) {
        return void finish(frame('unauthorized', { message: 'The API key or session behind this feed no longer works (revoked, expired, signed out or without usage.read).' }));
      }
      if (!done) controller.enqueue(encoder.encode(`: heartbeat ${Date.now()}\n\n`));
    }, HEARTBEAT_MS);
  }
  return new Response(stream, {
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store, no-transform',
      'x-accel-buffering': 'no',
    },
  });
});
