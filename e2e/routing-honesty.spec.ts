import { expect, test, type Page } from '@playwright/test';
import { confirmNoE911IfAsked, expectAccessible, signInAndWait } from './helpers';

/**
 * Issue 12.1: a trunk group its carriers refused is never shown as working. Every sandbox is made to
 * fail while the numbers are assigned, so the group is pushed nowhere: the group page names the
 * numbers in a red banner with what to do, My numbers marks them "Not routed" (and filters them),
 * and the dashboard raises an alert. Once the carriers answer again, Re-apply clears all of it.
 */

// scripts/e2e-server.ts starts the sandboxes on these ports.
const sandboxPorts = [4201, 4202, 4203, 4204];

async function setSandboxErrorRate(errorRate: number) {
  await Promise.all(
    sandboxPorts.map((port) => fetch(`http://127.0.0.1:${port}/__sandbox/knobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ errorRate }) })),
  );
}

async function buyOne(page: Page, npa: string): Promise<string> {
  // A quantity of its own keeps the search fresh and out of the other specs' cached ones.
  await page.goto(`/numbers/buy?npa=${npa}&quantity=7`);
  const numberCells = page.getByRole('table', { name: 'Available numbers' }).locator('tbody tr td:nth-child(2)');
  await expect(numberCells.first()).toContainText(`(${npa}) `);
  const number = (await numberCells.first().textContent())!.trim();
  await page.getByRole('checkbox', { name: `Select ${number}` }).check();
  await page.getByRole('button', { name: 'Add 1 to cart' }).click();
  await expect(page.getByText('Added 1 number to your cart.')).toBeVisible();
  return number;
}

test.afterEach(async () => {
  await setSandboxErrorRate(0);
});

test('numbers a carrier refused are named in a red banner, marked not routed, and raised on the dashboard', async ({ page }) => {
  test.setTimeout(180_000);
  await signInAndWait(page, 'tech@acme.example');
  const chosen = [await buyOne(page, '312'), await buyOne(page, '201')];
  await page.getByRole('link', { name: /^Cart/ }).first().click();
  await page.getByRole('link', { name: /^Check out/ }).click();
  await confirmNoE911IfAsked(page);
  await page.getByRole('button', { name: /^Place order/ }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Completed' })).toBeVisible({ timeout: 30_000 });

  await page.goto('/trunk-groups/new');
  // Its own addresses: VoiceTel refuses a second gateway on an address another group already uses (trunk-groups.spec.ts uses 44.10.20.x).
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Refused PBX');
  await page.getByRole('textbox', { name: 'Allowed IP addresses' }).fill('44.10.21.30/32');
  await page.getByRole('group', { name: 'Destination 1' }).getByRole('textbox', { name: 'Host', exact: true }).fill('44.10.21.30');
  await page.getByRole('button', { name: 'Create trunk group' }).click();
  await page.getByRole('link', { name: 'Open Refused PBX' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Refused PBX' })).toBeVisible();
  await expect(page.getByTestId('routing-banner')).toHaveCount(0);

  // Every carrier fails while the numbers join the group.
  await setSandboxErrorRate(1);
  const assignable = page.getByRole('table', { name: 'Numbers you can assign' });
  for (const number of chosen) await assignable.getByRole('checkbox', { name: `Select ${number}` }).check();
  await page.getByRole('button', { name: 'Assign 2 numbers' }).click();
  // Saved, never "now route": the toast says nothing took.
  await expect(page.getByText(/Saved: 2 numbers are assigned to Refused PBX, but none is routed to it yet\./)).toBeVisible({ timeout: 30_000 });
  await page.reload();

  const banner = page.getByTestId('routing-banner');
  await expect(banner).toBeVisible();
  await expect(banner.getByRole('heading', { name: '2 numbers are not routed as configured' })).toBeVisible();
  for (const number of chosen) await expect(banner.getByRole('link', { name: number })).toHaveAttribute('href', /^\/numbers\/[0-9a-f-]{36}$/);
  await expect(banner).toContainText('did not accept Refused PBX');
  await expect(banner).toContainText('What to do: Re-apply the trunk group');
  await expect(banner).toContainText('contact support');
  // Red, like the header badge: never the success green.
  await expect(banner).toHaveClass(/bg-red-50/);
  await expect(page.locator('header, main').getByText('Failed', { exact: true }).first()).toHaveClass(/red/);
  await expect(page.locator('main')).not.toContainText(/VoiceTel|VITCOM|CarrierX|VoiceMeUp/);
  await expectAccessible(page);

  // My numbers: marked, explained, and filtered.
  await page.goto('/numbers?routing=not_routed');
  for (const number of chosen) {
    const row = page.getByRole('row', { name: new RegExp(number.replace(/[()+ -]/g, '.')) });
    await expect(row.getByText('Not routed', { exact: true })).toBeVisible();
    await expect(row).toContainText('did not accept Refused PBX');
  }
  await expect(page.getByRole('combobox', { name: 'Routing' })).toHaveValue('not_routed');
  await expectAccessible(page);

  // The dashboard raises it and links to that filtered list.
  await page.goto('/dashboard');
  const alert = page.getByTestId('alert-not-routed');
  await expect(alert).toContainText(/\d+ numbers? (is|are) not routed as configured/);
  await expect(alert.getByRole('link')).toHaveAttribute('href', '/numbers?routing=not_routed');
  await expectAccessible(page);

  // The carriers answer again: Re-apply (their breakers may take a moment to let calls through).
  await setSandboxErrorRate(0);
  await page.goto('/trunk-groups');
  await page.getByRole('link', { name: 'Refused PBX' }).click();
  await expect(async () => {
    await page.getByRole('button', { name: 'Re-apply' }).click();
    await page.waitForTimeout(1_000);
    await page.reload();
    await expect(page.getByTestId('routing-banner')).toHaveCount(0);
  }).toPass({ timeout: 90_000, intervals: [5_000] });
  await page.goto(`/numbers?routing=not_routed`);
  for (const number of chosen) await expect(page.getByRole('row', { name: new RegExp(number.replace(/[()+ -]/g, '.')) })).toHaveCount(0);
});
