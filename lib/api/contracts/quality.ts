import { z } from 'zod';
import { KPI_KEYS, MAX_CUSTOM_RANGE_DAYS, QUALITY_RANGES } from '@/lib/views/quality';
import { METRIC_DEFINITIONS } from '@/lib/quality/metrics';
import { defineEndpoint, isoTime } from '../contract';

const TAG = 'Usage and quality';

export const qualityQuery = z.object({
  range: z.enum(QUALITY_RANGES, { message: `range is one of ${QUALITY_RANGES.join(', ')}` }).optional().meta({
    description: `The period: the last 24 hours, 7, 30 or 90 days (default 7d), or \`custom\` with \`from\` and \`to\` (given \`from\` and \`to\` imply custom; at most ${MAX_CUSTOM_RANGE_DAYS} days). Buckets: 5 minutes up to 2 days, hours up to 14 days, days beyond.`,
  }),
  from: z.iso.datetime({ offset: true, message: 'from is an ISO 8601 time (2026-04-01T00:00:00Z)' }).optional().meta({ description: 'Start of a custom range (rounded down to its bucket).' }),
  to: z.iso.datetime({ offset: true, message: 'to is an ISO 8601 time (2026-04-17T00:00:00Z)' }).optional().meta({ description: 'End of a custom range, exclusive (rounded up to its bucket).' }),
  trunkGroup: z.string().uuid('trunkGroup is a trunk group id').optional(),
  upstream: z.string().uuid('upstream is an upstream connection id (see `options.upstreams`)').optional(),
  destination: z.string().regex(/^[A-Z]{2}$/, 'destination is a two-letter country code (US, MX)').optional().meta({ description: 'ISO country of the called number.' }),
  direction: z.enum(['inbound', 'outbound'], { message: 'direction is inbound or outbound' }).optional(),
});

const ratio = z.number().nullable();
const figures = {
  attempts: z.number().int(),
  answered: z.number().int(),
  asr: ratio.meta({ description: METRIC_DEFINITIONS.asr }),
  ner: ratio.meta({ description: METRIC_DEFINITIONS.ner }),
  acd: z.number().nullable().meta({ description: `${METRIC_DEFINITIONS.acd} Seconds.` }),
  pddP50Ms: z.number().nullable(),
  pddP95Ms: z.number().nullable(),
  pddUnknownShare: ratio,
  minutes: z.number(),
  shortCallShare: ratio.meta({ description: METRIC_DEFINITIONS.shortCalls }),
};
const kpi = z.object({ value: z.number().nullable(), previous: z.number().nullable(), change: z.number().nullable().meta({ description: 'value − previous, in the figure’s unit (ratios 0–1).' }) });
const breakdownRow = z.object({ key: z.string().nullable().meta({ description: 'The filter value selecting this row; null: calls without one.' }), label: z.string(), ...figures });
const option = z.object({ value: z.string(), label: z.string() });

export const qualityOverviewSchema = z
  .object({
    account: z.object({ id: z.string().uuid(), name: z.string() }),
    range: z.enum(QUALITY_RANGES),
    grain: z.enum(['5m', '1h', '1d']),
    from: isoTime,
    to: isoTime,
    previousFrom: isoTime,
    previousTo: isoTime,
    filters: z.object({ trunkGroup: z.string().nullable(), upstream: z.string().nullable(), destination: z.string().nullable(), direction: z.enum(['inbound', 'outbound']).nullable() }),
    kpis: z.object(Object.fromEntries(KPI_KEYS.map((key) => [key, kpi])) as Record<(typeof KPI_KEYS)[number], typeof kpi>).meta({ description: 'The period against the one of the same length just before it.' }),
    series: z.array(z.object({ bucketStart: isoTime, bucketEnd: isoTime, ...figures })).meta({ description: 'Every bucket of the range, oldest first; a bucket without calls has 0 attempts and null ratios.' }),
    breakdowns: z.object({ trunkGroups: z.array(breakdownRow), destinations: z.array(breakdownRow), upstreams: z.array(breakdownRow).meta({ description: 'Customers see "Carrier 1", "Carrier 2"…' }) }),
    markers: z.array(z.object({ at: isoTime, bucketStart: isoTime, action: z.string(), label: z.string() })).meta({ description: 'Trunk group changes and number moves in the range.' }),
    options: z.object({ trunkGroups: z.array(option), upstreams: z.array(option), destinations: z.array(option) }),
  })
  .meta({ id: 'QualityOverview' });

export const getQualityOverview = defineEndpoint({
  method: 'GET',
  path: '/quality',
  operationId: 'getQualityOverview',
  tag: TAG,
  summary: 'Call volume and quality (ASR, NER, ACD, PDD) over a period, with breakdowns',
  description: `Over the account and its sub-accounts, from the 5-minute, hourly and daily rollups. ${METRIC_DEFINITIONS.asr} ${METRIC_DEFINITIONS.ner} ${METRIC_DEFINITIONS.acd} ${METRIC_DEFINITIONS.pdd}`,
  access: { permission: 'usage.read' },
  query: qualityQuery,
  answer: qualityOverviewSchema,
});
