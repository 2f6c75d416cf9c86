import { expect, test } from '@playwright/test';
import { expectAccessible, signInAndWait } from './helpers';

// The demo seed's incident (an upstream whose ASR drops and PDD doubles for an hour) leaves at least one alert.
test('quality alerts: the list, an alert with its chart against the baseline, acknowledge by a technical member; accessible', async ({ page }) => {
  await signInAndWait(page, 'tech@acme.example');
  await page.goto('/usage/alerts');
  await expect(page.getByRole('heading', { level: 1, name: 'Quality alerts' })).toBeVisible();
  const table = page.getByRole('table', { name: /Quality alerts of/ });
  await expect(table).toBeVisible();
  await expectAccessible(page);

  const first = table.getByRole('link').first();
  await first.click();
  await expect(page).toHaveURL(/\/usage\/alerts\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { name: /around the alert/ })).toBeVisible();
  await expect(page.getByText(/median of the same time in the previous 4 weeks/)).toBeVisible();
  await expect(page.getByText('Normal at this time of week')).toBeVisible();
  await expectAccessible(page);

  const acknowledge = page.getByRole('button', { name: 'Acknowledge' });
  if (await acknowledge.isVisible()) {
    await acknowledge.click();
    await expect(page.getByText(/Acknowledged by|by Tara Tech/).first()).toBeVisible();
  }
  await expect(page.getByRole('button', { name: 'Acknowledge' })).toHaveCount(0);

  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/usage/alerts');
  await expectAccessible(page);
});

test('quality alerts: a viewer reads alerts but cannot acknowledge; an unknown alert is not found', async ({ page }) => {
  await signInAndWait(page, 'viewer@acme.example');
  await page.goto('/usage/alerts');
  await expect(page.getByRole('heading', { level: 1, name: 'Quality alerts' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Acknowledge' })).toHaveCount(0);
  const response = await page.goto('/usage/alerts/00000000-0000-4000-8000-000000000000');
  expect(response?.status()).toBe(404);
});
