import { getToken } from 'next-auth/jwt';
import { NextResponse, type NextRequest } from 'next/server';
import { getEnv } from '@/lib/env';

/**
 * Sends anonymous visitors to the sign-in page. It is a convenience, not the check: every page,
 * action and route handler verifies the session and the role itself (lib/auth/guard.ts).
 */
export async function proxy(request: NextRequest) {
  const token = await getToken({ req: request, secret: getEnv().authSecret, secureCookie: request.nextUrl.protocol === 'https:' });
  if (token) return NextResponse.next();
  if (request.nextUrl.pathname.startsWith('/api/')) {
    return NextResponse.json({ error: { code: 'unauthorized:session', message: 'Please sign in.' } }, { status: 401 });
  }
  const login = new URL('/login', request.nextUrl);
  const target = request.nextUrl.pathname + request.nextUrl.search;
  if (target !== '/') login.searchParams.set('callbackUrl', target);
  return NextResponse.redirect(login);
}

export const config = {
  matcher: ['/((?!login|invite|api/auth|api/health|_next/static|_next/image|icon.svg|favicon.ico).*)'],
};
