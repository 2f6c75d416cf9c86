import { expect, test, type Page } from '@playwright/test';
import { expectAccessible, sidebar, signInAndWait } from './helpers';

/** Buys one 312 number as the signed-in user and answers it as the page shows it, e.g. "(312) 555-0100". */
async function buyOneNumber(page: Page): Promise<string> {
  await page.goto('/numbers/buy');
  await page.getByLabel('Area code (NPA)').fill('312');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/npa=312/);
  const numberCells = page.getByRole('table', { name: 'Available numbers' }).locator('tbody tr td:nth-child(2)');
  const chosen = (await numberCells.first().textContent())!.trim().match(/\(\d{3}\) \d{3}-\d{4}/)![0];
  await page.getByRole('checkbox', { name: new RegExp(`^Select ${chosen.replace(/[()]/g, '\\$&')}`) }).check();
  await page.getByRole('button', { name: 'Add 1 to cart' }).click();
  await expect(page.getByText('Added 1 number to your cart.')).toBeVisible();
  await page.goto('/numbers/checkout');
  // A number whose carrier cannot register E911 asks for a confirmation first.
  const noE911 = page.getByRole('checkbox', { name: /E911|emergency/i });
  if (await noE911.count()) await noE911.first().check();
  await page.getByRole('button', { name: /^Place order/ }).click();
  await expect(page).toHaveURL(/\/numbers\/orders\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { level: 2, name: /Completed|Partly/ })).toBeVisible({ timeout: 30_000 });
  return chosen;
}

test('Orders lists what was bought, filters by number and status, links both ways, and shows charges only to money roles', async ({ page }) => {
  await signInAndWait(page, 'tech@acme.example');
  const number = await buyOneNumber(page);
  const orderUrl = page.url();
  const orderId = orderUrl.split('/').at(-1)!;

  await sidebar(page).getByRole('link', { name: 'Orders' }).click();
  await expect(page).toHaveURL(/\/numbers\/orders$/);
  await expect(sidebar(page).getByRole('link', { name: 'Orders' })).toHaveAttribute('aria-current', 'page');
  await expect(sidebar(page).getByRole('link', { name: 'Numbers' })).not.toHaveAttribute('aria-current', 'page');
  const table = page.getByRole('table', { name: /^Orders of Acme Telecom/ });
  const row = table.getByRole('row').filter({ hasText: number });
  await expect(row).toContainText('Bought');
  // Technical roles see what was bought, not what it cost.
  await expect(table.getByRole('columnheader', { name: 'Charged' })).toHaveCount(0);
  await expect(table).not.toContainText('$');
  await expectAccessible(page);

  // Filters live in the URL; a bad one is explained beside its field and what was typed stays.
  await page.getByLabel('Number', { exact: true }).fill(number.replace(/\D/g, '').slice(-7));
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(/q=\d{7}/);
  await expect(table.getByRole('row').filter({ hasText: number })).toHaveCount(1);
  await page.getByLabel('Status', { exact: true }).selectOption('failed');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page.getByText('No orders match these filters')).toBeVisible();
  await page.goto('/numbers/orders?q=abc');
  await expect(page.getByText('Use digits only')).toBeVisible();
  await expect(page.getByLabel('Number', { exact: true })).toHaveValue('abc');

  // Sorting is a link the server answers.
  await page.goto('/numbers/orders');
  await page.getByRole('link', { name: /^Numbers: sort/ }).click();
  await expect(page).toHaveURL(/sort=numbers/);

  // The list links to the order, and the number's page links to its order.
  await page.goto('/numbers/orders');
  await page.getByRole('link', { name: new RegExp(`^Order ${orderId.slice(0, 8)}`) }).first().click();
  await expect(page).toHaveURL(orderUrl);
  await page.goto('/numbers');
  await page.getByRole('link', { name: number }).first().click();
  await page.getByRole('link', { name: new RegExp(`^Order ${orderId.slice(0, 8)}`) }).click();
  await expect(page).toHaveURL(orderUrl);

  // Owners read billing: the same order with what it was charged.
  await page.context().clearCookies();
  await signInAndWait(page, 'owner@acme.example');
  await page.goto('/numbers/orders');
  const ownerTable = page.getByRole('table', { name: /^Orders of Acme Telecom and its sub-accounts/ });
  await expect(ownerTable.getByRole('columnheader', { name: 'Charged' })).toBeVisible();
  await expect(ownerTable.getByRole('row').filter({ hasText: number })).toContainText('$');
  await expectAccessible(page);

  // At 390 px each order is a card with its lines, and nothing scrolls sideways.
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(page.getByRole('table', { name: /^Orders of Acme Telecom/ }).getByRole('row').filter({ hasText: number })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await expectAccessible(page);
});

test('the audit log reads in plain words, shows changes as a diff, links objects and exports the filtered view', async ({ page }) => {
  await signInAndWait(page, 'owner@acme.example');
  await page.goto('/account/audit');
  await expect(page.getByRole('heading', { level: 1, name: 'Audit log' })).toBeVisible();
  await expect(page.locator('main')).not.toContainText('::ffff:');
  await expect(page.locator('main')).not.toContainText(/\b[a-z_]+\.[a-z_]+:\s/);
  await expectAccessible(page);

  // The event filter offers labels, not keys.
  const events = page.getByLabel('Event', { exact: true });
  await expect(events.locator('option', { hasText: 'Numbers ordered' })).toHaveCount(1);
  await expect(events.locator('option', { hasText: 'order.place' })).toHaveCount(0);
  await events.selectOption({ label: 'Numbers ordered' });
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(/action=order\.place/);
  const table = page.getByRole('table', { name: /^Audit events of Acme Telecom/ });
  await expect(table.getByText('Numbers ordered').first()).toBeVisible();
  // Before and after as a diff: field, before, after.
  await expect(table.getByRole('table', { name: /^Changes: Numbers ordered/ }).first().getByRole('columnheader', { name: 'Field' })).toBeVisible();
  // The order still exists: its event links to it.
  await table.getByRole('link', { name: /^Open the order/ }).first().click();
  await expect(page).toHaveURL(/\/numbers\/orders\/[0-9a-f-]{36}$/);

  await page.goto('/account/audit?action=order.place');
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Export CSV' }).click();
  const stream = await (await download).createReadStream();
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  const csv = Buffer.concat(chunks).toString('utf8');
  const [header, ...lines] = csv.trim().split('\r\n');
  expect(header).toBe('time_utc,who,by_operator_staff,event,event_key,account,object_type,object_id,object,field,before,after,ip');
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) expect(line).toContain(',order.place,');
  expect(csv).not.toContain('::ffff:');
});

test('technical and viewer roles reach Orders but not the audit log or its export', async ({ page }) => {
  await signInAndWait(page, 'viewer@acme.example');
  await expect(sidebar(page).getByRole('link', { name: 'Orders' })).toBeVisible();
  const response = await page.request.get('/api/v1/audit/export');
  expect(response.status()).toBe(403);
  await page.goto('/numbers/orders');
  await expect(page.getByRole('heading', { level: 1, name: 'Orders' })).toBeVisible();
  await expect(page.getByRole('columnheader', { name: 'Charged' })).toHaveCount(0);
});
