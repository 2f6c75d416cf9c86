import { expect, test } from '@playwright/test';
import { expectAccessible, sidebar, signInAndWait } from './helpers';

test('operator staff read the carrier scorecard with its definitions, when it was computed, and why the seed’s table cannot be reproduced', async ({ page }) => {
  await signInAndWait(page, 'staff@carrier.example');
  await sidebar(page).getByRole('link', { name: 'Carrier scorecard' }).click();
  await expect(page).toHaveURL(/\/operator\/scorecard$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Carrier scorecard' })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: /^Computed \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC/ })).toBeVisible();
  await expect(page.getByText(/^score = 0\.4 × cost_rank \+ 0\.35 × ASR_7d/)).toBeVisible();
  await expect(page.getByText(/^PDD_p50 = 100 at a median PDD ≤ 1 s/)).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Why VICICarrier’s own table cannot be reproduced' })).toBeVisible();
  await expect(page.getByText(/0\.35 × 68\.2 = 23\.87/)).toBeVisible();
  // The demo's 90 days of calls give scored carriers; an empty store says what brings them.
  const tables = page.getByRole('table', { name: /^Carriers to [A-Z]{2}, best score first$/ });
  const empty = page.getByText('No outbound calls in the last 7 days');
  await expect(tables.first().or(empty)).toBeVisible();
  if ((await tables.count()) > 0) {
    // Staff see provider and connection names, never "Carrier 1".
    await expect(tables.first().getByRole('rowheader').first()).toHaveText(/ · /);
    await expect(tables.first().getByRole('rowheader', { name: /^Carrier \d+$/ })).toHaveCount(0);
  }
  await expectAccessible(page);
});

test('customers never reach the carrier scorecard', async ({ page }) => {
  await signInAndWait(page, 'owner@acme.example');
  await expect(sidebar(page).getByRole('link', { name: 'Carrier scorecard' })).toHaveCount(0);
  const response = await page.goto('/operator/scorecard');
  expect(response?.status()).toBe(403);
});
