/**
 * The staff audit log (/operator/audit): platform-level changes by operator staff (no customer
 * account: carrier connections, prices, rate decks, job retries) were recorded but shown nowhere.
 * Staff read them newest first, in the customer log's words, filtered by event and paged by cursor;
 * customers are refused, and no customer account's events appear there.
 */
import { isValidElement, type ReactElement } from 'react';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { AuditLogTable, type AuditLogRow } from '@/components/account/audit-log-table';
import { visibleSections } from '@/lib/auth/navigation';
import { permissionsFor } from '@/lib/auth/permissions';
import { users } from '@/lib/db/schema';
import { getPlatformAuditLog, recordPlatformAudit } from '@/lib/services/audit';
import { saveOverride } from '@/lib/services/price-list';
import { useTestDatabase } from '../support/db';
import { seedTwoTenants, sessionUser } from '../support/fixtures';
import { textOf } from '../support/render-text';

const session = vi.hoisted(() => ({ userId: undefined as string | undefined, accountCookie: undefined as string | undefined }));
vi.mock('@/lib/auth/config', async () => (await import('../support/next-mocks')).authConfigMock(session));
vi.mock('next/headers', async () => (await import('../support/next-mocks')).nextHeadersMock(session));

process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS = 'true';

function findElement(node: unknown, type: unknown, seen = new Set<unknown>()): ReactElement<Record<string, unknown>> | undefined {
  if (!node || typeof node !== 'object' || seen.has(node)) return undefined;
  seen.add(node);
  if (isValidElement(node) && node.type === type) return node as ReactElement<Record<string, unknown>>;
  const props = (node as { props?: Record<string, unknown> }).props;
  for (const value of Array.isArray(node) ? node : Object.values(props ?? (node as Record<string, unknown>))) {
    const found = findElement(value, type, seen);
    if (found) return found;
  }
  return undefined;
}

/** The first link in a rendered tree whose href contains `part`. */
function hrefWith(node: unknown, part: string, seen = new Set<unknown>()): string | undefined {
  if (!node || typeof node !== 'object' || seen.has(node)) return undefined;
  seen.add(node);
  const props = (node as { props?: Record<string, unknown> }).props;
  if (typeof props?.href === 'string' && props.href.includes(part)) return props.href;
  for (const value of Array.isArray(node) ? node : Object.values(props ?? (node as Record<string, unknown>))) {
    const found = hrefWith(value, part, seen);
    if (found) return found;
  }
  return undefined;
}

async function signalOf(run: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await run();
    return undefined;
  } catch (error) {
    const digest = (error as { digest?: unknown }).digest;
    if (typeof digest !== 'string') throw error;
    return digest;
  }
}

