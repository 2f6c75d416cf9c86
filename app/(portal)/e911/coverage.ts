import { formatCount } from '@/lib/format';

/** "3 of 10 numbers have no registered emergency address", or that all of them have one. */
export function coverageText({ total, unregistered }: { total: number; unregistered: number }): string {
  if (total === 0) return 'No numbers yet: there is nothing to register.';
  if (unregistered === 0) return total === 1 ? 'Your number has a registered emergency address.' : `All ${formatCount(total)} numbers have a registered emergency address.`;
  return `${formatCount(unregistered)} of ${formatCount(total)} number${total === 1 ? '' : 's'} ${unregistered === 1 ? 'has' : 'have'} no registered emergency address`;
}
