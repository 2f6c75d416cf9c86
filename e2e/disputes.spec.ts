import { expect, test } from '@playwright/test';
import { expectAccessible, sidebar, signInAndWait } from './helpers';

/**
 * Issue 15.8 end to end: the demo seed issues last month's invoice of Acme Telecom from the demo
 * calls (lib/services/demo-invoices.ts). Finance disputes two of its calls, staff accept, and the
 * credit note is on the next invoice. The invoice is found through the pages, never by number.
 */
test('finance disputes two calls of an issued invoice, staff accept, and the credit note shows on the next invoice; accessible', async ({ page, browser }) => {
  await signInAndWait(page, 'finance@acme.example');
  await page.goto('/billing/invoices');
  const invoices = page.getByRole('table', { name: /^Invoices/ });
  await expect(invoices).toBeVisible();
  // The latest invoice that is issued (unpaid, overdue or paid): drafts and voids take no disputes.
  await invoices
    .getByRole('row')
    .filter({ hasText: /Issued, unpaid|Overdue|Paid/ })
    .first()
    .getByRole('link', { name: /^INV-/ })
    .click();
  await expect(page).toHaveURL(/\/billing\/invoices\/[0-9a-f-]{36}$/);

  await page.getByRole('link', { name: /^Calls of / }).first().click();
  await expect(page).toHaveURL(/\/billing\/invoices\/[0-9a-f-]{36}\/lines\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('table', { name: /^Calls of / })).toBeVisible();
  await expectAccessible(page);

  // The two calls of the page that cost the most (a pair of 3-second calls could round to nothing).
  const rows = page.getByRole('row').filter({ has: page.getByRole('checkbox', { name: /^Select the call to / }) });
  const charges: { index: number; charge: number }[] = [];
  for (let index = 0; index < (await rows.count()); index++) {
    charges.push({ index, charge: Number(/\$([\d,]+\.\d+)/.exec(await rows.nth(index).innerText())?.[1]?.replace(/,/g, '') ?? '0') });
  }
  charges.sort((a, b) => b.charge - a.charge);
  expect(charges.length).toBeGreaterThanOrEqual(2);
  const picked = [rows.nth(charges[0]!.index).getByRole('checkbox'), rows.nth(charges[1]!.index).getByRole('checkbox')];
  for (const box of picked) await box.check();
  const selection = page.getByText(/^2 calls selected: \$[\d,]+\.\d\d disputed/);
  await expect(selection).toBeVisible();
  const amount = /(\$[\d,]+\.\d\d) disputed/.exec((await selection.textContent()) ?? '')![1]!;

  // Too short a reason is said beside the field, and nothing is disputed.
  await page.getByLabel('Reason').fill('Wrong');
  await page.getByRole('button', { name: 'Dispute selected' }).click();
  await expect(page.getByText('Say what is wrong with these calls: at least 10 characters')).toBeVisible();
  await expect(page).toHaveURL(/\/lines\/[0-9a-f-]{36}$/);

  await page.getByLabel('Reason').fill('Both calls dropped after a second but were billed in full.');
  for (const box of picked) await expect(box).toBeChecked();
  await page.getByRole('button', { name: 'Dispute selected' }).click();
  await expect(page).toHaveURL(/\/billing\/disputes\/[0-9a-f-]{36}\?opened=1$/);
  const heading = page.getByRole('heading', { level: 1, name: /^Dispute DSP-[0-9A-F]{8}$/ });
  await expect(heading).toBeVisible();
  const reference = ((await heading.textContent()) ?? '').replace('Dispute ', '').trim();
  const disputeUrl = page.url().replace(/\?.*$/, '');
  const status = page.getByTestId('dispute-status');
  await expect(status).toContainText('Open');
  // Seed 000's promise, shown as a time: two business days on.
  await expect(status).toContainText(/decided by (Mon|Tue|Wed|Thu|Fri) \d{1,2} [A-Z][a-z]{2}( \d{4})? \d{2}:\d{2} UTC \(2 business days\)/);
  await expect(page.getByRole('status').filter({ hasText: 'We received your dispute' })).toBeVisible();
  await expect(page.getByRole('table', { name: `Calls of ${reference}` }).getByRole('row')).toHaveCount(3);
  await expectAccessible(page);

  // The two calls are now in a dispute: they cannot be ticked again.
  await page.goto('/billing/disputes');
  await expect(page.getByRole('rowheader', { name: reference })).toBeVisible();
  await expectAccessible(page);

  // Staff decide from their queue, in a browser of their own.
  const staffContext = await browser.newContext();
  const staff = await staffContext.newPage();
  await signInAndWait(staff, 'staff@carrier.example');
  await sidebar(staff).getByRole('link', { name: 'Disputes', exact: true }).click();
  await expect(staff.getByRole('heading', { level: 1, name: 'Disputes' })).toBeVisible();
  await expectAccessible(staff);
  await staff.getByRole('link', { name: reference }).click();
  await expect(staff.getByRole('heading', { level: 1, name: `Dispute ${reference}` })).toBeVisible();
  // A rejection needs a note: refused beside the field.
  await staff.getByLabel(/^Reject/).check();
  await staff.getByRole('button', { name: 'Record decision' }).click();
  await expect(staff.getByText('Say why the dispute is rejected (the customer reads it)')).toBeVisible();
  await staff.getByLabel(/^Accept/).check();
  await expectAccessible(staff);
  await staff.getByRole('button', { name: 'Record decision' }).click();
  await expect(staff.getByTestId('dispute-status')).toContainText('Accepted');
  await expect(staff.getByTestId('dispute-status')).toContainText(`${amount} credited`);
  await expect(staff.getByRole('button', { name: 'Record decision' })).toHaveCount(0);
  await staffContext.close();

  // The customer sees it accepted with the credit, and opens the invoice that shows the credit note.
  await page.goto(disputeUrl);
  await expect(status).toContainText('Accepted');
  await expect(status).toContainText(`${amount} credited`);
  await expect(page.getByTestId('credit-note')).toContainText(`${amount} credited on`);
  await expectAccessible(page);
  await page.getByRole('button', { name: /^Open the .+ invoice/ }).click();
  await expect(page).toHaveURL(/\/billing\/invoices\/[0-9a-f-]{36}$/);
  await expect(page.getByText(`Credit note for dispute ${reference}: Both calls dropped after a second but were billed in full.`)).toBeVisible();
  await expectAccessible(page);
});

test('disputes at 390 px, and roles without money never reach them', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signInAndWait(page, 'owner@acme.example');
  await page.goto('/billing/disputes');
  await expect(page.getByRole('heading', { level: 1, name: 'Disputes' })).toBeVisible();
  await expectAccessible(page);

  await page.context().clearCookies();
  await signInAndWait(page, 'tech@acme.example');
  const response = await page.goto('/billing/disputes');
  expect(response?.status()).toBe(404);
  const line = await page.goto('/billing/invoices/00000000-0000-4000-8000-000000000000/lines/00000000-0000-4000-8000-000000000000');
  expect(line?.status()).toBe(404);
});
