import 'server-only';
import { sql } from 'drizzle-orm';
import { PgTransaction } from 'drizzle-orm/pg-core';
import type { Db, Tx } from '@/lib/db/client';
import { ensureCdrPartitions, insertCdrBatch, type CdrRecord } from '@/lib/db/queries/cdrs';
import { getPulledConnectionIds } from '@/lib/db/queries/cdr-pull-cursors';
import { getNumberHoldersAt } from '@/lib/db/queries/number-holders';
import { lockUsageOfAccounts } from '@/lib/db/queries/usage-locks';
import { rateCalls } from './rating';
import { rowsOf } from '@/lib/db/rows';
import { getEnv } from '@/lib/env';
import { toCallParty } from '@/lib/phone-numbers';
import { isSafeText } from '@/lib/validations/common';
import { publishIngestedCalls } from '@/lib/services/cdr-live';

type Executor = Db | Tx;

/** One call as a source describes it, before it is checked, normalised and attributed. */
export interface CdrInput {
  source: string;
  sourceId: string;
  /** Attribute to this account (it must be in `scope`); otherwise the DID decides. */
  accountId?: string;
  direction: 'inbound' | 'outbound';
  from: string;
  to: string;
  inviteAt: Date;
  ringingAt?: Date;
  answerAt?: Date;
  endAt?: Date;
  sipCode: number;
  q850Cause?: number;
  /** When absent: end − answer, rounded down to the second. */
  billsec?: number;
  mos?: number;
  upstreamCost?: string;
  trunkGroupId?: string;
  connectionId?: string;
}

export interface IngestScope {
  /** Accounts the calls may belong to (a push key's subtree); undefined: any account (upstream pulls). */
  accountIds?: ReadonlySet<string>;
}

export interface IngestRejection {
  /** 1-based position in what the caller sent (the line of a file). */
  line: number;
  reason: string;
}

export interface IngestResult {
  accepted: number;
  duplicates: number;
  rejected: IngestRejection[];
  /** Calls on numbers no account held when they were made (upstream pulls): counted, not stored. */
  unattributed: number;
}

/** Rows written per statement: large enough to amortise the round trip, small enough to bound memory. */
export const CDR_INGEST_BATCH = 2000;

const MAX_CALL_MS = 7 * 24 * 3600 * 1000;
const WITHHELD_CALLER = /^(|anonymous|unknown|restricted|private|unavailable|withheld)$/i;
export const ANONYMOUS_CALLER = 'anonymous';

/** A destination's prefix: the calling code and the area (NANP) or the first two national digits. */
function destinationOf(number: string) {
  const party = toCallParty(number);
  if (!party) return undefined;
  return { e164: party.e164, country: party.region, prefix: party.callingCode + party.nationalNumber.slice(0, party.callingCode === '1' ? 3 : 2) };
}

/** The oldest time a call may have: `months` calendar months (UTC) before now. */
function retentionHorizon(months: number): number {
  const now = new Date();
  return Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - months, now.getUTCDate(), now.getUTCHours(), now.getUTCMinutes());
}

