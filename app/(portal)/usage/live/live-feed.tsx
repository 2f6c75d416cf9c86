'use client';

import type { ColumnDef } from '@tanstack/react-table';
import { useEffect, useRef, useState } from 'react';
import { Button } from '@/components/ui/button';
import { Card, EmptyState } from '@/components/ui/card';
import { DataTable } from '@/components/ui/data-table';
import { formatE164, formatTime } from '@/lib/format';
import type { LiveCall } from '@/lib/services/cdr-live';

const MAX_ROWS = 200;
/** Delays kept for the session's p50/p95 (enough for hours of a busy feed, bounded memory). */
const MAX_DELAYS = 50_000;
const ANNOUNCE_EVERY_MS = 10_000;
/** Past this the device's clock, not the feed, would dominate the delay: correct by the offset seen at connect. */
const CLOCK_SKEW_MS = 1000;

interface Row extends LiveCall {
  /** Stored → on screen, ms. */
  delayMs: number;
}

type Status = 'connecting' | 'live' | 'paused' | 'reconnecting' | 'dropped';

const STATUS_TEXT: Record<Status, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  paused: 'Paused: new calls are not received until you resume.',
  reconnecting: 'Connection lost; reconnecting…',
  dropped: 'This page fell behind and was disconnected; reconnecting…',
};

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const ms = (value: number | undefined) => (value === undefined ? '—' : `${Math.round(value)} ms`);

const columns: ColumnDef<Row>[] = [
  { id: 'time', header: 'Started', cell: ({ row }) => formatTime(new Date(row.original.inviteAt)) },
  { id: 'from', header: 'From', cell: ({ row }) => <span className="whitespace-nowrap">{formatE164(row.original.from)}</span> },
  { id: 'to', header: 'To', cell: ({ row }) => <span className="whitespace-nowrap">{formatE164(row.original.to)}</span> },
  { id: 'direction', header: 'Direction', cell: ({ row }) => (row.original.direction === 'inbound' ? 'Inbound' : 'Outbound') },
  { id: 'destination', header: 'Destination', cell: ({ row }) => row.original.destination },
  { id: 'sip', header: 'SIP code', cell: ({ row }) => row.original.sipCode },
  { id: 'billsec', header: 'Billed', cell: ({ row }) => `${row.original.billsec} s` },
  { id: 'pdd', header: 'PDD', cell: ({ row }) => (row.original.pddMs === null ? 'unknown' : ms(row.original.pddMs)) },
  { id: 'delay', header: 'Delay to screen', cell: ({ row }) => ms(row.original.delayMs) },
];

