import { expect, test } from '@playwright/test';
import { generate } from 'otplib';
import { expectAccessible, signInAndWait } from './helpers';

// A member of its own (invited here), so no other spec's demo user is left with two-factor on if this fails.
test('a new member turns on two-factor authentication, keeps the recovery codes on screen, and signs in with one', async ({ page, browser }) => {
  const email = `two-factor-${Date.now()}@acme.example`;
  const password = 'Lattice-Harbor-92-Quill';
  await signInAndWait(page, 'owner@acme.example');
  await page.goto('/account');
  await page.getByRole('link', { name: 'Acme West' }).click();
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Role', { exact: true }).selectOption('viewer');
  await page.getByRole('button', { name: 'Invite' }).click();
  const link = new URL(await page.getByTestId('invite-link').inputValue()).pathname;

  const context = await browser.newContext();
  const member = await context.newPage();
  await member.goto(link);
  await member.getByLabel('Your name').fill('Tess Twofactor');
  await member.getByLabel('Choose a password').fill(password);
  await member.getByLabel('Repeat the password').fill(password);
  await member.getByRole('button', { name: 'Create my user and join' }).click();
  await expect(member).toHaveURL(/\/dashboard$/);

  await member.goto('/profile/security');
  await member.getByRole('button', { name: 'Set up two-factor authentication' }).click();
  const secret = (await member.getByTestId('totp-secret').textContent())!.trim();
  await expectAccessible(member);
  await member.getByLabel('Code from the app').fill(await generate({ secret }));
  await member.getByRole('button', { name: 'Turn on' }).click();
  // The codes stay on screen until the member moves on: they are shown only once.
  await expect(member.getByTestId('recovery-codes').locator('li')).toHaveCount(10);
  const [recoveryCode, secondRecoveryCode] = (await member.getByTestId('recovery-codes').locator('li').allTextContents()).map((code) => code.trim());
  await member.setViewportSize({ width: 390, height: 844 });
  expect(await member.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);

  await context.clearCookies();
  await member.goto('/login');
  await member.getByLabel('Email').fill(email);
  await member.getByLabel('Password').fill(password);
  await member.getByRole('button', { name: 'Sign in' }).click();
  await member.getByLabel('Authentication code').fill(recoveryCode!);
  await member.getByRole('button', { name: 'Verify' }).click();
  await expect(member).toHaveURL(/\/dashboard$/);

  await member.goto('/profile/security');
  await expect(member.getByText('9 of 10 recovery codes left', { exact: false })).toBeVisible();
  await member.getByLabel('Code to turn it off').fill(secondRecoveryCode!);
  await member.getByRole('button', { name: 'Turn off' }).click();
  await expect(member.getByRole('button', { name: 'Set up two-factor authentication' })).toBeVisible();
  await context.close();
});
