import type { CdrsCapability } from '../types';
import { BUDGETS, CDR_PULL_LATE_LOG_MS, CDR_PULL_MAX_WINDOW_MS, CDR_PULL_MIN_INTERVAL_MS } from './assumptions';
import type { VoiceTelCore } from './core';
import { mapCdr } from './map-account';
import { cdrResponse, numbersListResponse } from './schema';

export function createVoiceTelCdrs({ client }: VoiceTelCore): CdrsCapability {
  return {
    pullPolicy: { minIntervalMs: CDR_PULL_MIN_INTERVAL_MS, maxWindowMs: CDR_PULL_MAX_WINDOW_MS, lateLogMs: CDR_PULL_LATE_LOG_MS },
    async pull({ since, until }) {
      const rows = await client.call({
        operation: 'GET /account/cdr',
        method: 'GET',
        path: '/account/cdr',
        // VoiceTel's range runs backwards: `start` is the newer end, `end` the older. Send both, always.
        query: { start: Math.floor(until.getTime() / 1000), end: Math.floor(since.getTime() / 1000) },
        idempotent: true,
        budget: BUDGETS.cdr,
        parse: (body) => cdrResponse.parse(body).data.cdr,
      });
      if (rows.length === 0) return { items: [] };
      // Rows say nothing of direction: calls to the account's own numbers are its inbound calls.
      const owned = await client.call({
        operation: 'GET /numbers',
        method: 'GET',
        path: '/numbers',
        idempotent: true,
        emptyOn404: () => [],
        parse: (body) => numbersListResponse.parse(body).data.numbers,
      });
      const ownNumbers = new Set(owned.map((row) => `+1${row.number}`));
      const items = rows
        .map((row) => mapCdr(row, ownNumbers))
        .filter((cdr) => cdr.startedAt >= since && cdr.startedAt < until)
        .sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime() || a.providerCallId.localeCompare(b.providerCallId));
      return { items };
    },
  };
}
