import 'server-only';

/**
 * Sending one webhook attempt: the URL is vetted again at delivery time (a name that now resolves to
 * a private address is refused), the connection goes to the vetted address only, redirects are not
 * followed, 15 s at most, and at most 4 KB of the answer is kept for the delivery log.
 */
import http from 'node:http';
import https from 'node:https';
import { getEnv } from '@/lib/env';
import { NonPublicAddressError, pinnedLookup, vetHost, type ResolvedAddress } from '@/lib/net/public-address';

export const WEBHOOK_TIMEOUT_MS = 15_000;
export const WEBHOOK_RESPONSE_KEPT_BYTES = 4096;

export interface WebhookPostResult {
  /** The HTTP status, when the endpoint answered. */
  status: number | null;
  error: string | null;
  durationMs: number;
  responseBody: string | null;
}

/**
 * Whether `url` is the one local receiver this installation may call (the demo inbox, or a test's).
 * Never its sandbox admin paths: a tenant's endpoint there could reset what the receiver holds.
 */
export function isLocalReceiver(url: URL): boolean {
  const allowed = getEnv().webhookLocalReceiverOrigin;
  return allowed !== undefined && url.origin === allowed && !url.pathname.toLowerCase().startsWith('/__sandbox');
}

/**
 * Why the URL may not receive webhooks, or null: https only (except the local receiver), and its
 * host must be and resolve to public addresses only.
 */
export async function webhookUrlRefusal(rawUrl: string): Promise<string | null> {
  const url = new URL(rawUrl);
  if (isLocalReceiver(url)) return null;
  if (url.protocol !== 'https:') return 'The URL must start with https://';
  try {
    await vetHost(url.hostname);
    return null;
  } catch (error) {
    if (error instanceof NonPublicAddressError) return `Webhooks go to public addresses only: ${error.message}`;
    throw error;
  }
}

/** Printable text of the first bytes of an answer (PostgreSQL text holds no NUL). */
function keptText(chunks: Buffer[]): string {
  return Buffer.concat(chunks).subarray(0, WEBHOOK_RESPONSE_KEPT_BYTES).toString('utf8').replace(/\u0000/g, '');
}

function describeNetworkError(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ECONNREFUSED':
      return 'Connection refused';
    case 'ECONNRESET':
      return 'Connection reset by the endpoint';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'Host unreachable';
    case 'CERT_HAS_EXPIRED':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `TLS certificate not accepted (${error.code})`;
    default:
      return error.code ? `Network error (${error.code})` : `Network error: ${error.message}`;
  }
}

/** POSTs `body` with `headers` to `rawUrl`; never throws for what the endpoint or the network does. */
export async function postWebhook(rawUrl: string, headers: Readonly<Record<string, string>>, body: string, { timeoutMs = WEBHOOK_TIMEOUT_MS }: { timeoutMs?: number } = {}): Promise<WebhookPostResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const url = new URL(rawUrl);
  let vetted: ResolvedAddress | undefined;
  if (!isLocalReceiver(url)) {
    if (url.protocol !== 'https:') return { status: null, error: 'Refused: the URL is not https', durationMs: elapsed(), responseBody: null };
    try {
      vetted = await vetHost(url.hostname);
    } catch (error) {
      if (error instanceof NonPublicAddressError) return { status: null, error: `Refused: ${error.message}`, durationMs: elapsed(), responseBody: null };
      throw error;
    }
  }
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise<WebhookPostResult>((resolve) => {
    let settled = false;
    const finish = (result: Omit<WebhookPostResult, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...result, durationMs: elapsed() });
    };
    const request = transport.request(
      url,
      {
        method: 'POST',
        agent: false,
        ...(vetted ? { lookup: pinnedLookup(vetted) } : {}),
        headers: { 'content-type': 'application/json', 'user-agent': 'CarrierPortal-Webhooks/1', 'content-length': String(Buffer.byteLength(body)), ...headers },
      },
      (response) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        response.on('data', (chunk: Buffer) => {
          if (kept < WEBHOOK_RESPONSE_KEPT_BYTES) {
            chunks.push(chunk);
            kept += chunk.length;
          }
          if (kept >= WEBHOOK_RESPONSE_KEPT_BYTES) {
            finish({ status: response.statusCode ?? null, error: null, responseBody: keptText(chunks) });
            response.destroy();
          }
        });
        response.on('end', () => finish({ status: response.statusCode ?? null, error: null, responseBody: keptText(chunks) }));
        response.on('error', () => finish({ status: response.statusCode ?? null, error: null, responseBody: keptText(chunks) }));
      },
    );
    const timer = setTimeout(() => {
      finish({ status: null, error: `Timed out after ${Math.round(timeoutMs / 1000)} s`, responseBody: null });
      request.destroy();
    }, timeoutMs);
    request.on('error', (error: NodeJS.ErrnoException) => finish({ status: null, error: describeNetworkError(error), responseBody: null }));
    request.end(body);
  });
}
