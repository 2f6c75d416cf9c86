import { expect, test, type Locator, type Page } from '@playwright/test';
import { confirmNoE911IfAsked, expectAccessible, signInAndWait } from './helpers';

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** "3 of 10 numbers have no registered emergency address" (or every number has one) → counts. */
async function coverageOf(locator: Locator): Promise<{ unregistered: number; total: number }> {
  const text = ((await locator.textContent()) ?? '').replace(/,/g, '');
  const partial = /(\d+) of (\d+) numbers? (?:has|have) no registered emergency address/.exec(text);
  if (partial) return { unregistered: Number(partial[1]), total: Number(partial[2]) };
  const all = /All (\d+) numbers have a registered emergency address/.exec(text);
  if (all) return { unregistered: 0, total: Number(all[1]) };
  if (/Your number has a registered emergency address/.test(text)) return { unregistered: 0, total: 1 };
  if (/No numbers yet/.test(text)) return { unregistered: 0, total: 0 };
  throw new Error(`Unexpected coverage text: ${text}`);
}

const coverageText = ({ unregistered, total }: { unregistered: number; total: number }) =>
  unregistered === 0 ? /have a registered emergency address|has a registered emergency address/ : `${unregistered} of ${total} numbers ${unregistered === 1 ? 'has' : 'have'} no registered emergency address`;

/** Ticks the first available number of an area code and adds it to the cart; returns it as shown. */
async function addToCart(page: Page, npa: string): Promise<string> {
  // A quantity of its own makes the search fresh, and keeps it out of the other specs' cached ones.
  await page.goto(`/numbers/buy?npa=${npa}&quantity=6&e911=only`);
  const numberCells = page.getByRole('table', { name: 'Available numbers' }).locator('tbody tr td:nth-child(2)');
  await expect(numberCells.first()).toContainText(`(${npa}) `);
  const number = (await numberCells.first().textContent())!.trim();
  await page.getByRole('checkbox', { name: `Select ${number}` }).check();
  await page.getByRole('button', { name: 'Add 1 to cart' }).click();
  await expect(page.getByText('Added 1 number to your cart.')).toBeVisible();
  return number;
}

/**
 * Buys one number in Chicago (312) and one in Hackensack (201) through the portal's own flow.
 * Customers never learn which carrier got a number; in the sandboxes 201 is carried only by an
 * upstream that can register emergency addresses, so at least one registration goes through.
 */
