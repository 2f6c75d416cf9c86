/** Load and timing against the running portal: autocannon for throughput, plain fetch for sequences. */
import autocannon from 'autocannon';

export interface LoadResult {
  meanMs: number;
  p99Ms: number;
  rps: number;
  requests: number;
  /** How long autocannon ran, in seconds. */
  seconds: number;
}

/**
 * Runs for `durationS` seconds, or until `amount` requests have been answered. With `verifyBody`,
 * every response body is checked too, and a single one that fails the check fails the load.
 */
export async function load(
  url: string,
  {
    connections,
    durationS,
    amount,
    headers,
    verifyBody,
    timeoutS,
  }: { connections: number; durationS?: number; amount?: number; headers?: Record<string, string>; verifyBody?: (body: string) => boolean; timeoutS?: number },
): Promise<LoadResult> {
  const result = await autocannon({
    url,
    connections,
    ...(amount ? { amount } : { duration: durationS }),
    headers,
    ...(timeoutS ? { timeout: timeoutS } : {}),
    ...(verifyBody ? { verifyBody: (body: string | Buffer | undefined) => verifyBody(String(body ?? '')) } : {}),
  });
  const total = result['1xx'] + result['2xx'] + result['3xx'] + result['4xx'] + result['5xx'];
  // A redirect here is the proxy sending us to /login: the cookie did not hold a session.
  if (result['3xx'] > 0) throw new Error(`${url}: ${result['3xx']} of ${total} responses were redirects (session cookie rejected?)`);
  if (result.non2xx > 0 || result.errors > 0 || total === 0) {
    throw new Error(`${url}: ${result.non2xx} non-2xx responses, ${result.errors} errors (${result.timeouts} timeouts) out of ${total}`);
  }
  if (result.mismatches > 0) throw new Error(`${url}: ${result.mismatches} of ${total} response bodies failed the content check`);
  return { meanMs: result.latency.mean, p99Ms: result.latency.p99, rps: result.requests.average, requests: total, seconds: result.duration };
}

/** Mean wall time of `run`, called one after another, in ms. */
export async function timeSequential(times: number, run: () => Promise<void>): Promise<number> {
  let total = 0;
  for (let index = 0; index < times; index += 1) {
    const started = performance.now();
    await run();
    total += performance.now() - started;
  }
  return total / times;
}

/** name=value pairs from Set-Cookie headers, newest winning; an empty value is a deletion. */
function mergeCookies(jar: Map<string, string>, response: Response) {
  for (const line of response.headers.getSetCookie()) {
    const pair = line.split(';', 1)[0]!;
    const equals = pair.indexOf('=');
    if (equals < 1) continue;
    const name = pair.slice(0, equals).trim();
    const value = pair.slice(equals + 1).trim();
    if (value) jar.set(name, value);
    else jar.delete(name);
  }
}

const cookieHeader = (jar: Map<string, string>) => [...jar].map(([name, value]) => `${name}=${value}`).join('; ');

/** The real Auth.js credentials flow: csrf token and cookie, then the form POST. Returns the Cookie header to send. */
export async function signIn(base: string, email: string, password: string): Promise<string> {
  const jar = new Map<string, string>();
  const csrfResponse = await fetch(`${base}/api/auth/csrf`);
  if (csrfResponse.status !== 200) throw new Error(`GET /api/auth/csrf answered ${csrfResponse.status}`);
  mergeCookies(jar, csrfResponse);
  const { csrfToken } = (await csrfResponse.json()) as { csrfToken?: string };
  if (!csrfToken) throw new Error('GET /api/auth/csrf returned no csrfToken');

  const callback = await fetch(`${base}/api/auth/callback/credentials`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieHeader(jar) },
    body: new URLSearchParams({ csrfToken, email, password, callbackUrl: `${base}/dashboard` }),
    redirect: 'manual',
  });
  await callback.arrayBuffer();
  mergeCookies(jar, callback);
  // Large JWTs are split into session-token.0, .1, …: any of them means a session was issued.
  if (![...jar.keys()].some((name) => /(^|\.|-)session-token(\.\d+)?$/.test(name))) {
    throw new Error(`sign-in as ${email} set no session cookie (status ${callback.status}, location ${callback.headers.get('location') ?? '-'})`);
  }
  return cookieHeader(jar);
}

/** GET a signed-in page without following redirects; anything but 200 fails loudly. */
export async function getSignedIn(url: string, cookie: string): Promise<string> {
  const response = await fetch(url, { headers: { cookie }, redirect: 'manual' });
  const body = await response.text();
  if (response.status !== 200) {
    throw new Error(`GET ${url} answered ${response.status}${response.headers.get('location') ? ` → ${response.headers.get('location')}` : ''}: session cookie not accepted`);
  }
  return body;
}

export async function getOk(url: string): Promise<void> {
  const response = await fetch(url);
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}`);
}
