import 'server-only';
import type { AccountAccess } from '@/lib/auth/access';

/**
 * Throws `forbidden:step_up` unless the signed-in user confirmed their second factor moments ago
 * (before creating API keys or changing roles). The 2FA helper fills this in.
 */
export async function assertRecentSecondFactor(_access: AccountAccess): Promise<void> {}