export function LiveFeed({ accountName }: { accountName: string }) {
  const [paused, setPaused] = useState(false);
  const [status, setStatus] = useState<Status>('connecting');
  const [rows, setRows] = useState<Row[]>([]);
  const [stats, setStats] = useState<{ count: number; p50?: number; p95?: number }>({ count: 0 });
  const [announcement, setAnnouncement] = useState('');
  const [skewMs, setSkewMs] = useState(0);
  const delays = useRef<number[]>([]);
  const pending = useRef<LiveCall[]>([]);
  const frame = useRef<number | undefined>(undefined);
  const receivedSinceAnnounce = useRef(0);
  const skew = useRef(0);

  useEffect(() => {
    if (paused) return;
    const source = new EventSource('/api/v1/cdrs/live');
    const flush = () => {
      frame.current = undefined;
      // Stamped in the animation frame that draws these rows: the delay is to the screen, not to the socket.
      const shownAt = Date.now() - skew.current;
      const fresh = pending.current.splice(0).map((call) => ({ ...call, delayMs: Math.max(0, shownAt - call.committedAt) }));
      if (fresh.length === 0) return;
      const all = delays.current;
      for (const row of fresh) {
        const at = all.findIndex((d) => d > row.delayMs);
        all.splice(at < 0 ? all.length : at, 0, row.delayMs);
      }
      if (all.length > MAX_DELAYS) all.splice(0, all.length - MAX_DELAYS);
      receivedSinceAnnounce.current += fresh.length;
      setStats((previous) => ({ count: previous.count + fresh.length, p50: percentile(all, 50), p95: percentile(all, 95) }));
      setRows((previous) => [...fresh.reverse(), ...previous].slice(0, MAX_ROWS));
    };
    source.addEventListener('open', () => setStatus('live'));
    source.addEventListener('ready', (event) => {
      const { serverTime } = JSON.parse((event as MessageEvent<string>).data) as { serverTime: number };
      const offset = Date.now() - serverTime;
      skew.current = Math.abs(offset) > CLOCK_SKEW_MS ? offset : 0;
      setSkewMs(skew.current);
      setStatus('live');
    });
    source.addEventListener('calls', (event) => {
      const { calls } = JSON.parse((event as MessageEvent<string>).data) as { calls: LiveCall[] };
      pending.current.push(...calls);
      frame.current ??= requestAnimationFrame(flush);
    });
    source.addEventListener('overflow', () => setStatus('dropped'));
    source.addEventListener('error', () => setStatus((current) => (current === 'dropped' ? current : 'reconnecting')));
    return () => {
      source.close();
      if (frame.current !== undefined) cancelAnimationFrame(frame.current);
      frame.current = undefined;
      pending.current = [];
    };
  }, [paused]);

  // A screen reader hears a count every few seconds, not every call.
  useEffect(() => {
    const timer = setInterval(() => {
      const count = receivedSinceAnnounce.current;
      if (count === 0) return;
      receivedSinceAnnounce.current = 0;
      setAnnouncement(`${count} new ${count === 1 ? 'call' : 'calls'} in the last ${ANNOUNCE_EVERY_MS / 1000} seconds.`);
    }, ANNOUNCE_EVERY_MS);
    return () => clearInterval(timer);
  }, []);

  const togglePause = () => {
    setPaused(!paused);
    setStatus(paused ? 'connecting' : 'paused');
  };

  const shownStatus: Status = paused ? 'paused' : status;
  return (
    <div className="space-y-6">
      <Card
        title="Delay from ingest to screen"
        description="Measured for each call from the moment its record was stored to the frame that draws it here, over this visit."
        actions={
          <Button variant="secondary" onClick={togglePause} aria-pressed={paused}>
            {paused ? 'Resume' : 'Pause'}
          </Button>
        }
      >
        <dl className="grid grid-cols-3 gap-4 text-sm">
          <div>
            <dt className="text-slate-600">Calls received</dt>
            <dd className="text-lg font-semibold" data-testid="live-count">
              {stats.count}
            </dd>
          </div>
          <div>
            <dt className="text-slate-600">Median (p50)</dt>
            <dd className="text-lg font-semibold" data-testid="live-p50">
              {ms(stats.p50)}
            </dd>
          </div>
          <div>
            <dt className="text-slate-600">p95</dt>
            <dd className="text-lg font-semibold" data-testid="live-p95">
              {ms(stats.p95)}
            </dd>
          </div>
        </dl>
        <p className="mt-3 text-sm text-slate-700">
          <span className="font-medium">Status:</span> {STATUS_TEXT[shownStatus]}
          {skewMs !== 0 ? ` This device's clock differs from the server's by about ${Math.round(skewMs / 1000)} s; delays are corrected for it.` : null}
        </p>
        <p role="status" aria-live="polite" className="sr-only">
          {announcement}
        </p>
      </Card>
      <Card title="Latest calls" description={`Newest first; the last ${MAX_ROWS} are kept on screen.`}>
        <DataTable
          rows={rows}
          columns={columns}
          getRowId={(row) => `${row.accountId}:${row.key}`}
          caption={`Latest calls of ${accountName}`}
          rowHeader="time"
          empty={
            <EmptyState title="No calls yet">
              {paused ? 'Resume to receive calls.' : 'Calls appear here as soon as their records are stored: push them with the CDR API or wait for the next carrier pull.'}
            </EmptyState>
          }
        />
      </Card>
    </div>
  );
}
