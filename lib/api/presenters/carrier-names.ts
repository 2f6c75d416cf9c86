import 'server-only';
import type { AccountAccess } from '@/lib/auth/access';
import { AppError } from '@/lib/errors';
import { scrubProviderNames } from '@/lib/services/carrier-labels';

/**
 * A service refusal as the caller may read it: carrier names in its message and field errors become
 * "the carrier" for customers (the pages scrub action errors the same way).
 */
export async function withCarrierNamesScrubbed<T>(access: AccountAccess, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof AppError) || access.user.isOperatorStaff) throw error;
    const scrub = (text: string) => scrubProviderNames(text, false, 'the carrier');
    const fieldErrors = error.fieldErrors ? Object.fromEntries(Object.entries(error.fieldErrors).map(([field, messages]) => [field, messages.map(scrub)])) : undefined;
    throw new AppError(error.code, scrub(error.message), { fieldErrors, cause: error, retryAfterMs: error.retryAfterMs, rateLimit: error.rateLimit });
  }
}
