/**
 * How a run of emergency-address registrations reads to the person who started it: the tone of its
 * message, and the note the address page shows after an edit registered the address again. Pure:
 * the E911 and My numbers actions and the address page share them. A run is green only when every
 * number registered.
 */
import type { ResultTone } from '@/lib/auth/action';

type RegistrationOutcome = { status: 'none' | 'pending' | 'registered' | 'failed' | 'unsupported' };

/** No tone (success) when every number registered; `partial` when some did, `failed` when none did. */
export function registrationTone(results: readonly RegistrationOutcome[]): ResultTone | undefined {
  const registered = results.filter((result) => result.status === 'registered').length;
  if (registered === results.length) return undefined;
  return registered === 0 ? 'failed' : 'partial';
}

/** Numbers an edit could not register again, by why; all zero when every number registered. */
export interface ReRegistrationCounts {
  failed: number;
  pending: number;
  unsupported: number;
}

const COUNT_KEYS = ['failed', 'pending', 'unsupported'] as const;

/** The counts as the address page's query string takes them after an edit: "&failed=2", or "" when every number registered. */
export function reRegistrationQuery(results: readonly RegistrationOutcome[]): string {
  return COUNT_KEYS.map((key) => [key, results.filter((result) => result.status === key).length] as const)
    .filter(([, count]) => count > 0)
    .map(([key, count]) => `&${key}=${count}`)
    .join('');
}

/** A count from the URL: anything but a plain whole number (an array, "-1", "2e3", "abc") reads as 0. */
const countFrom = (value: string | string[] | undefined) => (typeof value === 'string' && /^\d{1,6}$/.test(value) ? Number(value) : 0);

export function reRegistrationCountsOf(query: Record<string, string | string[] | undefined>): ReRegistrationCounts {
  return { failed: countFrom(query.failed), pending: countFrom(query.pending), unsupported: countFrom(query.unsupported) };
}

const numbersText = (count: number) => `${count} number${count === 1 ? '' : 's'}`;

/**
 * What the address page says after an edit. `warning` when a carrier refused some numbers (the user
 * must act), `neutral` when some are still pending or cannot be registered on their carrier, and
 * `registered` only when every number that uses the address registered at it again.
 */
export function reRegistrationNote(counts: ReRegistrationCounts): { tone: 'registered' | 'neutral' | 'warning'; text: string } {
  const { failed, pending, unsupported } = counts;
  if (failed === 0 && pending === 0 && unsupported === 0) {
    return { tone: 'registered', text: 'The address is saved, and registered again on every number that uses it: their status is below.' };
  }
  const parts = ['The address is saved, but not every number that uses it is registered at it now.'];
  if (failed > 0) {
    parts.push(
      `${numbersText(failed)} could not be registered: ${failed === 1 ? 'its row' : 'their rows'} below ${failed === 1 ? 'says' : 'say'} why. Fix what ${failed === 1 ? 'it says' : 'they say'}, then register ${failed === 1 ? 'it' : 'them'} again under “Register numbers at this address”.`,
    );
  }
  if (pending > 0) {
    parts.push(`${numbersText(pending)} ${pending === 1 ? 'is' : 'are'} still waiting for the carrier’s answer: ${pending === 1 ? 'it is' : 'they are'} tried again automatically, or register ${pending === 1 ? 'it' : 'them'} again yourself.`);
  }
  if (unsupported > 0) parts.push(`${numbersText(unsupported)} cannot have an emergency address registered: ${unsupported === 1 ? 'its carrier does' : 'their carriers do'} not offer it.`);
  return { tone: failed > 0 ? 'warning' : 'neutral', text: parts.join(' ') };
}
