import Link from 'next/link';
import { Check } from 'lucide-react';
import { cn } from '@/components/ui/cn';
import { PORT_WIZARD_STEPS, type PortWizardStep } from '@/lib/ports/types';
import { PORT_STEP_LABELS, wizardHref } from './port-views';

/** The wizard's steps: done ones and the furthest reached are links; later ones are not reachable yet. */
export function PortStepper({ portInId, current, reached }: { portInId: string; current: PortWizardStep; reached: PortWizardStep }) {
  const reachedIndex = PORT_WIZARD_STEPS.indexOf(reached);
  return (
    <nav aria-label="Port-in steps" className="mb-6">
      <ol className="flex flex-wrap gap-2 text-sm">
        {PORT_WIZARD_STEPS.map((step, index) => {
          const isCurrent = step === current;
          const done = index < reachedIndex && !isCurrent;
          const reachable = index <= reachedIndex;
          const body = (
            <>
              <span className={cn('inline-flex h-5 w-5 items-center justify-center rounded-full text-xs', done ? 'bg-emerald-700 text-white' : isCurrent ? 'bg-indigo-700 text-white' : 'bg-slate-200 text-slate-800')} aria-hidden>
                {done ? <Check className="h-3 w-3" /> : index + 1}
              </span>
              {PORT_STEP_LABELS[step]}
              {done ? <span className="sr-only"> (done)</span> : null}
            </>
          );
          const className = cn('inline-flex items-center gap-1.5 rounded-full border px-3 py-1', isCurrent ? 'border-indigo-700 font-semibold text-slate-900' : 'border-slate-200 text-slate-800');
          return (
            <li key={step}>
              {reachable && !isCurrent ? (
                <Link href={wizardHref(portInId, step)} className={cn(className, 'hover:bg-slate-50')}>
                  {body}
                </Link>
              ) : (
                <span className={className} aria-current={isCurrent ? 'step' : undefined}>
                  {body}
                </span>
              )}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
