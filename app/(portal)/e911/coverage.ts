import { formatCount } from '@/lib/format';

/** "3 of 10 numbers have no registered emergency address", or that all of them have one. */
export function coverageText({ total, unregistered }: { total: number; unregistered: number }): string {
  if (total === 0) return 'No numbers yet: there is nothing to register.';
  if (unregistered === 0) return total === 1 ? 'Your number has a registered emergency address.' : `All ${formatCount(total)} numbers have a registered emergency address.`;
  return `${formatCount(unregistered)} of ${formatCount(total)} number${total === 1 ? '' : 's'} ${unregistered === 1 ? 'has' : 'have'} no registered emergency address`;
}

/** How the numbers without an address split: those we can register and those whose carrier cannot. */
export function uncoverableText(uncoverable: number, registrable: number): string {
  const them = `${formatCount(uncoverable)} ${uncoverable === 1 ? 'is on a carrier that cannot' : 'are on carriers that cannot'} register an emergency address`;
  return registrable > 0 ? `Of these, ${them}: see below. The other ${formatCount(registrable)} can be registered here.` : `Of these, ${them}: see below.`;
}
