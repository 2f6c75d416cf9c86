import { expect, test, type Page } from '@playwright/test';
import { expectAccessible, signInAndWait } from './helpers';

/** Issue 12.9 (vanity, blocks, selection across pages) and the search part of 12.4 (no-E911 badge and filter). */

const results = (page: Page, name = 'Available numbers') => page.getByRole('table', { name });
const selectionStatus = (page: Page) => page.getByRole('group', { name: 'Selection' }).getByRole('status').first();

test('the form’s own *FLOWERS* example finds numbers, highlights the spelled digits and badges those without E911', async ({ page }) => {
  await signInAndWait(page, 'tech@acme.example');
  await page.goto('/numbers/buy');
  await page.getByLabel('Pattern or vanity word').fill('*FLOWERS*');
  await page.getByLabel('Quantity').fill('20');
  await page.getByRole('button', { name: 'Search', exact: true }).click();

  const table = results(page);
  await expect(table.locator('tbody tr').first()).toBeVisible();
  await expect(table.locator('mark').first()).toHaveText('356-9377');
  await expect(table.getByText('FLOWERS').first()).toBeVisible();
  // Some carriers in the sandboxes cannot register an emergency address: their numbers say so.
  await expect(table.getByText('No E911').first()).toBeVisible();
  await expectAccessible(page);

  await page.getByLabel('Only numbers that support E911').check();
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page).toHaveURL(/e911=only/);
  await expect(page.getByText(/without E911 (is|are) hidden/)).toBeVisible();
  await expect(results(page).locator('tbody tr').first()).toBeVisible();
  await expect(results(page).getByText('No E911')).toHaveCount(0);
  await page.getByRole('link', { name: 'Show all numbers' }).click();
  await expect(results(page).getByText('No E911').first()).toBeVisible();
});

test('a consecutive block search lists whole blocks, one row each', async ({ page }) => {
  await signInAndWait(page, 'tech@acme.example');
  await page.goto('/numbers/buy?state=IL&quantity=5&consecutive=on');
  const blocks = results(page, 'Available consecutive blocks').locator('tbody tr');
  await expect(blocks.first()).toBeVisible();
  const count = await blocks.count();
  for (let index = 0; index < count; index++) await expect(blocks.nth(index)).toContainText('5 consecutive numbers');
  await expect(page.getByRole('heading', { level: 2, name: /blocks? of 5 available/ })).toBeVisible();
});

for (const viewport of [
  { name: 'desktop', width: 1280, height: 900 },
  { name: '390 px', width: 390, height: 844 },
]) {
  test(`a selection across result pages is shown as "3 selected" and can be cleared (${viewport.name})`, async ({ page }) => {
    await page.setViewportSize({ width: viewport.width, height: viewport.height });
    await signInAndWait(page, 'tech@acme.example');
    // Enough numbers for more than one page of 25.
    await page.goto('/numbers/buy?state=IL&quantity=40');
    const boxes = page.getByRole('checkbox', { name: /^Select \(/ });
    await expect(boxes.first()).toBeVisible();
    await boxes.nth(0).check();
    await boxes.nth(1).check();
    await expect(selectionStatus(page)).toContainText('2 numbers selected');

    await page.getByRole('link', { name: 'Next →' }).click();
    await expect(page).toHaveURL(/page=2/);
    await page.getByRole('checkbox', { name: /^Select \(/ }).first().check();
    const bar = page.getByRole('group', { name: 'Selection' });
    await expect(selectionStatus(page)).toContainText('3 numbers selected');
    await expect(selectionStatus(page)).toContainText('2 on other pages');
    await expect(bar).toBeInViewport();
    await expect(page.getByRole('button', { name: 'Add 3 to cart' })).toBeEnabled();
    await expectAccessible(page);

    // Back on page 1 the two ticks are still there.
    await page.getByRole('link', { name: '← Previous' }).click();
    await expect(page.getByRole('checkbox', { name: /^Select \(/ }).nth(0)).toBeChecked();
    await expect(selectionStatus(page)).toContainText('3 numbers selected');

    await page.getByRole('button', { name: 'Clear selection' }).click();
    await expect(selectionStatus(page)).toContainText('Tick numbers on any page');
    await expect(page.getByRole('button', { name: 'Add to cart' })).toBeDisabled();
    await expect(page.getByRole('checkbox', { name: /^Select \(/ }).nth(0)).not.toBeChecked();
  });
}
