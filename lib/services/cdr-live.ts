import 'server-only';
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { can, resolveAccess, resolveApiKeyAccess, type AccountAccess } from '@/lib/auth/access';
import { authenticateApiKey } from '@/lib/auth/api-key-auth';
import { getDb, getDbHandle, type Db, type DbHandle, type Tx } from '@/lib/db/client';
import { getSubtreeByAccount } from '@/lib/db/queries/accounts';
import { isSessionLive } from '@/lib/db/queries/sessions';
import type { CdrRecord } from '@/lib/db/queries/cdrs';
import { rowsOf } from '@/lib/db/rows';
import { AppError } from '@/lib/errors';
import { log } from '@/lib/log';

/**
 * The live feed (issue 14.7). Why NOTIFY with the calls themselves rather than a batch id and a
 * `cdr_live_events` table: the listener then fans out without reading the database at all (the
 * feed's p50 target is 100 ms), nothing has to be cleaned up afterwards, and a NOTIFY sent inside
 * the ingest's transaction leaves only when it commits, so a rolled-back batch is never shown.
 * A payload must stay under 8000 bytes, so a batch goes out as several chunks of one account each.
 */
export const CDR_LIVE_CHANNEL = 'cdr_ingested';
const MAX_PAYLOAD_BYTES = 7900;

export interface LiveCall {
  /** Stable per call (a hash of its source and source id; the source itself names an upstream connection). */
  key: string;
  accountId: string;
  inviteAt: string;
  from: string;
  to: string;
  direction: 'inbound' | 'outbound';
  sipCode: number;
  billsec: number;
  /** INVITE → first 18x; null when the source did not say. */
  pddMs: number | null;
  /** ISO country of the called number. */
  destination: string;
  trunkGroupId: string | null;
  /** When the batch was stored (ms since the epoch, the ingesting process's clock). */
  committedAt: number;
}

/** What one subscriber receives per chunk. */
export interface LiveBatch {
  calls: LiveCall[];
  /** When this process handed the chunk to the subscriber (ms since the epoch). */
  sentAt: number;
}

type WireRow = [key: string, inviteMs: number, from: string, to: string, dir: 'i' | 'o', sip: number, billsec: number, pdd: number | null, dest: string, tg: string | null];
interface WireChunk {
  v: 1;
  /** committedAt */
  c: number;
  /** account id */
  a: string;
  r: WireRow[];
}

const keyOf = (record: Pick<CdrRecord, 'source' | 'sourceId'>) => createHash('sha1').update(`${record.source}\u0000${record.sourceId}`).digest('hex').slice(0, 16);

function wireRow(record: CdrRecord): WireRow {
  return [
    keyOf(record),
    record.inviteAt.getTime(),
    record.fromE164,
    record.toE164,
    record.direction === 'inbound' ? 'i' : 'o',
    record.sipCode,
    record.billsec,
    record.ringingAt ? record.ringingAt.getTime() - record.inviteAt.getTime() : null,
    record.destinationCountry,
    record.trunkGroupId,
  ];
}

/** The batch as NOTIFY payloads: one account per chunk, each under the 8000-byte limit. */
export function liveChunksOf(records: CdrRecord[], committedAt: number): string[] {
  const byAccount = new Map<string, CdrRecord[]>();
  for (const record of records) {
    const list = byAccount.get(record.accountId);
    if (list) list.push(record);
    else byAccount.set(record.accountId, [record]);
  }
  const chunks: string[] = [];
  for (const [accountId, list] of byAccount) {
    const head = `{"v":1,"c":${committedAt},"a":${JSON.stringify(accountId)},"r":[`;
    let rows: string[] = [];
    let size = Buffer.byteLength(head) + 2;
    for (const record of list) {
      const row = JSON.stringify(wireRow(record));
      const rowSize = Buffer.byteLength(row) + 1;
      if (rows.length > 0 && size + rowSize > MAX_PAYLOAD_BYTES) {
        chunks.push(`${head}${rows.join(',')}]}`);
        rows = [];
        size = Buffer.byteLength(head) + 2;
      }
      rows.push(row);
      size += rowSize;
    }
    if (rows.length > 0) chunks.push(`${head}${rows.join(',')}]}`);
  }
  return chunks;
}

