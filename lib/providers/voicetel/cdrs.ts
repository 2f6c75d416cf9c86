import type { CdrsCapability } from '../types';
import { BUDGETS } from './assumptions';
import type { VoiceTelCore } from './core';
import { mapCdr } from './map-account';
import { cdrResponse } from './schema';

export function createVoiceTelCdrs({ client }: VoiceTelCore): CdrsCapability {
  return {
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
      const items = rows
        .map(mapCdr)
        .filter((cdr) => cdr.startedAt >= since && cdr.startedAt <= until)
        .sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime() || a.providerCallId.localeCompare(b.providerCallId));
      return { items };
    },
  };
}
