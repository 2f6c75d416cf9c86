import 'server-only';
import { sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';

/** The cheapest statement that proves the database answers. */
export async function pingDatabase(db: Db) {
  await db.execute(sql`select 1`);
}
