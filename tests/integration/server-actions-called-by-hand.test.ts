/**
 * A server action is an endpoint: anyone signed in can POST to it with any arguments, not only the
 * form it was written for. Every exported action of every `actions.ts` under app/, called with
 * arguments no form sends (nothing, text, nulls, a plain object), answers an error state or Next's
 * redirect: it never throws (Next.js would answer that with a bare 500) and never reads a field.
 * proxy.ts refuses the bodies Next.js itself cannot decode (e2e/security.spec.ts).
 */
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { users } from '@/lib/db/schema';
import { useTestDatabase } from '../support/db';
import { seedTwoTenants } from '../support/fixtures';

const session = vi.hoisted(() => ({ userId: undefined as string | undefined, accountCookie: undefined as string | undefined }));

vi.mock('@/lib/auth/config', async () => (await import('../support/next-mocks')).authConfigMock(session));
vi.mock('next-auth', async () => (await import('../support/next-mocks')).nextAuthMock());
vi.mock('next/headers', async () => (await import('../support/next-mocks')).nextHeadersMock(session));
vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));

const actionModules = import.meta.glob<Record<string, unknown>>('/app/**/actions.ts');

const HAND_MADE_ARGUMENTS: unknown[][] = [[], ['x'], [null, null], [{ status: 'idle' }, 'x'], [{ status: 'idle' }, { accountId: 'x' }], [{ status: 'idle' }, [1, 2]]];

/** Next's redirect() and notFound() are thrown on purpose; the framework turns them into answers. */
const isNextControlFlow = (error: unknown) => typeof error === 'object' && error !== null && 'digest' in error && /^NEXT_/.test(String((error as { digest: unknown }).digest));

describe('server actions called by hand with arguments no form sends', () => {
  const test = useTestDatabase();

  beforeAll(async () => {
    const tenants = await seedTwoTenants(test.db);
    const [owner] = await test.db.select().from(users).where(eq(users.email, 'owner@acme.example'));
    session.userId = owner!.id;
    session.accountCookie = tenants.acme.id;
  });

  it('finds the actions', () => {
    expect(Object.keys(actionModules).length).toBeGreaterThan(25);
  });

  for (const [file, load] of Object.entries(actionModules)) {
    it(`${file.replace(/^\/app\//, '')}: every action answers or redirects`, async () => {
      const actions = Object.entries(await load()).filter(([, value]) => typeof value === 'function') as [string, (...args: unknown[]) => Promise<unknown>][];
      expect(actions.length).toBeGreaterThan(0);
      const thrown: string[] = [];
      for (const [name, action] of actions) {
        for (const args of HAND_MADE_ARGUMENTS) {
          try {
            const answer = await action(...args);
            // Whatever the action answers, it is not a success built from fields it never got.
            if (answer && typeof answer === 'object' && 'status' in answer && (answer as { status: string }).status === 'success') {
              expect(['markAllNotificationsReadAction', 'startEnrolmentAction'], `${name}(${JSON.stringify(args)}) succeeded`).toContain(name);
            }
          } catch (error) {
            if (!isNextControlFlow(error)) thrown.push(`${name}(${JSON.stringify(args)}): ${String(error).slice(0, 160)}`);
          }
        }
      }
      expect(thrown).toEqual([]);
    });
  }
});
