import { expect, test } from '@playwright/test';
import { confirmNoE911IfAsked, expectAccessible, signInAndWait } from './helpers';

test('search by area code and by vanity pattern, buy three numbers, find them, export and release one', async ({ page }) => {
  await signInAndWait(page, 'tech@acme.example');
  await page.goto('/numbers/buy');
  await expectAccessible(page);

  // A bad area code is explained next to the field.
  await page.getByLabel('Area code (NPA)').fill('31');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByText('An area code (NPA) is three digits, not starting with 0 or 1')).toBeVisible();

  await page.getByLabel('Area code (NPA)').fill('312');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/npa=312/);
  await expect(page.getByRole('heading', { name: /numbers? available/ })).toBeVisible();
  const numberCells = page.getByRole('table', { name: 'Available numbers' }).locator('tbody tr td:nth-child(2)');
  await expect(numberCells.first()).toContainText('(312) ');
  await expectAccessible(page);

  // Sorting and paging come from the stored search: the URL changes, the numbers stay 312.
  await page.getByRole('link', { name: /^Monthly/ }).click();
  await expect(page).toHaveURL(/sort=monthly/);
  await expect(numberCells.first()).toContainText('(312) ');

  const chosen: string[] = [];
  for (let row = 0; row < 2; row++) {
    const text = (await numberCells.nth(row).textContent())!.trim();
    chosen.push(text);
    await page.getByRole('checkbox', { name: `Select ${text}` }).check();
  }
  await page.getByRole('button', { name: 'Add 2 to cart' }).click();
  await expect(page.getByText('Added 2 numbers to your cart.')).toBeVisible();

  await page.getByLabel('Area code (NPA)').fill('');
  await page.getByLabel('Pattern or vanity word').fill('*JJ*');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/pattern=\*JJ\*/);
  // The matched digits are highlighted with the word they spell beside the number.
  await expect(numberCells.first()).toContainText('JJ');
  await expect(numberCells.first().locator('mark').first()).toBeVisible();
  const vanity = (await page.getByRole('table', { name: 'Available numbers' }).getByRole('checkbox', { name: /^Select \(/ }).first().getAttribute('aria-label'))!.replace(/^Select /, '');
  expect(vanity.replace(/\D/g, '')).toContain('55');
  chosen.push(vanity);
  await page.getByRole('checkbox', { name: `Select ${vanity}` }).check();
  await page.getByRole('button', { name: 'Add 1 to cart' }).click();
  await expect(page.getByText('Added 1 number to your cart.')).toBeVisible();

  await page.getByRole('link', { name: 'Cart (3)' }).click();
  await expect(page.getByRole('table', { name: 'Numbers in your cart' }).locator('tbody tr')).toHaveCount(3);
  await expectAccessible(page);
  await page.getByRole('link', { name: /^Check out/ }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Checkout' })).toBeVisible();
  await expectAccessible(page);
  await confirmNoE911IfAsked(page);
  await page.getByRole('button', { name: /^Place order/ }).click();

  await expect(page).toHaveURL(/\/numbers\/orders\//);
  await expect(page.getByRole('heading', { level: 2, name: 'Completed' })).toBeVisible({ timeout: 30_000 });
  for (const number of chosen) await expect(page.getByRole('row', { name: new RegExp(number.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) })).toContainText('Active');
  await expectAccessible(page);

  await page.getByRole('link', { name: 'See your numbers' }).click();
  await expect(page).toHaveURL(/\/numbers$/);
  for (const number of chosen) await expect(page.getByText(number, { exact: true }).first()).toBeVisible();
  await expectAccessible(page);

  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: /Export CSV/i }).click();
  const csv = await (await download).createReadStream();
  const chunks: Buffer[] = [];
  for await (const chunk of csv) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  for (const number of chosen) expect(text).toContain(number.replace(/[^\d+]/g, ''));

  await page.getByRole('link', { name: chosen[0]! }).first().click();
  await page.getByRole('button', { name: /^Release/ }).click();
  await page.getByRole('button', { name: new RegExp(`Yes, release|Confirm`) }).click();
  await expect(page.getByText(/released/i).first()).toBeVisible();
});
