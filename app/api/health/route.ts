import { checkDatabaseHealth } from '@/lib/services/health';

export const dynamic = 'force-dynamic';

/** 200 when the app and its database answer, 503 when the database does not. */
export async function GET() {
  const health = await checkDatabaseHealth();
  if (!health.ok) return Response.json({ status: 'unavailable', database: 'down' }, { status: 503, headers: { 'cache-control': 'no-store' } });
  return Response.json({ status: 'ok', database: health.driver, latencyMs: health.latencyMs }, { headers: { 'cache-control': 'no-store' } });
}
