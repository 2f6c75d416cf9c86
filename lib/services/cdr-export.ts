import 'server-only';
/**
 * CDR exports too large for one response: written to DATA_DIR/exports/<id>.csv by a queue job with
 * progress (rows written against the rollups' estimate), served only to the account's users, and
 * deleted with their row once they expire. Smaller ones stream straight from GET /api/v1/cdr.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { and, desc, eq, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import { actorOwner, assertCan, type AccountAccess } from '@/lib/auth/access';
import { getDb } from '@/lib/db/client';
import { getRollupTotals } from '@/lib/db/queries/cdrs';
import { cdrExports, type CdrExport } from '@/lib/db/schema';
import { getEnv } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { currentJobRunner } from '@/lib/jobs/lifecycle';
import { log } from '@/lib/log';
import { cdrCsvStream, cdrScopeOf, cdrScopeOfAccount, type CdrScope, type CdrSearch } from './cdr-search';

export const CDR_EXPORT_QUEUE = 'cdr-export';
/** Above this many calls (estimated) the page prepares a file instead of streaming. */
export const CDR_EXPORT_THRESHOLD = 100_000;
export const CDR_EXPORT_TTL_DAYS = 7;
/** A job that has not finished in this long died with its process. */
const STALE_RUNNING_MS = 2 * 3_600_000;
const HOUR_MS = 3_600_000;

const storedSearch = z.object({
  from: z.string(),
  to: z.string(),
  number: z.string().optional(),
  direction: z.enum(['inbound', 'outbound']).optional(),
  sipCode: z.number().int().optional(),
  trunkGroupId: z.string().optional(),
  destination: z.string().optional(),
  connectionId: z.string().optional(),
  staff: z.boolean(),
});

function searchOfStored(filter: unknown): { search: CdrSearch; staff: boolean } {
  const { from, to, staff, ...rest } = storedSearch.parse(filter);
  return { search: { ...rest, from: new Date(from), to: new Date(to) }, staff };
}

export function exportsDir(): string {
  return path.join(getEnv().dataDir, 'exports');
}

/** Where an export's file lives: always under DATA_DIR/exports, named by the export's id only. */
function fileOf(exportId: string): string {
  return path.join(exportsDir(), `${exportId}.csv`);
}

/**
 * About how many calls the search reads, from the hourly rollups (whole hours around the range),
 * never a count of raw calls. The rollups know no number or SIP code, so with those it is an upper bound.
 */
export async function estimateCdrRows(scope: CdrScope, search: CdrSearch): Promise<number> {
  const totals = await getRollupTotals(await getDb(), {
    accountIds: scope.accountIds,
    grain: '1h',
    from: new Date(Math.floor(search.from.getTime() / HOUR_MS) * HOUR_MS),
    to: new Date(Math.ceil(search.to.getTime() / HOUR_MS) * HOUR_MS),
    trunkGroupId: search.trunkGroupId,
    connectionId: search.connectionId,
    destination: search.destination,
    direction: search.direction,
  });
  return totals.attempts;
}

export type CdrExportRequest = { kind: 'stream'; estimate: number } | { kind: 'queued'; exportId: string; estimate: number };

/** A small search streams at once; a large one becomes an export row and a queued job. */
export async function requestCdrExport(access: AccountAccess, search: CdrSearch, { threshold = CDR_EXPORT_THRESHOLD }: { threshold?: number } = {}): Promise<CdrExportRequest> {
  const scope = await cdrScopeOf(access);
  const estimate = await estimateCdrRows(scope, search);
  if (estimate <= threshold) return { kind: 'stream', estimate };
  const owner = actorOwner(access);
  const [created] = await (await getDb())
    .insert(cdrExports)
    .values({
      accountId: access.account.id,
      requestedByUserId: owner.userId,
      requestedByApiKeyId: owner.apiKeyId,
      filter: { ...search, from: search.from.toISOString(), to: search.to.toISOString(), staff: scope.staff },
      rowsTotal: estimate,
      expiresAt: new Date(Date.now() + CDR_EXPORT_TTL_DAYS * 24 * HOUR_MS),
    })
    .returning();
  await sendExportJob(created!.id);
  return { kind: 'queued', exportId: created!.id, estimate };
}

/** Queued at once when this process runs pg-boss; otherwise the sweep queues it within a minute. */
async function sendExportJob(exportId: string) {
  const running = currentJobRunner();
  if (!running) return;
  try {
    await (await running).boss.send(CDR_EXPORT_QUEUE, { exportId });
  } catch (error) {
    log.warn('cdr_export.send_failed', { exportId, error });
  }
}

/**
 * Writes one export's file (the job). Claims the row first, so a second job for the same export
 * does nothing; writes to a `.part` file renamed when complete, progress saved after each batch.
 */
