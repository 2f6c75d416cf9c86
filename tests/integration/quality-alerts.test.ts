/**
 * Quality alerts end to end: four weeks of normal calls and one bad 15 minutes, ingested through
 * ingestCdrBatch, give exactly one alert (ASR; PDD stays normal); a thin destination gives none;
 * the alert goes out as a quality.alert event (webhook delivery, in-app, e-mail); it updates rather
 * than duplicates, resolves when the next window is normal, is acknowledged by technical roles only,
 * and is not found from another tenant.
 */
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { accountEvents, notificationMails, notifications, outboxMessages, qualityAlerts, users, webhookDeliveries, webhookEndpoints } from '@/lib/db/schema';
import { WEEK_MS } from '@/lib/quality/baseline';
import { dispatchAccountEvents } from '@/lib/services/account-events';
import { ingestCdrBatch, type CdrInput } from '@/lib/services/cdr-ingest';
import { acknowledgeQualityAlert, evaluateQualityAlerts, getQualityAlert, getQualityAlertChart, listQualityAlerts } from '@/lib/services/quality-alerts';
import { sealSecret } from '@/lib/services/secret-box';
import { useTestDatabase } from '../support/db';
import { accessAs, seedRoleUsers, seedTwoTenants } from '../support/fixtures';

const MINUTE = 60_000;

