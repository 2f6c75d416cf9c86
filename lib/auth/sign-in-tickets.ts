/**
 * One-time tickets that let the server sign in a user it has just verified another way (a new user
 * who accepted an invitation), without a second password check that the throttle could refuse after
 * the user was already created. A ticket is minted and redeemed within the same request and
 * process, lives for seconds, and never leaves the server.
 */
import { randomBytes } from 'node:crypto';

const TICKET_TTL_MS = 30_000;
const ticketsKey = Symbol.for('carrier-portal.sign-in-tickets');
const processGlobal = globalThis as unknown as Record<symbol, Map<string, { userId: string; expiresAt: number }> | undefined>;

function tickets() {
  processGlobal[ticketsKey] ??= new Map();
  return processGlobal[ticketsKey];
}

export function mintSignInTicket(userId: string): string {
  const now = Date.now();
  for (const [key, entry] of tickets()) if (entry.expiresAt < now) tickets().delete(key);
  const ticket = randomBytes(32).toString('base64url');
  tickets().set(ticket, { userId, expiresAt: now + TICKET_TTL_MS });
  return ticket;
}

/** The user id of a live ticket, which is used up by this call. */
export function redeemSignInTicket(ticket: unknown): string | undefined {
  if (typeof ticket !== 'string') return undefined;
  const entry = tickets().get(ticket);
  tickets().delete(ticket);
  return entry && entry.expiresAt >= Date.now() ? entry.userId : undefined;
}
