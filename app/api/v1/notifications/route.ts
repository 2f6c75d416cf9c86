import { jsonRoute } from '@/lib/auth/route';
import { getLatestNotifications } from '@/lib/services/notifications';
import { NO_STORE, notificationReader } from './session-user';

export const dynamic = 'force-dynamic';

/** What the open bell lists: the latest ten and the unread count. Session only. */
export const GET = jsonRoute(async (request: Request) => {
  const user = await notificationReader(request);
  return Response.json(await getLatestNotifications(user, { limit: 10 }), { headers: NO_STORE });
});
