import type { Metadata } from 'next';
import Link from 'next/link';
import { ConnectionCostForm, DefaultPriceForm, OverrideForm } from '@/components/prices/price-forms';
import { PricePreview, type PreviewOutcome } from '@/components/prices/price-preview';
import { ConnectionCostTable } from '@/components/prices/connection-cost-table';
import { PriceTable } from '@/components/prices/price-table';
import { Badge, Card, EmptyState, PageHeader } from '@/components/ui/card';
import { fieldErrorsOf } from '@/lib/auth/action';
import { requireStaff } from '@/lib/auth/guard';
import type { SessionUser } from '@/lib/auth/access';
import { getPriceList, previewPrice } from '@/lib/services/price-list';
import { KIND_LABELS, NUMBER_KINDS, pricePreviewSchema } from '@/lib/validations/prices';
import { clearConnectionCostAction, deleteOverrideAction, saveOverrideAction, setConnectionCostAction, setDefaultPriceAction } from './actions';

export const metadata: Metadata = { title: 'Prices' };

type SearchParams = Record<string, string | string[] | undefined>;

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value) ?? '';

async function previewOf(user: SessionUser, params: SearchParams): Promise<PreviewOutcome> {
  const raw = { kind: first(params.kind) || 'local', state: first(params.state), npa: first(params.npa) };
  const query = { kind: raw.kind, state: raw.state || undefined, npa: raw.npa || undefined };
  if (!('kind' in params)) return { query, asked: false };
  const parsed = pricePreviewSchema.safeParse(raw);
  if (!parsed.success) return { query, asked: true, errors: fieldErrorsOf(parsed.error) };
  const { row } = await previewPrice(user, parsed.data);
  return { query: { kind: parsed.data.kind, state: parsed.data.state, npa: parsed.data.npa }, asked: true, row };
}

export default async function PricesPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requireStaff();
  const [list, preview] = await Promise.all([getPriceList(user), searchParams.then((params) => previewOf(user, params))]);
  const overrides = list.rows.filter((row) => row.scope !== 'default');
  const connectionName = new Map(list.connections.map((connection) => [connection.id, `${connection.name} (${connection.providerName})`]));

  return (
    <>
      <PageHeader
        title="Prices"
        description="What customers pay for numbers: a monthly (MRC) and a one-time (NRC) price per number type, optionally overridden per state or area code. Customers only ever see their price; costs and margins stay here."
      />
      <p role="note" className="mb-6 rounded-md border border-slate-200 bg-slate-50 px-4 py-3 text-sm text-slate-700">
        Where a customer’s rate deck prices a country by DID tier (Rate decks → the deck → DID tiers), that customer’s numbers of that country are sold and billed at the tier’s prices instead: this list prices the rest.
      </p>
      <div className="space-y-6">
        {list.missingDefaults.length > 0 ? (
          <div role="note" className="rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900">
            No default price for {list.missingDefaults.map((kind) => KIND_LABELS[kind].toLowerCase()).join(' or ')} numbers: those that match no override cannot be sold. Set one under Default prices.
          </div>
        ) : null}

        <Card title="Price list" description="The most specific row prices a number: its NPA, then its state, then the type's default. Margin is price − cost for each enabled connection.">
          {list.rows.length === 0 ? (
            <EmptyState title="No prices yet">Set a default price for local and toll-free numbers below; customers cannot buy numbers until then.</EmptyState>
          ) : (
            <PriceTable rows={list.rows} connections={list.enabledConnections} actions={{ saveOverride: saveOverrideAction, setDefault: setDefaultPriceAction, deleteOverride: deleteOverrideAction }} />
          )}
          {list.rows.length > 0 && overrides.length === 0 ? <p className="mt-3 text-sm text-slate-600">No overrides yet: add one below to charge differently in a state or area code.</p> : null}
          {list.enabledConnections.length === 0 ? (
            <p className="mt-3 text-sm text-slate-600">
              No enabled provider connection, so no margins to show. Connect or enable one on the{' '}
              <Link href="/operator/providers" className="font-medium text-indigo-800 underline">
                Providers page
              </Link>
              .
            </p>
          ) : null}
        </Card>

        <Card title="Price preview" description="Which row prices a number of this type, state and area code, by the same rule customers are charged by.">
          <PricePreview outcome={preview} />
        </Card>

        <Card title="Add or update an override" description="A price for one state or province, or for one area code (NPA); toll-free overrides are by prefix.">
          <OverrideForm action={saveOverrideAction} />
        </Card>

        <Card title="Default prices" description="What a number of each type costs where no override applies. Defaults can be changed, not deleted.">
          <div className="grid gap-6 md:grid-cols-2">
            {NUMBER_KINDS.map((kind) => {
              const current = list.rows.find((row) => row.kind === kind && row.scope === 'default');
              return (
                <div key={kind} className="space-y-2">
                  <h3 className="text-sm font-semibold text-slate-900">
                    {KIND_LABELS[kind]} {current ? null : <Badge tone="amber">not set</Badge>}
                  </h3>
                  <DefaultPriceForm kind={kind} current={current} action={setDefaultPriceAction} />
                </div>
              );
            })}
          </div>
        </Card>

        <Card title="Upstream costs" description="What each connection charges the carrier per number, where its API does not say. Used for margins here and to prefer the cheaper upstream.">
          {list.connections.length === 0 ? (
            <EmptyState title="No provider connections">
              Add one on the{' '}
              <Link href="/operator/providers" className="font-medium text-indigo-800 underline">
                Providers page
              </Link>{' '}
              first.
            </EmptyState>
          ) : (
            <div className="space-y-6">
              <ConnectionCostForm connections={list.connections} costs={list.costs} action={setConnectionCostAction} />
              {list.costs.length === 0 ? (
                <p className="text-sm text-slate-600">No costs on file yet: every connection shows “no cost on file” in the price list.</p>
              ) : (
                <ConnectionCostTable
                  rows={list.costs.map((cost) => ({ connectionId: cost.connectionId, connectionName: connectionName.get(cost.connectionId) ?? cost.connectionId, kind: cost.kind, monthly: cost.monthly, setup: cost.setup }))}
                  clearAction={clearConnectionCostAction}
                />
              )}
            </div>
          )}
        </Card>
      </div>
    </>
  );
}
