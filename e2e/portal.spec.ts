import { expect, test } from '@playwright/test';
import { expectAccessible, sidebar, signIn, signInAndWait } from './helpers';

const ALL_SECTIONS = ['Dashboard', 'Numbers', 'Trunk groups', 'Port-ins', 'E911', 'Usage & quality', 'Billing', 'Account'];

const expectedSections: Record<string, string[]> = {
  'owner@acme.example': ALL_SECTIONS,
  'admin@acme.example': ALL_SECTIONS,
  'tech@acme.example': ['Dashboard', 'Numbers', 'Trunk groups', 'Port-ins', 'E911', 'Usage & quality'],
  'finance@acme.example': ['Dashboard', 'Usage & quality', 'Billing'],
  'viewer@acme.example': ['Dashboard', 'Numbers', 'Trunk groups', 'Port-ins', 'E911', 'Usage & quality'],
};

test('anonymous visitors are sent to sign in', async ({ page }) => {
  await page.goto('/account');
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Faccount$/);
  await expectAccessible(page);
});

for (const [email, sections] of Object.entries(expectedSections)) {
  test(`${email} sees the sidebar of their role`, async ({ page }) => {
    await signInAndWait(page, email);
    const nav = sidebar(page);
    for (const section of ALL_SECTIONS) {
      const item = nav.getByText(section, { exact: true });
      if (sections.includes(section)) await expect(item, section).toBeVisible();
      else await expect(item, section).toHaveCount(0);
    }
    await expect(page.getByRole('heading', { level: 1, name: 'Acme Telecom' })).toBeVisible();
    await expectAccessible(page);
  });
}

test('on a phone the navigation opens from the Menu button and closes on the way to a page', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signInAndWait(page, 'tech@acme.example');
  await expect(sidebar(page)).toHaveCount(0);
  // The drawer's links are rendered when it first opens: until then the page holds one navigation.
  await expect(page.locator('nav[aria-label="Main"]')).toHaveCount(1);
  await page.getByRole('button', { name: 'Menu' }).click();
  const drawer = page.getByRole('dialog', { name: 'Navigation' });
  await expect(drawer.getByRole('link', { name: 'E911' })).toBeVisible();
  await expectAccessible(page);
  await page.keyboard.press('Escape');
  await expect(drawer).toBeHidden();
  await page.getByRole('button', { name: 'Menu' }).click();
  await drawer.getByRole('link', { name: 'E911' }).click();
  await expect(page).toHaveURL(/\/e911$/);
  await expect(drawer).toBeHidden();
  await expect(page.getByRole('heading', { level: 1, name: 'E911' })).toBeVisible();
  await expectAccessible(page);
});

test('operator staff see the operator section and act as staff', async ({ page }) => {
  await signInAndWait(page, 'staff@carrier.example');
  await expect(page).toHaveURL(/\/operator\/accounts$/);
  await expect(sidebar(page).getByRole('link', { name: 'Outbox' })).toBeVisible();
  await page.getByRole('button', { name: 'Act as Acme Telecom' }).click();
  await expect(page.getByTestId('acting-banner')).toContainText('You are acting as Acme Telecom');
  await expect(page.getByTestId('acting-banner')).toContainText('Every change is audited.');
});

