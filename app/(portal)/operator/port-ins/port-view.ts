import type { PortStatus } from '@/lib/ports/types';

export type StatusTone = 'slate' | 'green' | 'amber' | 'red' | 'indigo';

export function statusTone(status: PortStatus): StatusTone {
  if (status === 'exception') return 'red';
  if (status === 'completed') return 'green';
  if (status === 'foc_scheduled' || status === 'partially_completed') return 'indigo';
  if (status === 'cancelled') return 'slate';
  return 'amber';
}
