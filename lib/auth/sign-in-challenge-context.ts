/**
 * Carries the sign-in's second-step challenge from Auth.js's `authorize` back to the login form's
 * action that called `signIn` (same request, same async chain), without putting it in a URL or an
 * error code. A direct POST to Auth.js's own endpoint has no such holder, so a user with 2FA can
 * only sign in through the form's two steps.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface PendingSecondFactor {
  challenge?: string;
  userId?: string;
}

export const pendingSecondFactor = new AsyncLocalStorage<PendingSecondFactor>();