describe('the staff audit log', () => {
  const test = useTestDatabase();
  const userIds = new Map<string, string>();

  const signIn = (email: string) => {
    session.userId = userIds.get(email);
    session.accountCookie = undefined;
  };

  async function render(params: Record<string, string> = {}) {
    const { default: Page } = await import('@/app/(portal)/operator/audit/page');
    return Page({ searchParams: Promise.resolve(params) });
  }
  const rowsOf = (tree: unknown) => (findElement(tree, AuditLogTable)?.props.rows ?? []) as AuditLogRow[];

  beforeAll(async () => {
    await seedTwoTenants(test.db);
    for (const row of await test.db.select().from(users)) userIds.set(row.email, row.id);
    const staff = await sessionUser(test.db, 'staff@carrier.example');
    // As the provider, job and rate-deck services write them, oldest first.
    await recordPlatformAudit(test.db, staff, { action: 'provider.connect', targetType: 'provider_connection', targetId: '6b1f7e0a-4c1d-4f53-9a57-3f7f2f0c2b11', after: { provider: 'voicetel', name: 'VoiceTel live', baseUrl: 'https://api.voicetel.example' }, ip: '::ffff:10.1.2.3' });
    await recordPlatformAudit(test.db, staff, { action: 'job.retry', targetType: 'job', targetId: 'job-1', before: { queue: 'cdr-pull', state: 'failed' }, after: { state: 'retry' } });
    await saveOverride(staff, { kind: 'local', state: 'TX', monthly: '1.10', setup: '0.50' }, '198.51.100.20');
  });

  it('lists platform changes newest first, in the customer log’s words, and no customer account’s events', async () => {
    signIn('staff@carrier.example');
    const rows = rowsOf(await render());
    // The demo seed's rate deck comes first of all.
    expect(rows.map((row) => row.action)).toEqual(['price.override.create', 'job.retry', 'provider.connect', 'rate_deck.create']);
    expect(rows[0]).toMatchObject({ label: 'Price override added', actor: 'staff@carrier.example', accountName: 'Platform', ip: '198.51.100.20', link: { href: '/operator/prices' } });
    expect(rows[1]).toMatchObject({ label: 'Failed job retried', link: { href: '/operator/jobs' } });
    expect(rows[1]!.diff).toContainEqual(expect.objectContaining({ label: 'State', before: 'failed', after: 'retry' }));
    expect(rows[2]).toMatchObject({ label: 'Carrier connection added', subject: 'VoiceTel live', ip: '10.1.2.3', link: { href: '/operator/providers' } });
    expect(rows[3]).toMatchObject({ label: 'Rate deck created', actor: 'seed', link: { href: expect.stringMatching(/^\/operator\/rate-decks\/[0-9a-f-]{36}$/) } });
    // The seed's account events (Acme's sub-accounts, Globex Branch) belong to the customers' own logs.
    expect(rows.some((row) => row.action === 'account.create')).toBe(false);
  });

  it('filters by event and by who, and says when nothing matches', async () => {
    signIn('staff@carrier.example');
    const tree = await render({ action: 'job.retry' });
    expect(rowsOf(tree).map((row) => row.action)).toEqual(['job.retry']);
    // The event list offers what the platform trail holds, in words.
    expect(textOf(tree)).toContain('Carrier connection added');
    expect(textOf(tree)).not.toContain('Sub-account created');
    expect(rowsOf(await render({ actor: 'owner@acme' }))).toEqual([]);
    expect(textOf(await render({ actor: 'owner@acme' }))).toContain('No events match');
  });

  it('pages by cursor: Older events leads to the next 50, none repeated', async () => {
    const staff = await sessionUser(test.db, 'staff@carrier.example');
    for (let index = 0; index < 55; index++) await recordPlatformAudit(test.db, staff, { action: 'provider.test', targetType: 'provider_connection', targetId: `c-${index}`, after: { ok: index % 2 === 0 } });
    signIn('staff@carrier.example');
    const first = await render();
    const firstRows = rowsOf(first);
    expect(firstRows).toHaveLength(50);
    const older = hrefWith(first, 'before=');
    expect(older).toMatch(/^\/operator\/audit\?/);
    const before = new URL(older!, 'http://portal.test').searchParams.get('before')!;
    expect(before).toBe(firstRows.at(-1)!.id);
    const secondRows = rowsOf(await render({ before }));
    expect(secondRows.map((row) => row.action)).toEqual([...Array(5).fill('provider.test'), 'price.override.create', 'job.retry', 'provider.connect', 'rate_deck.create']);
    expect(new Set([...firstRows, ...secondRows].map((row) => row.id)).size).toBe(59);
    expect(hrefWith(await render({ before }), 'before=')).toBeUndefined();
  });

  it('is refused to customers, on the page and in the service', async () => {
    for (const email of ['owner@acme.example', 'admin@acme.example', 'owner@globex.example']) {
      signIn(email);
      expect(await signalOf(() => render()), email).toMatch(/403/);
      await expect(getPlatformAuditLog(await sessionUser(test.db, email), { filter: {}, limit: 10 })).rejects.toMatchObject({ code: 'forbidden:staff' });
    }
  });

  it('is in the staff navigation only', () => {
    const owner = permissionsFor(['owner']);
    expect(visibleSections(owner, true).staff.map((section) => section.href)).toContain('/operator/audit');
    expect([...visibleSections(owner, false).main, ...visibleSections(owner, false).staff].map((section) => section.href)).not.toContain('/operator/audit');
  });
});
