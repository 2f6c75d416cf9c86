/**
 * How a deck's rates read on the staff version page and the customer's rates page: one row per
 * rate, money in the deck's currency with its sub-cent places, and the page's links. Pure.
 */
import { formatCount, formatRate } from '@/lib/format';

interface EntryView {
  kind: 'termination' | 'origination';
  prefix: string;
  destination: string;
  rate: string;
  connectionFee: string;
  firstIncrement: number;
  nextIncrement: number;
  minimumDuration: number;
}

export function rateEntryRows(rows: readonly EntryView[], currency: string, match: EntryView | null) {
  return rows.map((entry) => ({
    key: `${entry.kind}:${entry.prefix}`,
    prefix: `+${entry.prefix}`,
    destination: entry.destination,
    kind: entry.kind === 'termination' ? 'Termination' : 'Origination',
    rate: formatRate(entry.rate, currency),
    connectionFee: formatRate(entry.connectionFee, currency),
    increment: `${entry.firstIncrement}/${entry.nextIncrement}`,
    minimum: entry.minimumDuration ? `${entry.minimumDuration} s` : '—',
    match: Boolean(match && match.kind === entry.kind && match.prefix === entry.prefix),
  }));
}

/** "Mexico - Mexico City (+5255): $0.0160 a minute, billed 60/60" — what a number would cost. */
export function matchSentence(match: EntryView, currency: string): string {
  const fee = /[1-9]/.test(match.connectionFee) ? ` plus ${formatRate(match.connectionFee, currency)} a connected call` : '';
  const minimum = match.minimumDuration ? `, at least ${match.minimumDuration} s` : '';
  return `${match.destination} (+${match.prefix}): ${formatRate(match.rate, currency)} a minute${fee}, billed ${match.firstIncrement}/${match.nextIncrement}${minimum}`;
}

/** The URL of a page of rates with the search kept (page 1 and empty values left out). */
export function ratesHref(pathname: string, state: { q?: string; kind?: string; page?: number; version?: number }): string {
  const search = new URLSearchParams();
  if (state.q) search.set('q', state.q);
  if (state.kind) search.set('kind', state.kind);
  if (state.version) search.set('version', String(state.version));
  if (state.page && state.page > 1) search.set('page', String(state.page));
  const text = search.toString();
  return text ? `${pathname}?${text}` : pathname;
}

export function didTierLine(tier: { label: string; countries: string[]; monthly: string; oneTime: string }, currency: string): string {
  const once = /[1-9]/.test(tier.oneTime) ? `, ${formatRate(tier.oneTime, currency)} once` : '';
  return `${tier.label} (${tier.countries.join(', ')}): ${formatRate(tier.monthly, currency)} a number a month${once}`;
}

export const rateCount = (count: number) => `${formatCount(count)} rate${count === 1 ? '' : 's'}`;
