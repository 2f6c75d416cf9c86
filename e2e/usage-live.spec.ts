import { expect, test } from '@playwright/test';
import { expectAccessible, signInAndWait } from './helpers';

test('the live calls page connects to the feed, pauses and resumes, and is accessible at 390 px', async ({ page }) => {
  await signInAndWait(page, 'tech@acme.example');
  await page.goto('/usage/live');
  await expect(page.getByRole('heading', { level: 1, name: 'Live calls' })).toBeVisible();
  await expect(page.getByText('Status: Live')).toBeVisible();
  await expect(page.getByTestId('live-p50')).toHaveText('—');
  await expectAccessible(page);

  const pause = page.getByRole('button', { name: 'Pause' });
  await pause.click();
  await expect(page.getByRole('button', { name: 'Resume' })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByText(/Status: Paused/)).toBeVisible();
  await page.getByRole('button', { name: 'Resume' }).click();
  await expect(page.getByText('Status: Live')).toBeVisible();

  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});

test('the live feed refuses an anonymous caller with a JSON error', async ({ request }) => {
  const response = await request.get('/api/v1/cdrs/live');
  expect(response.status()).toBe(401);
  expect((await response.json()).error.code).toBe('unauthorized:session');
});
