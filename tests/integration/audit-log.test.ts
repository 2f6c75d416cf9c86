/**
 * The audit log (issue 12.10) as its readers get it: plain labels, a diff of fields, links to the
 * objects that still exist where the viewer's pages reach them, IPv4 addresses as IPv4, and a CSV
 * export of the filtered view that only owners and admins get, holds only their subtree, reads
 * every batch, and never hands a spreadsheet a formula.
 */
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { auditEvents, phoneNumbers, providerConnections, trunkGroups } from '@/lib/db/schema';
import { exportAuditCsv, getAuditLog } from '@/lib/services/audit';
import { sealCredentials } from '@/lib/services/secret-box';
import { useTestDatabase } from '../support/db';
import { accessAs, seedTwoTenants, sessionUser } from '../support/fixtures';
import { textOf } from '../support/render-text';

const session = vi.hoisted(() => ({ userId: undefined as string | undefined, accountCookie: undefined as string | undefined }));
vi.mock('@/lib/auth/config', async () => (await import('../support/next-mocks')).authConfigMock(session));
vi.mock('next/headers', async () => (await import('../support/next-mocks')).nextHeadersMock(session));
process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS = 'true';

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

/** RFC 4180 records back into cells (quoted fields may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const character = text[index]!;
    if (quoted) {
      if (character === '"' && text[index + 1] === '"') {
        cell += '"';
        index++;
      } else if (character === '"') quoted = false;
      else cell += character;
    } else if (character === '"') quoted = true;
    else if (character === ',') {
      row.push(cell);
      cell = '';
    } else if (character === '\r' && text[index + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      index++;
    } else cell += character;
  }
  return rows;
}

describe('audit log', () => {
  const test = useTestDatabase();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  const ids = { number: '', trunk: '', deletedTrunk: '', eastTrunk: '' };

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    const [connection] = await test.db
      .insert(providerConnections)
      .values({ provider: 'voicetel', name: 'Audit test', baseUrl: 'http://127.0.0.1:9', credentialsCiphertext: sealCredentials({ username: 'u', password: 'p' }) })
      .returning();
    const [number] = await test.db.insert(phoneNumbers).values({ accountId: tenants.east.id, e164: '+13125550100', kind: 'local', state: 'IL', npa: '312', connectionId: connection!.id, monthly: '1.2500' }).returning();
    const trunk = async (accountId: string, name: string) =>
      (
        await test.db
          .insert(trunkGroups)
          .values({ accountId, name, direction: 'both', auth: 'both', allowedIps: ['44.10.20.30/32'], destinations: [{ host: '44.10.20.30', port: 5060, transport: 'udp', priority: 1, weight: 100 }], codecs: ['PCMU'] })
          .returning()
      )[0]!;
    ids.number = number!.id;
    ids.trunk = (await trunk(tenants.acme.id, 'Main PBX')).id;
    ids.deletedTrunk = (await trunk(tenants.acme.id, 'Old PBX')).id;
    ids.eastTrunk = (await trunk(tenants.east.id, 'East PBX')).id;
    await test.db.delete(trunkGroups).where(eq(trunkGroups.id, ids.deletedTrunk));
    const event = (values: Partial<typeof auditEvents.$inferInsert> & { action: string; targetType: string }) => ({ accountId: tenants.acme.id, actorEmail: 'owner@acme.example', ip: '::ffff:203.0.113.7', ...values });
    await test.db.insert(auditEvents).values([
      event({ action: 'trunk_group.update', targetType: 'trunk_group', targetId: ids.trunk, before: { name: 'Main PBX', allowedIps: ['44.10.20.30/32'] }, after: { name: 'Main PBX', allowedIps: ['44.10.20.30/32', '44.10.20.31/32'] } }),
      event({ action: 'trunk_group.delete', targetType: 'trunk_group', targetId: ids.deletedTrunk, before: { name: 'Old PBX' } }),
      event({ accountId: tenants.east.id, action: 'trunk_group.create', targetType: 'trunk_group', targetId: ids.eastTrunk, after: { name: 'East PBX' } }),
      event({ accountId: tenants.east.id, action: 'number.release', targetType: 'phone_number', targetId: ids.number, before: { number: '+13125550100', status: 'active' }, after: { number: '+13125550100', status: 'released' } }),
      // What a person typed lands in the log: a name that is a formula must reach the CSV as text.
      event({ action: 'account.rename', targetType: 'account', targetId: tenants.acme.id, before: { name: 'Acme Telecom' }, after: { name: '=HYPERLINK("http://evil.example","Click")' }, actorEmail: '+owner@acme.example' }),
      event({ action: 'port_in.submit', targetType: 'port_order', targetId: 'PO-1', after: { numbers: ['+13125550111'] } }),
      event({ accountId: tenants.globex.id, action: 'account.rename', targetType: 'account', targetId: tenants.globex.id, before: { name: 'Globex' }, after: { name: 'Globex Corp' }, actorEmail: 'owner@globex.example' }),
    ]);
  });

  describe('the log', () => {
    it('labels events in words, diffs the fields, and shows IPv4 callers as IPv4', async () => {
      const { events, actions } = await getAuditLog(await accessAs(test.db, 'owner@acme.example', tenants.acme.id), { filter: {}, limit: 50 });
      const update = events.find((item) => item.action === 'trunk_group.update')!;
      expect(update.label).toBe('Trunk group changed');
      expect(update.diff).toEqual([{ field: 'allowedIps', label: 'Allowed IPs', before: '44.10.20.30/32', after: '44.10.20.30/32, 44.10.20.31/32', kind: 'changed' }]);
      expect(update.ip).toBe('203.0.113.7');
      expect(events.find((item) => item.action === 'port_in.submit')!.label).toBe('Port in: submit');
      expect(actions).toContainEqual({ value: 'trunk_group.update', label: 'Trunk group changed' });
      expect(events.some((item) => item.accountName === 'Globex')).toBe(false);
    });

    it('links objects that still exist and that the viewer’s pages open; not deleted ones, not other pages’ scopes', async () => {
      const { events } = await getAuditLog(await accessAs(test.db, 'owner@acme.example', tenants.acme.id), { filter: {}, limit: 50 });
      const linkOf = (action: string) => events.find((item) => item.action === action)!.link;
      expect(linkOf('trunk_group.update')).toEqual({ href: `/trunk-groups/${ids.trunk}`, label: 'Open Main PBX' });
      expect(linkOf('number.release')).toEqual({ href: `/numbers/${ids.number}`, label: 'Open (312) 555-0100' });
      expect(linkOf('account.rename')?.href).toBe(`/account/${tenants.acme.id}`);
      expect(linkOf('trunk_group.delete')).toBeUndefined();
      // A sub-account's trunk group opens from that account (the trunk group pages are per account).
      expect(linkOf('trunk_group.create')).toBeUndefined();
      const east = await getAuditLog(await accessAs(test.db, 'owner@acme.example', tenants.east.id), { filter: {}, limit: 50 });
      expect(east.events.find((item) => item.action === 'trunk_group.create')!.link?.href).toBe(`/trunk-groups/${ids.eastTrunk}`);
    });

    it('the page shows labels and diffs, not key: value dumps or ::ffff: addresses', async () => {
      session.userId = (await sessionUser(test.db, 'owner@acme.example')).id;
      session.accountCookie = tenants.acme.id;
      const { default: Page } = await import('@/app/(portal)/account/audit/page');
      const text = textOf(await Page({ searchParams: Promise.resolve({}) }));
      expect(text).toContain('Trunk group changed');
      expect(text).toContain('Allowed IPs');
      expect(text).toContain('203.0.113.7');
      expect(text).not.toContain('::ffff:');
      expect(text).not.toMatch(/allowedIps:|name: /);
      expect(text).toContain('/api/v1/audit/export');
    });
  });

  describe('CSV export', () => {
    const exportAs = async (email: string, query = '', accountCookie?: string) => {
      session.userId = (await sessionUser(test.db, email)).id;
      session.accountCookie = accountCookie ?? tenants.acme.id;
      const { GET } = await import('@/app/api/v1/audit/export/route');
      return GET(new Request(`http://portal.test/api/v1/audit/export${query}`), {} as never);
    };

    it('gives owners and admins the subtree’s events as CSV, and nobody else’s', async () => {
      for (const email of ['owner@acme.example', 'admin@acme.example']) {
        const response = await exportAs(email);
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
        expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="audit-log-acme-telecom-\d{4}-\d{2}-\d{2}\.csv"$/);
        const rows = parseCsv(await response.text());
        expect(rows[0]).toEqual(['time_utc', 'who', 'by_operator_staff', 'event', 'event_key', 'account', 'object_type', 'object_id', 'object', 'field', 'before', 'after', 'ip']);
        const accountsListed = new Set(rows.slice(1).map((row) => row[5]));
        expect(accountsListed.has(tenants.east.name)).toBe(true);
        expect(accountsListed.has('Globex')).toBe(false);
        expect(rows.flat().join(' ')).not.toContain('Globex Corp');
      }
    });

    it('refuses technical, finance and viewer roles, and another tenant’s account', async () => {
      for (const email of ['tech@acme.example', 'finance@acme.example', 'viewer@acme.example']) expect((await exportAs(email)).status).toBe(403);
      expect((await exportAs('owner@globex.example', `?accountId=${tenants.acme.id}`, tenants.globex.id)).status).toBe(404);
      const globex = parseCsv(await (await exportAs('owner@globex.example', '', tenants.globex.id)).text());
      expect(new Set(globex.slice(1).map((row) => row[5]))).toEqual(new Set(['Globex', 'Globex Branch']));
      expect(globex.flat().join(' ')).not.toContain('Acme');
    });

    it('holds the filtered view only, and says which filter is wrong', async () => {
      const rows = parseCsv(await (await exportAs('owner@acme.example', '?action=trunk_group')).text()).slice(1);
      expect(new Set(rows.map((row) => row[4]))).toEqual(new Set(['trunk_group.update', 'trunk_group.delete', 'trunk_group.create']));
      const bad = await exportAs('owner@acme.example', '?from=2026-02-30');
      expect(bad.status).toBe(400);
      expect((await bad.json()).error.fields.from[0]).toContain('not a real date');
    });

    it('never starts a cell with a formula character, and writes one line per changed field', async () => {
      const text = await (await exportAs('owner@acme.example', '?action=account.rename')).text();
      const rows = parseCsv(text).slice(1);
      expect(rows).toHaveLength(1);
      const [row] = rows;
      expect(row![1]).toBe("'+owner@acme.example");
      expect(row!.slice(9, 12)).toEqual(['Name', 'Acme Telecom', `'=HYPERLINK("http://evil.example","Click")`]);
      expect(row![12]).toBe('203.0.113.7');
      for (const cell of parseCsv(text).flat()) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
      const release = parseCsv(await (await exportAs('owner@acme.example', '?action=number.release')).text()).slice(1);
      expect(release.map((line) => [line[3], line[8], line[9], line[10], line[11]])).toEqual([['Number released', '(312) 555-0100', 'Status', 'active', 'released']]);
    });

    it('reads the whole trail batch by batch, newest first, each event once', async () => {
      const owner = await accessAs(test.db, 'owner@acme.example', tenants.acme.id);
      const whole = parseCsv(await readAll(exportAuditCsv(owner, {}, { batchSize: 2 }))).slice(1);
      const once = parseCsv(await readAll(exportAuditCsv(owner, {}, { batchSize: 1000 }))).slice(1);
      expect(whole).toEqual(once);
      const times = whole.map((row) => row[0]!);
      expect([...times].sort().reverse()).toEqual(times);
      for (const key of ['trunk_group.update', 'trunk_group.delete', 'trunk_group.create', 'number.release', 'account.rename', 'port_in.submit']) expect(whole.map((row) => row[4])).toContain(key);
    });
  });
});
