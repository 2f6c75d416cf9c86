import { Badge } from '@/components/ui/card';

type Tone = 'slate' | 'green' | 'amber' | 'red' | 'indigo';

/** An order as a whole: only a fully completed one is green; partly completed is amber, never success. */
const ORDER_STATUS: Record<string, { label: string; tone: Tone }> = {
  pending: { label: 'Pending', tone: 'indigo' },
  in_progress: { label: 'In progress', tone: 'indigo' },
  completed: { label: 'Completed', tone: 'green' },
  partial: { label: 'Partly completed', tone: 'amber' },
  failed: { label: 'Failed', tone: 'red' },
};

/** One line of an order: the number was bought, is still being bought, or was not. */
const LINE_STATUS: Record<string, { label: string; tone: Tone }> = {
  pending: { label: 'Pending', tone: 'indigo' },
  submitted: { label: 'Submitted', tone: 'indigo' },
  active: { label: 'Bought', tone: 'green' },
  failed: { label: 'Not bought', tone: 'red' },
};

export function OrderStatusBadge({ status }: { status: string }) {
  const known = ORDER_STATUS[status];
  return <Badge tone={known?.tone ?? 'slate'}>{known?.label ?? status}</Badge>;
}

export function OrderLineStatusBadge({ status }: { status: string }) {
  const known = LINE_STATUS[status];
  return <Badge tone={known?.tone ?? 'slate'}>{known?.label ?? status}</Badge>;
}
