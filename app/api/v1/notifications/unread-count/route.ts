import { jsonRoute } from '@/lib/auth/route';
import { getUnreadNotificationCount } from '@/lib/services/notifications';
import { NO_STORE, notificationReader } from '../session-user';

export const dynamic = 'force-dynamic';

/** The bell's badge, polled by the header: `{ "count": 3 }`. Session only. */
export const GET = jsonRoute(async (request: Request) => {
  const user = await notificationReader(request);
  return Response.json({ count: await getUnreadNotificationCount(user) }, { headers: NO_STORE });
});
