import { Badge } from '@/components/ui/card';
import { NUMBER_STATUS_LABELS, ROUTING_LABELS, e911Label, type RoutingFilter } from '@/lib/validations/number-inventory';

export function NumberStatusBadge({ status }: { status: 'active' | 'released' | 'missing_upstream' }) {
  const tone = status === 'active' ? 'green' : status === 'missing_upstream' ? 'amber' : 'slate';
  return <Badge tone={tone}>{NUMBER_STATUS_LABELS[status]}</Badge>;
}

export function E911Badge({ status }: { status: string }) {
  const tone = status === 'registered' ? 'green' : status === 'pending' ? 'indigo' : status === 'failed' ? 'red' : 'slate';
  return <Badge tone={tone}>{e911Label(status)}</Badge>;
}

const ROUTING_BADGES: Record<RoutingFilter, { label: string; tone: 'green' | 'red' | 'slate' }> = {
  routed: { label: 'Routed', tone: 'green' },
  not_routed: { label: 'Not routed', tone: 'red' },
  carrier_default: { label: 'Carrier default', tone: 'slate' },
};

/** Where calls really go; only "routed as configured" is green. */
export function NumberRoutingBadge({ state }: { state: RoutingFilter }) {
  return (
    <span title={ROUTING_LABELS[state]}>
      <Badge tone={ROUTING_BADGES[state].tone}>{ROUTING_BADGES[state].label}</Badge>
    </span>
  );
}