export async function runCdrExport(exportId: string, { batchSize }: { batchSize?: number } = {}): Promise<{ rowsWritten: number } | undefined> {
  const db = await getDb();
  const [claimed] = await db
    .update(cdrExports)
    .set({ status: 'running', startedAt: new Date(), rowsWritten: 0 })
    .where(and(eq(cdrExports.id, exportId), eq(cdrExports.status, 'queued')))
    .returning();
  if (!claimed) return undefined;
  const target = fileOf(exportId);
  const partial = `${target}.part`;
  try {
    const { search, staff } = searchOfStored(claimed.filter);
    const scope = await cdrScopeOfAccount(claimed.accountId, staff);
    await mkdir(exportsDir(), { recursive: true });
    let rowsWritten = 0;
    const csv = cdrCsvStream(scope, search, {
      batchSize,
      onBatch: async (written) => {
        rowsWritten = written;
        await db.update(cdrExports).set({ rowsWritten: written }).where(eq(cdrExports.id, exportId));
      },
    });
    await pipeline(Readable.fromWeb(csv as import('node:stream/web').ReadableStream<Uint8Array>), createWriteStream(partial) as Writable);
    await rename(partial, target);
    await db
      .update(cdrExports)
      .set({ status: 'done', rowsWritten, filePath: path.relative(getEnv().dataDir, target), finishedAt: new Date() })
      .where(eq(cdrExports.id, exportId));
    return { rowsWritten };
  } catch (error) {
    log.error('cdr_export.failed', { exportId, error });
    await rm(partial, { force: true });
    await db.update(cdrExports).set({ status: 'failed', error: 'The export could not be written; ask for it again.', finishedAt: new Date() }).where(eq(cdrExports.id, exportId));
    return undefined;
  }
}

export interface CdrExportView {
  id: string;
  status: CdrExport['status'];
  rowsWritten: number;
  rowsTotal: number;
  createdAt: string;
  finishedAt: string | null;
  expiresAt: string;
  error: string | null;
  /** Set once the file can be downloaded. */
  downloadHref: string | null;
}

function viewOf(row: CdrExport): CdrExportView {
  return {
    id: row.id,
    status: row.status,
    rowsWritten: row.rowsWritten,
    rowsTotal: row.rowsTotal,
    createdAt: row.createdAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
    expiresAt: row.expiresAt.toISOString(),
    error: row.error,
    downloadHref: row.status === 'done' ? `/usage/calls/exports/${row.id}` : null,
  };
}

/**
 * An export staff prepared names the real upstreams (the carrier column): only staff see it, never
 * the account's own users, who read "Carrier N" everywhere.
 */
function visibleTo(access: AccountAccess) {
  return access.user.isOperatorStaff ? undefined : sql`coalesce((${cdrExports.filter} ->> 'staff')::boolean, false) = false`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One export of the caller's account (not a sub-account's: the file holds the whole subtree it was asked for). */
async function findExport(access: AccountAccess, exportId: string): Promise<CdrExport> {
  assertCan(access, 'usage.read');
  if (!UUID.test(exportId)) throw new AppError('not_found:export', 'That export does not exist or has expired.');
  const [row] = await (await getDb())
    .select()
    .from(cdrExports)
    .where(and(eq(cdrExports.id, exportId), eq(cdrExports.accountId, access.account.id), visibleTo(access)));
  if (!row || row.expiresAt.getTime() <= Date.now()) throw new AppError('not_found:export', 'That export does not exist or has expired.');
  return row;
}

export async function getCdrExport(access: AccountAccess, exportId: string): Promise<CdrExportView> {
  return viewOf(await findExport(access, exportId));
}

/** The account's exports still kept, newest first. */
export async function listCdrExports(access: AccountAccess, { limit = 10 }: { limit?: number } = {}): Promise<CdrExportView[]> {
  assertCan(access, 'usage.read');
  const rows = await (await getDb())
    .select()
    .from(cdrExports)
    .where(and(eq(cdrExports.accountId, access.account.id), sql`${cdrExports.expiresAt} > now()`, visibleTo(access)))
    .orderBy(desc(cdrExports.createdAt))
    .limit(limit);
  return rows.map(viewOf);
}

/** The finished file as a stream, for the download route. */
export async function openCdrExportFile(access: AccountAccess, exportId: string): Promise<{ body: ReadableStream<Uint8Array>; filename: string; size: number }> {
  const row = await findExport(access, exportId);
  if (row.status !== 'done') throw new AppError('conflict:export', 'The export is not ready yet.');
  const file = fileOf(row.id);
  const info = await stat(file).catch(() => undefined);
  if (!info) throw new AppError('not_found:export', 'That export does not exist or has expired.');
  const { search } = searchOfStored(row.filter);
  const day = (at: Date) => at.toISOString().slice(0, 10);
  return {
    body: Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>,
    filename: `cdrs-${day(search.from)}-${day(new Date(search.to.getTime() - 1))}.csv`,
    size: info.size,
  };
}

/**
 * Housekeeping (every few minutes): deletes expired exports and their files, fails a run whose
 * process died, and queues exports asked for where no job runner was running.
 */
export async function sweepCdrExports(now = new Date()): Promise<{ deleted: number; failed: number; queued: number }> {
  const db = await getDb();
  const expired = await db.delete(cdrExports).where(lt(cdrExports.expiresAt, now)).returning({ id: cdrExports.id });
  for (const { id } of expired) {
    await rm(fileOf(id), { force: true });
    await rm(`${fileOf(id)}.part`, { force: true });
  }
  const failed = await db
    .update(cdrExports)
    .set({ status: 'failed', error: 'The export stopped before it finished; ask for it again.', finishedAt: now })
    .where(and(eq(cdrExports.status, 'running'), lt(cdrExports.startedAt, new Date(now.getTime() - STALE_RUNNING_MS))))
    .returning({ id: cdrExports.id });
  const waiting = await db
    .select({ id: cdrExports.id })
    .from(cdrExports)
    .where(and(eq(cdrExports.status, 'queued'), lt(cdrExports.createdAt, new Date(now.getTime() - 60_000))));
  for (const { id } of waiting) await sendExportJob(id);
  return { deleted: expired.length, failed: failed.length, queued: waiting.length };
}
