import 'server-only';
import { sql } from 'drizzle-orm';
import type { Db, Tx } from '@/lib/db/client';
import { rowsOf } from '@/lib/db/rows';

type Executor = Db | Tx;

export interface NumberAtTime {
  e164: string;
  at: Date;
  /** The upstream that reported the call, where known. */
  connectionId?: string | null;
}

export interface NumberHolder {
  accountId: string;
  trunkGroupRef: string | null;
}

/**
 * Who held each number at each time, in one statement for the whole list (answers by position;
 * absent: nobody). In order of precedence:
 * - the row live at that time: activated by then, and not released yet (a call that started
 *   before a release is the releasing account's, however late it arrives or long it lasts);
 * - a number completing a port-in on the upstream that reports the call, after the port was
 *   submitted and before the portal saw it complete: the winning upstream carries the number's
 *   calls only once the carrier has moved it, so they are the porting account's;
 * - a released number still billed to its account (to the end of its month), the latest release
 *   first: until the carrier has released it too, its calls still reach that account's trunks;
 * - with `accountIds` (a push key's subtree): only those accounts' numbers count, and as a last
 *   resort the one holding the number now.
 */
export async function getNumberHoldersAt(db: Executor, { lookups, accountIds }: { lookups: NumberAtTime[]; accountIds?: ReadonlySet<string> }): Promise<(NumberHolder | undefined)[]> {
  if (lookups.length === 0) return [];
  const payload = JSON.stringify(lookups.map((l, i) => ({ i, did: l.e164, at: l.at.toISOString(), conn: l.connectionId ?? null })));
  // In a scope, its accounts' numbers only: the released ones are then found by (account, number).
  const scope = accountIds ? sql`AND account_id IN (${accountIds.size ? sql.join([...accountIds].map((id) => sql`${id}::uuid`), sql`, `) : sql`NULL`})` : sql``;
  // Released rows are read only for numbers whose live row (one index probe each) did not hold
  // them at the time of a call: in the common case, none.
  const result = await db.execute(sql`
    WITH calls AS (
      SELECT * FROM jsonb_to_recordset(${payload}::jsonb) AS c(i int, did text, at timestamptz, conn uuid)
    ),
    live AS (
      SELECT e164, account_id, trunk_group_ref, connection_id, status, activated_at, released_at, billed_until, port_in_id
      FROM phone_numbers WHERE status <> 'released' AND e164 IN (SELECT did FROM calls) ${scope}
    ),
    unsettled AS (
      SELECT DISTINCT did FROM calls c
      WHERE NOT EXISTS (SELECT 1 FROM live l WHERE l.e164 = c.did AND l.activated_at <= c.at)
    ),
    numbers AS (
      SELECT * FROM live
      UNION ALL
      SELECT e164, account_id, trunk_group_ref, connection_id, status, activated_at, released_at, billed_until, port_in_id
      FROM phone_numbers WHERE status = 'released' AND e164 IN (SELECT did FROM unsettled) ${scope}
    ),
    candidates AS (
      SELECT c.i, n.account_id, n.trunk_group_ref, n.activated_at, n.released_at,
        CASE
          WHEN n.activated_at <= c.at AND (n.status <> 'released' OR c.at < coalesce(n.released_at, n.billed_until)) THEN 0
          WHEN c.at < n.activated_at AND c.conn = n.connection_id AND pi.submitted_at <= c.at THEN 1
          WHEN n.status = 'released' AND n.released_at <= c.at AND c.at <= n.billed_until AND (c.conn IS NULL OR c.conn = n.connection_id) THEN 2
          WHEN ${accountIds ? sql`n.status <> 'released'` : sql`false`} THEN 3
        END AS rank
      FROM calls c
      JOIN numbers n ON n.e164 = c.did
      LEFT JOIN port_ins pi ON pi.id = n.port_in_id
    )
    SELECT DISTINCT ON (i) i, account_id::text AS account_id, trunk_group_ref::text AS trunk_group_ref
    FROM candidates WHERE rank IS NOT NULL
    ORDER BY i, rank,
      CASE rank WHEN 0 THEN -extract(epoch FROM activated_at) WHEN 1 THEN extract(epoch FROM activated_at) WHEN 2 THEN -extract(epoch FROM released_at) ELSE 0 END`);
  const holders: (NumberHolder | undefined)[] = new Array(lookups.length).fill(undefined);
  for (const row of rowsOf<{ i: number; account_id: string; trunk_group_ref: string | null }>(result)) {
    holders[Number(row.i)] = { accountId: row.account_id, trunkGroupRef: row.trunk_group_ref };
  }
  return holders;
}
