import { formatPhoneNumber } from './phone-numbers';

/** `+13125550100` → `(312) 555-0100`, `+442079460958` → `+44 20 7946 0958`; anything else as stored. */
export function formatE164(e164: string): string {
  return formatPhoneNumber(e164);
}

export function formatDateTime(date: Date | null | undefined): string {
  return date ? `${date.toISOString().replace('T', ' ').slice(0, 16)} UTC` : '—';
}

/**
 * A decimal amount (`"12.3450"`) as money, rounded half-up to cents on the digits themselves: the
 * same text as the services' formatMoney, for client components that get amounts as JSON strings.
 */
export function formatAmount(amount: string, currency = 'USD'): string {
  const match = /^(-)?(\d+)(?:\.(\d*))?$/.exec(amount.trim());
  if (!match) return amount;
  const fraction = (match[3] ?? '').padEnd(3, '0');
  const cents = Number(match[2]) * 100 + Number(fraction.slice(0, 2)) + (Number(fraction[2]) >= 5 ? 1 : 0);
  return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(((match[1] ? -1 : 1) * cents) / 100);
}
