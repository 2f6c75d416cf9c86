'use server';

import { revalidatePath } from 'next/cache';
import { staffAction } from '@/lib/auth/action';
import { assignRateDeck, createRateDeck, makeDefaultRateDeck, reratingNote, unassignRateDeck } from '@/lib/services/rate-decks';
import { assignRateDeckSchema, createRateDeckSchema, rateDeckIdSchema, unassignRateDeckSchema } from '@/lib/validations/rate-decks';

const refresh = (deckId?: string) => {
  revalidatePath('/operator/rate-decks');
  if (deckId) revalidatePath(`/operator/rate-decks/${deckId}`);
};

export const createRateDeckAction = staffAction<typeof createRateDeckSchema, { deckId: string }>({
  schema: createRateDeckSchema,
  async run(input, { user, ip }) {
    const deck = await createRateDeck(user, input, ip);
    refresh();
    return { message: `Created “${deck.name}”. Import its first version from a CSV file on its page.`, data: { deckId: deck.id } };
  },
});

export const makeDefaultRateDeckAction = staffAction({
  schema: rateDeckIdSchema,
  async run({ deckId }, { user, ip }) {
    const deck = await makeDefaultRateDeck(user, deckId, ip);
    refresh(deck.id);
    return { message: `“${deck.name}” is now the default: it prices every account without a deck of its own or inherited. ${reratingNote(deck.rerating)}`.trim() };
  },
});

export const assignRateDeckAction = staffAction({
  schema: assignRateDeckSchema,
  async run(input, { user, ip }) {
    const { account, deck, changed, rerating } = await assignRateDeck(user, input, ip);
    refresh(deck.id);
    return { message: changed ? `${account.name} and the sub-accounts without a deck of their own are now priced by “${deck.name}”. ${reratingNote(rerating)}`.trim() : `${account.name} already has “${deck.name}”.` };
  },
});

export const unassignRateDeckAction = staffAction({
  schema: unassignRateDeckSchema,
  async run(input, { user, ip }) {
    const { account, deck, fallback, rerating } = await unassignRateDeck(user, input, ip);
    refresh(deck?.id);
    if (fallback) revalidatePath(`/operator/rate-decks/${fallback.id}`);
    return { message: fallback ? `${account.name} no longer has its own deck: it inherits “${fallback.name}”. ${reratingNote(rerating)}`.trim() : `${account.name} no longer has its own deck, and no deck applies to it now: its calls go unrated until one does.` };
  },
});
