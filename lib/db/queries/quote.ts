import 'server-only';
import { eq } from 'drizzle-orm';
import type { Db, Tx } from '@/lib/db/client';
import { rateDecks } from '@/lib/db/schema';

type Executor = Db | Tx;

/** The name and currency of the sell deck that `getRateBindings` found for the account quoting. */
export async function getQuoteDeckById(db: Executor, { deckId }: { deckId: string }) {
  const [deck] = await db.select({ id: rateDecks.id, name: rateDecks.name, currency: rateDecks.currency }).from(rateDecks).where(eq(rateDecks.id, deckId));
  return deck;
}
