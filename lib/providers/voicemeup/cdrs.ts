import type { Cdr, CdrsCapability, Page } from '../types';
import { CDR_LOG_GRACE_MS, CDR_MAX_CALLS_PER_PAGE, CDR_PAGE_DEFAULT, CDR_PAGE_MAX } from './assumptions';
import { STATE_KEYS, type VoicemeupCore } from './core';
import { dateInZone, mapCall } from './map';

export function createVoicemeupCdrs({ context, client, timeZone, currency }: VoicemeupCore): CdrsCapability {
  return {
    async pull(request): Promise<Page<Cdr>> {
      const limit = Math.min(Math.max(request.limit ?? CDR_PAGE_DEFAULT, 1), CDR_PAGE_MAX);
      const options = { timeZone, currency };
      const since = request.since.getTime();
      const until = request.until.getTime();
      // A call logged after one that started this late cannot have started before `until`.
      const pastWindow = until + CDR_LOG_GRACE_MS;
      // Position in the call log: the unique_id of the last row read (returned or not).
      let after = request.cursor;
      const items: Cdr[] = [];
      let exhausted = false;
      // The first request is a date range (whole days upstream, so it is bounded); after that the
      // unique_id cursor, which walks the log in log order, so late CDRs of the window are not lost.
      // Every row is trimmed to [since, until) and the walk stops once the log is past the window.
      for (let calls = 0; calls < CDR_MAX_CALLS_PER_PAGE && !exhausted && items.length < limit; calls++) {
        const result = after
          ? await client.getCalls({ unique_id: after }, limit)
          : await client.getCalls({ date_from: dateInZone(request.since, timeZone), date_to: dateInZone(request.until, timeZone) }, limit);
        const rows = result.data.calls;
        let read = 0;
        for (const row of rows) {
          const cdr = mapCall(row, options);
          if (cdr.startedAt.getTime() >= pastWindow) {
            exhausted = true;
            break;
          }
          after = row['@_unique_id'];
          read++;
          const started = cdr.startedAt.getTime();
          if (started >= since && started < until) items.push(cdr);
          if (items.length >= limit) break;
        }
        // A short page read to its end is the end of the log (cursor) or of the date range.
        if (rows.length < limit && read === rows.length) exhausted = true;
      }
      // Where the log was read up to, for incremental polling (§3.2: store the last unique_id).
      if (after && after !== request.cursor) await context.state.set(STATE_KEYS.lastCallId, after);
      return { items, nextCursor: exhausted || !after ? undefined : after };
    },
  };
}