describe('Quality alerts: the last 15 minutes against the same time of week', () => {
  const test = useTestDatabase();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  // The bad window is [end − 15 min, end); the next 15 minutes are normal again. An hour ago, so every call is in the past.
  const end = Math.floor((Date.now() - 60 * MINUTE) / (5 * MINUTE)) * (5 * MINUTE);
  let sequence = 0;

  /** `count` calls spread over the 15 minutes from `start`: the first `answered` answered; PDD 1 s each. */
  function calls(start: number, { count, answered, to }: { count: number; answered: number; to: string }): CdrInput[] {
    return Array.from({ length: count }, (_, i) => {
      const inviteAt = new Date(start + Math.floor((i * 15 * MINUTE) / count));
      const ok = i < answered;
      return {
        source: 'switch-test',
        sourceId: `call-${sequence++}`,
        accountId: tenants.globex.id,
        direction: 'outbound' as const,
        from: '+12125550100',
        to,
        inviteAt,
        ringingAt: new Date(inviteAt.getTime() + 1000),
        ...(ok ? { answerAt: new Date(inviteAt.getTime() + 5000), endAt: new Date(inviteAt.getTime() + 65_000) } : {}),
        sipCode: ok ? 200 : 503,
      };
    });
  }

  async function ingest(inputs: CdrInput[]) {
    const result = await ingestCdrBatch(test.db, inputs.map((input, i) => ({ line: i + 1, input })));
    expect(result.rejected).toEqual([]);
    expect(result.accepted).toBe(inputs.length);
  }

  const UK = '+442079460123';
  const FRANCE = '+33142685300';

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    await seedRoleUsers(test.db, tenants.globex.id, 'globex.example');
    await test.db.insert(webhookEndpoints).values({
      accountId: tenants.globex.id,
      url: 'https://93.184.216.34/hooks/quality',
      eventTypes: ['quality.alert'],
      secretSealed: sealSecret('whsec_cXVhbGl0eS1hbGVydHMtdGVzdC1zZWNyZXQtMTI'),
    });
    const inputs: CdrInput[] = [];
    for (let week = 1; week <= 4; week++) {
      const shifted = end - week * WEEK_MS;
      // Normal: 60 calls per 15 minutes at ASR 50% (one week at 55%), both the bad window's time and the next.
      inputs.push(...calls(shifted - 15 * MINUTE, { count: 60, answered: week === 2 ? 33 : 30, to: UK }));
      inputs.push(...calls(shifted, { count: 60, answered: 30, to: UK }));
      // France is thin: 10 calls a window, never enough to judge.
      inputs.push(...calls(shifted - 15 * MINUTE, { count: 10, answered: 5, to: FRANCE }));
    }
    // The bad window: ASR 20% on the UK (PDD unchanged), France fails entirely but on 10 calls.
    inputs.push(...calls(end - 15 * MINUTE, { count: 60, answered: 12, to: UK }));
    inputs.push(...calls(end - 15 * MINUTE, { count: 10, answered: 0, to: FRANCE }));
    for (let i = 0; i < inputs.length; i += 500) await ingest(inputs.slice(i, i + 500));
  });

  const globexAlerts = () => test.db.select().from(qualityAlerts).where(eq(qualityAlerts.accountId, tenants.globex.id));

  it('opens exactly one alert: ASR of the UK calls, with its window, baseline, threshold and volume', async () => {
    const result = await evaluateQualityAlerts({ at: new Date(end + 2 * MINUTE) });
    expect(result.windowEnd.getTime()).toBe(end);
    const alerts = await globexAlerts();
    expect(alerts).toHaveLength(1);
    const [alert] = alerts;
    // Weeks: 0.5, 0.55, 0.5, 0.5 → median 0.5, MAD 0; 2 SE over 60 calls = 2·√(0.25/60) = 0.1291 → threshold 0.3709.
    expect(alert).toMatchObject({ metric: 'asr', trunkGroupId: null, destination: 'GB', observed: 0.2, baseline: 0.5, spread: 0, volume: 60, baselineWeeks: 4, resolvedAt: null, acknowledgedAt: null });
    expect(alert!.threshold).toBeCloseTo(0.5 - 2 * Math.sqrt(0.25 / 60), 9);
    expect(alert!.windowStart.getTime()).toBe(end - 15 * MINUTE);
    expect(alert!.windowEnd.getTime()).toBe(end);
    expect(alert!.openedAt.getTime()).toBe(end);
  });

  it('publishes quality.alert once: a webhook delivery, a notification and an e-mail for members who may read usage', async () => {
    const events = await test.db.select().from(accountEvents).where(and(eq(accountEvents.accountId, tenants.globex.id), eq(accountEvents.type, 'quality.alert')));
    expect(events).toHaveLength(1);
    const [alert] = await globexAlerts();
    expect(events[0]!.data).toMatchObject({ alertId: alert!.id, status: 'open', metric: 'asr', destination: 'GB', observed: 0.2, baseline: 0.5, attempts: 60, trunkGroupId: null });
    await dispatchAccountEvents(test.db);
    expect(await test.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.eventId, events[0]!.id))).toHaveLength(1);
    const bell = await test.db
      .select({ email: users.email, title: notifications.title, body: notifications.body, link: notifications.link })
      .from(notifications)
      .innerJoin(users, eq(users.id, notifications.userId))
      .where(eq(notifications.eventId, events[0]!.publicId));
    // Every role of Globex has usage.read; the owner too. Nobody of the demo tenant.
    expect(bell.map((row) => row.email).sort()).toEqual(['admin@globex.example', 'finance@globex.example', 'owner@globex.example', 'technical@globex.example', 'viewer@globex.example']);
    expect(bell[0]).toMatchObject({ title: 'ASR dropped', link: `/usage/alerts/${alert!.id}` });
    expect(bell[0]!.body).toBe('ASR of calls to United Kingdom in Globex was 20% over 15 minutes (60 attempts); at this time of the week it is normally 50%.');
    const mails = await test.db.select({ to: outboxMessages.toAddress }).from(notificationMails).innerJoin(outboxMessages, eq(outboxMessages.id, notificationMails.outboxMessageId)).where(eq(notificationMails.eventId, events[0]!.publicId));
    expect(mails.length).toBe(bell.length);
  });

  it('updates the open alert on re-evaluation instead of opening another or publishing again', async () => {
    const again = await evaluateQualityAlerts({ at: new Date(end) });
    expect(again).toMatchObject({ opened: 0, updated: 1, resolved: 0 });
    expect(await globexAlerts()).toHaveLength(1);
    expect(await test.db.select().from(accountEvents).where(and(eq(accountEvents.accountId, tenants.globex.id), eq(accountEvents.type, 'quality.alert')))).toHaveLength(1);
  });

  it('shows the chart at that moment: the rule evaluated every 5 minutes around it, with the baseline and threshold', async () => {
    const owner = await accessAs(test.db, 'owner@globex.example', tenants.globex.id);
    const [alert] = await globexAlerts();
    const { points } = await getQualityAlertChart(owner, alert!.id, new Date(end + 15 * MINUTE));
    const at = (time: number) => points.find((point) => point.at === new Date(time).toISOString());
    expect(at(end)).toMatchObject({ attempts: 60, observed: 0.2, baseline: 0.5 });
    // 10 minutes later only the bad window's last 5 minutes hold calls so far: 20 calls, none answered (its 12 answered came first); baseline still 0.5.
    expect(at(end + 10 * MINUTE)).toMatchObject({ attempts: 20, observed: 0, baseline: 0.5 });
    expect(at(end - 3 * 3600_000)).toMatchObject({ attempts: 0, observed: null, baseline: null });
  });

  it('resolves when the next window is back to normal, and says so once', async () => {
    const result = await evaluateQualityAlerts({ at: new Date(end + 15 * MINUTE) });
    expect(result.resolved).toBe(0); // nothing was ingested for the new window yet: not judged, stays open
    expect((await globexAlerts())[0]!.resolvedAt).toBeNull();
    await ingest(calls(end, { count: 60, answered: 31, to: UK }));
    expect(await evaluateQualityAlerts({ at: new Date(end + 15 * MINUTE) })).toMatchObject({ resolved: 1, opened: 0 });
    const [alert] = await globexAlerts();
    expect(alert!.resolvedAt?.getTime()).toBe(end + 15 * MINUTE);
    expect(alert!.observed).toBe(0.2); // the breach's figures stay
    // An older window cannot reopen or touch it.
    expect(await evaluateQualityAlerts({ at: new Date(end) })).toMatchObject({ opened: 0, updated: 0, resolved: 0 });
    const events = await test.db.select().from(accountEvents).where(and(eq(accountEvents.accountId, tenants.globex.id), eq(accountEvents.type, 'quality.alert')));
    expect(events.map((event) => (event.data as { status: string }).status)).toEqual(['open', 'resolved']);
  });

  it('lets technical, admin and owner acknowledge; viewer and finance may read but not acknowledge', async () => {
    const [alert] = await globexAlerts();
    for (const role of ['viewer', 'finance'] as const) {
      const access = await accessAs(test.db, `${role}@globex.example`, tenants.globex.id);
      expect((await getQualityAlert(access, alert!.id)).id).toBe(alert!.id);
      await expect(acknowledgeQualityAlert(access, alert!.id)).rejects.toMatchObject({ code: 'forbidden:role' });
    }
    const technical = await accessAs(test.db, 'technical@globex.example', tenants.globex.id);
    const acknowledged = await acknowledgeQualityAlert(technical, alert!.id, new Date(end + 20 * MINUTE));
    expect(acknowledged).toMatchObject({ acknowledgedAt: new Date(end + 20 * MINUTE).toISOString(), acknowledgedBy: 'technical of globex.example' });
    // A second acknowledgement changes nothing.
    const admin = await accessAs(test.db, 'admin@globex.example', tenants.globex.id);
    expect(await acknowledgeQualityAlert(admin, alert!.id)).toMatchObject({ acknowledgedBy: 'technical of globex.example' });
  });

  it('is not found from another tenant or a sub-account, and lists only the caller’s subtree', async () => {
    const [alert] = await globexAlerts();
    const acmeOwner = await accessAs(test.db, 'owner@acme.example', tenants.acme.id);
    await expect(getQualityAlert(acmeOwner, alert!.id)).rejects.toMatchObject({ code: 'not_found:quality_alert' });
    await expect(acknowledgeQualityAlert(acmeOwner, alert!.id)).rejects.toMatchObject({ code: 'not_found:quality_alert' });
    await expect(getQualityAlertChart(acmeOwner, alert!.id)).rejects.toMatchObject({ code: 'not_found:quality_alert' });
    await expect(getQualityAlert(acmeOwner, 'not-an-id')).rejects.toMatchObject({ code: 'not_found:quality_alert' });
    expect((await listQualityAlerts(acmeOwner)).data.filter((row) => row.accountId === tenants.globex.id)).toEqual([]);
    const branch = await accessAs(test.db, 'owner@globex.example', tenants.globexBranch.id);
    await expect(getQualityAlert(branch, alert!.id)).rejects.toMatchObject({ code: 'not_found:quality_alert' });
    const globexOwner = await accessAs(test.db, 'owner@globex.example', tenants.globex.id);
    const listed = await listQualityAlerts(globexOwner);
    expect(listed.total).toBe(1);
    expect(listed.data[0]).toMatchObject({ id: alert!.id, status: 'resolved', trunkGroupName: null, accountName: 'Globex' });
    expect((await listQualityAlerts(globexOwner, { status: 'resolved' })).data.map((row) => row.id)).toEqual([alert!.id]);
  });
});
