import { ProviderError } from '../errors';
import type { Cdr, CdrsCapability, E164 } from '../types';
import { CDR_PULL_LATE_LOG_MS } from './assumptions';
import { mapCdrCsv } from './cdr-csv';
import type { VitcomCore } from './core';
import { mapStatsRow, parseWireDate, toIsoDay, toTenDigits, type VitcomQualityStats } from './map';

/** Beyond the common group: VITCOM's own ASR/ACD rollups per number and per trunk. */
export interface VitcomCdrs extends CdrsCapability {
  getQualityStats(request: { numbers?: E164[]; trunkRefs?: string[] }): Promise<VitcomQualityStats[]>;
}

export function createVitcomCdrs({ client, membersOf }: VitcomCore): VitcomCdrs {
  return {
    pullPolicy: { lateLogMs: CDR_PULL_LATE_LOG_MS },
    async pull(request: { since: Date; until: Date; cursor?: string; limit?: number }) {
      const [cursorDay, cursorOffset] = (request.cursor ?? '').split('#');
      const fromDay = cursorDay && /^\d{4}-\d{2}-\d{2}$/.test(cursorDay) ? cursorDay : toIsoDay(request.since);
      const untilDay = toIsoDay(request.until);
      if (fromDay > untilDay) return { items: [] as Cdr[] };
      const [origination, termination] = await Promise.all([client.dailyCdrs(fromDay, untilDay), client.dailyCdrs(fromDay, untilDay, true)]);
      // A listing row whose day cannot be read would hide that day's files: refuse it instead.
      const dayOf = (date: string) => {
        const parsed = parseWireDate(date);
        if (!parsed) throw new ProviderError('vitcom', 'malformed', { upstreamMessage: `/daily_cdrs lists a file set with an unreadable date: "${date}"` });
        return toIsoDay(parsed);
      };
      const days = [...new Set([...origination.data, ...termination.data].map((row) => dayOf(row.date)))]
        .filter((d) => d >= fromDay && d <= untilDay)
        .sort();
      const day = days[0];
      if (!day) return { items: [] as Cdr[] };
      const files: { url: string; direction: 'inbound' | 'outbound' }[] = [];
      for (const [rows, direction] of [
        [origination.data, 'inbound'],
        [termination.data, 'outbound'],
      ] as const) {
        for (const row of rows.filter((r) => dayOf(r.date) === day)) {
          for (const url of [row.success, row.failed]) if (url) files.push({ url, direction });
        }
      }
      const items: Cdr[] = [];
      for (const file of files) items.push(...(await client.download(file.url, (text) => mapCdrCsv(text, file.direction, `CDR file ${file.url.split('/').pop()}`))));
      const since = request.since.getTime();
      const until = request.until.getTime();
      const inRange = items
        .filter((cdr) => cdr.startedAt.getTime() >= since && cdr.startedAt.getTime() < until)
        .sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime() || a.providerCallId.localeCompare(b.providerCallId));
      const offset = Number(cursorOffset ?? 0) || 0;
      const limit = request.limit && request.limit > 0 ? request.limit : Number.POSITIVE_INFINITY;
      const page = inRange.slice(offset, offset + limit);
      const nextCursor = offset + limit < inRange.length ? `${day}#${offset + limit}` : days[1];
      return { items: page, nextCursor };
    },

    async getQualityStats(request: { numbers?: E164[]; trunkRefs?: string[] }): Promise<VitcomQualityStats[]> {
      const out: VitcomQualityStats[] = [];
      const tens = (request.numbers ?? []).map((n) => toTenDigits(n)).filter((n): n is string => !!n);
      if (tens.length) out.push(...(await client.didStats(tens)).data.map((row) => mapStatsRow(row, 'number')));
      const parts = (await Promise.all((request.trunkRefs ?? []).map(membersOf))).filter((p) => p !== undefined);
      const origination = parts.map((p) => p.origination).filter((id): id is string => !!id);
      const termination = parts.flatMap((p) => p.termination);
      if (origination.length) out.push(...(await client.tgStats(origination)).data.map((row) => mapStatsRow(row, 'origination')));
      if (termination.length) out.push(...(await client.tgStats(termination, true)).data.map((row) => mapStatsRow(row, 'termination')));
      return out;
    },
  };
}
