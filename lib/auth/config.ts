import NextAuth, { CredentialsSignin, type DefaultSession } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { verify } from '@node-rs/argon2';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { getDb } from '@/lib/db/client';
import { users } from '@/lib/db/schema';
import { getUserByEmail } from '@/lib/db/queries/users';
import { getEnv } from '@/lib/env';
import { log } from '@/lib/log';
import { clientIp } from './client-ip';
import { clearFailures, getLockRemainingMs, minutesText, recordFailure, throttleKeys } from './throttle';

declare module 'next-auth' {
  interface Session {
    user: { id: string } & DefaultSession['user'];
  }
}

class ThrottledSignin extends CredentialsSignin {
  constructor(remainingMs: number) {
    super();
    this.code = `throttled:${minutesText(remainingMs)}`;
  }
}

/** Verified against when the email is unknown, so both paths cost the same and say the same. */
const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$Q4/+l0QPSigKmX9sWZEbFg$hhX5FWMbit1pSZiA7Pat5vrGvsIPa6XCKhSAFeJ8jrY';

const credentialsSchema = z.object({
  email: z.string().trim().toLowerCase().email().max(254),
  password: z.string().min(1).max(512),
});

export const { handlers, auth, signIn, signOut } = NextAuth(() => {
  const env = getEnv();
  return {
    secret: env.authSecret,
    trustHost: true,
    session: { strategy: 'jwt', maxAge: env.sessionMaxAgeSeconds },
    pages: { signIn: '/login' },
    logger: {
      error(error) {
        // Wrong passwords and locks are expected traffic, not errors worth a stack trace.
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
          const { email, password } = parsed.data;
          const db = await getDb();
          const keys = throttleKeys(email, clientIp(request.headers));
          const lockedMs = await getLockRemainingMs(db, keys);
          if (lockedMs > 0) throw new ThrottledSignin(lockedMs);

          const user = await getUserByEmail(db, { email });
          const valid = await verify(user?.passwordHash ?? DUMMY_HASH, password).catch(() => false);
          if (!user || !valid || user.disabledAt) {
            await recordFailure(db, keys);
            const nowLockedMs = await getLockRemainingMs(db, keys);
            if (nowLockedMs > 0) throw new ThrottledSignin(nowLockedMs);
            throw new CredentialsSignin();
          }
          await clearFailures(db, email);
          await db.update(users).set({ lastSignInAt: new Date() }).where(eq(users.id, user.id));
          return { id: user.id, email: user.email, name: user.name };
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user?.id) token.uid = user.id;
        return token;
      },
      session({ session, token }) {
        if (typeof token.uid === 'string') session.user.id = token.uid;
        return session;
      },
    },
  };
});
