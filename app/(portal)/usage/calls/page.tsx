import type { Metadata } from 'next';
import Link from 'next/link';
import { buttonClass } from '@/components/ui/button';
import { Card, EmptyState, PageHeader } from '@/components/ui/card';
import { SelectField, TextField } from '@/components/ui/field';
import { requireAccountAccess } from '@/lib/auth/guard';
import { formatDateTime, formatE164, formatRate } from '@/lib/format';
import { CDR_EXPORT_THRESHOLD, estimateCdrRows, listCdrExports } from '@/lib/services/cdr-export';
import { cdrScopeOf, getCdrSearchChoices, parseCdrSearch, searchCdrs, type CdrSearchParams } from '@/lib/services/cdr-search';
import { CDR_SEARCH_FILTER_KEYS, CDR_TRAIL_MAX, cdrSearchParsers, serializeCdrSearch } from '@/lib/url-state/cdr-search';
import { CallsTable, type CallRow, type CallMoneyColumns } from './calls-table';
import { ExportPanel, type ExportItem } from './export-panel';

export const metadata: Metadata = { title: 'Calls' };
export const dynamic = 'force-dynamic';

const PAGE_SIZE = 50;

type RawParams = Record<string, string | string[] | undefined>;

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

export default async function CallsPage({ searchParams }: { searchParams: Promise<RawParams> }) {
  const access = await requireAccountAccess('usage.read');
  const raw = await searchParams;
  const params: CdrSearchParams = Object.fromEntries(CDR_SEARCH_FILTER_KEYS.map((key) => [key, first(raw[key])?.slice(0, 64)]));
  const cursor = first(raw.cursor);
  const trail = (cdrSearchParsers.trail.parse(first(raw.trail) ?? '') ?? []).slice(-CDR_TRAIL_MAX);
  const { search, fieldErrors } = parseCdrSearch(params);
  const choices = await getCdrSearchChoices(access);

  // A cursor from another search, or tampered with, starts the list again with a message instead of a 500.
  let page: Awaited<ReturnType<typeof searchCdrs>> | undefined;
  let cursorProblem = false;
  if (search) {
    try {
      page = await searchCdrs(access, search, { cursor: cursor || undefined, limit: PAGE_SIZE, money: true });
    } catch {
      cursorProblem = true;
      page = await searchCdrs(access, search, { limit: PAGE_SIZE, money: true });
    }
  }
  const estimate = search ? await estimateCdrRows(await cdrScopeOf(access), search) : 0;
  const exports = await listCdrExports(access);

  const filterState = Object.fromEntries(CDR_SEARCH_FILTER_KEYS.map((key) => [key, params[key] || null]));
  const searchValues = Object.fromEntries(Object.entries(filterState).filter((entry): entry is [string, string] => Boolean(entry[1])));
  const nextHref = page?.nextCursor ? serializeCdrSearch('/usage/calls', { ...filterState, cursor: page.nextCursor, trail: [...trail, cursor || '0'].slice(-CDR_TRAIL_MAX) }) : null;
  const previousCursor = trail.at(-1);
  const previousHref = cursor ? serializeCdrSearch('/usage/calls', { ...filterState, cursor: previousCursor && previousCursor !== '0' ? previousCursor : null, trail: trail.length > 1 ? trail.slice(0, -1) : null }) : null;
  const directHref = search ? serializeCdrSearch('/api/v1/cdr', filterState).replace(/^([^?]*)(\?|$)/, (_, path: string, mark: string) => `${path}?format=csv${mark ? '&' : ''}`) : null;
  const rangeLabel = search ? `${formatDateTime(search.from)} – ${formatDateTime(search.to)}` : '';

  const rows: CallRow[] = (page?.data ?? []).map((call) => ({
    id: call.id,
    time: formatDateTime(new Date(call.inviteAt), { seconds: true }),
    direction: call.direction === 'inbound' ? 'Inbound' : 'Outbound',
    from: formatE164(call.from),
    to: formatE164(call.to),
    destination: call.destination,
    trunkGroup: call.trunkGroup ? (call.trunkGroup.name ?? 'Removed trunk group') : '—',
    carrier: call.carrier ?? '—',
    sip: `${call.sipCode}${call.q850Cause === null ? '' : ` / ${call.q850Cause}`}`,
    pdd: call.pddMs === null ? 'unknown' : `${(call.pddMs / 1000).toFixed(2)} s`,
    billsec: `${call.billsec} s`,
    mos: call.mos === null ? '—' : call.mos.toFixed(2),
    charge: call.money ? (call.money.charge === null ? 'unrated' : formatRate(call.money.charge)) : undefined,
    cost: call.money?.cost !== undefined ? (call.money.cost === null ? '—' : formatRate(call.money.cost)) : undefined,
    margin: call.money?.margin !== undefined ? (call.money.margin === null ? '—' : formatRate(call.money.margin)) : undefined,
  }));
  // Technical and viewer roles never see money; billing roles the charge; operator staff cost and margin too.
  const moneyColumns: CallMoneyColumns = page?.data.some((call) => call.money?.cost !== undefined) ? 'staff' : page?.data.some((call) => call.money) ? 'charge' : 'none';
  const exportItems: ExportItem[] = exports.map((item) => ({ ...item, label: `Asked ${formatDateTime(new Date(item.createdAt))}` }));

  return (
    <>
      <PageHeader
        title="Calls"
        description={`Call detail records of ${access.account.name} and its sub-accounts, newest first.`}
        actions={<ExportPanel accountId={access.account.id} directHref={directHref} estimate={estimate} threshold={CDR_EXPORT_THRESHOLD} search={searchValues} exports={exportItems} />}
      />
      <Card>
        <form method="get" className="mb-4 grid gap-3 sm:grid-cols-2 lg:grid-cols-4 lg:items-start">
          <TextField idPrefix="calls" label="From" name="from" defaultValue={params.from ?? ''} placeholder="2026-04-01" errors={fieldErrors.from} hint="A date or an ISO time, UTC" />
          <TextField idPrefix="calls" label="To" name="to" defaultValue={params.to ?? ''} placeholder="2026-04-17" errors={fieldErrors.to} hint="A date includes the whole day; 93 days at most" />
          <TextField idPrefix="calls" label="Number" name="number" defaultValue={params.number ?? ''} placeholder="+14155550123" inputMode="tel" errors={fieldErrors.number} hint="Calling or called" />
          <SelectField idPrefix="calls" label="Direction" name="direction" defaultValue={params.direction ?? ''} errors={fieldErrors.direction}>
            <option value="">Both</option>
            <option value="inbound">Inbound</option>
            <option value="outbound">Outbound</option>
          </SelectField>
          <TextField idPrefix="calls" label="SIP code" name="sipCode" defaultValue={params.sipCode ?? ''} placeholder="486" inputMode="numeric" errors={fieldErrors.sipCode} />
          <SelectField idPrefix="calls" label="Trunk group" name="trunkGroup" defaultValue={params.trunkGroup ?? ''} errors={fieldErrors.trunkGroup}>
            <option value="">Any</option>
            {choices.trunkGroups.map((group) => (
              <option key={group.id} value={group.id}>
                {group.name}
              </option>
            ))}
          </SelectField>
          <TextField idPrefix="calls" label="Destination country" name="destination" defaultValue={params.destination ?? ''} placeholder="US" maxLength={2} errors={fieldErrors.destination} />
          <SelectField idPrefix="calls" label="Carrier" name="upstream" defaultValue={params.upstream ?? ''} errors={fieldErrors.upstream}>
            <option value="">Any</option>
            {choices.upstreams.map((upstream) => (
              <option key={upstream.id} value={upstream.id}>
                {upstream.label}
              </option>
            ))}
          </SelectField>
          <div className="flex gap-2 sm:col-span-2 lg:col-span-4">
            <button type="submit" className={buttonClass('primary')}>
              Search
            </button>
            <Link href="/usage/calls" className={buttonClass('secondary')}>
              Clear
            </Link>
          </div>
        </form>
        {!search ? (
          <p role="status" className="mb-4 rounded-md border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900">
            The search could not run: correct the highlighted fields.
          </p>
        ) : null}
        {cursorProblem ? (
          <p role="status" className="mb-4 rounded-md border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900">
            That page link no longer fits this search; showing the newest calls.
          </p>
        ) : null}
        {search && rows.length === 0 ? (
          <EmptyState title="No calls match">{`Nothing between ${rangeLabel}. Widen the time range or clear a filter. A call shows here a few minutes after it ends, once your numbers or trunk groups carry calls.`}</EmptyState>
        ) : rows.length > 0 ? (
          <CallsTable rows={rows} caption={`Calls ${rangeLabel}`} money={moneyColumns} />
        ) : null}
        {previousHref || nextHref ? (
          <nav aria-label="Pages of calls" className="mt-4 flex justify-between text-sm">
            {previousHref ? (
              <Link href={previousHref} rel="prev" className="font-medium text-indigo-800 underline">
                ← Newer calls
              </Link>
            ) : (
              <span />
            )}
            {nextHref ? (
              <Link href={nextHref} rel="next" className="font-medium text-indigo-800 underline">
                Older calls →
              </Link>
            ) : null}
          </nav>
        ) : null}
      </Card>
    </>
  );
}
