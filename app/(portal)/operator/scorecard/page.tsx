import type { Metadata } from 'next';
import { Card, EmptyState, PageHeader } from '@/components/ui/card';
import { requireStaff } from '@/lib/auth/guard';
import { formatCount, formatDateTime } from '@/lib/format';
import { MIN_SCORED_ATTEMPTS, SCORE_DEFINITIONS } from '@/lib/quality/carrier-score';
import { METRIC_DEFINITIONS } from '@/lib/quality/metrics';
import { SCORECARD_LIFETIME_MS, getCarrierScorecard, type ScorecardCarrier } from '@/lib/services/carrier-scorecard';
import { RefreshEvery, ScorecardTable, type ScorecardRow } from './scorecard-table';

export const metadata: Metadata = { title: 'Carrier scorecard' };
export const dynamic = 'force-dynamic';

const dash = '—';
const sub = (value: number | null) => (value === null ? 'unknown' : value.toFixed(1));

function rowOf(carrier: ScorecardCarrier): ScorecardRow {
  return {
    id: carrier.connectionId,
    rank: carrier.rank === null ? dash : `#${carrier.rank}`,
    carrier: carrier.carrier,
    attempts: formatCount(carrier.attempts),
    costPerMinute: carrier.costPerMinute === null ? dash : `$${carrier.costPerMinute.toFixed(4)}`,
    asr: carrier.asr === null ? dash : `${(carrier.asr * 100).toFixed(1)} %`,
    pddP50: carrier.pddP50Ms === null ? 'unknown' : `${(carrier.pddP50Ms / 1000).toFixed(2)} s`,
    postAnswer:
      carrier.postAnswerFrom === 'mos'
        ? `MOS ${carrier.mos!.toFixed(2)}`
        : carrier.postAnswerFrom === 'short_calls_and_acd'
          ? `short ${(carrier.shortCallShare! * 100).toFixed(1)} %, ACD ${Math.round(carrier.acd!)} s`
          : 'no answered calls',
    costScore: carrier.enoughCalls ? sub(carrier.sub.cost) : dash,
    asrScore: carrier.enoughCalls ? sub(carrier.sub.asr) : dash,
    pddScore: carrier.enoughCalls ? sub(carrier.sub.pdd) : dash,
    postAnswerScore: carrier.enoughCalls ? sub(carrier.sub.postAnswer) : dash,
    score: carrier.score === null ? `not enough calls (${formatCount(carrier.attempts)} of ${MIN_SCORED_ATTEMPTS})` : carrier.score.toFixed(1),
    scored: carrier.score !== null,
  };
}

export default async function ScorecardPage() {
  const user = await requireStaff();
  const scorecard = await getCarrierScorecard(user);
  const lifetime = SCORECARD_LIFETIME_MS / 1000;
  return (
    <>
      <RefreshEvery seconds={lifetime} />
      <PageHeader
        title="Carrier scorecard"
        description={`VICICarrier’s routing score for each destination and upstream connection, from the last 7 days of outbound calls across every account. Recomputed every ${lifetime} s.`}
      />
      <p role="status" className="mb-4 text-sm text-slate-700">
        Computed {formatDateTime(scorecard.computedAt, { seconds: true })} over calls from {formatDateTime(scorecard.from)} to {formatDateTime(scorecard.to)}.
      </p>
      <div className="space-y-6">
        <Card title="How the score is computed" description="VICICarrier publishes the weights, not the sub-scores; these are the portal’s definitions.">
          <ul className="list-disc space-y-1 pl-5 text-sm text-slate-800">
            {Object.entries(SCORE_DEFINITIONS).map(([key, text]) => (
              <li key={key}>{text}</li>
            ))}
            <li>{METRIC_DEFINITIONS.asr}</li>
            <li>{METRIC_DEFINITIONS.pdd}</li>
            <li>{METRIC_DEFINITIONS.shortCalls}</li>
          </ul>
        </Card>
        <Card title="Why VICICarrier’s own table cannot be reproduced" description="Its example ranks four carriers at 94.7, 92.3, 88.1 and 82.4 from cost, ASR and PDD.">
          <ul className="list-disc space-y-1 pl-5 text-sm text-slate-800">
            <li>post_answer_quality is part of the formula but not shown in the table, so a tenth of every score is unknown.</li>
            <li>The normalisation of cost_rank, ASR_7d and PDD_p50 to a common scale is not given.</li>
            <li>Raw ASR cannot reach the scores shown: 0.35 × 68.2 = 23.87, and the other three terms, at 100 each, add at most 65: 88.87 &lt; 94.7. ASR must be rescaled, which the page does not say.</li>
            <li>PDD has a positive weight, so its term must already be inverted (lower PDD scoring higher); the inversion is not given either.</li>
            <li>The top-scored carrier ($0.0082) is the most expensive of the four, and the cheapest ($0.0071) is last: “least-cost routing” there means the best composite, where ASR and PDD outweigh a 15 % cost difference.</li>
          </ul>
        </Card>
        {scorecard.destinations.length === 0 ? (
          <EmptyState title="No outbound calls in the last 7 days">
            Scores appear once CDRs with an upstream connection arrive, from the upstream pulls or the push API.
          </EmptyState>
        ) : (
          scorecard.destinations.map((destination) => (
            <Card key={destination.destination} title={`Destination ${destination.destination}`} description={`${formatCount(destination.attempts)} outbound attempts in 7 days.`}>
              <ScorecardTable destination={destination.destination} rows={destination.carriers.map(rowOf)} />
            </Card>
          ))
        )}
      </div>
    </>
  );
}
