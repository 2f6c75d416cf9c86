import NextAuth, { CredentialsSignin, type DefaultSession, type Session } from 'next-auth';
import type { JWT } from 'next-auth/jwt';
import Credentials from 'next-auth/providers/credentials';
import { headers } from 'next/headers';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { getDb } from '@/lib/db/client';
import { users } from '@/lib/db/schema';
import { getUserById } from '@/lib/db/queries/users';
import { getEnv } from '@/lib/env';
import { isAppError } from '@/lib/errors';
import { log } from '@/lib/log';
import { completeSignInChallenge, hasTwoFactorEnabled, issueSignInChallenge, owesTwoFactorSetUp } from '@/lib/services/two-factor';
import { safeCallbackUrl } from '@/lib/validations/callback-url';
import { clientIp } from './client-ip';
import { checkPassword } from './password-check';
import { decodeSessionCookie } from './session-cookie';
import { endUserSession, getLiveSessionUser, startUserSession } from './sessions';
import { pendingSecondFactor } from './sign-in-challenge-context';
import { redeemSignInTicket } from './sign-in-tickets';
import { waitText } from './throttle';

declare module 'next-auth' {
  interface Session {
    /** owesTwoFactor: must set up 2FA before anything else, read with the session row. */
    user: { id: string; isOperatorStaff?: boolean; owesTwoFactor?: boolean } & DefaultSession['user'];
    /** Set when the session row was checked on this request (lib/auth/sessions.ts). */
    sessionId?: string;
  }
  interface User {
    sessionId?: string;
  }
}

class ThrottledSignin extends CredentialsSignin {
  constructor(remainingMs: number) {
    super();
    this.code = `throttled:${waitText(remainingMs)}`;
  }
}

/** The second step refused: `throttled:<wait>`, `invalid_code`, or `expired` (start again with the password). */
class SecondFactorSignin extends CredentialsSignin {
  constructor(code: string) {
    super();
    this.code = code;
  }
}

const credentialsSchema = z.object({
  email: z.string().trim().toLowerCase().email().max(254),
  password: z.string().min(1).max(512),
});

async function signedIn(userId: string, request: Request, secondFactorAt?: Date) {
  const db = await getDb();
  await db.update(users).set({ lastSignInAt: new Date() }).where(eq(users.id, userId));
  return startUserSession(db, { userId, ip: clientIp(request.headers), userAgent: request.headers.get('user-agent') ?? undefined, secondFactorAt });
}

/** The session a decoded cookie stands for: its user only while the session row holds (lib/auth/sessions.ts). */
async function sessionOf(session: Session, token: JWT): Promise<Session> {
  const user = typeof token.sid === 'string' ? await getLiveSessionUser(await getDb(), token.sid) : undefined;
  if (!user || user.id !== token.uid) {
    // Signed out, ended elsewhere or expired: the cookie stands for nobody.
    session.user = { ...session.user, id: '' };
    return session;
  }
  session.user = { ...session.user, id: user.id, email: user.email, name: user.name, isOperatorStaff: user.isOperatorStaff, owesTwoFactor: owesTwoFactorSetUp(user, user.twoFactor) };
  session.sessionId = token.sid as string;
  return session;
}

