import { expect, test, type Page } from '@playwright/test';
import { expectAccessible, sidebar, signInAndWait } from './helpers';

// The browser suite's server seeds 35 days of demo calls and invoices the months that are over
// (lib/services/demo-invoices.ts): Acme Telecom has an issued, unpaid invoice of last month with usage
// lines, and an older one paid when the calls reach back into it.

async function expectNoSidewaysScroll(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}

test('billing: finance reads the balance, usage to date and the latest invoices, and opens last month’s invoice with its lines and downloads; accessible at desktop and 390 px', async ({ page }) => {
  await signInAndWait(page, 'finance@acme.example');
  await sidebar(page).getByRole('link', { name: 'Billing' }).click();
  await expect(page).toHaveURL(/\/billing$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Billing' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Billing' }).getByRole('link', { name: 'Overview' })).toHaveAttribute('aria-current', 'page');
  await expect(page.getByText('Balance', { exact: true })).toBeVisible();
  await expect(page.getByText(/in your favour|owed|settled/).first()).toBeVisible();
  await expect(page.getByText('Available to spend')).toBeVisible();
  await expect(page.getByRole('heading', { name: /^Usage to date: / })).toBeVisible();
  const latest = page.getByRole('table', { name: 'Latest invoices' });
  await expect(latest).toBeVisible();
  await expect(latest.getByText('Issued, unpaid').or(latest.getByText('Overdue')).first()).toBeVisible();
  await expect(page.getByRole('table', { name: 'Latest ledger entries' })).toBeVisible();
  await expectAccessible(page);

  // The newest issued invoice: last month's.
  const issuedRow = latest.getByRole('row').filter({ hasText: /Issued, unpaid|Overdue/ }).first();
  await expect(issuedRow.getByRole('link', { name: /^PDF of INV-/ })).toHaveAttribute('href', /^\/billing\/invoices\/[0-9a-f-]{36}\/pdf$/);
  const number = (await issuedRow.getByRole('link', { name: /^INV-\d{4}-\d{2}-[0-9A-F]{5}$/ }).textContent())!.trim();
  await issuedRow.getByRole('link', { name: number, exact: true }).click();
  await expect(page).toHaveURL(/\/billing\/invoices\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { level: 1, name: number })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Billing' }).getByRole('link', { name: 'Invoices' })).toHaveAttribute('aria-current', 'page');
  const downloads = page.getByRole('group', { name: `Download ${number}` });
  await expect(downloads.getByRole('link', { name: 'PDF' })).toHaveAttribute('href', /\/pdf$/);
  await expect(downloads.getByRole('link', { name: 'CSV', exact: true })).toHaveAttribute('href', /\/csv$/);
  await expect(downloads.getByRole('link', { name: 'Rated calls (CSV)' })).toHaveAttribute('href', /\/calls$/);
  // A section per account, its usage lines as minutes × rate, each with a link to its calls.
  const section = page.getByRole('table', { name: `Lines of Acme Telecom on ${number}` });
  await expect(section).toBeVisible();
  await expect(page.getByText(/ min × \$0\.\d{4}/).first()).toBeVisible();
  await expect(page.getByRole('link', { name: /^Calls of / }).first()).toHaveAttribute('href', /^\/billing\/invoices\/[0-9a-f-]{36}\/lines\/[0-9a-f-]{36}$/);
  await expect(page.getByText('Total due', { exact: true })).toBeVisible();
  await expect(page.getByText('Previous balance')).toBeVisible();
  await expectAccessible(page);

  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: number })).toBeVisible();
  await expectNoSidewaysScroll(page);
  await expectAccessible(page);
  await page.goto('/billing');
  await expect(page.getByRole('heading', { level: 1, name: 'Billing' })).toBeVisible();
  await expectNoSidewaysScroll(page);
  await expectAccessible(page);
});

test('invoices: the status filter lives in the URL, and a billing role previews this month’s draft with what it leaves out', async ({ page }) => {
  await signInAndWait(page, 'owner@acme.example');
  await page.goto('/billing/invoices');
  await expect(page.getByRole('heading', { level: 1, name: 'Invoices' })).toBeVisible();
  const filters = page.getByRole('navigation', { name: 'Show invoices' });
  await filters.getByRole('link', { name: 'Unpaid' }).click();
  await expect(page).toHaveURL(/\/billing\/invoices\?status=issued$/);
  await expect(filters.getByRole('link', { name: 'Unpaid' })).toHaveAttribute('aria-current', 'page');
  const table = page.getByRole('table', { name: 'Invoices: unpaid, newest first' });
  await expect(table).toBeVisible();
  await expect(table.getByText('Paid', { exact: true })).toHaveCount(0);
  await filters.getByRole('link', { name: 'All' }).click();
  await expect(page).toHaveURL(/\/billing\/invoices$/);

  await page.getByRole('button', { name: 'Preview this month' }).click();
  const preview = page.getByTestId('draft-preview');
  await expect(preview).toBeVisible({ timeout: 20_000 });
  await expect(preview).toContainText(/INV-\d{4}-\d{2}-[0-9A-F]{5}/);
  await expect(preview).toContainText(/so far: /);
  await expect(preview).toContainText(/has a price|not billed/);
  await expectAccessible(page);
  await preview.getByRole('link', { name: /^INV-/ }).click();
  await expect(page.getByText(/^A draft: computed from the calls rated/)).toBeVisible();
  await expectAccessible(page);

  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/billing/invoices');
  await expectNoSidewaysScroll(page);
  await expectAccessible(page);
});

test('billing: technical roles have no Billing and its pages are not found', async ({ page }) => {
  await signInAndWait(page, 'tech@acme.example');
  await expect(sidebar(page).getByText('Billing', { exact: true })).toHaveCount(0);
  for (const path of ['/billing', '/billing/invoices', '/billing/invoices/00000000-0000-4000-8000-000000000000']) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(404);
    await expect(page.getByRole('heading', { name: 'Not found' })).toBeVisible();
  }
});

test('staff: every invoice across accounts, filtered by account and status; an issued invoice offers void and reissue, never an edit', async ({ page }) => {
  await signInAndWait(page, 'staff@carrier.example');
  await sidebar(page).getByRole('link', { name: 'Invoices' }).click();
  await expect(page).toHaveURL(/\/operator\/invoices$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Invoices' })).toBeVisible();
  await page.getByLabel('Account name').fill('Acme');
  await page.getByLabel('Status').selectOption('issued');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/status=issued/);
  await expect(page).toHaveURL(/account=Acme/);
  const table = page.getByRole('table', { name: /^Invoices matching the search/ });
  await expect(table.getByText('Acme Telecom').first()).toBeVisible();
  await expectAccessible(page);

  await table.getByRole('link', { name: /^INV-/ }).first().click();
  await expect(page).toHaveURL(/\/operator\/invoices\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('button', { name: /^Void .* and reissue$/ })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Add discount' })).toHaveCount(0);
  // The dialog explains, and Cancel leaves the invoice as it is (other specs rely on it being issued).
  await page.getByLabel('Reason').fill('Checking the dialog only');
  await page.getByRole('button', { name: /^Void .* and reissue$/ }).click();
  const dialog = page.getByRole('alertdialog');
  await expect(dialog).toContainText('This cannot be undone');
  await expectAccessible(page);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText('Issued, unpaid').or(page.getByText('Overdue')).first()).toBeVisible();

  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/operator/invoices');
  await expectNoSidewaysScroll(page);
  await expectAccessible(page);
});
