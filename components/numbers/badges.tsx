import { Badge } from '@/components/ui/card';
import { NUMBER_STATUS_LABELS, e911Label } from '@/lib/validations/number-inventory';

export function NumberStatusBadge({ status }: { status: 'active' | 'released' | 'missing_upstream' }) {
  const tone = status === 'active' ? 'green' : status === 'missing_upstream' ? 'amber' : 'slate';
  return <Badge tone={tone}>{NUMBER_STATUS_LABELS[status]}</Badge>;
}

export function E911Badge({ status }: { status: string }) {
  const tone = status === 'registered' ? 'green' : status === 'pending' ? 'indigo' : status === 'failed' ? 'red' : 'slate';
  return <Badge tone={tone}>{e911Label(status)}</Badge>;
}
