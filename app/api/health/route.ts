import { sql } from 'drizzle-orm';
import { getDbHandle } from '@/lib/db/client';

export const dynamic = 'force-dynamic';

/** 200 when the app and its database answer, 503 when the database does not. */
export async function GET() {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const handle = await getDbHandle();
    await Promise.race([
      handle.db.execute(sql`select 1`),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('database timeout')), 3000);
      }),
    ]);
    return Response.json({ status: 'ok', database: handle.driver, latencyMs: Date.now() - started }, { headers: { 'cache-control': 'no-store' } });
  } catch {
    return Response.json({ status: 'unavailable', database: 'down' }, { status: 503, headers: { 'cache-control': 'no-store' } });
  } finally {
    clearTimeout(timer);
  }
}
