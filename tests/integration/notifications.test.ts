import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { ACCOUNT_EVENT_TYPES, type AccountEventData, type AccountEventType } from '@/lib/api/events';
import { accountEvents, accounts, memberships, notificationMails, notifications, outboxMessages, phoneNumbers, providerConnections, users } from '@/lib/db/schema';
import { sealCredentials } from '@/lib/services/secret-box';
import { PROVIDER_NAMES } from '@/lib/providers/errors';
import { dispatchAccountEvents, publishAccountEvent } from '@/lib/services/account-events';
import { getNotificationPreferences, listNotifications, markAllNotificationsRead, markNotificationRead, notifyAccountEvent, saveNotificationPreferences } from '@/lib/services/notifications';
import { hashPassword } from '@/lib/services/users';
import { formToObject, nestFields } from '@/lib/validations/form-data';
import { notificationPreferencesSchema, preferenceFieldKey } from '@/lib/validations/notifications';
import { unreadBadge } from '@/components/shell/notification-bell';
import { useTestDatabase } from '../support/db';
import { seedTwoTenants, sessionUser } from '../support/fixtures';

const session = vi.hoisted(() => ({ userId: undefined as string | undefined, accountCookie: undefined as string | undefined }));
vi.mock('@/lib/auth/config', async () => (await import('../support/next-mocks')).authConfigMock(session));
vi.mock('next/headers', async () => (await import('../support/next-mocks')).nextHeadersMock(session));
vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));

const CARRIER_WORDS = 'VoiceTel answered 503: trunk sip-7781 rejected by upstream';

