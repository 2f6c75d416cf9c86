import { Badge } from '@/components/ui/card';
import { cn } from '@/components/ui/cn';

/** How an address stands with the carriers (computed by lib/services/e911.ts judgeE911Check). */
export interface E911AddressCheckView {
  state: 'checked' | 'partial' | 'refused' | 'unknown';
  checkedAt: string | null;
  headline: string;
  detail: string;
  upstreams: { label: string; outcome: 'accepted' | 'corrected' | 'rejected' | 'unchecked'; reason?: string; numbers: number }[];
}

// Only a full acceptance is green: a partial or unknown check is never shown as success.
const TONE = { checked: 'green', partial: 'amber', unknown: 'amber', refused: 'red' } as const;
const BADGE = { checked: 'Checked', partial: 'Some carriers only', unknown: 'Not checked with every carrier', refused: 'Not accepted' } as const;
const OUTCOME = {
  accepted: { label: 'Accepted', tone: 'green' },
  corrected: { label: 'Accepted with a correction', tone: 'green' },
  rejected: { label: 'Rejected', tone: 'red' },
  unchecked: { label: 'Could not check', tone: 'amber' },
} as const;

export function E911CheckBadge({ state }: { state: E911AddressCheckView['state'] }) {
  return <Badge tone={TONE[state]}>{BADGE[state]}</Badge>;
}

const PANEL = {
  green: 'border-emerald-200 bg-emerald-50 text-emerald-950',
  amber: 'border-amber-300 bg-amber-50 text-amber-950',
  red: 'border-red-300 bg-red-50 text-red-950',
};

/** The check's headline, what the address can cover, and each carrier's answer. */
export function E911AddressCheckPanel({ check, checkedAtText, children }: { check: E911AddressCheckView; checkedAtText: string; children?: React.ReactNode }) {
  return (
    <section aria-labelledby="e911-check-title" data-testid="e911-check" data-state={check.state} className={cn('mb-6 space-y-3 rounded-md border p-4 text-sm', PANEL[TONE[check.state]])}>
      <div className="flex flex-wrap items-center gap-2">
        <h2 id="e911-check-title" className="font-semibold">
          {check.headline}
        </h2>
        <E911CheckBadge state={check.state} />
        <span className="text-xs">{checkedAtText}</span>
      </div>
      <p>{check.detail}</p>
      {check.upstreams.length > 0 ? (
        <ul className="space-y-1" aria-label="Each carrier’s answer">
          {check.upstreams.map((upstream) => (
            <li key={upstream.label} className="flex flex-wrap items-center gap-2">
              <span className="font-medium">{upstream.label}</span>
              <Badge tone={OUTCOME[upstream.outcome].tone}>{OUTCOME[upstream.outcome].label}</Badge>
              {upstream.numbers ? <span>carries {upstream.numbers} of your numbers</span> : null}
              {upstream.reason && upstream.outcome !== 'accepted' ? <span className="text-xs">({upstream.reason})</span> : null}
            </li>
          ))}
        </ul>
      ) : null}
      {children}
    </section>
  );
}
