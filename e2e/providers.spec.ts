import { expect, test } from '@playwright/test';
import { expectAccessible, sidebar, signInAndWait } from './helpers';

test('operator staff see every sandbox connection, test one, and add a broken one with a clear message', async ({ page }) => {
  await signInAndWait(page, 'staff@carrier.example');
  await sidebar(page).getByRole('link', { name: 'Providers' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Providers' })).toBeVisible();
  for (const name of ['VoiceTel sandbox', 'VITCOM sandbox', 'CarrierX sandbox', 'VoiceMeUp sandbox']) {
    await expect(page.getByRole('heading', { level: 2, name })).toBeVisible();
  }
  await expectAccessible(page);

  const voicetel = page.getByRole('region', { name: 'VoiceTel sandbox' });
  await voicetel.getByRole('button', { name: 'Test connection' }).click();
  await expect(voicetel.getByRole('status').filter({ hasText: 'Signed in' })).toBeVisible();
  await expect(voicetel.getByText('passed ·')).toBeVisible();
  // The stored password never comes back to the browser.
  expect(await page.content()).not.toContain('vtDemo2024pass');

  const add = page.getByRole('region', { name: 'Add a connection' });
  await add.getByLabel('Provider').selectOption('carrierx');
  await add.getByLabel('Connection name').fill('CarrierX nowhere');
  await add.getByLabel('Base URL').fill('http://127.0.0.1:9');
  await add.getByRole('button', { name: 'Add and test connection' }).click();
  await expect(add.getByText('Enter the', { exact: false })).toBeVisible();
  await add.getByLabel(/token/i).fill('not-a-real-token-123');
  await add.getByRole('button', { name: 'Add and test connection' }).click();
  // Saved, but its test failed: it is not live, and the form says so in red rather than as a success.
  await expect(add.getByText('Saved “CarrierX nowhere” but left it disabled: Could not reach http://127.0.0.1:9', { exact: false })).toBeVisible();

  const broken = page.getByRole('region', { name: 'CarrierX nowhere' });
  await expect(broken.getByText('Disabled: test failed', { exact: true })).toBeVisible();
  await broken.getByRole('button', { name: 'Test connection' }).click();
  await expect(broken.getByRole('status').filter({ hasText: 'Could not reach http://127.0.0.1:9' })).toBeVisible();
  await expect(broken.getByRole('button', { name: 'Disable…' })).toHaveCount(0);
});

test('customers cannot open the Providers page', async ({ page }) => {
  await signInAndWait(page, 'owner@acme.example');
  await expect(sidebar(page).getByText('Providers')).toHaveCount(0);
  const response = await page.goto('/operator/providers');
  expect(response?.status()).toBe(403);
});

test('operator staff keep the price list and see margins', async ({ page }) => {
  await signInAndWait(page, 'staff@carrier.example');
  await sidebar(page).getByRole('link', { name: 'Prices' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Prices' })).toBeVisible();
  await expectAccessible(page);
});
