import { expect, test } from '@playwright/test';
import { expectAccessible, sidebar, signInAndWait } from './helpers';

// scripts/e2e-server.ts runs the VITCOM sandbox here; its demo account.
const VITCOM_URL = 'http://127.0.0.1:4202';
const VITCOM_ACCOUNT = '7001234';
const VITCOM_TOKEN = 'vtc_demo_4b1f9e2c7a';

test('a connection with wrong credentials is saved disabled with a red health badge, and goes live only once its test passes', async ({ page }) => {
  await signInAndWait(page, 'staff@carrier.example');
  await sidebar(page).getByRole('link', { name: 'Providers' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Providers' })).toBeVisible();

  const add = page.getByRole('region', { name: 'Add a connection' });
  await add.getByLabel('Provider').selectOption('vitcom');
  // The demo (SEED_DEMO=1) pre-fills the sandbox's address and says so.
  await expect(add.getByLabel('Base URL')).toHaveValue(/^http:\/\/127\.0\.0\.1:\d+$/);
  await expect(add.getByText('sandbox that runs with the demo', { exact: false })).toBeVisible();

  await add.getByLabel('Connection name').fill('VITCOM second account');
  await add.getByLabel('Base URL').fill(VITCOM_URL);
  await add.getByLabel('Account number').fill(VITCOM_ACCOUNT);
  await add.getByLabel('API token').fill('wrong-token-123456');
  await add.getByRole('button', { name: 'Add and test connection' }).click();
  await expect(add.getByText('Saved “VITCOM second account” but left it disabled: VITCOM rejected the credentials', { exact: false })).toBeVisible();
  // What was typed is still there (the secret too, kept by the browser, never echoed by the server).
  await expect(add.getByLabel('Connection name')).toHaveValue('VITCOM second account');

  const card = page.getByRole('region', { name: 'VITCOM second account' });
  await expect(card.getByText('Disabled: test failed', { exact: true })).toBeVisible();
  await expect(card.getByText(/^Failing: credentials rejected (just now|\d+ min ago)/)).toBeVisible();
  await expect(page.getByText('Breaker closed', { exact: true })).toHaveCount(0);
  await expectAccessible(page);

  // The server refuses to enable it while the test fails.
  await card.getByRole('button', { name: 'Test and enable' }).click();
  await expect(card.getByRole('status').filter({ hasText: 'Not enabled: the connection test failed' })).toBeVisible();
  await expect(card.getByText('Disabled: test failed', { exact: true })).toBeVisible();

  // A duplicate name is refused beside the field.
  await add.getByLabel('Connection name').fill('vitcom SECOND account');
  await add.getByLabel('API token').fill(VITCOM_TOKEN);
  await add.getByRole('button', { name: 'Add and test connection' }).click();
  await expect(add.getByText('A connection called “VITCOM second account” already exists', { exact: false })).toBeVisible();

  // Correct credentials: the edit is tested, passes, and the connection goes live and healthy.
  await card.getByRole('button', { name: 'Edit settings…' }).click();
  await card.getByLabel('API token').fill(VITCOM_TOKEN);
  await card.getByRole('button', { name: 'Save connection' }).click();
  // A success is a toast, outside the card.
  await expect(page.getByText('Saved. Test passed', { exact: false })).toBeVisible();
  await expect(card.getByText('Enabled', { exact: true })).toBeVisible();
  await expect(card.getByText('Healthy', { exact: true })).toBeVisible();

  // Disabling asks first and says what stops; cancelling changes nothing.
  await card.getByRole('button', { name: 'Disable…' }).click();
  const dialog = page.getByRole('alertdialog');
  await expect(dialog.getByText('no number searches, orders, trunk-group or E911 changes, and no sync on it', { exact: false })).toBeVisible();
  await expect(dialog.getByText('No customer numbers live on it', { exact: false })).toBeVisible();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(card.getByText('Enabled', { exact: true })).toBeVisible();
  // Left disabled, so the specs after this one search the demo's four carriers only.
  await card.getByRole('button', { name: 'Disable…' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Disable VITCOM second account' }).click();
  await expect(card.getByText('Disabled', { exact: true })).toBeVisible();
});

test('the demo sandbox connections show health from their last real call, never "Breaker closed"', async ({ page }) => {
  await signInAndWait(page, 'staff@carrier.example');
  await page.goto('/operator/providers');
  const voicetel = page.getByRole('region', { name: 'VoiceTel sandbox' });
  await voicetel.getByRole('button', { name: 'Test connection' }).click();
  await expect(voicetel.getByRole('status').filter({ hasText: 'Signed in' })).toBeVisible();
  await expect(voicetel.getByText('Healthy', { exact: true })).toBeVisible();
  await expect(page.getByText('Breaker closed', { exact: true })).toHaveCount(0);
});

test('customers can neither see nor reach the Providers page', async ({ page }) => {
  await signInAndWait(page, 'owner@acme.example');
  await expect(sidebar(page).getByText('Providers')).toHaveCount(0);
  const response = await page.goto('/operator/providers');
  expect(response?.status()).toBe(403);
});