async function buyNumbers(page: Page): Promise<string[]> {
  const chosen = [await addToCart(page, '312'), await addToCart(page, '201')];
  await page.getByRole('link', { name: /^Cart/ }).first().click();
  await expect(page.getByRole('table', { name: 'Numbers in your cart' }).locator('tbody tr')).toHaveCount(2);
  await page.getByRole('link', { name: /^Check out/ }).click();
  await confirmNoE911IfAsked(page);
  await page.getByRole('button', { name: /^Place order/ }).click();
  await expect(page).toHaveURL(/\/numbers\/orders\//);
  await expect(page.getByRole('heading', { level: 2, name: 'Completed' })).toBeVisible({ timeout: 30_000 });
  return chosen;
}

test('add an emergency address, pick the suggested correction, register two numbers and watch coverage', async ({ page }) => {
  test.setTimeout(120_000);
  await signInAndWait(page, 'tech@acme.example');

  await page.goto('/e911');
  await expect(page.getByRole('heading', { level: 1, name: 'E911' })).toBeVisible();
  const before = await coverageOf(page.getByTestId('e911-coverage'));
  await expectAccessible(page);

  const chosen = await buyNumbers(page);

  // The new numbers have no address yet: coverage counts them, and they are listed to register.
  await page.goto('/e911');
  const uncovered = { unregistered: before.unregistered + 2, total: before.total + 2 };
  await expect(page.getByTestId('e911-coverage')).toHaveText(coverageText(uncovered));
  const unregisteredTable = page.getByRole('table', { name: 'Numbers without a registered address' });
  for (const number of chosen) await expect(unregisteredTable.getByRole('row', { name: new RegExp(escape(number)) })).toContainText('No address');
  await expectAccessible(page);

  await page.getByRole('link', { name: 'Add an address' }).first().click();
  await expect(page.getByRole('heading', { level: 1, name: 'Add an emergency address' })).toBeVisible();
  await expectAccessible(page);

  // A bad ZIP is explained beside its field, before anything is sent.
  await page.getByLabel('Street address').fill('233 North Michigan Avenue');
  await page.getByLabel('Apartment, suite or unit').fill('Suite 1800');
  await page.getByLabel('City').fill('Chicago');
  await page.getByLabel('State or province').fill('IL');
  const zip = page.getByLabel('ZIP or postal code');
  await zip.fill('6060');
  await page.getByLabel('Caller name').fill('Acme Chicago');
  await page.getByRole('button', { name: 'Save address' }).click();
  await expect(page.getByText('A US ZIP code is 5 digits, or ZIP+4 like 75201-1234')).toBeVisible();
  await expect(zip).toHaveAttribute('aria-invalid', 'true');
  await expect(zip).toHaveAccessibleDescription(/5 digits/);

  // The emergency database knows the building under another ZIP: it is offered as a choice.
  await zip.fill('60601');
  await page.getByRole('button', { name: 'Save address' }).click();
  const choices = page.getByRole('group', { name: 'Did you mean…' });
  await expect(choices).toBeVisible({ timeout: 20_000 });
  const suggestion = choices.getByRole('radio', { name: '233 N MICHIGAN AVE STE 1800, CHICAGO, IL 60611' });
  await expect(suggestion).toBeVisible();
  await expect(choices.getByRole('radio', { name: 'Keep the address as I typed it' })).toBeVisible();
  // What was typed is still there.
  await expect(page.getByLabel('Street address')).toHaveValue('233 North Michigan Avenue');
  await expectAccessible(page);

  await suggestion.check();
  await page.getByRole('button', { name: 'Use this address' }).click();
  await expect(page).toHaveURL(/\/e911\/[0-9a-f-]{36}\?saved=created$/, { timeout: 20_000 });
  await expect(page.getByRole('heading', { level: 1, name: '233 N MICHIGAN AVE STE 1800, CHICAGO, IL 60611' })).toBeVisible();
  await expect(page.getByText('The address is saved.')).toBeVisible();
  await expectAccessible(page);

  // Register both numbers at it in one go; each gets a status of its own.
  const assignable = page.getByRole('table', { name: 'Numbers you can register here' });
  for (const number of chosen) await assignable.getByRole('checkbox', { name: `Select ${number}` }).check();
  await page.getByRole('button', { name: 'Register 2 numbers' }).click();
  await expect(page.getByText(/Registered (2|[01] of 2) numbers at 233 N MICHIGAN AVE STE 1800, CHICAGO, IL 60611\./)).toBeVisible({ timeout: 30_000 });
  const using = page.getByRole('table', { name: 'Numbers using this address' });
  let registered = 0;
  for (const number of chosen) {
    const row = using.getByRole('row', { name: new RegExp(escape(number)) });
    await expect(row).toContainText(/Registered|Not supported/);
    if (((await row.textContent()) ?? '').includes('Registered')) registered += 1;
  }
  await expect(page.getByRole('heading', { level: 2, name: 'Numbers using this address (2)' })).toBeVisible();
  expect(registered, 'the 201 number registers').toBeGreaterThan(0);
  // The page re-rendered after the action: let its metadata settle before axe looks at it.
  await expect(page).toHaveTitle(/\S/);
  await expectAccessible(page);

  // Coverage drops by the numbers registered, on the E911 page and on the dashboard.
  const after = { unregistered: uncovered.unregistered - registered, total: uncovered.total };
  await page.goto('/e911');
  await expect(page.getByTestId('e911-coverage')).toHaveText(coverageText(after));
  // A number its carrier cannot register stays listed, with the reason.
  for (const number of chosen) {
    const row = unregisteredTable.getByRole('row', { name: new RegExp(escape(number)) });
    if (registered === 2) await expect(row).toHaveCount(0);
    else if ((await row.count()) > 0) await expect(row).toContainText('Not supported');
  }
  const book = page.getByRole('table', { name: /^Emergency addresses of / });
  const entry = book.getByRole('row', { name: /233 N MICHIGAN AVE STE 1800, CHICAGO, IL 60611/ });
  await expect(entry).toContainText('ACME CHICAGO');
  await expect(entry.getByRole('cell').last()).toHaveText('2');
  await expectAccessible(page);

  await page.goto('/dashboard');
  await expect(page.getByTestId('dashboard-e911-coverage')).toContainText(coverageText(after));
  await expectAccessible(page);

  // A number bought with the address chosen at checkout arrives registered: coverage stays where it is.
  const another = await addToCart(page, '201');
  await page.getByRole('link', { name: /^Cart/ }).first().click();
  await page.getByRole('link', { name: /^Check out/ }).click();
  await page.getByLabel('Emergency address (e911)').selectOption({ label: '233 N MICHIGAN AVE STE 1800, CHICAGO, IL 60611' });
  await expectAccessible(page);
  await confirmNoE911IfAsked(page);
  await page.getByRole('button', { name: /^Place order/ }).click();
  await expect(page).toHaveURL(/\/numbers\/orders\//);
  const line = page.getByRole('table', { name: 'Numbers in this order' }).getByRole('row', { name: new RegExp(escape(another)) });
  await expect(line).toContainText('Registered', { timeout: 30_000 });
  await expect(page.getByText('Emergency address chosen at checkout: 233 N MICHIGAN AVE STE 1800, CHICAGO, IL 60611.')).toBeVisible();
  await expectAccessible(page);
  await page.goto('/dashboard');
  await expect(page.getByTestId('dashboard-e911-coverage')).toContainText(coverageText({ unregistered: after.unregistered, total: after.total + 1 }));
});
