import { expect, test } from '@playwright/test';
import { expectAccessible, signInAndWait } from './helpers';

test('webhooks: a technical user adds an endpoint to the demo inbox, sees its secret once, sends a test event and reads the log at 390 px', async ({ page }) => {
  await signInAndWait(page, 'tech@acme.example');
  await page.goto('/developers/webhooks');
  await expect(page.getByRole('heading', { level: 1, name: 'Webhooks' })).toBeVisible();
  const form = page.getByRole('region', { name: 'Add endpoint' });

  // A private address is refused beside the field, and what was typed stays.
  await form.getByLabel('URL').fill('https://10.0.0.8/hooks');
  await form.getByLabel(/order\.completed/).check();
  await form.getByRole('button', { name: 'Add endpoint' }).click();
  await expect(form.getByText(/public addresses only/)).toBeVisible();
  await expect(form.getByLabel('URL')).toHaveValue('https://10.0.0.8/hooks');

  // Only the embedded demo allows its local inbox (sandbox on 127.0.0.1:4105); on PostgreSQL (as CI
  // runs this suite) it is refused like any local address, and a public address is used instead.
  const embedded = !process.env.DATABASE_URL;
  const inbox = 'http://127.0.0.1:4105/webhooks/inbox';
  if (!embedded) {
    await form.getByLabel('URL').fill(inbox);
    await form.getByRole('button', { name: 'Add endpoint' }).click();
    await expect(form.getByText(/must start with https/)).toBeVisible();
  }
  const url = embedded ? inbox : 'https://93.184.216.34/hooks/e2e';
  await form.getByLabel('URL').fill(url);
  await form.getByLabel('Description (optional)').fill('e2e inbox');
  await form.getByRole('button', { name: 'Add endpoint' }).click();
  await expect(page.getByTestId('webhook-secret').getByLabel('Signing secret')).toHaveValue(/^whsec_/);
  await expectAccessible(page);

  await page.getByRole('link', { name: url }).first().click();
  await expect(page.getByRole('heading', { level: 1, name: 'e2e inbox' })).toBeVisible();
  await page.getByRole('button', { name: 'Send test event' }).click();
  await expect(page.getByText('Test event queued', { exact: false }).first()).toBeVisible();
  await page.reload();
  await expect(page.getByText('webhook.test').first()).toBeVisible();

  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await expectAccessible(page);

  await page.getByRole('button', { name: 'Delete endpoint…' }).click();
  await page.getByRole('button', { name: 'Yes, delete the endpoint' }).click();
  await expect(page).toHaveURL(/\/developers\/webhooks$/);
});

test('a viewer reads webhooks but cannot add one', async ({ page }) => {
  await signInAndWait(page, 'viewer@acme.example');
  const response = await page.goto('/developers/webhooks');
  expect(response?.status()).not.toBe(500);
  await expect(page.getByRole('region', { name: 'Add endpoint' })).toHaveCount(0);
});
