/**
 * The audit log reads like a person wrote it: every event key the code records has a plain label
 * (read from the code, so a new key without one fails here), before/after is a diff of fields, the
 * caller's IPv4 address is not shown in its IPv6-mapped form, and CSV cells never run as formulas.
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AUDIT_EVENT_LABELS, auditDiff, auditEventLabel, auditSubject, csvCell, csvRow, formatIp } from '@/lib/views/audit-events';

const root = path.resolve(import.meta.dirname, '../..');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(relative);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [relative] : [];
  });
}

const DOTTED_KEY = /['"`]([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)['"`]/g;

/**
 * Event keys written by the code: every quoted dotted key in an `action:` property of a file that
 * records audit events (recordAudit, recordPlatformAudit, insertAuditEvent or a raw insert into
 * auditEvents), ternaries included (`action: a ? 'x.y' : 'x.z'`), and every constant named
 * `…_ACTION` holding one (`const ACTING_AS_ACTION = 'staff.acting_as'`, passed on to a recorder).
 */
function auditKeysInCode(): Map<string, string> {
  const keys = new Map<string, string>();
  for (const file of [...sourceFiles('lib'), ...sourceFiles('app')]) {
    const source = fs.readFileSync(path.join(root, file), 'utf8');
    if (!/recordAudit\(|recordPlatformAudit\(|insertAuditEvent\(|insert\(auditEvents\)/.test(source)) continue;
    for (const match of source.matchAll(/\baction:\s*([^\n]+)/g)) {
      for (const key of match[1]!.matchAll(DOTTED_KEY)) keys.set(key[1]!, file);
    }
    for (const match of source.matchAll(/\bconst\s+[A-Z][A-Z0-9_]*_ACTION\s*=\s*([^\n;]+)/g)) {
      for (const key of match[1]!.matchAll(DOTTED_KEY)) keys.set(key[1]!, file);
    }
  }
  return keys;
}

describe('audit event labels', () => {
  it('finds the event keys the code records (the scan itself works)', () => {
    const keys = auditKeysInCode();
    for (const key of ['trunk_group.update', 'order.place', 'account.suspend', 'account.reactivate', 'e911.address_create', 'price.override.update']) {
      expect(keys.has(key), key).toBe(true);
    }
  });

  it('has a plain-language label for every event key written in the code', () => {
    const missing = [...auditKeysInCode()].filter(([key]) => !(key in AUDIT_EVENT_LABELS)).map(([key, file]) => `${key} (${file})`);
    expect(missing, 'add these keys to AUDIT_EVENT_LABELS in lib/views/audit-events.ts').toEqual([]);
  });

  it('labels read as words, never as the key', () => {
    expect(auditEventLabel('trunk_group.update')).toBe('Trunk group changed');
    for (const [key, label] of Object.entries(AUDIT_EVENT_LABELS)) {
      expect(label).not.toContain(key);
      expect(label).not.toMatch(/[._]/);
    }
  });

  it('an unknown key falls back to a readable form', () => {
    expect(auditEventLabel('port_in.submit')).toBe('Port in: submit');
    expect(auditEventLabel('billing.invoice.send_reminder')).toBe('Billing: invoice send reminder');
    expect(auditEventLabel('cdrs')).toBe('Cdrs');
    expect(auditEventLabel('sipTrunk.allowedIps')).toBe('SIP trunk: allowed IPs');
    fc.assert(fc.property(fc.stringMatching(/^[a-z][a-z_]{0,12}(\.[a-z_]{1,12}){1,3}$/), (key) => !/[._]/.test(auditEventLabel(key))));
  });
});

describe('before/after as a diff', () => {
  it('shows each changed field with its before and after, and leaves unchanged fields out', () => {
    const rows = auditDiff(
      { name: 'Main PBX', allowedIps: ['44.10.20.30/32'], status: 'active', maxConcurrentCalls: 10 },
      { name: 'Main PBX', allowedIps: ['44.10.20.30/32', '44.10.20.31/32'], status: 'disabled', maxConcurrentCalls: 10 },
    );
    expect(rows).toEqual([
      { field: 'allowedIps', label: 'Allowed IPs', before: '44.10.20.30/32', after: '44.10.20.30/32, 44.10.20.31/32', kind: 'changed' },
      { field: 'status', label: 'Status', before: 'active', after: 'disabled', kind: 'changed' },
    ]);
  });

  it('a created object shows its fields as added, a deleted one as removed', () => {
    expect(auditDiff(null, { email: 'new@acme.example', role: 'viewer' })).toEqual([
      { field: 'email', label: 'Email', before: '—', after: 'new@acme.example', kind: 'added' },
      { field: 'role', label: 'Role', before: '—', after: 'viewer', kind: 'added' },
    ]);
    expect(auditDiff({ requireE911ForRouting: true }, undefined)).toEqual([{ field: 'requireE911ForRouting', label: 'Emergency address required before routing', before: 'Yes', after: '—', kind: 'removed' }]);
  });

  it('formats values a person reads: yes/no, phone numbers, UTC times, long lists cut short', () => {
    const [billed] = auditDiff({ billedUntil: null }, { billedUntil: '2026-12-31T23:59:59.999Z' });
    expect(billed).toMatchObject({ label: 'Billed until', before: '—', after: '2026-12-31 23:59 UTC' });
    const numbers = Array.from({ length: 12 }, (_, index) => `+1312555${String(index).padStart(4, '0')}`);
    const [row] = auditDiff(undefined, { numbers }, { maxItems: 3 });
    expect(row!.after).toBe('(312) 555-0000, (312) 555-0001, (312) 555-0002 and 9 more');
    const [nested] = auditDiff(undefined, { destinations: [{ host: 'pbx.example', port: 5060 }] });
    expect(nested!.after).toBe('Host pbx.example; Port 5060');
    expect(nested!.after).not.toContain('{');
  });

  it('never renders as key: value dumps or JSON', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.stringMatching(/^[a-z][a-zA-Z]{0,10}$/), fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null))), fc.dictionary(fc.stringMatching(/^[a-z][a-zA-Z]{0,10}$/), fc.oneof(fc.string(), fc.integer(), fc.boolean())), (before, after) => {
        for (const row of auditDiff(before, after)) {
          expect(row.label).not.toContain(':');
          expect(row.before === row.after && row.kind === 'changed').toBe(false);
        }
      }),
    );
  });

  it('names what the event is about when the record does', () => {
    expect(auditSubject({ number: '+13125550100', status: 'active' }, { number: '+13125550100', status: 'released' })).toBe('(312) 555-0100');
    expect(auditSubject(undefined, { email: 'a@acme.example', role: 'viewer' })).toBe('a@acme.example');
    expect(auditSubject(undefined, { status: 'active' })).toBeUndefined();
  });
});

