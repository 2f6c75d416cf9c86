/**
 * For tests of one migration over data written at the schema before it: a copy of drizzle/ that
 * stops at a given migration, and raw rows from either driver.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import type { Db } from '@/lib/db/client';

const root = path.resolve(import.meta.dirname, '../..');

/** A temporary migrations folder holding drizzle/'s migrations up to and including `tag`; the caller removes it. */
export function migrationsUpTo(tag: string): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'cp-migrations-'));
  const journal = JSON.parse(fs.readFileSync(path.join(root, 'drizzle/meta/_journal.json'), 'utf8')) as { entries: { idx: number; tag: string }[] };
  const last = journal.entries.findIndex((entry) => entry.tag === tag);
  expect(last).toBeGreaterThan(0);
  const entries = journal.entries.slice(0, last + 1);
  fs.mkdirSync(path.join(folder, 'meta'));
  fs.writeFileSync(path.join(folder, 'meta/_journal.json'), JSON.stringify({ ...journal, entries }));
  for (const entry of entries) fs.copyFileSync(path.join(root, 'drizzle', `${entry.tag}.sql`), path.join(folder, `${entry.tag}.sql`));
  return folder;
}

export async function rows<Row>(db: Db, query: ReturnType<typeof sql>): Promise<Row[]> {
  const result = (await db.execute(query)) as unknown as Row[] | { rows: Row[] };
  return Array.isArray(result) ? result : result.rows;
}
