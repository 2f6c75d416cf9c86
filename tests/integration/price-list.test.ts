import { eq, like } from 'drizzle-orm';
import fc from 'fast-check';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { ROLES, type Role } from '@/lib/auth/permissions';
import { auditEvents, numberPrices, providerConnections, providerNumberCosts, users } from '@/lib/db/schema';
import {
  clearConnectionCost,
  deleteOverride,
  getPriceList,
  marginOf,
  previewPrice,
  saveOverride,
  setConnectionCost,
  setDefaultPrice,
} from '@/lib/services/price-list';
import { findPrice, fromUnits, toUnits } from '@/lib/services/pricing';
import { sealCredentials } from '@/lib/services/secret-box';
import { saveOverrideSchema, setConnectionCostSchema, setDefaultPriceSchema, pricePreviewSchema } from '@/lib/validations/prices';
import { useTestDatabase } from '../support/db';
import { seedTwoTenants, sessionUser } from '../support/fixtures';

const session = vi.hoisted(() => ({ userId: undefined as string | undefined, ip: '203.0.113.7' }));

vi.mock('@/lib/auth/config', async () => (await import('../support/next-mocks')).authConfigMock(session));
vi.mock('next/headers', async () => (await import('../support/next-mocks')).nextHeadersMock(session));
vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));

process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS = 'true';

const EMAIL_OF: Record<Role, string> = {
  owner: 'owner@acme.example',
  admin: 'admin@acme.example',
  technical: 'tech@acme.example',
  finance: 'finance@acme.example',
  viewer: 'viewer@acme.example',
};

function form(values: Record<string, string>) {
  const data = new FormData();
  for (const [key, value] of Object.entries(values)) data.set(key, value);
  return data;
}

/** The first message zod gives per field, as the forms show them. */
function messagesOf(result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) {
  const messages: Record<string, string> = {};
  for (const issue of result.error?.issues ?? []) messages[String(issue.path[0])] ??= issue.message;
  return messages;
}

