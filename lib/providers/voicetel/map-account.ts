/** VoiceTel account answers → domain: CDRs, credits, payments, recurring charges and the balance. No I/O. */
import { ProviderError } from '../errors';
import type { Balance, Cdr, Invoice, LedgerEntry } from '../types';
import { CDR_DIRECTION, PAYMENT_CREDITED, PAYMENT_DEBITED, PAYMENT_NOT_BOOKED, ZERO_DURATION_DISPOSITION } from './assumptions';
import { decimal, negate, toE164, usd } from './map';
import type { WireAccount, WireCdr, WireCredit, WireMrc, WirePayment } from './schema';

// GET /account/cdr
export function mapCdr(wire: WireCdr): Cdr {
  const started = new Date(Number(wire.key[1]) * 1000);
  if (Number.isNaN(started.getTime())) throw new Error(`CDR ${wire.id}: start epoch is not a number`);
  const duration = Math.max(0, Math.round(Number(wire.value.dur) || 0));
  return {
    providerCallId: wire.id,
    direction: CDR_DIRECTION,
    from: wire.value.cid ? toE164(wire.value.cid) : '',
    to: toE164(wire.value.dst),
    startedAt: started,
    endedAt: new Date(started.getTime() + duration * 1000),
    disposition: duration > 0 ? 'answered' : ZERO_DURATION_DISPOSITION,
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