test('an admin creates a sub-account and sees it in the tree and the audit log', async ({ page }) => {
  await signInAndWait(page, 'admin@acme.example');
  await page.goto('/account');
  await expectAccessible(page);
  await page.getByLabel('Sub-account name').fill('X');
  await page.getByRole('button', { name: 'Create sub-account' }).click();
  await expect(page.getByText('The name needs at least 2 characters')).toBeVisible();

  await page.getByLabel('Sub-account name').fill('Acme North');
  await page.getByLabel('Concurrent calls').fill('many');
  await page.getByRole('button', { name: 'Create sub-account' }).click();
  await expect(page.getByText('Concurrent calls must be a whole number')).toBeVisible();

  await page.getByLabel('Concurrent calls').fill('40');
  await page.getByLabel('Monthly spend cap (USD)').fill('1,500');
  await page.getByRole('button', { name: 'Create sub-account' }).click();
  await expect(page.getByText('Created Acme North under Acme Telecom.')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Acme North' })).toBeVisible();

  await page.goto('/account/audit');
  // Plain words and a diff, not the event key and a key: value dump.
  await expect(page.getByRole('table', { name: /^Audit events of / }).getByText('Sub-account created').first()).toBeVisible();
  await expect(page.getByRole('table', { name: /^Changes: Sub-account created/ }).first().getByRole('row', { name: /Acme North/ }).first()).toBeVisible();
  await expect(page.locator('main')).not.toContainText('account.create');
  await expectAccessible(page);
});

test('an admin invites a user, who accepts and lands in the account with that role', async ({ page, browser }) => {
  await signInAndWait(page, 'admin@acme.example');
  await page.goto('/account');
  await page.getByRole('link', { name: 'Acme East' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Acme East' })).toBeVisible();
  await expectAccessible(page);
  await page.getByLabel('Email', { exact: true }).fill('new.tech@acme.example');
  await page.getByLabel('Role', { exact: true }).selectOption('technical');
  await page.getByRole('button', { name: 'Invite' }).click();
  const link = await page.getByTestId('invite-link').inputValue();
  expect(link).toMatch(/\/invite\/[A-Za-z0-9_-]+$/);

  const guest = await browser.newContext();
  const invitee = await guest.newPage();
  await invitee.goto(new URL(link).pathname);
  await expect(invitee.getByRole('heading', { name: 'Join Acme East' })).toBeVisible();
  await expectAccessible(invitee);
  await invitee.getByLabel('Your name').fill('Nico Newtech');
  await invitee.getByLabel('Choose a password').fill('password1234');
  await invitee.getByLabel('Repeat the password').fill('password1234');
  await invitee.getByRole('button', { name: 'Create my user and join' }).click();
  await expect(invitee.locator('#field-password-error')).toContainText('too easy to guess');
  await invitee.getByLabel('Choose a password').fill('correct-horse-battery');
  await invitee.getByLabel('Repeat the password').fill('correct-horse-battery');
  await invitee.getByRole('button', { name: 'Create my user and join' }).click();
  await expect(invitee).toHaveURL(/\/dashboard$/);
  await expect(invitee.getByRole('heading', { level: 1, name: 'Acme East' })).toBeVisible();
  await expect(sidebar(invitee).getByText('Billing', { exact: true })).toHaveCount(0);
  await invitee.goto(new URL(link).pathname);
  await expect(invitee.getByRole('heading', { name: 'This invitation cannot be used' })).toBeVisible();
  await guest.close();
});

test('a viewer cannot reach or change account administration', async ({ page, request }) => {
  await signInAndWait(page, 'viewer@acme.example');
  const response = await page.goto('/account');
  expect(response?.status()).toBe(403);
  await expect(page.getByRole('heading', { name: 'You do not have access to this page' })).toBeVisible();
  await expectAccessible(page);
  const audit = await page.goto('/account/audit');
  expect(audit?.status()).toBe(403);
  const notMine = await page.goto('/account/00000000-0000-4000-8000-000000000000');
  expect(notMine?.status()).toBe(404);
  const api = await page.request.get('/api/v1/accounts/00000000-0000-4000-8000-000000000000');
  expect(api.status()).toBe(404);
  const anonymous = await request.get('/api/v1/accounts/00000000-0000-4000-8000-000000000000');
  expect(anonymous.status()).toBe(401);
});

test('a suspended sub-account is read-only for its users', async ({ page }) => {
  await signInAndWait(page, 'owner@acme.example');
  await page.goto('/account');
  await page.getByRole('link', { name: 'Acme West' }).click();
  await page.getByRole('button', { name: 'Suspend Acme West…' }).click();
  await page.getByRole('button', { name: 'Yes, suspend Acme West' }).click();
  await expect(page.getByText('Acme West is suspended.', { exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Save name' })).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Save limits' })).toBeDisabled();

  // Working inside the suspended account: signed in, reading, but told nothing can change.
  await page.getByRole('button', { name: /^Current account/ }).click();
  // Moving through the list does not switch; only the choice does.
  await page.keyboard.press('ArrowDown');
  await expect(page).toHaveURL(/\/account\//);
  await page.getByRole('option', { name: 'Acme West', exact: true }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByTestId('read-only-banner')).toContainText('Acme West is suspended');
  await expect(page.getByRole('heading', { level: 1, name: 'Acme West' })).toBeVisible();
  await expectAccessible(page);

  await page.getByRole('button', { name: /^Current account/ }).click();
  await page.getByRole('option', { name: /^Acme Telecom/ }).click();
  await expect(page.getByTestId('read-only-banner')).toHaveCount(0);
  await page.goto('/account');
  await page.getByRole('link', { name: 'Acme West' }).click();
  await page.getByRole('button', { name: 'Reactivate Acme West' }).click();
  await expect(page.getByText('Acme West is active again.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Save name' })).toBeEnabled();
});

test('wrong passwords back off without revealing whether the user exists, and never lock the owner out', async ({ page }) => {
  await signIn(page, 'finance@acme.example', 'wrong-password');
  await expect(page.getByTestId('login-error')).toHaveText('That email and password do not match.');
  // What was typed survives the refusal, except the password.
  await expect(page.getByLabel('Email')).toHaveValue('finance@acme.example');
  await expect(page.getByLabel('Password')).toHaveValue('');
  await signIn(page, 'nobody@acme.example', 'wrong-password');
  await expect(page.getByTestId('login-error')).toHaveText('That email and password do not match.');
  // A few failures from one address are free; then each one doubles the wait before the next try.
  let waitSeconds = 0;
  for (let attempt = 2; attempt <= 12 && waitSeconds === 0; attempt++) {
    await signIn(page, 'finance@acme.example', 'wrong-password');
    await expect(page.getByTestId('login-error')).toHaveText(/\S/);
    const message = (await page.getByTestId('login-error').textContent()) ?? '';
    const throttled = /^Too many failed sign-in attempts\. Try again in (\d+) seconds?\.$/.exec(message);
    if (throttled) waitSeconds = Number(throttled[1]);
    else expect(message).toBe('That email and password do not match.');
  }
  expect(waitSeconds).toBeGreaterThan(0);
  expect(waitSeconds).toBeLessThanOrEqual(16);
  await expectAccessible(page);
  // Once the short wait is over, the right password works: backoff, not a 15-minute lock.
  await page.waitForTimeout(waitSeconds * 1000 + 500);
  await signInAndWait(page, 'finance@acme.example');
});

test('security headers are set: a nonce CSP without unsafe-inline scripts, and the page runs under it', async ({ page, request }) => {
  const response = await request.get('/login');
  const headers = response.headers();
  const policy = headers['content-security-policy'] ?? '';
  expect(policy).toContain("frame-ancestors 'none'");
  const scriptSrc = policy.split(';').find((part) => part.trim().startsWith('script-src')) ?? '';
  expect(scriptSrc).toMatch(/'nonce-[A-Za-z0-9+/=]{16,}'/);
  expect(scriptSrc).not.toContain('unsafe-inline');
  expect(headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
  expect(headers['x-content-type-options']).toBe('nosniff');
  // Plain HTTP, and a client's own X-Forwarded-Proto is not believed: no HSTS.
  expect(headers['strict-transport-security']).toBeUndefined();
  const spoofed = await request.get('/login', { headers: { 'x-forwarded-proto': 'https' } });
  expect(spoofed.headers()['strict-transport-security']).toBeUndefined();
  const again = await request.get('/login');
  expect(again.headers()['content-security-policy']).not.toEqual(policy);

  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to (execute|load)/i.test(message.text())) violations.push(message.text());
  });
  await signInAndWait(page, 'tech@acme.example');
  await page.goto('/numbers');
  await expect(page.getByRole('heading', { level: 1, name: 'My numbers' })).toBeVisible();
  expect(violations).toEqual([]);
});

test('health answers 200 with the database up', async ({ request }) => {
  const response = await request.get('/api/health');
  expect(response.status()).toBe(200);
  expect(await response.json()).toMatchObject({ status: 'ok' });
});

test('signing out ends the session on the server: its old cookie no longer works', async ({ page, browser }) => {
  await signInAndWait(page, 'tech@acme.example');
  const cookies = await page.context().cookies();
  await page.getByLabel('User menu for Tara Tech').click();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto('/dashboard');
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fdashboard$/);

  // Someone who copied the cookie before the sign-out gets nothing with it.
  const replay = await browser.newContext();
  await replay.addCookies(cookies);
  const stolen = await replay.newPage();
  await stolen.goto('/dashboard');
  await expect(stolen).toHaveURL(/\/login/);
  const api = await stolen.request.get('/api/v1/numbers/export');
  expect(api.status()).toBe(401);
  await replay.close();
});

