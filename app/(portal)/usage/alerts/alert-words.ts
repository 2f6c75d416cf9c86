import { regionName } from '@/lib/views/notifications';
import { formatDateTime, formatTime } from '@/lib/format';
import type { QualityAlertView } from '@/lib/services/quality-alerts';

/** How an alert's value reads: ASR in percent, PDD in seconds. */
export function alertValue(metric: QualityAlertView['metric'], value: number | null): string {
  if (value === null) return '—';
  return metric === 'asr' ? `${(value * 100).toFixed(1)}%` : `${(value / 1000).toFixed(2)} s`;
}

export function alertTitle(alert: Pick<QualityAlertView, 'metric'>): string {
  return alert.metric === 'asr' ? 'ASR below normal' : 'PDD p50 above normal';
}

export function alertWhere(alert: Pick<QualityAlertView, 'destination' | 'trunkGroupName' | 'trunkGroupId'>): string {
  const trunk = alert.trunkGroupName ? ` on “${alert.trunkGroupName}”` : alert.trunkGroupId ? ' on a deleted trunk group' : ' without a trunk group';
  return `To ${regionName(alert.destination)}${trunk}`;
}

export function alertWindow(alert: Pick<QualityAlertView, 'windowStart' | 'windowEnd'>): string {
  return `${formatDateTime(new Date(alert.windowStart))}–${formatTime(new Date(alert.windowEnd))}`;
}
