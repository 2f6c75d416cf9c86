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

test('a call pushed by the carrier’s switch appears on the live page with its delay; the key is staff-issued', async ({ browser, request }) => {
  // The customer watches the live page.
  const customer = await browser.newPage();
  await signInAndWait(customer, 'tech@acme.example');
  await customer.goto('/usage/live');
  await expect(customer.getByText('Status: Live')).toBeVisible();

  // Operator staff, acting in the account, issue a key that may push CDRs.
  const staff = await browser.newPage();
  await signInAndWait(staff, 'staff@carrier.example');
  await staff.goto('/operator/accounts?q=Acme%20Telecom');
  await staff.getByRole('button', { name: 'Act as Acme Telecom' }).click();
  await expect(staff.getByTestId('acting-banner')).toContainText('Acme Telecom');
  await staff.goto('/developers/api-keys');
  const form = staff.getByRole('region', { name: 'Create API key' });
  await form.getByLabel('Name').fill('e2e switch');
  await form.getByLabel('Role').selectOption('technical');
  await form.getByLabel(/May push CDRs/).check();
  await form.getByRole('button', { name: 'Create API key' }).click();
  const secret = await staff.getByTestId('new-api-key').getByLabel('API key').inputValue();
  expect(secret).toMatch(/^cp_live_/);

  const auth = { authorization: `Bearer ${secret}` };
  const accounts = (await (await request.get('/api/v1/accounts', { headers: auth })).json()) as { data: { id: string; name: string }[] };
  const acme = accounts.data.find((account) => account.name === 'Acme Telecom')!;
  const invite = Date.now() - 90_000;
  const at = (ms: number) => new Date(invite + ms).toISOString();
  const call = { source: 'e2e-switch', source_id: `live-${invite}`, account_id: acme.id, direction: 'outbound', from: '+12125550100', to: '+442079460958', invite_at: at(0), ringing_at: at(1500), answer_at: at(6000), end_at: at(66_000), sip_code: 200 };
  const pushed = await request.post('/api/v1/cdrs', { headers: { ...auth, 'content-type': 'application/x-ndjson' }, data: `${JSON.stringify(call)}\n` });
  expect(pushed.status()).toBe(200);
  expect(await pushed.json()).toMatchObject({ accepted: 1, duplicates: 0, rejectedCount: 0 });

  await expect(customer.getByRole('table').getByText('+44 20 7946 0958')).toBeVisible({ timeout: 15_000 });
  await expect(customer.getByTestId('live-count')).not.toHaveText('0');
  await expect(customer.getByTestId('live-p50')).toHaveText(/\d+ ms/);

  // The same call again is a duplicate, not a second call.
  const again = await request.post('/api/v1/cdrs', { headers: { ...auth, 'content-type': 'application/x-ndjson' }, data: `${JSON.stringify(call)}\n` });
  expect(await again.json()).toMatchObject({ accepted: 0, duplicates: 1 });

  await customer.close();
  await staff.close();
});
