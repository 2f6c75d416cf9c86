/**
 * The demo's port-ins (first npm start): a draft that resumes at the portability step and a port
 * the losing carrier rejected, whose page says what to fix; a second run adds nothing; no other
 * account sees them. The rejected port reads as one that was submitted: a signed LOA stored as
 * signing stores one, the readiness it was submitted with, and the carrier's order for it.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { portIns, providerConnections } from '@/lib/db/schema';
import { seedDemoPortIns } from '@/lib/services/demo-port-ins';
import { getPortDocumentFile } from '@/lib/services/port-documents';
import { getPortDetail, getPortReadiness, listPortIns } from '@/lib/services/port-ins';
import { sealCredentials } from '@/lib/services/secret-box';
import { useTestDatabase } from '../support/db';
import { accessAs, seedTwoTenants } from '../support/fixtures';
import { useTempDocumentStorage } from '../support/port-ins';

describe('demo port-ins', () => {
  const test = useTestDatabase();

  it('seeds a resumable draft and a rejected port once, in Acme Telecom only', async () => {
    const tenants = await seedTwoTenants(test.db);
    useTempDocumentStorage();
    await test.db.insert(providerConnections).values({ provider: 'voicetel', name: 'VoiceTel demo', baseUrl: 'http://127.0.0.1:9', credentialsCiphertext: sealCredentials({ key: 'k' }), enabled: false });
    const now = new Date('2026-12-03T10:00:00Z');
    expect(await seedDemoPortIns(test.db, now)).toEqual({ created: 2 });
    expect(await seedDemoPortIns(test.db, now)).toEqual({ created: 0 });

    const tech = await accessAs(test.db, 'tech@acme.example', tenants.acme.id);
    const ports = await listPortIns(tech);
    expect(ports.map((port) => [port.label, port.status, port.numberCount]).sort()).toEqual([
      ['Chicago branch lines', 'draft', 3],
      ['Dallas office', 'exception', 2],
    ]);
    expect(ports.find((port) => port.status === 'draft')!.step).toBe('portability');

    const rejected = await getPortDetail(tech, ports.find((port) => port.status === 'exception')!.id);
    expect(rejected.exception).toMatchObject({ code: 'account_number_mismatch', label: 'Account number mismatch' });
    expect(rejected.exception!.fix).toMatch(/account number exactly as it is printed/);
    expect(rejected.canSubmit).toBe(true);
    expect(rejected.events.map((event) => [event.kind, event.toStatus])).toEqual([
      ['created', 'draft'],
      ['document', null],
      ['status', 'submitted'],
      ['upstream', null],
      ['status', 'pending'],
      ['exception', 'exception'],
    ]);
    expect(rejected.events.at(-1)!.actor).toBe('Carrier update');

    // Submitted with a signed LOA, and with the score the readiness check gives it (not a claim of 100/100).
    expect(rejected.documents).toEqual([expect.objectContaining({ kind: 'signed_loa', signedName: 'Olivia Owner', contentType: 'application/pdf' })]);
    const file = await getPortDocumentFile(tech, rejected.id, rejected.documents[0]!.id);
    expect(file.bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const submittedAt = rejected.events.find((event) => event.toStatus === 'submitted')!.createdAt;
    const readiness = await getPortReadiness(tech, rejected.id, submittedAt);
    expect(readiness.findings.find((finding) => finding.rule === 'loa_signed')).toMatchObject({ ok: true });
    expect(readiness.ready).toBe(true);
    const [stored] = await test.db.select({ readinessScore: portIns.readinessScore, upstreamRef: portIns.upstreamRef }).from(portIns).where(eq(portIns.id, rejected.id));
    expect(stored!.readinessScore).toBe(readiness.score);
    expect(rejected.events.find((event) => event.toStatus === 'submitted')!.body).toBe(`Submitted (readiness ${readiness.score}/100).`);
    // It was with the carrier: the carrier's order is on record (for staff), and the timeline says it was sent.
    expect(stored!.upstreamRef).toMatch(/^[A-Za-z0-9]{5}$/);
    expect(rejected.carrierHasOrder).toBe(true);
    expect(rejected.upstreamRef).toBeNull();
    expect(rejected.events.find((event) => event.kind === 'upstream')!.body).toBe(`Sent to the carrier as order ${stored!.upstreamRef}.`);
    expect(JSON.stringify(rejected)).not.toMatch(/voicetel/i);

    const globex = await accessAs(test.db, 'owner@globex.example', tenants.globex.id);
    expect(await listPortIns(globex)).toEqual([]);
    await expect(getPortDetail(globex, rejected.id)).rejects.toMatchObject({ code: 'not_found:port_in' });
  });
});
