import { expect, test } from '@playwright/test';
import { generate } from 'otplib';
import { DEMO_PASSWORD, expectAccessible } from './helpers';

// Not run by the helper that wrote it (shared machine); kept small: enrol, sign out, sign in with the code.
test('a member turns on two-factor authentication and signs in with a code', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('Email').fill('viewer@acme.example');
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);

  await page.goto('/profile/security');
  await page.getByRole('button', { name: 'Set up two-factor authentication' }).click();
  const secret = (await page.getByTestId('totp-secret').textContent())!.trim();
  await expectAccessible(page);
  await page.getByLabel('Code from the app').fill(await generate({ secret }));
  await page.getByRole('button', { name: 'Turn on' }).click();
  await expect(page.getByTestId('recovery-codes').locator('li')).toHaveCount(10);
  const [recoveryCode, secondRecoveryCode] = (await page.getByTestId('recovery-codes').locator('li').allTextContents()).map((code) => code.trim());

  await page.context().clearCookies();
  await page.goto('/login');
  await page.getByLabel('Email').fill('viewer@acme.example');
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByLabel('Authentication code').fill(recoveryCode!);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);

  // Other specs sign in as this demo user with a password only: turn it off again.
  await page.goto('/profile/security');
  await page.getByLabel('Code to turn it off').fill(secondRecoveryCode!);
  await page.getByRole('button', { name: 'Turn off' }).click();
  await expect(page.getByRole('button', { name: 'Set up two-factor authentication' })).toBeVisible();
});
