import { NextResponse, type NextRequest } from 'next/server';
import { decodeSessionCookie } from '@/lib/auth/session-cookie';
import { getEnv } from '@/lib/env';
import { contentSecurityPolicy, HSTS, newNonce } from '@/lib/security-headers';

/** Reachable without a session: sign-in, invitations, Auth.js itself, the health check and the API's OpenAPI document. */
const PUBLIC_PATHS = [/^\/login(\/|$)/, /^\/invite(\/|$)/, /^\/api\/auth(\/|$)/, /^\/api\/health$/, /^\/api\/v1\/openapi\.json$/];

/**
 * Every request but static files passes here: anonymous visitors are sent to sign in (a
 * convenience, not the check: every page, action and route handler verifies the session and the
 * role itself, lib/auth/guard.ts), and each page gets its CSP nonce and, over HTTPS, HSTS.
 */
export async function proxy(request: NextRequest) {
  const { pathname } = request.nextUrl;
  if (await isUndecodablePost(request)) {
    if (request.headers.has('next-action')) {
      return NextResponse.json({ error: { code: 'invalid:action', message: 'This request is not a call the portal can read. Reload the page and try again.' } }, { status: 400 });
    }
    return new NextResponse('Bad request. This form could not be read. Go back, reload the page and submit it again.\n', { status: 400, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  }
  // As Auth.js decides its cookie names: by the request's scheme (the portal's server keeps a
  // client's own X-Forwarded-Proto out unless it came through a trusted proxy).
  const https = request.nextUrl.protocol === 'https:';
  // A program with an API key: the route handler checks the key (lib/api/handler.ts); no cookie to look for.
  const bearer = pathname.startsWith('/api/v1/') && request.headers.has('authorization');
  if (!bearer && !PUBLIC_PATHS.some((pattern) => pattern.test(pathname))) {
    const token = await decodeSessionCookie(request.headers.get('cookie') ?? '', { secret: getEnv().authSecret, secureCookie: https });
    if (!token) {
      if (pathname.startsWith('/api/')) {
        return NextResponse.json({ error: { code: 'unauthorized:session', message: 'Please sign in.' } }, { status: 401 });
      }
      const login = new URL('/login', request.nextUrl);
      const target = pathname + request.nextUrl.search;
      if (target !== '/') login.searchParams.set('callbackUrl', target);
      return NextResponse.redirect(login);
    }
  }

  let response: NextResponse;
  if (pathname.startsWith('/api/')) {
    response = NextResponse.next();
  } else {
    const nonce = newNonce();
    const policy = contentSecurityPolicy(nonce, { development: !getEnv().production });
    const requestHeaders = new Headers(request.headers);
    requestHeaders.set('x-nonce', nonce);
    requestHeaders.set('Content-Security-Policy', policy);
    response = NextResponse.next({ request: { headers: requestHeaders } });
    response.headers.set('Content-Security-Policy', policy);
  }
  if (https) response.headers.set('Strict-Transport-Security', HSTS);
  return response;
}

/**
 * A server action called from the page (POST with a Next-Action header) sends its arguments as JSON
 * text, or as a form whose field "0" holds them as JSON; a form submitted to a page without
 * JavaScript is a multipart form. Next.js answers a body that is none of these, or whose arguments
 * name a part the body does not hold, with a bare 500 before any action runs. (Route handlers under
 * /api read their own bodies.)
 */
async function isUndecodablePost(request: NextRequest): Promise<boolean> {
  if (request.method !== 'POST') return false;
  const actionCall = request.headers.has('next-action');
  const multipart = request.headers.get('content-type')?.toLowerCase().startsWith('multipart/form-data') ?? false;
  if (!actionCall && (!multipart || request.nextUrl.pathname.startsWith('/api/'))) return false;
  try {
    if (!multipart) return refersToMissingPart(JSON.parse(await request.clone().text()), (id) => id === 0);
    const form = await request.clone().formData();
    if (!actionCall) return false;
    const encoded = form.get('0');
    if (typeof encoded !== 'string') return false;
    // The arguments (field "0") and the parts they name (fields named by number); a stream's chunks
    // are fields named "S" and its number.
    const partExists = (id: number) => form.has(String(id)) || form.has(`S${id}`);
    if (refersToMissingPart(JSON.parse(encoded), partExists)) return true;
    for (const [name, part] of form) {
      if (name !== '0' && /^\d+$/.test(name) && typeof part === 'string' && refersToMissingPart(JSON.parse(part), partExists)) return true;
    }
    return false;
  } catch {
    return true;
  }
}

/** Strings of React's reply format that stand for a value of their own rather than for another part. */
const INLINE_VALUE_KINDS = new Set(['$', 'T', 'K', 'I', '-', 'N', 'u', 'D', 'n', 'H']);

/**
 * In the arguments, a string "$" + a kind letter + a hexadecimal part number (or "$" + the number
 * alone) stands for another part of the body, which a JSON body does not have and a form names by
 * its decimal number. React waits for a part that is not there and Next.js answers 500.
 */
function refersToMissingPart(value: unknown, partExists: (id: number) => boolean, depth = 0): boolean {
  if (depth > 64) return true;
  if (typeof value === 'string') {
    if (value.length < 2 || value[0] !== '$' || INLINE_VALUE_KINDS.has(value[1]!)) return false;
    // Kind letters are upper case or past f; part numbers are written in lower-case hexadecimal.
    const number = /^[0-9a-f]/.test(value[1]!) ? value.slice(1) : value.slice(2);
    const id = Number.parseInt(number.split(':')[0]!, 16);
    return !Number.isSafeInteger(id) || !partExists(id);
  }
  if (typeof value !== 'object' || value === null) return false;
  return Object.values(value).some((item) => refersToMissingPart(item, partExists, depth + 1));
}

export const config = {
  // Not the streamed uploads (the CDR push, a quote's CDR file, a port's documents): with a proxy in front, Next buffers a
  // request body to hand it on and cuts it at 10 MB (experimental.proxyClientMaxBodySize); those
  // routes authenticate every request themselves and read their bodies as they arrive.
  matcher: ['/((?!_next/static|_next/image|icon.svg|favicon.ico|api/v1/cdrs$|api/v1/quote$|api/v1/ports/[^/]+/documents$).*)'],
};