/** Checks one call; answers the reason it cannot be stored, or its normalised parts (attribution aside). */
function checkCdr(input: CdrInput): { reason: string } | { record: Omit<CdrRecord, 'accountId' | 'trunkGroupId'> } {
  if (!input.sourceId || input.sourceId.length > 200) return { reason: 'source_id is required (at most 200 characters).' };
  // Stored as text and in jsonb: a NUL or a lone surrogate would fail the whole batch in the database.
  if (!isSafeText(input.sourceId)) return { reason: 'source_id cannot contain control characters (such as NUL) or broken characters.' };
  // A withheld caller ID is still a call: it is kept as "anonymous" (an outbound call then needs its account named).
  const from = WITHHELD_CALLER.test(input.from.trim()) ? { e164: ANONYMOUS_CALLER } : toCallParty(input.from);
  if (!from) return { reason: `from "${input.from}" is not a phone number in E.164 form (or "anonymous").` };
  const to = destinationOf(input.to);
  if (!to) return { reason: `to "${input.to}" is not a phone number in E.164 form.` };
  const invite = input.inviteAt.getTime();
  if (!Number.isFinite(invite)) return { reason: 'invite_at is not a valid time.' };
  if (invite > Date.now() + 5 * 60_000) return { reason: 'invite_at is in the future.' };
  // Kept no longer than retention drops it anyway; and each old month would be a partition of its own.
  const months = getEnv().cdrRetentionMonths;
  if (invite < retentionHorizon(months)) return { reason: `invite_at is older than the ${months} months calls are kept (CDR_RETENTION_MONTHS).` };
  for (const [name, at] of [
    ['ringing_at', input.ringingAt],
    ['answer_at', input.answerAt],
    ['end_at', input.endAt],
  ] as const) {
    if (at === undefined) continue;
    if (!Number.isFinite(at.getTime())) return { reason: `${name} is not a valid time.` };
    if (at.getTime() < invite) return { reason: `${name} is before invite_at.` };
    if (at.getTime() - invite > MAX_CALL_MS) return { reason: `${name} is more than 7 days after invite_at.` };
  }
  if (input.ringingAt && input.answerAt && input.ringingAt > input.answerAt) return { reason: 'ringing_at is after answer_at.' };
  if (input.answerAt && input.endAt && input.answerAt > input.endAt) return { reason: 'answer_at is after end_at.' };
  if (!Number.isInteger(input.sipCode) || input.sipCode < 100 || input.sipCode > 699) return { reason: 'sip_code must be a SIP final code (100–699).' };
  const answered = input.sipCode >= 200 && input.sipCode < 300;
  if (answered && !input.answerAt) return { reason: `sip_code ${input.sipCode} says answered but answer_at is missing.` };
  if (!answered && input.answerAt) return { reason: `answer_at is set but sip_code ${input.sipCode} is not a 2xx answer.` };
  if (input.q850Cause !== undefined && (!Number.isInteger(input.q850Cause) || input.q850Cause < 0 || input.q850Cause > 127)) return { reason: 'q850_cause must be 0–127.' };
  const billsec =
    input.billsec ?? (input.answerAt && input.endAt ? Math.floor((input.endAt.getTime() - input.answerAt.getTime()) / 1000) : 0);
  if (!Number.isInteger(billsec) || billsec < 0 || billsec > MAX_CALL_MS / 1000) return { reason: 'billsec must be a whole number of seconds, 0 or more.' };
  if (!answered && billsec > 0) return { reason: 'billsec is above 0 on a call that was not answered.' };
  if (input.mos !== undefined && !(input.mos >= 1 && input.mos <= 5)) return { reason: 'mos must be between 1 and 5.' };
  if (input.upstreamCost !== undefined && !/^-?\d{1,8}(\.\d{1,6})?$/.test(input.upstreamCost)) return { reason: 'upstream_cost must be a decimal with at most 6 places.' };
  return {
    record: {
      source: input.source,
      sourceId: input.sourceId,
      direction: input.direction,
      fromE164: from.e164,
      toE164: to.e164,
      destinationCountry: to.country,
      destinationPrefix: to.prefix,
      connectionId: input.connectionId ?? null,
      inviteAt: input.inviteAt,
      ringingAt: input.ringingAt ?? null,
      answerAt: input.answerAt ?? null,
      endAt: input.endAt ?? null,
      sipCode: input.sipCode,
      q850Cause: input.q850Cause ?? null,
      billsec,
      mos: input.mos ?? null,
      upstreamCost: input.upstreamCost ?? null,
    },
  };
}

