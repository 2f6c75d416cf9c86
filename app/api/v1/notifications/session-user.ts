import type { SessionUser } from '@/lib/auth/access';
import { authorizeUser } from '@/lib/auth/guard';
import { AppError } from '@/lib/errors';

/**
 * Notifications belong to a person, not to an account a program acts in: these routes answer the
 * signed-in session only (one that owes its 2FA set-up gets nothing) and refuse a request that
 * brings an API key (or any Authorization).
 */
export async function notificationReader(request: Request): Promise<SessionUser> {
  if (request.headers.has('authorization')) {
    throw new AppError('unauthorized:api_key', 'Notifications are read by a signed-in person in the portal; API keys cannot read them.');
  }
  return authorizeUser();
}

export const NO_STORE = { 'cache-control': 'no-store' };