const nextAuth = NextAuth(() => {
  const env = getEnv();
  return {
    secret: env.authSecret,
    trustHost: true,
    // The JWT carries the session id only; the session row is the truth (absolute and idle limits).
    session: { strategy: 'jwt', maxAge: env.sessionMaxAgeSeconds },
    pages: { signIn: '/login' },
    logger: {
      error(error) {
        // Wrong passwords and throttled attempts are expected traffic, not errors worth a stack trace.
        if ((error as { type?: string }).type === 'CredentialsSignin') return;
        log.error('auth.error', { error });
      },
    },
    providers: [
      Credentials({
        credentials: { email: {}, password: {} },
        async authorize(raw, request) {
          const parsed = credentialsSchema.safeParse(raw);
          if (!parsed.success) throw new CredentialsSignin();
          const result = await checkPassword(await getDb(), { ...parsed.data, ip: clientIp(request.headers) });
          if (!result.ok) throw result.reason === 'throttled' ? new ThrottledSignin(result.waitMs) : new CredentialsSignin();
          const { user } = result;
          // A password alone never signs in a user with 2FA: the login form's second step does (lib/services/two-factor.ts).
          if (await hasTwoFactorEnabled(user.id)) {
            const pending = pendingSecondFactor.getStore();
            if (pending) Object.assign(pending, { challenge: await issueSignInChallenge(user.id), userId: user.id });
            throw new SecondFactorSignin('second_factor_required');
          }
          return { id: user.id, email: user.email, name: user.name, sessionId: await signedIn(user.id, request) };
        },
      }),
      // The sign-in's second step: the challenge the password step issued, and an authenticator or recovery code.
      Credentials({
        id: 'second-factor',
        credentials: { challenge: {}, code: {} },
        async authorize(raw, request) {
          if (typeof raw.challenge !== 'string' || typeof raw.code !== 'string') throw new SecondFactorSignin('expired');
          try {
            const { user } = await completeSignInChallenge({ challenge: raw.challenge, code: raw.code.slice(0, 64), ip: clientIp(request.headers) });
            return { id: user.id, email: user.email, name: user.name, sessionId: await signedIn(user.id, request, new Date()) };
          } catch (error) {
            if (!isAppError(error)) throw error;
            if (error.code === 'rate_limited:two_factor') throw new SecondFactorSignin(`throttled:${waitText(error.retryAfterMs ?? 1000)}`);
            throw new SecondFactorSignin(error.code === 'invalid:code' ? 'invalid_code' : 'expired');
          }
        },
      }),
      // A user the server has just verified without a password (a new user joining by invitation).
      Credentials({
        id: 'sign-in-ticket',
        credentials: { ticket: {} },
        async authorize(raw, request) {
          const userId = redeemSignInTicket(raw.ticket);
          const user = userId ? await getUserById(await getDb(), { userId }) : undefined;
          if (!user || user.disabledAt) throw new CredentialsSignin();
          return { id: user.id, email: user.email, name: user.name, sessionId: await signedIn(user.id, request) };
        },
      }),
    ],
    callbacks: {
      // Every redirect Auth.js makes (its own endpoints included) goes to a same-site path only.
      redirect({ url, baseUrl }) {
        const path = url.startsWith(`${baseUrl}/`) ? url.slice(baseUrl.length) : url;
        return `${baseUrl}${safeCallbackUrl(path)}`;
      },
      jwt({ token, user }) {
        if (user?.id) {
          token.uid = user.id;
          token.sid = user.sessionId;
        }
        return token;
      },
      session: ({ session, token }) => sessionOf(session, token),
    },
    events: {
      async signOut(message) {
        const sessionId = 'token' in message ? message.token?.sid : undefined;
        if (typeof sessionId === 'string') await endUserSession(await getDb(), sessionId);
      },
    },
  };
});

export const { handlers, signIn, signOut } = nextAuth;

/**
 * The current request's session, for pages, actions and route handlers: what Auth.js's own `auth()`
 * answers (the session cookie decoded, chunks and the scheme's cookie name included, then the
 * session row checked), without the rest of its session endpoint run in process on every request:
 * a Request and Response built and parsed, and the token encrypted again into a cookie that a
 * server component cannot set anyway.
 */
export async function auth(): Promise<Session | null> {
  const requestHeaders = await headers();
  // The cookie's name follows the scheme as Auth.js decides it for `auth()` (@auth/core createActionURL).
  const { authUrl, authSecret } = getEnv();
  const secureCookie = authUrl ? new URL(authUrl).protocol === 'https:' : (requestHeaders.get('x-forwarded-proto') ?? 'https').replace(/:$/, '') === 'https';
  const token = await decodeSessionCookie(requestHeaders.get('cookie') ?? '', { secret: authSecret, secureCookie });
  if (!token) return null;
  return sessionOf({ user: { id: '', email: token.email, name: token.name }, expires: new Date((token.exp ?? 0) * 1000).toISOString() }, token);
}
