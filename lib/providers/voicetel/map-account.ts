/** VoiceTel account answers → domain: CDRs, credits, payments, recurring charges and the balance. No I/O. */
import { parsePhoneNumber } from '@/lib/phone-numbers';
import { ProviderError } from '../errors';
import type { Balance, Cdr, Invoice, LedgerEntry } from '../types';
import { CDR_INTERNATIONAL_PREFIX, PAYMENT_CREDITED, PAYMENT_DEBITED, PAYMENT_NOT_BOOKED, ZERO_DURATION_DISPOSITION } from './assumptions';
import { decimal, negate, usd } from './map';
import type { WireAccount, WireCdr, WireCredit, WireMrc, WirePayment } from './schema';

// GET /account/cdr

/**
 * A CDR's number as E.164: NANP ten digits, `011` + an international number, or country code and
 * number without the plus. One that is none of these is kept as it came (the store then refuses the
 * row and says why) rather than guessed into a wrong `+1` number.
 */
export function cdrNumberToE164(raw: string): string {
  const digits = raw.replace(/\D/g, '');
  const international = digits.startsWith(CDR_INTERNATIONAL_PREFIX) ? `+${digits.slice(CDR_INTERNATIONAL_PREFIX.length)}` : undefined;
  const parsed = parsePhoneNumber(international ?? (digits.length === 10 ? `+1${digits}` : digits.length > 10 ? `+${digits}` : raw));
  return parsed?.e164 ?? raw;
}

/** `ownNumbers`: the account's DIDs as E.164; a call to one of them is inbound (assumptions: no direction field). */
export function mapCdr(wire: WireCdr, ownNumbers: ReadonlySet<string> = new Set()): Cdr {
  const started = new Date(Number(wire.key[1]) * 1000);
  if (Number.isNaN(started.getTime())) {
    throw new ProviderError('voicetel', 'malformed', { upstreamMessage: `CDR ${wire.id}: start epoch "${wire.key[1]}" is not a number` });
  }
  const duration = Math.max(0, Math.round(Number(wire.value.dur) || 0));
  const to = cdrNumberToE164(String(wire.value.dst));
  const answered = duration > 0;
  return {
    providerCallId: wire.id,
    direction: ownNumbers.has(to) ? 'inbound' : 'outbound',
    from: wire.value.cid ? cdrNumberToE164(String(wire.value.cid)) : '',
    to,
    startedAt: started,
    answeredAt: answered ? started : undefined,
    endedAt: new Date(started.getTime() + duration * 1000),
    disposition: answered ? 'answered' : ZERO_DURATION_DISPOSITION,
    durationSec: duration,
    billableSec: duration,
    cost: wire.value.ba !== undefined ? usd(wire.value.ba) : undefined,
  };
}

/** `cn` is URL-encoded ("TOLL%20FREE%20CALL"). */
export function decodeCallerName(cn: string | undefined): string | undefined {
  if (!cn) return undefined;
  try {
    return decodeURIComponent(cn.replace(/\+/g, ' '));
  } catch {
    return cn;
  }
}

// Credits / payments / MRC
const epochOf = (date: string) => {
  const at = new Date(date);
  if (Number.isNaN(at.getTime())) throw new Error(`not a date: ${date}`);
  return at;
};

export function mapCreditToInvoice(wire: WireCredit): Invoice {
  const issuedAt = epochOf(wire.date);
  return {
    invoiceRef: `credit-${Math.floor(issuedAt.getTime() / 1000)}-${decimal(wire.amount)}`,
    issuedAt,
    total: usd(wire.amount),
    status: wire.paid ? 'paid' : 'open',
  };
}

export function mapCreditToLedger(wire: WireCredit): LedgerEntry {
  const at = epochOf(wire.date);
  const money = usd(wire.amount);
  return {
    entryRef: `credit-${Math.floor(at.getTime() / 1000)}-${money.amount}`,
    at,
    description: wire.paid ? 'Account credit' : 'Account credit (invoice outstanding)',
    amount: { ...money, amount: negate(money.amount) },
  };
}

export function mapPaymentToLedger(wire: WirePayment): LedgerEntry | null {
  const credited = PAYMENT_CREDITED.includes(wire.status);
  if (!credited && !PAYMENT_DEBITED.includes(wire.status)) {
    if (PAYMENT_NOT_BOOKED.includes(wire.status)) return null;
    // Partially_Refunded, say: money moved by an amount we cannot tell from this row.
    throw new ProviderError('voicetel', 'malformed', { upstreamMessage: `payment ${wire.transactionId ?? wire.date} has a status we do not book: "${wire.status}"` });
  }
  const at = epochOf(wire.date);
  const money = usd(wire.amount);
  return {
    entryRef: `payment-${wire.transactionId ?? `${Math.floor(at.getTime() / 1000)}-${money.amount}`}`,
    at,
    description: `PayPal payment${wire.status === 'Completed' ? '' : ` (${wire.status})`}`,
    amount: { ...money, amount: credited ? negate(money.amount) : money.amount },
  };
}

/** Current MRC lines, booked at the start of the month they are for. */
export function mapMrcToLedger(wire: WireMrc, now: Date): LedgerEntry[] {
  const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const month = monthStart.toISOString().slice(0, 7);
  return wire.charges.map((charge, index) => ({
    entryRef: `mrc-${month}-${index}`,
    at: monthStart,
    description: charge.description ?? 'Monthly recurring charge',
    amount: usd(charge.amount),
  }));
}

// GET /account
export function mapBalance(wire: WireAccount): Balance {
  return { available: usd(wire.cash) };
}