describe('operator price list', () => {
  const test = useTestDatabase();
  let staff: Awaited<ReturnType<typeof sessionUser>>;
  let voicetelId: string;
  let vitcomId: string;
  let disabledId: string;
  const userIds = new Map<string, string>();

  const signInAs = (email?: string) => {
    session.userId = email ? userIds.get(email) : undefined;
  };
  const priceAudit = () => test.db.select().from(auditEvents).where(like(auditEvents.action, 'price.%')).orderBy(auditEvents.id);

  beforeAll(async () => {
    await seedTwoTenants(test.db);
    staff = await sessionUser(test.db, 'staff@carrier.example');
    for (const row of await test.db.select().from(users)) userIds.set(row.email, row.id);
    const connections = await test.db
      .insert(providerConnections)
      .values([
        { provider: 'voicetel', name: 'VoiceTel main', baseUrl: 'http://127.0.0.1:9', credentialsCiphertext: sealCredentials({ username: 'u', password: 'p' }) },
        { provider: 'vitcom', name: 'VITCOM main', baseUrl: 'http://127.0.0.1:9', credentialsCiphertext: sealCredentials({ token: 't', accountno: '1' }) },
        { provider: 'carrierx', name: 'CarrierX old', baseUrl: 'http://127.0.0.1:9', credentialsCiphertext: sealCredentials({ token: 't' }), enabled: false },
      ])
      .returning();
    [voicetelId, vitcomId, disabledId] = connections.map((connection) => connection.id) as [string, string, string];
  });

  describe('margins', () => {
    it('is price − cost, exactly, with its share of the price to a tenth of a percent', () => {
      expect(marginOf('1.2500', '0.4000')).toEqual({ amount: '0.8500', percent: '68.0' });
      // 0.3 − 0.1 in floats is 0.19999999999999998.
      expect(marginOf('0.3000', '0.1000')).toEqual({ amount: '0.2000', percent: '66.7' });
      expect(marginOf('0.0003', '0.0001')).toEqual({ amount: '0.0002', percent: '66.7' });
      expect(marginOf('1.2500', '1.5000')).toEqual({ amount: '-0.2500', percent: '-20.0' });
      expect(marginOf('3.0000', '0.0000')).toEqual({ amount: '3.0000', percent: '100.0' });
      expect(marginOf('0.0000', '0.5000')).toEqual({ amount: '-0.5000', percent: null });
      expect(marginOf('0.0000', '0.0000')).toEqual({ amount: '0.0000', percent: null });
      // Halves round away from zero: 1/8 = 12.5%, 1/16 = 6.25% → 6.3%.
      expect(marginOf('0.1600', '0.1500')).toEqual({ amount: '0.0100', percent: '6.3' });
      expect(marginOf('0.1600', '0.1700')).toEqual({ amount: '-0.0100', percent: '-6.3' });
      expect(marginOf('999999.9999', '0.0001')).toEqual({ amount: '999999.9998', percent: '100.0' });
    });

    it('never loses a unit over the whole numeric(10,4) range', () => {
      const unit = fc.integer({ min: 0, max: 9_999_999_999 });
      fc.assert(
        fc.property(unit, unit, (price, cost) => {
          const figure = marginOf(fromUnits(price, 4), fromUnits(cost, 4));
          expect(toUnits(figure.amount)).toBe(price - cost);
          if (price === 0) expect(figure.percent).toBeNull();
          else {
            // tenths of a percent t satisfy |t/1000 − m/p| ≤ 1/2000, checked in integers.
            const tenths = BigInt(Math.round(Number(figure.percent) * 10));
            const error = tenths * BigInt(price) - BigInt(price - cost) * 1000n;
            expect(2n * (error < 0n ? -error : error) <= BigInt(price)).toBe(true);
          }
        }),
      );
    });
  });

  describe('as operator staff', () => {
    it('lists defaults first, then overrides, with "no cost on file" for every connection until one is set', async () => {
      const list = await getPriceList(staff);
      expect(list.rows.map((row) => [row.kind, row.scope, row.state ?? row.npa])).toEqual([
        ['local', 'default', null],
        ['local', 'state', 'NY'],
        ['local', 'state', 'ON'],
        ['local', 'npa', '212'],
        ['tollfree', 'default', null],
      ]);
      expect(list.missingDefaults).toEqual([]);
      expect(list.connections.map((connection) => connection.name)).toEqual(expect.arrayContaining(['VoiceTel main', 'VITCOM main', 'CarrierX old']));
      expect(list.enabledConnections.map((connection) => connection.id).sort()).toEqual([voicetelId, vitcomId].sort());
      for (const row of list.rows) {
        expect(row.margins).toHaveLength(2);
        expect(row.margins.every((entry) => entry.cost === null && entry.margin === null)).toBe(true);
      }
    });

    it('sets a connection cost per kind and shows the exact margin on every row of that kind', async () => {
      await setConnectionCost(staff, { connectionId: voicetelId, kind: 'local', monthly: '0.4', setup: '0' }, '198.51.100.1');
      await setConnectionCost(staff, { connectionId: disabledId, kind: 'local', monthly: '0.1', setup: '0.1' });
      const list = await getPriceList(staff);
      const local = list.rows.find((row) => row.kind === 'local' && row.scope === 'default')!;
      expect(local.margins.find((entry) => entry.connectionId === voicetelId)).toEqual({
        connectionId: voicetelId,
        cost: { monthly: '0.4000', setup: '0.0000' },
        margin: { monthly: { amount: '0.8500', percent: '68.0' }, setup: { amount: '0.5000', percent: '100.0' } },
      });
      expect(local.margins.find((entry) => entry.connectionId === vitcomId)).toMatchObject({ cost: null, margin: null });
      // A disabled connection's cost is kept and listed, but it gets no margin column.
      expect(local.margins.some((entry) => entry.connectionId === disabledId)).toBe(false);
      expect(list.costs).toEqual(expect.arrayContaining([{ connectionId: disabledId, kind: 'local', monthly: '0.1000', setup: '0.1000' }]));
      const npa212 = list.rows.find((row) => row.npa === '212')!;
      expect(npa212.margins.find((entry) => entry.connectionId === voicetelId)!.margin).toEqual({ monthly: { amount: '2.6000', percent: '86.7' }, setup: { amount: '2.0000', percent: '100.0' } });
      const tollfree = list.rows.find((row) => row.kind === 'tollfree')!;
      expect(tollfree.margins.every((entry) => entry.cost === null)).toBe(true);

      // Setting it again replaces the cost (one row per connection and kind), audited before/after.
      await setConnectionCost(staff, { connectionId: voicetelId, kind: 'local', monthly: '1.5', setup: '0.25' });
      const rows = await test.db.select().from(providerNumberCosts).where(eq(providerNumberCosts.connectionId, voicetelId));
      expect(rows).toHaveLength(1);
      const after = (await getPriceList(staff)).rows.find((row) => row.kind === 'local' && row.scope === 'default')!;
      expect(after.margins.find((entry) => entry.connectionId === voicetelId)!.margin!.monthly).toEqual({ amount: '-0.2500', percent: '-20.0' });
      const audit = (await priceAudit()).filter((event) => event.action === 'price.cost.set');
      expect(audit).toHaveLength(3);
      expect(audit[0]).toMatchObject({ accountId: null, actorEmail: 'staff@carrier.example', targetType: 'provider_number_cost', before: null, ip: '198.51.100.1' });
      expect(audit[2]).toMatchObject({
        before: { connectionId: voicetelId, kind: 'local', monthly: '0.4000', setup: '0.0000' },
        after: { connectionId: voicetelId, kind: 'local', monthly: '1.5000', setup: '0.2500' },
      });
    });

    it('clears a cost back to "no cost on file"', async () => {
      await clearConnectionCost(staff, { connectionId: disabledId, kind: 'local' });
      expect((await getPriceList(staff)).costs.some((cost) => cost.connectionId === disabledId)).toBe(false);
      await expect(clearConnectionCost(staff, { connectionId: disabledId, kind: 'local' })).rejects.toMatchObject({ code: 'not_found:cost' });
      await expect(setConnectionCost(staff, { connectionId: '00000000-0000-4000-8000-000000000000', kind: 'local', monthly: '1', setup: '1' })).rejects.toMatchObject({ code: 'not_found:connection' });
      const [cleared] = (await priceAudit()).filter((event) => event.action === 'price.cost.clear');
      expect(cleared).toMatchObject({ before: { connectionId: disabledId, kind: 'local', monthly: '0.1000' }, after: null });
    });

    it('adds an override, and updates rather than duplicates one for the same scope', async () => {
      const created = await saveOverride(staff, { kind: 'local', state: 'tx', monthly: '1.1', setup: '0.25' });
      expect(created.created).toBe(true);
      expect(created.row).toMatchObject({ kind: 'local', state: 'TX', npa: null, monthly: '1.1000', setup: '0.2500' });

      const updated = await saveOverride(staff, { kind: 'local', state: 'TX', monthly: '1.05', setup: '0.2' });
      expect(updated).toMatchObject({ created: false, row: { id: created.row.id, monthly: '1.0500', setup: '0.2000' } });
      // Two saves of the same new scope at once still leave one row.
      await Promise.all([saveOverride(staff, { kind: 'tollfree', npa: '888', monthly: '2.5', setup: '1' }), saveOverride(staff, { kind: 'tollfree', npa: '888', monthly: '2.75', setup: '1' })]);
      const tollfree888 = await test.db.select().from(numberPrices).where(eq(numberPrices.npa, '888'));
      expect(tollfree888).toHaveLength(1);
      expect(['2.5000', '2.7500']).toContain(tollfree888[0]!.monthly);

      const tx = (await test.db.select().from(numberPrices).where(eq(numberPrices.state, 'TX')));
      expect(tx).toHaveLength(1);
      const audit = (await priceAudit()).filter((event) => event.targetId === created.row.id);
      expect(audit.map((event) => event.action)).toEqual(['price.override.create', 'price.override.update']);
      expect(audit[0]).toMatchObject({ before: null, after: { kind: 'local', state: 'TX', npa: null, monthly: '1.1000', setup: '0.2500' } });
      expect(audit[1]).toMatchObject({ before: { monthly: '1.1000', setup: '0.2500' }, after: { monthly: '1.0500', setup: '0.2000' } });
    });

    it('changes a default, never deletes it, and deletes overrides', async () => {
      const before = (await getPriceList(staff)).rows.find((row) => row.kind === 'tollfree' && row.scope === 'default')!;
      const saved = await setDefaultPrice(staff, { kind: 'tollfree', monthly: '2.10', setup: '0.9999' });
      expect(saved).toMatchObject({ id: before.id, state: null, npa: null, monthly: '2.1000', setup: '0.9999' });
      expect(await test.db.select().from(numberPrices).where(eq(numberPrices.kind, 'tollfree'))).toHaveLength(2);

      await expect(deleteOverride(staff, before.id)).rejects.toMatchObject({ code: 'invalid:price_default', message: expect.stringContaining('cannot be deleted') });
      expect(await test.db.select().from(numberPrices).where(eq(numberPrices.id, before.id))).toHaveLength(1);

      const [ontario] = await test.db.select().from(numberPrices).where(eq(numberPrices.state, 'ON'));
      await deleteOverride(staff, ontario!.id, '198.51.100.2');
      expect(await test.db.select().from(numberPrices).where(eq(numberPrices.state, 'ON'))).toHaveLength(0);
      await expect(deleteOverride(staff, ontario!.id)).rejects.toMatchObject({ code: 'not_found:price' });
      await expect(deleteOverride(staff, 'not-a-uuid')).rejects.toMatchObject({ code: 'not_found:price' });

      const audit = await priceAudit();
      expect(audit.find((event) => event.action === 'price.default.set')).toMatchObject({
        targetId: before.id,
        before: { kind: 'tollfree', state: null, npa: null, monthly: '2.0000', setup: '1.0000' },
        after: { kind: 'tollfree', monthly: '2.1000', setup: '0.9999' },
      });
      expect(audit.find((event) => event.action === 'price.override.delete')).toMatchObject({ targetId: ontario!.id, before: { state: 'ON', monthly: '1.4000' }, after: null, ip: '198.51.100.2' });
    });

    it('sets a default that is missing, and says which types have none', async () => {
      const [local] = await test.db.select().from(numberPrices).where(eq(numberPrices.monthly, '1.2500'));
      await test.db.delete(numberPrices).where(eq(numberPrices.id, local!.id));
      expect((await getPriceList(staff)).missingDefaults).toEqual(['local']);
      expect(await previewPrice(staff, { kind: 'local', state: 'CA', npa: '415' })).toEqual({});
      const created = await setDefaultPrice(staff, { kind: 'local', monthly: '1.25', setup: '0.5' });
      expect(created).toMatchObject({ state: null, npa: null, monthly: '1.2500' });
      expect((await getPriceList(staff)).missingDefaults).toEqual([]);
    });

    it('previews which row prices a number, by the rule customers are charged by', async () => {
      const rows = await test.db.select().from(numberPrices);
      const cases = [
        { query: { kind: 'local' as const, state: 'NY', npa: '212' }, scope: 'npa', monthly: '3.0000' },
        { query: { kind: 'local' as const, state: 'NY', npa: '518' }, scope: 'state', monthly: '1.5000' },
        { query: { kind: 'local' as const, state: 'NY' }, scope: 'state', monthly: '1.5000' },
        { query: { kind: 'local' as const, state: 'TX', npa: '214' }, scope: 'state', monthly: '1.0500' },
        { query: { kind: 'local' as const, state: 'CA', npa: '415' }, scope: 'default', monthly: '1.2500' },
        { query: { kind: 'local' as const }, scope: 'default', monthly: '1.2500' },
        { query: { kind: 'tollfree' as const, npa: '888' }, scope: 'npa' },
        { query: { kind: 'tollfree' as const, npa: '833' }, scope: 'default', monthly: '2.1000' },
      ];
      for (const { query, scope, monthly } of cases) {
        const { row } = await previewPrice(staff, query);
        expect(row, JSON.stringify(query)).toMatchObject({ scope, ...(monthly ? { monthly } : {}) });
        expect({ monthly: row!.monthly, setup: row!.setup }).toEqual(findPrice(rows, { kind: query.kind, state: query.state ?? null, npa: query.npa ?? '' }));
      }
    });
  });

  describe('validation', () => {
    it('asks for decimal amounts ≥ 0 with at most 4 places, and normalises them', () => {
      const parse = (monthly: string, setup = '0') => setDefaultPriceSchema.safeParse({ kind: 'local', monthly, setup });
      expect(parse('1.25').data).toEqual({ kind: 'local', monthly: '1.2500', setup: '0.0000' });
      expect(parse(' 007.5 ').data?.monthly).toBe('7.5000');
      expect(parse('.5').data?.monthly).toBe('0.5000');
      expect(parse('999999.9999').data?.monthly).toBe('999999.9999');
      expect(messagesOf(parse(''))).toEqual({ monthly: 'Enter the monthly price (MRC), like 1.25' });
      expect(messagesOf(parse('-1'))).toEqual({ monthly: 'The monthly price (MRC) cannot be negative' });
      expect(messagesOf(parse('1.23456'))).toEqual({ monthly: 'The monthly price (MRC) can have at most 4 decimal places' });
      expect(messagesOf(parse('$1.25'))).toEqual({ monthly: 'Enter the monthly price (MRC) as a plain amount like 1.25 (digits and one decimal point, no currency sign)' });
      expect(messagesOf(parse('1,25'))).toHaveProperty('monthly');
      expect(messagesOf(parse('1e3'))).toHaveProperty('monthly');
      expect(messagesOf(parse('.'))).toHaveProperty('monthly');
      expect(messagesOf(parse('1000000'))).toEqual({ monthly: 'The monthly price (MRC) can be at most 999999.9999' });
      expect(messagesOf(parse('1', 'abc'))).toEqual({ setup: 'Enter the one-time price (NRC) as a plain amount like 1.25 (digits and one decimal point, no currency sign)' });
      expect(messagesOf(setDefaultPriceSchema.safeParse({ kind: 'mobile', monthly: '1', setup: '1' }))).toEqual({ kind: 'Choose local or toll-free' });
      expect(messagesOf(setConnectionCostSchema.safeParse({ connectionId: 'x', kind: 'local', monthly: '1', setup: '-2' }))).toEqual({
        connectionId: 'Choose a connection',
        setup: 'The one-time cost cannot be negative',
      });
    });

    it('normalises any valid amount exactly', () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 9_999_999_999 }), fc.integer({ min: 0, max: 4 }), (units, places) => {
          const typed = fromUnits(units - (units % 10 ** (4 - places)), places);
          const parsed = setDefaultPriceSchema.parse({ kind: 'local', monthly: typed, setup: '0' });
          expect(toUnits(parsed.monthly)).toBe(toUnits(typed));
          expect(parsed.monthly).toMatch(/^\d+\.\d{4}$/);
        }),
      );
    });

    it('takes a state or an NPA, not both, and only known codes', () => {
      const parse = (values: Record<string, string>) => messagesOf(saveOverrideSchema.safeParse({ kind: 'local', monthly: '1', setup: '1', ...values }));
      expect(parse({ state: 'NY' })).toEqual({});
      expect(parse({ state: 'qc' })).toEqual({});
      expect(parse({ npa: '646' })).toEqual({});
      expect(parse({ state: 'NY', npa: '212' })).toEqual({ npa: 'Give a state or an area code (NPA), not both' });
      expect(parse({})).toEqual({ state: 'Choose a state or province, or enter an area code (NPA); to change every local number, set the default instead' });
      expect(parse({ state: '  ', npa: '' })).toHaveProperty('state');
      expect(parse({ state: 'ZZ' })).toEqual({ state: 'Unknown state or province: use a two-letter code like TX or ON' });
      expect(parse({ npa: '112' })).toEqual({ npa: 'An area code (NPA) is three digits, not starting with 0 or 1' });
      expect(parse({ npa: '21' })).toEqual({ npa: 'An area code (NPA) is three digits, not starting with 0 or 1' });
      expect(parse({ npa: '800' })).toEqual({ npa: '800 is a toll-free prefix: choose Toll-free as the number type' });
    });

    it('overrides toll-free numbers only by a toll-free prefix', () => {
      const parse = (values: Record<string, string>) => messagesOf(saveOverrideSchema.safeParse({ kind: 'tollfree', monthly: '1', setup: '1', ...values }));
      for (const npa of ['800', '833', '844', '855', '866', '877', '888']) expect(parse({ npa })).toEqual({});
      expect(parse({ npa: '822' })).toEqual({ npa: 'Toll-free prefixes are 800, 833, 844, 855, 866, 877 or 888' });
      expect(parse({ npa: '212' })).toEqual({ npa: 'Toll-free prefixes are 800, 833, 844, 855, 866, 877 or 888' });
      expect(parse({ state: 'NY' })).toEqual({ state: 'Toll-free numbers have no state: use a toll-free prefix (NPA) instead' });
      expect(parse({})).toHaveProperty('npa', expect.stringContaining('Enter the toll-free prefix'));
      expect(messagesOf(pricePreviewSchema.safeParse({ kind: 'tollfree', state: 'NY' }))).toHaveProperty('state');
      expect(messagesOf(pricePreviewSchema.safeParse({ kind: 'local', npa: '877' }))).toHaveProperty('npa');
      expect(pricePreviewSchema.safeParse({ kind: 'tollfree', state: '', npa: '' }).success).toBe(true);
    });

    it('refuses bad input in the service too, and writes nothing', async () => {
      const count = async () => (await test.db.select().from(numberPrices)).length;
      const before = await count();
      await expect(saveOverride(staff, { kind: 'local', state: 'NY', npa: '212', monthly: '1', setup: '1' })).rejects.toMatchObject({ name: 'ZodError' });
      await expect(setDefaultPrice(staff, { kind: 'local', monthly: '-1', setup: '1' })).rejects.toMatchObject({ name: 'ZodError' });
      expect(await count()).toBe(before);
    });
  });

  describe('actions', () => {
    it('answer field errors beside the fields, echoing what was typed', async () => {
      signInAs('staff@carrier.example');
      const { saveOverrideAction } = await import('@/app/(portal)/operator/prices/actions');
      const result = await saveOverrideAction({ status: 'idle' }, form({ kind: 'tollfree', state: 'NY', monthly: '1.23456', setup: '' }));
      expect(result).toMatchObject({
        status: 'error',
        code: 'invalid:form',
        fieldErrors: {
          state: ['Toll-free numbers have no state: use a toll-free prefix (NPA) instead'],
          monthly: ['The monthly price (MRC) can have at most 4 decimal places'],
          setup: ['Enter the one-time price (NRC), like 1.25'],
        },
        values: { kind: 'tollfree', state: 'NY', monthly: '1.23456' },
      });
    });

    it('save, delete and audit with the request IP', async () => {
      signInAs('staff@carrier.example');
      const actions = await import('@/app/(portal)/operator/prices/actions');
      expect(await actions.saveOverrideAction({ status: 'idle' }, form({ kind: 'local', npa: '305', monthly: '0.99', setup: '0' }))).toEqual({ status: 'success', message: 'Added the local price for NPA 305.' });
      expect(await actions.saveOverrideAction({ status: 'idle' }, form({ kind: 'local', npa: '305', monthly: '0.98', setup: '0' }))).toEqual({ status: 'success', message: 'Updated the local price for NPA 305.' });
      const [row] = await test.db.select().from(numberPrices).where(eq(numberPrices.npa, '305'));
      expect(row).toMatchObject({ monthly: '0.9800' });
      expect(await actions.deleteOverrideAction({ status: 'idle' }, form({ priceId: row!.id }))).toMatchObject({ status: 'success' });
      const [local] = await test.db.select().from(numberPrices).where(eq(numberPrices.monthly, '1.2500'));
      expect(await actions.deleteOverrideAction({ status: 'idle' }, form({ priceId: local!.id }))).toMatchObject({ status: 'error', code: 'invalid:price_default' });
      expect(await actions.setConnectionCostAction({ status: 'idle' }, form({ connectionId: vitcomId, kind: 'tollfree', monthly: '0.5', setup: '0' }))).toMatchObject({ status: 'success' });
      expect(await actions.clearConnectionCostAction({ status: 'idle' }, form({ connectionId: vitcomId, kind: 'tollfree' }))).toMatchObject({ status: 'success' });
      expect(await actions.setDefaultPriceAction({ status: 'idle' }, form({ kind: 'local', monthly: '1.25', setup: '0.5' }))).toMatchObject({ status: 'success' });
      const audit = (await priceAudit()).slice(-6);
      expect(audit.map((event) => event.action)).toEqual(['price.override.create', 'price.override.update', 'price.override.delete', 'price.cost.set', 'price.cost.clear', 'price.default.set']);
      expect(audit.every((event) => event.ip === '203.0.113.7' && event.actorEmail === 'staff@carrier.example')).toBe(true);
    });

    it('page renders for staff', async () => {
      signInAs('staff@carrier.example');
      const { default: PricesPage } = await import('@/app/(portal)/operator/prices/page');
      const element = await PricesPage({ searchParams: Promise.resolve({ kind: 'local', state: 'NY', npa: '212' }) });
      expect(element).toBeTruthy();
    });
  });

  describe.each(ROLES.map((role) => [role] as const))('as a customer %s', (role) => {
    it('every service function is refused with forbidden:staff and nothing changes', async () => {
      const user = await sessionUser(test.db, EMAIL_OF[role]);
      const before = await test.db.select().from(numberPrices);
      const [anyRow] = before;
      const calls = [
        () => getPriceList(user),
        () => previewPrice(user, { kind: 'local' }),
        () => saveOverride(user, { kind: 'local', state: 'NY', monthly: '0', setup: '0' }),
        () => setDefaultPrice(user, { kind: 'local', monthly: '0', setup: '0' }),
        () => deleteOverride(user, anyRow!.id),
        () => setConnectionCost(user, { connectionId: voicetelId, kind: 'local', monthly: '0', setup: '0' }),
        () => clearConnectionCost(user, { connectionId: voicetelId, kind: 'local' }),
      ];
      for (const call of calls) await expect(call()).rejects.toMatchObject({ code: 'forbidden:staff' });
      expect(await test.db.select().from(numberPrices)).toEqual(before);
    });

    it('the page answers 403 and every action answers forbidden:staff, even with a valid form', async () => {
      signInAs(EMAIL_OF[role]);
      const { default: PricesPage } = await import('@/app/(portal)/operator/prices/page');
      await expect(PricesPage({ searchParams: Promise.resolve({}) })).rejects.toMatchObject({ digest: expect.stringMatching(/;403$/) });
      const actions = await import('@/app/(portal)/operator/prices/actions');
      const [row] = await test.db.select().from(numberPrices).where(eq(numberPrices.state, 'NY'));
      const attempts = [
        actions.saveOverrideAction({ status: 'idle' }, form({ kind: 'local', state: 'NY', monthly: '0', setup: '0' })),
        actions.saveOverrideAction({ status: 'idle' }, form({ kind: 'bogus' })),
        actions.setDefaultPriceAction({ status: 'idle' }, form({ kind: 'local', monthly: '0', setup: '0' })),
        actions.deleteOverrideAction({ status: 'idle' }, form({ priceId: row!.id })),
        actions.setConnectionCostAction({ status: 'idle' }, form({ connectionId: voicetelId, kind: 'local', monthly: '0', setup: '0' })),
        actions.clearConnectionCostAction({ status: 'idle' }, form({ connectionId: voicetelId, kind: 'local' })),
      ];
      for (const result of await Promise.all(attempts)) expect(result).toMatchObject({ status: 'error', code: 'forbidden:staff' });
      expect((await test.db.select().from(numberPrices).where(eq(numberPrices.state, 'NY')))[0]).toEqual(row);
    });
  });

  it('refuses anonymous callers', async () => {
    signInAs(undefined);
    const actions = await import('@/app/(portal)/operator/prices/actions');
    expect(await actions.setDefaultPriceAction({ status: 'idle' }, form({ kind: 'local', monthly: '0', setup: '0' }))).toMatchObject({ status: 'error', code: 'unauthorized:session' });
  });
});
