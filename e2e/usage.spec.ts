import { expect, test } from '@playwright/test';
import { expectAccessible, sidebar, signInAndWait } from './helpers';

// Demo CDRs are seeded at start by another part of the app; the spec holds whether or not there are calls.
test('usage & quality: tiles and charts (or the empty state), filters in the URL, accessible at desktop and 390 px', async ({ page }) => {
  await signInAndWait(page, 'owner@acme.example');
  await sidebar(page).getByRole('link', { name: 'Usage & quality' }).click();
  await expect(page).toHaveURL(/\/usage$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Usage & quality' })).toBeVisible();
  await expect(page.getByText('Loading usage and quality…')).toBeHidden({ timeout: 20_000 });

  const empty = page.getByText('No calls in this period');
  const hasCalls = !(await empty.first().isVisible());
  if (hasCalls) {
    await expect(page.getByText('ASR', { exact: true }).first()).toBeVisible();
    await expect(page.getByRole('heading', { name: 'ASR and NER (%)' })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'PDD p50 and p95 (ms)' })).toBeVisible();
    // Every chart says what it measures.
    await expect(page.getByText(/ASR = answered ÷ attempts/).first()).toBeVisible();
    await expect(page.getByText(/PDD = INVITE → first 18x/).first()).toBeVisible();
    await expect(page.getByRole('table', { name: 'By trunk group: attempts and quality' })).toBeAttached();
  } else {
    await expect(empty.first()).toBeVisible();
  }
  await expectAccessible(page);

  await page.getByLabel('Period', { exact: true }).selectOption('24h');
  await expect(page).toHaveURL(/range=24h/);
  await page.getByLabel('Direction', { exact: true }).selectOption('inbound');
  await expect(page).toHaveURL(/direction=inbound/);
  await expect(page.getByText('Loading usage and quality…')).toBeHidden({ timeout: 20_000 });
  await expectAccessible(page);

  if (hasCalls) {
    // The numbers behind a chart link each bucket to its calls.
    await page.getByText('Show the numbers').first().click();
    const firstBucket = page.getByRole('region', { name: 'Attempts, table, scrollable' }).getByRole('link').first();
    await expect(firstBucket).toHaveAttribute('href', /^\/usage\/calls\?from=.*&to=.*direction=inbound/);
  }

  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  await expect(page.getByText('Loading usage and quality…')).toBeHidden({ timeout: 20_000 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await expectAccessible(page);
});
