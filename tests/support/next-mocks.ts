/**
 * Stand-ins for Next.js and Auth.js request plumbing, for suites that call pages, actions and route
 * handlers directly. A suite keeps its session in `vi.hoisted` and hands it to these from its
 * `vi.mock` factories, e.g.
 *   vi.mock('@/lib/auth/config', async () => (await import('../support/next-mocks')).authConfigMock(session));
 */
import type { IncomingMessage } from 'node:http';
import { stampClientIp, trustedProxyList } from '@/lib/auth/client-ip';

export interface MockSession {
  userId?: string;
  /** The account switcher's cookie. */
  accountCookie?: string;
  /** Calls to Auth.js's signIn, when a suite wants to see them. */
  signIns?: unknown[];
  /** The caller's address; 127.0.0.1 when unset. */
  ip?: string;
  /** A real `user_sessions` row (with its user's email and name), for code that reads the session (2FA step-up). */
  sessionId?: string;
  email?: string;
  name?: string;
}

/** Request headers as the portal's server (scripts/serve.ts) hands them to the app for a caller at `ip`. */
export function headersFromClient(ip: string, extra: Record<string, string> = {}): Headers {
  const request = { socket: { remoteAddress: ip }, headers: { ...extra } } as unknown as IncomingMessage;
  stampClientIp(request, trustedProxyList([]));
  return new Headers(request.headers as Record<string, string>);
}

/** `@/lib/auth/config`: a session for `session.userId`, nothing else of Auth.js. */
export function authConfigMock(session: MockSession) {
  return {
    auth: async () => {
      if (!session.userId) return null;
      const expires = new Date(Date.now() + 3600_000).toISOString();
      if (session.sessionId) return { user: { id: session.userId, email: session.email, name: session.name }, sessionId: session.sessionId, expires };
      return { user: { id: session.userId }, expires };
    },
    signIn: async (...args: unknown[]) => {
      session.signIns?.push(args);
    },
    signOut: async () => undefined,
    handlers: { GET: async () => new Response(null, { status: 404 }), POST: async () => new Response(null, { status: 404 }) },
  };
}

/** `next-auth`, imported by the sign-in action for its error classes; the real package needs Next's runtime. */
export function nextAuthMock() {
  class AuthError extends Error {
    type = 'AuthError';
  }
  class CredentialsSignin extends AuthError {
    code = 'credentials';
  }
  return { default: () => ({}), AuthError, CredentialsSignin };
}

/** `next/headers`: the account cookie of the session and the caller's stamped address. */
export function nextHeadersMock(session: MockSession) {
  return {
    cookies: async () => ({
      get: (name: string) => (name === 'cp_account' && session.accountCookie ? { name, value: session.accountCookie } : undefined),
      set: () => undefined,
      delete: () => undefined,
    }),
    headers: async () => headersFromClient(session.ip ?? '127.0.0.1'),
  };
}
