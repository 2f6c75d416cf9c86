import 'server-only';
import { asc, eq, inArray } from 'drizzle-orm';
import { sql } from 'drizzle-orm';
import type { Db, Tx } from '@/lib/db/client';
import { rowsOf } from '@/lib/db/rows';
import { rateDeckEntries, rateDeckVersions } from '@/lib/db/schema';

type Executor = Db | Tx;

export interface DeckVersionRef {
  id: string;
  deckId: string;
  version: number;
  effectiveFrom: Date;
}

export interface RateBindings {
  /** Account → its sell deck: its own assignment, the nearest ancestor's, else the default deck. */
  sellDeckByAccount: Map<string, string>;
  /** Upstream connection → its cost deck. */
  costDeckByConnection: Map<string, string>;
  /** Deck → its versions, latest effective first. */
  versionsByDeck: Map<string, DeckVersionRef[]>;
}

/** Which decks price the calls of these accounts and upstream connections, with every version of each: one round trip. */
export async function getRateBindings(db: Executor, { accountIds, connectionIds }: { accountIds: string[]; connectionIds: string[] }): Promise<RateBindings> {
  const result = await db.execute(sql`
    WITH sell AS (
      SELECT a.id AS key, coalesce(
        (SELECT ra.deck_id FROM rate_deck_assignments ra JOIN accounts anc ON anc.id = ra.account_id
          WHERE starts_with(a.path, anc.path) ORDER BY anc.depth DESC LIMIT 1),
        (SELECT d.id FROM rate_decks d WHERE d.is_default)) AS deck_id
      FROM accounts a WHERE a.id IN (SELECT jsonb_array_elements_text(${JSON.stringify(accountIds)}::jsonb)::uuid)
    ),
    cost AS (
      SELECT d.connection_id AS key, d.id AS deck_id FROM rate_decks d
      WHERE d.connection_id IN (SELECT jsonb_array_elements_text(${JSON.stringify(connectionIds)}::jsonb)::uuid)
    ),
    decks AS (SELECT deck_id FROM sell WHERE deck_id IS NOT NULL UNION SELECT deck_id FROM cost)
    SELECT 'sell' AS role, key::text, deck_id::text, NULL::text AS version_id, NULL::int AS version, NULL::timestamptz AS effective_from FROM sell
    UNION ALL SELECT 'cost', key::text, deck_id::text, NULL, NULL, NULL FROM cost
    UNION ALL SELECT 'version', NULL, v.deck_id::text, v.id::text, v.version, v.effective_from FROM rate_deck_versions v WHERE v.deck_id IN (SELECT deck_id FROM decks)`);
  const bindings: RateBindings = { sellDeckByAccount: new Map(), costDeckByConnection: new Map(), versionsByDeck: new Map() };
  for (const row of rowsOf<{ role: string; key: string | null; deck_id: string | null; version_id: string | null; version: number | null; effective_from: string | Date | null }>(result)) {
    if (row.role === 'sell' && row.deck_id) bindings.sellDeckByAccount.set(row.key!, row.deck_id);
    else if (row.role === 'cost') bindings.costDeckByConnection.set(row.key!, row.deck_id!);
    else if (row.role === 'version') {
      const versions = bindings.versionsByDeck.get(row.deck_id!) ?? [];
      versions.push({ id: row.version_id!, deckId: row.deck_id!, version: Number(row.version), effectiveFrom: new Date(row.effective_from!) });
      bindings.versionsByDeck.set(row.deck_id!, versions);
    }
  }
  for (const versions of bindings.versionsByDeck.values()) versions.sort((a, b) => b.effectiveFrom.getTime() - a.effectiveFrom.getTime() || b.version - a.version);
  return bindings;
}

/** Every termination and origination entry of a deck version (immutable once written). */
export async function getDeckVersionEntries(db: Executor, versionId: string) {
  return db
    .select({
      kind: rateDeckEntries.kind,
      prefix: rateDeckEntries.prefix,
      destination: rateDeckEntries.destination,
      rate: rateDeckEntries.rate,
      connectionFee: rateDeckEntries.connectionFee,
      firstIncrement: rateDeckEntries.firstIncrement,
      nextIncrement: rateDeckEntries.nextIncrement,
      minimumDuration: rateDeckEntries.minimumDuration,
    })
    .from(rateDeckEntries)
    .where(eq(rateDeckEntries.versionId, versionId));
}

export async function getDeckVersionsByIds(db: Executor, versionIds: string[]) {
  if (versionIds.length === 0) return [];
  return db.select().from(rateDeckVersions).where(inArray(rateDeckVersions.id, versionIds)).orderBy(asc(rateDeckVersions.effectiveFrom));
}
