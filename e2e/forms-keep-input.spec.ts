import { expect, test } from '@playwright/test';
import { signInAndWait } from './helpers';

// Issue 12.7: a refused submit keeps every non-secret field as it was typed, selects and checkboxes included.

test('the invite form keeps the email and the role after a refusal', async ({ page }) => {
  await signInAndWait(page, 'admin@acme.example');
  await page.goto('/account');
  await page.getByRole('link', { name: 'Acme Telecom' }).click();

  await page.getByLabel('Email', { exact: true }).fill('not-an-email');
  await page.getByLabel('Role', { exact: true }).selectOption('technical');
  await page.getByRole('button', { name: 'Invite' }).click();
  await expect(page.getByText('Please correct the highlighted fields.')).toBeVisible();
  await expect(page.getByLabel('Email', { exact: true })).toHaveValue('not-an-email');
  await expect(page.getByLabel('Role', { exact: true })).toHaveValue('technical');

  // A refusal by the service (the address already belongs to a member) keeps them too.
  await page.getByLabel('Email', { exact: true }).fill('admin@acme.example');
  await page.getByLabel('Role', { exact: true }).selectOption('finance');
  await page.getByRole('button', { name: 'Invite' }).click();
  await expect(page.getByText('That person is already a member of this account.')).toBeVisible();
  await expect(page.getByLabel('Email', { exact: true })).toHaveValue('admin@acme.example');
  await expect(page.getByLabel('Role', { exact: true })).toHaveValue('finance');
});

test('the sub-account form keeps the parent, the name, the limits and the checkbox after a refusal', async ({ page }) => {
  await signInAndWait(page, 'admin@acme.example');
  await page.goto('/account');
  await page.getByLabel('Parent account').selectOption({ label: '— Acme East' });
  await page.getByLabel('Sub-account name').fill('Acme Keeps');
  await page.getByLabel('Concurrent calls').fill('many');
  await page.getByLabel('Monthly spend cap (USD)').fill('1,500');
  await page.getByLabel('International calls allowed').check();
  await page.getByRole('button', { name: 'Create sub-account' }).click();
  await expect(page.getByText('Concurrent calls must be a whole number')).toBeVisible();

  await expect(page.getByLabel('Parent account')).toHaveValue(await page.getByRole('option', { name: '— Acme East' }).getAttribute('value') ?? '');
  await expect(page.getByLabel('Sub-account name')).toHaveValue('Acme Keeps');
  await expect(page.getByLabel('Concurrent calls')).toHaveValue('many');
  await expect(page.getByLabel('Monthly spend cap (USD)')).toHaveValue('1,500');
  await expect(page.getByLabel('International calls allowed')).toBeChecked();

  // An unticked box stays unticked after the next refusal.
  await page.getByLabel('International calls allowed').uncheck();
  await page.getByRole('button', { name: 'Create sub-account' }).click();
  await expect(page.getByText('Concurrent calls must be a whole number')).toBeVisible();
  await expect(page.getByLabel('International calls allowed')).not.toBeChecked();
  await expect(page.getByLabel('Sub-account name')).toHaveValue('Acme Keeps');
});

test('a sub-account’s limits keep what was typed, the unticked box included', async ({ page }) => {
  await signInAndWait(page, 'owner@acme.example');
  await page.goto('/account');
  await page.getByRole('link', { name: 'Acme East' }).click();
  const limits = page.locator('form').filter({ has: page.getByRole('button', { name: 'Save limits' }) });
  await limits.getByLabel('Calls per second').fill('0');
  await limits.getByRole('button', { name: 'Save limits' }).click();
  await expect(limits.getByRole('status')).toContainText(/correct/i);
  await expect(limits.getByLabel('Calls per second')).toHaveValue('0');
});
