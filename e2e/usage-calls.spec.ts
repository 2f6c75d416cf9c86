import { expect, test } from '@playwright/test';
import { expectAccessible, signInAndWait } from './helpers';

test.describe('Calls (CDR search)', () => {
  test('searches, says what is wrong with a filter, and works as cards at 390 px', async ({ page }) => {
    await signInAndWait(page, 'owner@acme.example');
    await page.goto('/usage/calls');
    await expect(page.getByRole('heading', { name: 'Calls' })).toBeVisible();
    await expectAccessible(page);

    await page.getByLabel('From').fill('2026-04-17');
    await page.getByLabel('To').fill('2026-04-01');
    await page.getByLabel('Number').fill('12ab');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect(page.getByText('“To” must be after “From”.')).toBeVisible();
    await expect(page.getByText(/Not a phone number/)).toBeVisible();
    await expect(page.getByRole('status').filter({ hasText: 'The search could not run' })).toBeVisible();
    await expectAccessible(page);

    await page.getByRole('link', { name: 'Clear' }).click();
    await expect(page).toHaveURL(/\/usage\/calls$/);
    // The last 24 hours: the demo's calls, or the empty state saying what to do.
    await expect(page.getByRole('table').or(page.getByText('No calls match'))).toBeVisible();

    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await expect(page.getByRole('heading', { name: 'Calls' })).toBeVisible();
    await expectAccessible(page);
  });

  test('a drill-down link with the charts’ parameter names opens the filtered search', async ({ page }) => {
    await signInAndWait(page, 'owner@acme.example');
    const to = new Date();
    const from = new Date(to.getTime() - 3_600_000);
    await page.goto(`/usage/calls?from=${from.toISOString()}&to=${to.toISOString()}&direction=outbound&sipCode=486`);
    await expect(page.getByLabel('Direction')).toHaveValue('outbound');
    await expect(page.getByLabel('SIP code')).toHaveValue('486');
    await expect(page.getByRole('table').or(page.getByText('No calls match'))).toBeVisible();
  });
});
