import 'server-only';
import type { PortIn } from '@/lib/db/schema';
import { openSecret } from './secret-box';

/** The port-out PIN in clear, for the upstream submission and the masked hint only; undefined when none is saved or it cannot be opened. */
export function portPinOf(port: Pick<PortIn, 'pinSealed'>): string | undefined {
  if (!port.pinSealed) return undefined;
  try {
    return openSecret(port.pinSealed);
  } catch {
    return undefined;
  }
}