export function parseLiveChunk(payload: string): { accountId: string; calls: LiveCall[] } | undefined {
  let chunk: WireChunk;
  try {
    chunk = JSON.parse(payload) as WireChunk;
  } catch {
    return undefined;
  }
  if (chunk?.v !== 1 || typeof chunk.a !== 'string' || typeof chunk.c !== 'number' || !Array.isArray(chunk.r)) return undefined;
  return {
    accountId: chunk.a,
    calls: chunk.r.map(([key, inviteMs, from, to, dir, sipCode, billsec, pddMs, destination, trunkGroupId]) => ({
      key,
      accountId: chunk.a,
      inviteAt: new Date(inviteMs).toISOString(),
      from,
      to,
      direction: dir === 'i' ? 'inbound' : 'outbound',
      sipCode,
      billsec,
      pddMs,
      destination,
      trunkGroupId,
      committedAt: chunk.c,
    })),
  };
}

/**
 * The calls of the batch that were stored now rather than earlier (a re-sent call is not news).
 * The store answers only how many; the newest ids among the batch's keys are this statement's.
 */
async function newlyStored(db: Db | Tx, records: CdrRecord[], accepted: number): Promise<CdrRecord[]> {
  if (accepted >= records.length) return records;
  const keys = JSON.stringify(records.map((r) => ({ account_id: r.accountId, source: r.source, source_id: r.sourceId, invite_at: r.inviteAt.toISOString() })));
  const result = await db.execute(sql`
    SELECT c.account_id::text AS account_id, c.source, c.source_id, c.invite_at
    FROM jsonb_to_recordset(${keys}::jsonb) AS k(account_id uuid, source text, source_id text, invite_at timestamptz)
    JOIN cdrs c ON c.account_id = k.account_id AND c.source = k.source AND c.source_id = k.source_id AND c.invite_at = k.invite_at
    ORDER BY c.id DESC LIMIT ${accepted}`);
  const fresh = new Set(rowsOf<{ account_id: string; source: string; source_id: string }>(result).map((row) => `${row.account_id}\u0000${row.source}\u0000${row.source_id}`));
  const seen = new Set<string>();
  return records.filter((r) => {
    const id = `${r.accountId}\u0000${r.source}\u0000${r.sourceId}`;
    if (!fresh.has(id) || seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/**
 * Tells every app process about the calls a batch just stored (call it right after the insert, on
 * the same executor: inside a transaction the notification leaves when it commits). The live feed
 * is a view, not the record: a failure here is logged and never fails the ingest.
 */
export async function publishIngestedCalls(db: Db | Tx, records: CdrRecord[], accepted: number): Promise<void> {
  if (accepted <= 0 || records.length === 0) return;
  try {
    const committedAt = Date.now();
    const chunks = liveChunksOf(await newlyStored(db, records, accepted), committedAt);
    if (chunks.length === 0) return;
    await db.execute(sql`SELECT pg_notify(${CDR_LIVE_CHANNEL}, c) FROM jsonb_array_elements_text(${JSON.stringify(chunks)}::jsonb) AS c`);
  } catch (error) {
    log.error('cdr_live.publish_failed', { error, calls: records.length });
  }
}

interface Subscriber {
  accountIds: ReadonlySet<string>;
  onBatch(batch: LiveBatch): void;
}

/** One LISTEN per database handle, shared by every subscriber of this process; dropped when the last leaves. */
class LiveHub {
  readonly subscribers = new Set<Subscriber>();
  private listening?: Promise<() => Promise<void>>;

  constructor(private readonly handle: DbHandle) {}

  private deliver(payload: string) {
    const chunk = parseLiveChunk(payload);
    if (!chunk) {
      log.error('cdr_live.malformed_payload', { bytes: payload.length });
      return;
    }
    for (const subscriber of this.subscribers) {
      if (subscriber.accountIds.has(chunk.accountId)) subscriber.onBatch({ calls: chunk.calls, sentAt: Date.now() });
    }
  }

  async add(subscriber: Subscriber): Promise<void> {
    this.subscribers.add(subscriber);
    this.listening ??= this.handle.listen(CDR_LIVE_CHANNEL, (payload) => this.deliver(payload));
    try {
      await this.listening;
    } catch (error) {
      this.subscribers.delete(subscriber);
      this.listening = undefined;
      throw error;
    }
  }

  async remove(subscriber: Subscriber): Promise<void> {
    if (!this.subscribers.delete(subscriber) || this.subscribers.size > 0) return;
    const listening = this.listening;
    this.listening = undefined;
    if (listening) await (await listening)().catch((error: unknown) => log.error('cdr_live.unlisten_failed', { error }));
  }
}

const globalForLive = globalThis as unknown as { carrierPortalLiveHubs?: WeakMap<Db, LiveHub> };

function hubOf(handle: DbHandle): LiveHub {
  globalForLive.carrierPortalLiveHubs ??= new WeakMap();
  let hub = globalForLive.carrierPortalLiveHubs.get(handle.db);
  if (!hub) {
    hub = new LiveHub(handle);
    globalForLive.carrierPortalLiveHubs.set(handle.db, hub);
  }
  return hub;
}

export interface LiveSubscription {
  /** The accounts whose calls this subscriber gets: the account and its subtree at subscribe time. */
  accountIds: ReadonlySet<string>;
  close(): Promise<void>;
}

/**
 * Subscribes to the calls of the caller's account and its sub-accounts as they are stored, from
 * any app process. Resolves once listening, so nothing committed after it is missed. The caller
 * must have checked `usage.read`.
 */
export async function subscribeToLiveCalls(access: AccountAccess, onBatch: (batch: LiveBatch) => void): Promise<LiveSubscription> {
  const handle = await getDbHandle();
  const subtree = await getSubtreeByAccount(handle.db, { accountId: access.account.id, accountPath: access.account.path });
  const accountIds: ReadonlySet<string> = new Set(subtree.map((account) => account.id));
  const hub = hubOf(handle);
  const subscriber: Subscriber = { accountIds, onBatch };
  await hub.add(subscriber);
  let closed = false;
  return {
    accountIds,
    close: async () => {
      if (closed) return;
      closed = true;
      await hub.remove(subscriber);
    },
  };
}

/**
 * Whether a live feed's caller may still read it, asked again while the stream stays open: an API
 * key still authenticates (not revoked or expired, its creator still holding it up, the account not
 * suspended) and still reaches the account with `usage.read`; a session is still signed in.
 */
export async function liveCallerStillAllowed(access: AccountAccess, credential: { apiKeySecret?: string }): Promise<boolean> {
  const db = await getDb();
  try {
    if (access.actor.kind === 'api_key') {
      if (!credential.apiKeySecret) return false;
      const key = await authenticateApiKey(db, credential.apiKeySecret, access.ip);
      return key.id === access.actor.apiKey.id && can(await resolveApiKeyAccess(db, key, access.account.id), 'usage.read');
    }
    if (!access.actor.user.sessionId || !(await isSessionLive(db, { sessionId: access.actor.user.sessionId }))) return false;
    // A membership removed while the feed is open ends it too (resolveAccess refuses the account).
    return can(await resolveAccess(db, access.actor.user, access.account.id), 'usage.read');
  } catch (error) {
    if (error instanceof AppError) return false;
    // A database hiccup does not end every open feed; the next heartbeat asks again.
    log.warn('cdr_live.recheck_failed', { error });
    return true;
  }
}

/** Subscribers of this process on the app's database (for tests and the health of the feed). */
export async function liveSubscriberCount(): Promise<number> {
  return hubOf(await getDbHandle()).subscribers.size;
}
