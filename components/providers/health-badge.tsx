import { Badge } from '@/components/ui/card';

export type CallOutcomeName = 'success' | 'refused' | 'auth_rejected' | 'rate_limited' | 'timeout' | 'server_error' | 'unreachable' | 'malformed';

/** The connection health the Providers page passes down (lib/services/providers.ts ConnectionHealth). */
export interface HealthSummary {
  status: 'healthy' | 'failing' | 'degraded' | 'unused';
  breakerState: 'closed' | 'open' | 'half-open' | 'isolated';
  lastCall?: { at: Date; outcome: CallOutcomeName; operation: string | null; message: string | null };
  lastFailure?: { at: Date; outcome: CallOutcomeName; message: string | null };
  consecutiveFailures: number;
}

export const OUTCOME_LABELS: Record<CallOutcomeName, string> = {
  success: 'worked',
  refused: 'answered (refused the request)',
  auth_rejected: 'credentials rejected',
  rate_limited: 'rate-limited',
  timeout: 'timed out',
  server_error: 'server error',
  unreachable: 'unreachable',
  malformed: 'unreadable answer',
};

/** "just now", "3 min ago", "2 h ago", "4 days ago": how long since, at a glance. */
export function formatAgo(date: Date, now: Date): string {
  const seconds = Math.max(0, Math.round((now.getTime() - date.getTime()) / 1000));
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 36) return `${hours} h ago`;
  const days = Math.round(hours / 24);
  return `${days} day${days === 1 ? '' : 's'} ago`;
}

/**
 * Green only when the last real call worked and the breaker lets calls through; a closed breaker on
 * its own says nothing (it is closed before the first call, and while credentials are refused).
 */
export function describeHealth(health: HealthSummary, now: Date): { tone: 'green' | 'red' | 'amber' | 'slate'; label: string } {
  const last = health.lastCall;
  if (health.status === 'unused' || !last) return { tone: 'slate', label: 'Not used yet' };
  if (health.status === 'healthy') return { tone: 'green', label: 'Healthy' };
  if (health.status === 'failing') {
    const times = health.consecutiveFailures > 1 ? ` (${health.consecutiveFailures} calls in a row)` : '';
    return { tone: 'red', label: `Failing: ${OUTCOME_LABELS[last.outcome]} ${formatAgo(last.at, now)}${times}` };
  }
  if (last.outcome === 'rate_limited') return { tone: 'amber', label: `Rate-limited ${formatAgo(last.at, now)}` };
  return { tone: 'amber', label: health.breakerState === 'half-open' ? 'Recovering: trying calls again' : 'Paused: too many failures, calls wait a moment' };
}

export function HealthBadge({ health, now }: { health: HealthSummary; now: Date }) {
  const { tone, label } = describeHealth(health, now);
  return <Badge tone={tone}>{label}</Badge>;
}
