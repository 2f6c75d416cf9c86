'use client';

import type { ColumnDef } from '@tanstack/react-table';
import { useRouter } from 'next/navigation';
import { useEffect } from 'react';
import { DataTable } from '@/components/ui/data-table';

/** One carrier's line, formatted on the server. */
export interface ScorecardRow {
  id: string;
  rank: string;
  carrier: string;
  attempts: string;
  costPerMinute: string;
  asr: string;
  pddP50: string;
  postAnswer: string;
  costScore: string;
  asrScore: string;
  pddScore: string;
  postAnswerScore: string;
  score: string;
  scored: boolean;
}

const numeric = { numeric: true } as const;

const columns: ColumnDef<ScorecardRow>[] = [
  { id: 'rank', header: 'Rank', meta: numeric, cell: ({ row }) => row.original.rank },
  { id: 'carrier', header: 'Carrier', cell: ({ row }) => <span className="font-medium">{row.original.carrier}</span> },
  { id: 'attempts', header: 'Attempts (7 d)', meta: numeric, cell: ({ row }) => row.original.attempts },
  { id: 'costPerMinute', header: 'Cost / billed min', meta: numeric, cell: ({ row }) => row.original.costPerMinute },
  { id: 'asr', header: 'ASR', meta: numeric, cell: ({ row }) => row.original.asr },
  { id: 'pddP50', header: 'PDD p50', meta: numeric, cell: ({ row }) => row.original.pddP50 },
  { id: 'postAnswer', header: 'Post-answer basis', cell: ({ row }) => row.original.postAnswer },
  { id: 'costScore', header: 'cost_rank', meta: numeric, cell: ({ row }) => row.original.costScore },
  { id: 'asrScore', header: 'ASR_7d', meta: numeric, cell: ({ row }) => row.original.asrScore },
  { id: 'pddScore', header: 'PDD_p50', meta: numeric, cell: ({ row }) => row.original.pddScore },
  { id: 'postAnswerScore', header: 'post_answer', meta: numeric, cell: ({ row }) => row.original.postAnswerScore },
  {
    id: 'score',
    header: 'Score',
    meta: numeric,
    cell: ({ row }) => (row.original.scored ? <span className="font-semibold">{row.original.score}</span> : <span className="text-slate-600">{row.original.score}</span>),
  },
];

export function ScorecardTable({ destination, rows }: { destination: string; rows: ScorecardRow[] }) {
  return <DataTable rows={rows} columns={columns} getRowId={(row) => row.id} caption={`Carriers to ${destination}, best score first`} rowHeader="carrier" regionLabel={`Carriers to ${destination}, scrollable`} />;
}

/** Reloads the server-rendered scorecard as often as it is recomputed. */
export function RefreshEvery({ seconds }: { seconds: number }) {
  const router = useRouter();
  useEffect(() => {
    const timer = setInterval(() => router.refresh(), seconds * 1000);
    return () => clearInterval(timer);
  }, [router, seconds]);
  return null;
}
