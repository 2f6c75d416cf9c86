import { expect, test, type Page } from '@playwright/test';
import { expectAccessible, signInAndWait } from './helpers';

/**
 * Issue 12.5 (why a number came from its carrier) and the checkout part of 12.4 (numbers without
 * E911 are confirmed at checkout, and the server holds that rule even when the browser does not).
 */

const UPSTREAM_NAMES = /VoiceTel|VoiceMeUp|CarrierX|Vitcom|VITCOM/;
const results = (page: Page) => page.getByRole('table', { name: 'Available numbers' });

/** Ticks the first result whose E911 cell matches, and answers its number as shown. */
async function tickFirst(page: Page, e911: 'Supported' | 'No E911') {
  // Results are sorted by number, so one carrier's numbers may fill a page: the selection is kept across pages.
  for (let pageNumber = 1; pageNumber <= 5; pageNumber++) {
    await expect(results(page).locator('tbody tr').first()).toBeVisible();
    const row = results(page).locator('tbody tr').filter({ hasText: e911 }).first();
    if ((await row.count()) > 0) {
      const number = (await row.locator('td').nth(1).textContent())!.trim();
      await row.getByRole('checkbox').check();
      return number;
    }
    await page.getByRole('link', { name: 'Next →' }).click();
    await expect(page).toHaveURL(new RegExp(`page=${pageNumber + 1}`));
  }
  throw new Error(`no result marked ${e911} in the first five pages`);
}

test('customers read why each number comes from its carrier, confirm numbers without E911, and never see the upstream', async ({ page }) => {
  await signInAndWait(page, 'tech@acme.example');
  await page.goto('/numbers/buy?npa=312&quantity=20');
  const withE911 = await tickFirst(page, 'Supported');
  const withoutE911 = await tickFirst(page, 'No E911');
  await page.getByRole('button', { name: 'Add 2 to cart' }).click();
  await expect(page.getByText('Added 2 numbers to your cart.')).toBeVisible();

  await page.goto('/numbers/cart');
  const cart = page.getByRole('table', { name: 'Numbers in your cart' });
  await expect(cart.getByRole('columnheader', { name: 'Why this carrier' })).toBeVisible();
  await expect(cart.getByRole('row', { name: new RegExp(withE911.replace(/[()]/g, '\\$&')) })).toContainText('Supports E911');
  await expect(cart.getByRole('row', { name: new RegExp(withoutE911.replace(/[()]/g, '\\$&')) })).toContainText('No E911');
  await expect(page.getByRole('status').filter({ hasText: 'cannot have E911' })).toContainText(withoutE911);
  await expect(page.locator('main')).not.toContainText(UPSTREAM_NAMES);
  await expectAccessible(page);

  await page.getByRole('link', { name: /^Check out/ }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Checkout' })).toBeVisible();
  await expect(page.getByText('Numbers and why each comes from its carrier')).toBeVisible();
  const confirm = page.getByRole('checkbox', { name: 'I understand 1 number cannot have E911' });
  await expect(confirm).toBeVisible();
  await expect(page.getByRole('group', { name: '1 number cannot have E911' })).toContainText(withoutE911);
  await expect(page.locator('main')).not.toContainText(UPSTREAM_NAMES);
  await expectAccessible(page);

  // The browser asks first; without its `required` check the server still refuses, beside the box.
  await confirm.evaluate((box) => box.removeAttribute('required'));
  await page.getByRole('button', { name: /^Place order/ }).click();
  await expect(page.locator('#checkout-acknowledgedNoE911-error')).toContainText(`cannot have E911 (an emergency address): ${withoutE911}`);
  await expect(page).toHaveURL(/\/numbers\/checkout$/);
  await expectAccessible(page);

  await page.getByRole('checkbox', { name: 'I understand 1 number cannot have E911' }).check();
  await page.getByRole('button', { name: /^Place order/ }).click();
  await expect(page).toHaveURL(/\/numbers\/orders\/[0-9a-f-]{36}$/);
  const orderUrl = page.url();
  const lines = page.getByRole('table', { name: 'Numbers in this order' });
  await expect(lines.getByRole('columnheader', { name: 'Why this carrier' })).toBeVisible();
  await expect(lines).toContainText('Supports E911');
  await expect(lines).toContainText('No E911');
  await expect(page.locator('main')).not.toContainText(UPSTREAM_NAMES);
  await expectAccessible(page);

  // Operator staff acting as the account read the upstream and what it was chosen over.
  await page.context().clearCookies();
  await signInAndWait(page, 'staff@carrier.example');
  await page.goto('/operator/accounts?q=Acme%20Telecom');
  await page.getByRole('button', { name: 'Act as Acme Telecom' }).click();
  await expect(page.getByTestId('acting-banner')).toContainText('Acme Telecom');
  await page.goto(orderUrl);
  await expect(page.getByRole('table', { name: 'Numbers in this order' })).toContainText('Upstream (staff only):');
  await expect(page.getByRole('table', { name: 'Numbers in this order' })).toContainText(UPSTREAM_NAMES);
});

test('at 390 px the reasons and the confirmation read the same, as cards', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signInAndWait(page, 'tech@acme.example');
  await page.goto('/numbers/buy?npa=312&quantity=20');
  // Below md the same table rows are laid out as cards.
  const withoutE911 = await tickFirst(page, 'No E911');
  await page.getByRole('button', { name: 'Add 1 to cart' }).click();
  await expect(page.getByText('Added 1 number to your cart.')).toBeVisible();
  await page.goto('/numbers/cart');
  await expect(page.getByRole('table', { name: 'Numbers in your cart' })).toContainText('No E911');
  await page.goto('/numbers/checkout');
  const confirm = page.getByRole('checkbox', { name: /^I understand \d+ numbers? cannot have E911$/ });
  await confirm.scrollIntoViewIfNeeded();
  await expect(confirm).toBeInViewport();
  await expect(page.getByRole('group', { name: /cannot have E911/ })).toContainText(withoutE911);
  await expectAccessible(page);
  // Leave the cart as found for the specs after this one.
  await page.goto('/numbers/cart');
  const remove = page.getByRole('button', { name: /^Remove / });
  for (let left = await remove.count(); left > 0; left--) {
    await remove.first().click();
    await expect(remove).toHaveCount(left - 1);
  }
});
