/**
 * The months an invoice may be of: 2000 to 2100. A year such as 0000 is a database error
 * (PostgreSQL has no year 0) and 0024 a 1924 invoice (Date.UTC reads 0–99 as 1900–1999): the staff
 * list's month filter says it did not understand it, and the draft form refuses it beside the field.
 */
import { renderToStaticMarkup } from 'react-dom/server';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { invoices, users } from '@/lib/db/schema';
import { generateDraftInvoice, invoicePeriod } from '@/lib/services/invoices';
import { loadStaffInvoiceListParams } from '@/lib/url-state/invoices';
import { isMonth, staffDraftSchema } from '@/lib/validations/invoices';
import { useTestDatabase } from '../support/db';
import { seedTwoTenants } from '../support/fixtures';

const session = vi.hoisted(() => ({ userId: undefined as string | undefined, accountCookie: undefined as string | undefined }));
vi.mock('@/lib/auth/config', async () => (await import('../support/next-mocks')).authConfigMock(session));
vi.mock('next/headers', async () => (await import('../support/next-mocks')).nextHeadersMock(session));
vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));

describe('Invoice months', () => {
  const test = useTestDatabase();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    const [staff] = await test.db.select().from(users).where(eq(users.email, 'staff@carrier.example'));
    session.userId = staff!.id;
  }, 120_000);

  it('takes months of 2000 to 2100 only', () => {
    for (const month of ['2000-01', '2026-05', '2100-12']) expect(isMonth(month), month).toBe(true);
    for (const month of ['0000-01', '0024-05', '1999-12', '2101-01', '2026-13', '2026-5', '9999-12']) expect(isMonth(month), month).toBe(false);
    expect(loadStaffInvoiceListParams({ month: '0000-01' }).month).toBeNull();
    expect(() => invoicePeriod('0024-05')).toThrow(expect.objectContaining({ code: 'invalid:period' }));
  });

  it('says the staff list’s month filter was not understood, and still lists the invoices', async () => {
    const { invoice } = await generateDraftInvoice(test.db, { billingAccountId: tenants.globex.id, month: '2026-05' });
    const { default: StaffInvoicesPage } = await import('@/app/(portal)/operator/invoices/page');
    const html = renderToStaticMarkup(await StaffInvoicesPage({ searchParams: Promise.resolve({ month: '0000-01' }) }));
    expect(html).toContain('Give a month from 2000 to 2100 as YYYY-MM');
    expect(html).toContain(invoice.number);
    await test.db.delete(invoices).where(eq(invoices.id, invoice.id));
  });

  it('refuses a draft of the year 24 beside the month field, and makes no invoice', async () => {
    const parsed = staffDraftSchema.safeParse({ accountId: tenants.globex.id, month: '0024-05' });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => [issue.path[0], issue.message])).toEqual([['month', 'Give a month from 2000 to 2100 as YYYY-MM, like 2026-04']]);

    const { generateDraftAction } = await import('@/app/(portal)/operator/invoices/actions');
    const form = new FormData();
    form.set('accountId', tenants.globex.id);
    form.set('month', '0024-05');
    expect(await generateDraftAction({ status: 'idle' }, form)).toMatchObject({ status: 'error', fieldErrors: { month: ['Give a month from 2000 to 2100 as YYYY-MM, like 2026-04'] } });
    expect(await test.db.$count(invoices, eq(invoices.billingAccountId, tenants.globex.id))).toBe(0);
  });
});
