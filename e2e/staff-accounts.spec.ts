import { expect, test } from '@playwright/test';
import { expectAccessible, sidebar, signInAndWait } from './helpers';

test('operator staff find a sub-account, act as it with a banner on every page, and stop', async ({ page }) => {
  await signInAndWait(page, 'staff@carrier.example');
  await sidebar(page).getByRole('link', { name: 'Customer accounts' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Customer accounts' })).toBeVisible();
  // Sub-accounts are listed too, under their top-level account.
  await expect(page.getByRole('rowheader', { name: /^Acme East/ })).toBeVisible();
  await expectAccessible(page);

  await page.getByLabel('Name or account id').fill('east');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/q=east/);
  await expect(page.getByRole('rowheader')).toHaveCount(1);
  await expect(page.getByLabel('Name or account id')).toHaveValue('east');

  await page.getByRole('button', { name: 'Act as Acme East' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  const banner = page.getByTestId('acting-banner');
  await expect(banner).toContainText('You are acting as Acme East');
  await page.goto('/numbers');
  await expect(banner).toContainText('Acme East');
  await expectAccessible(page);

  await banner.getByRole('button', { name: 'Stop acting' }).click();
  await expect(page).toHaveURL(/\/operator\/accounts$/);
  await expect(page.getByTestId('acting-banner')).toHaveCount(0);
  // Acting as nobody, customer pages send staff back to the list.
  await page.goto('/dashboard');
  await expect(page).toHaveURL(/\/operator\/accounts$/);
});

test('at 390 px the list is cards and acting works the same', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signInAndWait(page, 'staff@carrier.example');
  await page.goto('/operator/accounts?q=Acme%20West');
  await page.getByRole('button', { name: 'Act as Acme West' }).click();
  await expect(page.getByTestId('acting-banner')).toContainText('You are acting as Acme West');
  await page.getByTestId('acting-banner').getByRole('button', { name: 'Stop acting' }).click();
  await expect(page).toHaveURL(/\/operator\/accounts$/);
});

test('customers never reach the customer accounts page', async ({ page }) => {
  await signInAndWait(page, 'owner@acme.example');
  await expect(sidebar(page).getByRole('link', { name: 'Customer accounts' })).toHaveCount(0);
  const response = await page.goto('/operator/accounts');
  expect(response?.status()).toBe(403);
  await expect(page.getByRole('heading', { level: 1, name: 'You do not have access to this page' })).toBeVisible();
});