describe('Notifications: the bell and e-mail for account events', () => {
  const test = useTestDatabase();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  const ids: Record<string, string> = {};

  async function addMember(email: string, accountId: string, role: 'owner' | 'technical' | 'finance', options: { disabled?: boolean } = {}) {
    const [user] = await test.db
      .insert(users)
      .values({ email, name: email.split('@')[0]!, passwordHash: await hashPassword('member-password-1'), disabledAt: options.disabled ? new Date() : null })
      .returning();
    await test.db.insert(memberships).values({ userId: user!.id, accountId, role });
    return user!.id;
  }

  async function publish<Type extends AccountEventType>(accountId: string, type: Type, data: AccountEventData<Type>): Promise<string> {
    const eventId = await publishAccountEvent(test.db, { accountId, type, data });
    await dispatchAccountEvents(test.db);
    return eventId;
  }

  const recipientsOf = async (eventId: string) =>
    (await test.db.select({ email: users.email }).from(notifications).innerJoin(users, eq(users.id, notifications.userId)).where(eq(notifications.eventId, eventId)))
      .map((row) => row.email)
      .sort();

  const mailsOf = async (eventId: string) =>
    test.db
      .select({ to: outboxMessages.toAddress, subject: outboxMessages.subject, text: outboxMessages.bodyText })
      .from(notificationMails)
      .innerJoin(outboxMessages, eq(outboxMessages.id, notificationMails.outboxMessageId))
      .where(eq(notificationMails.eventId, eventId));

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    ids.westTech = await addMember('west-tech@acme.example', tenants.west.id, 'technical');
    ids.eastTech = await addMember('east-tech@acme.example', tenants.east.id, 'technical');
    ids.westFinance = await addMember('west-finance@acme.example', tenants.west.id, 'finance');
    ids.gone = await addMember('gone@acme.example', tenants.acme.id, 'owner', { disabled: true });
    for (const email of ['owner@acme.example', 'tech@acme.example', 'finance@acme.example', 'owner@globex.example', 'staff@carrier.example']) ids[email] = (await sessionUser(test.db, email)).id;
  });

  it('reaches members of the account and its ancestors whose role sees the event; not finance, other branches, disabled users, staff or other tenants', async () => {
    const trunkGroupId = crypto.randomUUID();
    const eventId = await publish(tenants.west.id, 'trunk_group.sync_failed', { trunkGroupId, name: 'West PBX', reason: CARRIER_WORDS });
    expect(await recipientsOf(eventId)).toEqual(['admin@acme.example', 'owner@acme.example', 'tech@acme.example', 'viewer@acme.example', 'west-tech@acme.example']);

    const [row] = await test.db.select().from(notifications).where(eq(notifications.eventId, eventId)).limit(1);
    expect(row).toMatchObject({ accountId: tenants.west.id, type: 'trunk_group.sync_failed', link: `/trunk-groups/${trunkGroupId}`, readAt: null });
    expect(row!.body).toContain('West PBX');
    expect(row!.body).toContain('Acme West');

    // Failures are e-mailed by default, to the same people, with no carrier's name or words.
    const mails = await mailsOf(eventId);
    expect(mails.map((mail) => mail.to).sort()).toEqual(await recipientsOf(eventId));
    for (const mail of mails) {
      expect(mail.text).toContain(`/trunk-groups/${trunkGroupId}`);
      for (const words of [...Object.values(PROVIDER_NAMES), 'sip-7781', '503']) {
        expect(`${mail.subject}\n${mail.text}`.toLowerCase()).not.toContain(words.toLowerCase());
        expect(`${row!.title}\n${row!.body}`.toLowerCase()).not.toContain(words.toLowerCase());
      }
    }
  });

  it('tells every member who can read the account about an order (finance too), and nobody of another tenant', async () => {
    const orderId = crypto.randomUUID();
    const eventId = await publish(tenants.west.id, 'order.completed', { orderId, status: 'partial', activated: ['+14155550100'], failed: ['+14155550101', '+14155550102'] });
    const recipients = await recipientsOf(eventId);
    expect(recipients).toContain('finance@acme.example');
    expect(recipients).toContain('west-finance@acme.example');
    expect(recipients).not.toContain('east-tech@acme.example');
    expect(recipients).not.toContain('owner@globex.example');
    expect(recipients).not.toContain('gone@acme.example');
    const [row] = await test.db.select().from(notifications).where(eq(notifications.eventId, eventId)).limit(1);
    expect(row).toMatchObject({ title: 'Number order partly complete', link: `/numbers/orders/${orderId}` });
    expect(row!.body).toBe('1 number is now on Acme West; 2 numbers could not be bought and were not charged.');
    // Orders are not e-mailed by default.
    expect(await mailsOf(eventId)).toEqual([]);

    const globexEvent = await publish(tenants.globex.id, 'order.completed', { orderId, status: 'completed', activated: ['+14155550100'], failed: [] });
    expect(await recipientsOf(globexEvent)).toEqual(['owner@globex.example']);
  });

  it('follows each user’s choices per event type and channel, from the settings form', async () => {
    const tech = await sessionUser(test.db, 'tech@acme.example');
    expect((await getNotificationPreferences(tech))['order.completed']).toEqual({ inApp: true, email: false });

    const form = new FormData();
    for (const key of ACCOUNT_EVENT_TYPES.map(preferenceFieldKey)) {
      form.append(`${key}.inApp`, 'off');
      if (key !== 'order_completed') form.append(`${key}.inApp`, 'on');
      form.append(`${key}.email`, 'off');
      if (key === 'order_completed') form.append(`${key}.email`, 'on');
    }
    await saveNotificationPreferences(tech, notificationPreferencesSchema.parse(nestFields(formToObject(form))));
    expect(await getNotificationPreferences(tech)).toMatchObject({ 'order.completed': { inApp: false, email: true }, 'trunk_group.sync_failed': { inApp: true, email: false } });

    const orderId = crypto.randomUUID();
    const eventId = await publish(tenants.acme.id, 'order.completed', { orderId, status: 'completed', activated: ['+14155550110'], failed: [] });
    expect(await recipientsOf(eventId)).not.toContain('tech@acme.example');
    expect((await mailsOf(eventId)).map((mail) => mail.to)).toEqual(['tech@acme.example']);

    const failure = await publish(tenants.acme.id, 'trunk_group.sync_failed', { trunkGroupId: crypto.randomUUID(), name: 'Main', reason: 'x' });
    expect(await recipientsOf(failure)).toContain('tech@acme.example');
    expect((await mailsOf(failure)).map((mail) => mail.to)).not.toContain('tech@acme.example');

    // A form that leaves a row out is refused, not read as "off".
    const partial = new FormData();
    partial.append('order_completed.inApp', 'off');
    partial.append('order_completed.email', 'off');
    const refused = notificationPreferencesSchema.safeParse(nestFields(formToObject(partial)));
    expect(refused.success).toBe(false);
    expect(refused.error?.issues.map((issue) => issue.path[0])).toContain('number_released');
  });

  it('makes one row and one e-mail per user however often an event is dispatched', async () => {
    const eventId = await publishAccountEvent(test.db, { accountId: tenants.acme.id, type: 'e911.registration_failed', data: { e164: '+14155550199', addressId: null, reason: CARRIER_WORDS } });
    const [event] = await test.db.select().from(accountEvents).where(eq(accountEvents.publicId, eventId));
    await test.db.transaction(async (tx) => {
      await notifyAccountEvent(tx, event!);
      await notifyAccountEvent(tx, event!);
    });
    await test.db.transaction((tx) => notifyAccountEvent(tx, event!));
    await dispatchAccountEvents(test.db);
    const rows = await test.db.select().from(notifications).where(eq(notifications.eventId, eventId));
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((row) => row.userId)).size).toBe(rows.length);
    const mails = await mailsOf(eventId);
    expect(new Set(mails.map((mail) => mail.to)).size).toBe(mails.length);
    // Everyone in the bell is e-mailed too, but the tech, who turned failure e-mail off above.
    expect(mails.map((mail) => mail.to).sort()).toEqual((await recipientsOf(eventId)).filter((email) => email !== 'tech@acme.example'));
    // No number page for an unknown number and no address: the E911 overview.
    expect(rows[0]!.link).toBe('/e911');
    expect(rows[0]!.body).not.toContain('VoiceTel');
  });

  it('links a number’s events to that number’s page in the event’s account, never to another tenant’s holder of the same number', async () => {
    const [connection] = await test.db
      .insert(providerConnections)
      .values({ provider: 'voicetel', name: 'Platform connection', baseUrl: 'http://127.0.0.1:9', credentialsCiphertext: sealCredentials({ username: 'u', password: 'p' }) })
      .returning();
    const number = (accountId: string, status: 'active' | 'released') => ({ accountId, e164: '+13125550142', kind: 'local' as const, npa: '312', connectionId: connection!.id, monthly: '1.2500', status, releasedAt: status === 'released' ? new Date() : null });
    const [released] = await test.db.insert(phoneNumbers).values(number(tenants.west.id, 'released')).returning();
    const [globexLive] = await test.db.insert(phoneNumbers).values(number(tenants.globex.id, 'active')).returning();
    const releaseEvent = await publish(tenants.west.id, 'number.released', { e164: '+13125550142', releasedAt: new Date().toISOString() });
    const e911Event = await publish(tenants.west.id, 'e911.registration_failed', { e164: '+13125550142', addressId: crypto.randomUUID(), reason: CARRIER_WORDS });
    for (const eventId of [releaseEvent, e911Event]) {
      const links = new Set((await test.db.select().from(notifications).where(eq(notifications.eventId, eventId))).map((row) => row.link));
      expect([...links]).toEqual([`/numbers/${released!.id}`]);
      expect(links.has(`/numbers/${globexLive!.id}`)).toBe(false);
    }
    const [releaseRow] = await test.db.select().from(notifications).where(eq(notifications.eventId, releaseEvent)).limit(1);
    expect(releaseRow!.body).toBe('(312) 555-0142 was released from Acme West.');
  });

  it('counts unread and marks read per user; another user’s notification is not found', async () => {
    const owner = await sessionUser(test.db, 'owner@acme.example');
    const tech = await sessionUser(test.db, 'tech@acme.example');
    const eventId = await publish(tenants.acme.id, 'number.released', { e164: '+14155550177', releasedAt: new Date().toISOString() });
    const [ownerRow] = await test.db.select().from(notifications).where(eq(notifications.eventId, eventId)).innerJoin(users, eq(users.id, notifications.userId)).then((rows) => rows.filter((row) => row.users.id === owner.id));
    const ownerNotification = ownerRow!.notifications;
    expect(ownerNotification.link).toBe('/numbers');

    const { GET: unreadCount } = await import('@/app/api/v1/notifications/unread-count/route');
    const { GET: latest } = await import('@/app/api/v1/notifications/route');
    const countOf = async (userId: string) => {
      session.userId = userId;
      const answer = await unreadCount(new Request('http://localhost/api/v1/notifications/unread-count'), {});
      expect(answer.status).toBe(200);
      return ((await answer.json()) as { count: number }).count;
    };
    const ownerBefore = await countOf(owner.id);
    const techBefore = await countOf(tech.id);
    expect(ownerBefore).toBeGreaterThan(0);

    // The tech cannot read or mark the owner's notification: "not found", and nothing changes.
    await expect(markNotificationRead(tech, ownerNotification.id)).rejects.toMatchObject({ code: 'not_found:notification' });
    session.userId = tech.id;
    const { markNotificationReadAction, openNotificationAction } = await import('@/app/(portal)/notifications/actions');
    const foreign = new FormData();
    foreign.set('notificationId', ownerNotification.id);
    expect(await markNotificationReadAction({ status: 'idle' }, foreign)).toMatchObject({ status: 'error', code: 'not_found:notification' });
    await expect(openNotificationAction(foreign)).rejects.toMatchObject({ digest: expect.stringContaining(';/notifications;') });
    expect(await countOf(owner.id)).toBe(ownerBefore);

    // The owner opens it: read, and on to its page; the tech's count is untouched.
    session.userId = owner.id;
    const own = new FormData();
    own.set('notificationId', ownerNotification.id);
    await expect(openNotificationAction(own)).rejects.toMatchObject({ digest: expect.stringContaining(';/numbers;') });
    expect(await countOf(owner.id)).toBe(ownerBefore - 1);
    expect(await countOf(tech.id)).toBe(techBefore);

    session.userId = owner.id;
    const bell = (await (await latest(new Request('http://localhost/api/v1/notifications'), {})).json()) as { data: { id: string; read: boolean }[]; unread: number };
    expect(bell.data.length).toBeLessThanOrEqual(10);
    expect(bell.data.find((item) => item.id === ownerNotification.id)?.read).toBe(true);
    expect(bell.unread).toBe(ownerBefore - 1);

    expect(await markAllNotificationsRead(owner)).toBe(ownerBefore - 1);
    expect(await countOf(owner.id)).toBe(0);
    expect(await countOf(tech.id)).toBe(techBefore);
    expect((await listNotifications(owner, { unreadOnly: true, page: 1 })).total).toBe(0);
    expect((await listNotifications(tech, { unreadOnly: true, page: 1 })).total).toBe(techBefore);
  });

  it('answers the bell’s routes to a signed-in session only: no API key, no anonymous caller', async () => {
    const { GET } = await import('@/app/api/v1/notifications/unread-count/route');
    session.userId = undefined;
    const anonymous = await GET(new Request('http://localhost/api/v1/notifications/unread-count'), {});
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({ error: { code: 'unauthorized:session', message: expect.any(String) } });
    // Even alongside a session cookie, a request that brings a key is refused.
    session.userId = ids['owner@acme.example'];
    const keyed = await GET(new Request('http://localhost/api/v1/notifications/unread-count', { headers: { authorization: 'Bearer cp_live_0000000000000000000000000000000000000000000' } }), {});
    expect(keyed.status).toBe(401);
    expect(((await keyed.json()) as { error: { code: string } }).error.code).toBe('unauthorized:api_key');
    // A session that owes its 2FA set-up (the account now requires it) reads nothing but how to set it up.
    await test.db.update(accounts).set({ requireTwoFactor: true }).where(eq(accounts.id, tenants.acme.id));
    try {
      const owing = await GET(new Request('http://localhost/api/v1/notifications/unread-count'), {});
      expect(owing.status).toBe(403);
      expect(((await owing.json()) as { error: { code: string } }).error.code).toBe('forbidden:two_factor_setup');
    } finally {
      await test.db.update(accounts).set({ requireTwoFactor: false }).where(eq(accounts.id, tenants.acme.id));
      session.userId = undefined;
    }
  });

  it('shows the badge as the header wants it', () => {
    expect([0, 1, 9, 10, 250].map(unreadBadge)).toEqual([null, '1', '9', '9+', '9+']);
  });
});
