import { Badge } from '@/components/ui/card';
import { StaffDetail } from '@/components/ui/staff-detail';

/** An emergency-address status of one number, as the E911 pages show it. */
export type E911NumberStatus = 'none' | 'pending' | 'registered' | 'failed' | 'unsupported';

export const E911_NUMBER_STATUS: Record<E911NumberStatus, { label: string; tone: 'slate' | 'green' | 'amber' | 'red' | 'indigo'; explanation?: string }> = {
  registered: { label: 'Registered', tone: 'green' },
  pending: { label: 'Pending', tone: 'indigo', explanation: 'Registration is in progress.' },
  failed: { label: 'Failed', tone: 'red' },
  unsupported: { label: 'Not supported', tone: 'amber', explanation: 'This number’s carrier cannot register emergency addresses.' },
  none: { label: 'No address', tone: 'slate' },
};

/**
 * The badge, and beneath it why (the upstream's reason for a failure, already safe to show); the
 * carrier's own words folded below when the service gave them (operator staff only).
 */
export function E911StatusBadge({ status, detail, staffDetail }: { status: E911NumberStatus; detail?: string; staffDetail?: string }) {
  const view = E911_NUMBER_STATUS[status];
  const why = status === 'failed' ? (detail ?? 'Registration failed.') : (detail ?? view.explanation);
  return (
    <>
      <Badge tone={view.tone}>{view.label}</Badge>
      {why ? <span className="mt-0.5 block text-xs text-slate-700">{why}</span> : null}
      {staffDetail ? <StaffDetail>{staffDetail}</StaffDetail> : null}
    </>
  );
}
