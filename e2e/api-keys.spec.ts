import { expect, test } from '@playwright/test';
import { expectAccessible, signInAndWait } from './helpers';

test('the API keys page: owners see keys and the form, which asks for a second factor and keeps the input; viewers are refused', async ({ page }) => {
  await signInAndWait(page, 'owner@acme.example');
  await page.goto('/developers/api-keys');
  await expect(page.getByRole('heading', { level: 1, name: 'API keys' })).toBeVisible();
  const form = page.getByRole('region', { name: 'Create API key' });
  await expect(form.getByLabel('Role')).not.toContainText('Owner');
  await form.getByLabel('Name').fill('e2e deploy');
  await form.getByLabel('Role').selectOption('technical');
  await form.getByRole('button', { name: 'Create API key' }).click();
  // The demo owner has no second factor confirmed: the refusal says where to confirm it, and nothing typed is lost.
  await expect(form.getByRole('link', { name: /Profile → Security/ })).toBeVisible();
  await expect(form.getByLabel('Name')).toHaveValue('e2e deploy');
  await expect(form.getByLabel('Role')).toHaveValue('technical');
  await expectAccessible(page);

  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);

  await page.goto('/developers/api-keys/00000000-0000-4000-8000-000000000000');
  await expect(page.getByRole('heading', { name: /not found/i })).toBeVisible();
});

test('a viewer cannot open the API keys page', async ({ page }) => {
  await signInAndWait(page, 'viewer@acme.example');
  const response = await page.goto('/developers/api-keys');
  expect(response?.status()).toBe(403);
});