async function trunkGroupAccounts(db: Executor, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const result = await db.execute(sql`
    SELECT id::text AS id, account_id::text AS account_id FROM trunk_groups
    WHERE id IN (SELECT (jsonb_array_elements_text(${JSON.stringify([...new Set(ids)])}::jsonb))::uuid)`);
  return new Map(rowsOf<{ id: string; account_id: string }>(result).map((row) => [row.id, row.account_id]));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;


/**
 * Checks, attributes and stores one batch of calls (at most CDR_INGEST_BATCH). A bad call is
 * rejected alone with its line; the others commit. A call is attributed to the account given, or
 * to the account that held its DID (the called number inbound, the calling number outbound) when
 * the call began (lib/db/queries/number-holders.ts), and takes that number's trunk group unless it
 * names one. Re-sending a call is a duplicate, not a second call.
 */
export async function ingestCdrBatch(db: Executor, batch: { line: number; input: CdrInput }[], scope: IngestScope = {}): Promise<IngestResult> {
  const result: IngestResult = { accepted: 0, duplicates: 0, rejected: [], unattributed: 0 };
  const checked: { line: number; input: CdrInput; record: Omit<CdrRecord, 'accountId' | 'trunkGroupId'> }[] = [];
  for (const { line, input } of batch) {
    const outcome = checkCdr(input);
    if ('reason' in outcome) result.rejected.push({ line, reason: outcome.reason });
    else checked.push({ line, input, record: outcome.record });
  }
  for (const { line, input } of checked) {
    if (input.accountId && !UUID.test(input.accountId)) result.rejected.push({ line, reason: 'account_id is not an account id.' });
    if (input.trunkGroupId && !UUID.test(input.trunkGroupId)) result.rejected.push({ line, reason: 'trunk_group_id is not a trunk group id.' });
    if (input.connectionId && !UUID.test(input.connectionId)) result.rejected.push({ line, reason: 'connection_id is not a connection id.' });
  }
  // A pushed call over an upstream whose calls are pulled would be counted and billed twice: the
  // pulled record, the carrier's own, is the one kept.
  if (scope.accountIds) {
    const named = checked.flatMap((c) => (c.input.connectionId && UUID.test(c.input.connectionId) ? [c.input.connectionId] : []));
    const pulled = await getPulledConnectionIds(db, { connectionIds: named });
    for (const { line, input } of checked) {
      if (input.connectionId && pulled.has(input.connectionId)) {
        result.rejected.push({ line, reason: 'connection_id names an upstream whose calls the portal already reads from the carrier; pushing them too would count them twice. Leave such calls out of the push.' });
      }
    }
  }
  const badLines = new Set(result.rejected.map((r) => r.line));
  const candidates = checked.filter((c) => !badLines.has(c.line));
  const owners = await getNumberHoldersAt(db, {
    lookups: candidates.map((c) => ({
      e164: c.record.direction === 'inbound' ? c.record.toE164 : c.record.fromE164,
      at: c.record.inviteAt,
      connectionId: c.input.connectionId && UUID.test(c.input.connectionId) ? c.input.connectionId : null,
    })),
    // A push is the customer's own record, and may only land in its own tree: a number its tree
    // holds now takes the calls no account of the tree held at the time.
    accountIds: scope.accountIds,
  });
  const trunkAccounts = await trunkGroupAccounts(
    db,
    candidates.flatMap((c) => (c.input.trunkGroupId ? [c.input.trunkGroupId] : [])),
  );
  const records: CdrRecord[] = [];
  // Under a scope, what lies outside it answers exactly like what does not exist: a push must not
  // learn that another tenant holds a number or a trunk group.
  const writable = (accountId: string | undefined) => accountId !== undefined && (!scope.accountIds || scope.accountIds.has(accountId));
  for (const [index, { line, input, record }] of candidates.entries()) {
    if (input.accountId && !writable(input.accountId)) {
      result.rejected.push({ line, reason: 'account_id is not an account this key may write for.' });
      continue;
    }
    const trunkAccount = input.trunkGroupId ? trunkAccounts.get(input.trunkGroupId) : undefined;
    if (input.trunkGroupId && (!writable(trunkAccount) || (input.accountId && trunkAccount !== input.accountId))) {
      result.rejected.push({ line, reason: input.accountId ? "trunk_group_id is not a trunk group of the call's account." : 'trunk_group_id is not a trunk group this key may write for.' });
      continue;
    }
    const owner = owners[index];
    const ownerAccount = writable(owner?.accountId) ? owner!.accountId : undefined;
    const accountId = input.accountId ?? trunkAccount ?? ownerAccount;
    if (!accountId) {
      const party = record.direction === 'inbound' ? 'the called number (to)' : 'the calling number (from)';
      if (scope.accountIds) result.rejected.push({ line, reason: `No account this key may write for holds ${party}, and the row names no account_id.` });
      else result.unattributed++;
      continue;
    }
    const trunkGroupId = input.trunkGroupId ?? (owner && owner.accountId === accountId ? owner.trunkGroupRef : null);
    records.push({ ...record, accountId, trunkGroupId });
  }
  if (records.length > 0) {
    await ensureCdrPartitions(
      db,
      records.map((r) => r.inviteAt),
    );
    const ratings = await rateCalls(db, records);
    records.forEach((record, i) => (record.rating = ratings[i]));
    const store = async (tx: Tx) => {
      await lockUsageOfAccounts(tx, { accountIds: records.map((r) => r.accountId) });
      const { accepted } = await insertCdrBatch(tx, records);
      await publishIngestedCalls(tx, records, accepted);
      return accepted;
    };
    // The usage lock is held until commit, so the batch needs a transaction of its own when it has none.
    const accepted = db instanceof PgTransaction ? await store(db as Tx) : await db.transaction(store);
    result.accepted = accepted;
    result.duplicates = records.length - accepted;
  }
  result.rejected.sort((a, b) => a.line - b.line);
  return result;
}