describe('IP addresses', () => {
  it('shows an IPv4-mapped IPv6 address as IPv4', () => {
    expect(formatIp('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(formatIp('::FFFF:10.1.2.3')).toBe('10.1.2.3');
    expect(formatIp('0:0:0:0:0:ffff:192.168.0.1')).toBe('192.168.0.1');
    expect(formatIp('::ffff:7f00:1')).toBe('127.0.0.1');
  });

  it('leaves other addresses as they are', () => {
    expect(formatIp('203.0.113.9')).toBe('203.0.113.9');
    expect(formatIp('2001:db8::1')).toBe('2001:db8::1');
    expect(formatIp('::1')).toBe('::1');
    expect(formatIp('::ffff:999.1.1.1')).toBe('::ffff:999.1.1.1');
    expect(formatIp(null)).toBe('');
  });

  it('maps every IPv4 address back to itself', () => {
    fc.assert(
      fc.property(fc.ipV4(), (ip) => {
        expect(formatIp(`::ffff:${ip}`)).toBe(ip);
        const [a, b, c, d] = ip.split('.').map(Number) as [number, number, number, number];
        expect(formatIp(`::ffff:${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`)).toBe(ip);
      }),
    );
  });
});

describe('CSV cells', () => {
  it('prefixes cells a spreadsheet would run as a formula', () => {
    expect(csvCell('=HYPERLINK("http://evil.example","x")')).toBe(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
    expect(csvCell('+1 312 555 0100')).toBe("'+1 312 555 0100");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\t=1')).toBe("'\t=1");
    expect(csvCell('plain, with comma')).toBe('"plain, with comma"');
    expect(csvCell('owner@acme.example')).toBe('owner@acme.example');
    expect(csvRow(['a', null, 3])).toBe('a,,3\r\n');
  });

  it('no cell starts with a formula character, and every cell reads back as written (plus the apostrophe)', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const cell = csvCell(text);
        const unquoted = cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell;
        expect(unquoted).not.toMatch(/^[=+\-@\t\r]/);
        expect(unquoted).toBe(/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);
      }),
    );
  });
});
