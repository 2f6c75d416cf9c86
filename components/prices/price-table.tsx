import { Badge } from '@/components/ui/card';
import { cn } from '@/components/ui/cn';
import type { ActionState } from '@/lib/auth/action';
import { KIND_LABELS } from '@/lib/validations/prices';
import { displayMoney, isNegative, scopeLabel } from './format';
import { PriceRowActions, type ConnectionOption, type PriceRowFacts } from './price-forms';

type Action = (state: ActionState, formData: FormData) => Promise<ActionState>;

interface MarginFigure {
  amount: string;
  percent: string | null;
}

export interface PriceTableRow extends PriceRowFacts {
  scope: 'default' | 'state' | 'npa';
  margins: { connectionId: string; cost: { monthly: string; setup: string } | null; margin: { monthly: MarginFigure; setup: MarginFigure } | null }[];
}

function Margin({ figure }: { figure: MarginFigure }) {
  const loss = isNegative(figure.amount);
  return (
    <span className={cn('tabular-nums', loss ? 'font-medium text-red-800' : 'text-emerald-900')}>
      {displayMoney(figure.amount)} {figure.percent === null ? '(price is 0)' : `(${figure.percent.replace('-', '−')}%)`}
      {loss ? <span className="ml-1">loss</span> : null}
    </span>
  );
}

function CostCell({ entry }: { entry: PriceTableRow['margins'][number] }) {
  if (!entry.cost || !entry.margin) return <Badge tone="amber">no cost on file</Badge>;
  return (
    <dl className="grid grid-cols-[auto_1fr] gap-x-2 gap-y-0.5 text-xs">
      <dt className="text-slate-600">MRC cost</dt>
      <dd className="tabular-nums">{displayMoney(entry.cost.monthly)}</dd>
      <dt className="text-slate-600">MRC margin</dt>
      <dd>
        <Margin figure={entry.margin.monthly} />
      </dd>
      <dt className="text-slate-600">NRC cost</dt>
      <dd className="tabular-nums">{displayMoney(entry.cost.setup)}</dd>
      <dt className="text-slate-600">NRC margin</dt>
      <dd>
        <Margin figure={entry.margin.setup} />
      </dd>
    </dl>
  );
}

export function PriceTable({
  rows,
  connections,
  actions,
}: {
  rows: PriceTableRow[];
  connections: ConnectionOption[];
  actions: { saveOverride: Action; setDefault: Action; deleteOverride: Action };
}) {
  return (
    <div className="overflow-x-auto" tabIndex={0} role="region" aria-label="Price list, scrollable">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Sell prices by number type and where they apply, with each enabled connection&apos;s cost and margin</caption>
        <thead className="border-b border-slate-200 text-xs uppercase text-slate-600">
          <tr>
            <th scope="col" className="py-2 pr-4">Number type</th>
            <th scope="col" className="py-2 pr-4">Applies to</th>
            <th scope="col" className="py-2 pr-4 text-right">MRC</th>
            <th scope="col" className="py-2 pr-4 text-right">NRC</th>
            {connections.length === 0 ? (
              <th scope="col" className="py-2 pr-4">Upstream cost</th>
            ) : (
              connections.map((connection) => (
                <th key={connection.id} scope="col" className="py-2 pr-4">
                  {connection.name}
                  <span className="block font-normal normal-case">{connection.providerName}</span>
                </th>
              ))
            )}
            <th scope="col" className="py-2 text-right">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const label = `${KIND_LABELS[row.kind].toLowerCase()} ${row.scope === 'default' ? 'default price' : scopeLabel(row)}`;
            return (
              <tr key={row.id} className="border-b border-slate-100 align-top last:border-0">
                <td className="py-3 pr-4">{KIND_LABELS[row.kind]}</td>
                <td className="py-3 pr-4">
                  {row.scope === 'default' ? <Badge tone="indigo">Default</Badge> : scopeLabel(row)}
                </td>
                <td className="py-3 pr-4 text-right tabular-nums">{displayMoney(row.monthly)}</td>
                <td className="py-3 pr-4 text-right tabular-nums">{displayMoney(row.setup)}</td>
                {connections.length === 0 ? (
                  <td className="py-3 pr-4 text-xs text-slate-600">No enabled connection</td>
                ) : (
                  row.margins.map((entry) => (
                    <td key={entry.connectionId} className="py-3 pr-4">
                      <CostCell entry={entry} />
                    </td>
                  ))
                )}
                <td className="py-3 text-right">
                  <PriceRowActions row={row} label={label} {...actions} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