test('an invitation to an existing user\'s email shows the same page and signs nobody in', async ({ page, browser }) => {
  await signInAndWait(page, 'admin@acme.example');
  await page.goto('/account');
  await page.getByRole('link', { name: 'Acme West' }).click();
  const links: string[] = [];
  for (const email of ['staff@carrier.example', 'brand.new@acme.example']) {
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByLabel('Role', { exact: true }).selectOption('viewer');
    await page.getByRole('button', { name: 'Invite' }).click();
    await expect(page.getByText(`Invitation created for ${email}.`, { exact: false })).toBeVisible();
    const link = new URL(await page.getByTestId('invite-link').inputValue()).pathname;
    expect(links).not.toContain(link);
    links.push(link);
  }
  const guest = await browser.newContext();
  const attacker = await guest.newPage();
  const texts: string[] = [];
  for (const [index, link] of links.entries()) {
    await attacker.goto(link);
    const text = (await attacker.getByRole('main').or(attacker.locator('body')).first().innerText()).replaceAll(index === 0 ? 'staff@carrier.example' : 'brand.new@acme.example', 'EMAIL');
    texts.push(text);
  }
  expect(texts[0]).toEqual(texts[1]);

  await attacker.goto(links[0]!);
  await attacker.getByLabel('Your name').fill('Mallory');
  await attacker.getByLabel('Choose a password').fill('portal-demo');
  await attacker.getByLabel('Repeat the password').fill('portal-demo');
  await attacker.getByRole('button', { name: 'Create my user and join' }).click();
  await expect(attacker.getByText('To accept, sign in as staff@carrier.example and open this link again.')).toBeVisible();
  await attacker.goto('/dashboard');
  await expect(attacker).toHaveURL(/\/login/);
  await guest.close();
});
