import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';
import { generate } from 'otplib';

export const DEMO_PASSWORD = 'portal-demo';
/** lib/db/seed-demo.ts: the demo staff member's authenticator secret (staff always sign in with 2FA). */
export const DEMO_STAFF_TOTP_SECRET = 'CPDEMOSTAFFTOTPSECRETKEY2345ABCD';

export async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  if (email === 'staff@carrier.example') {
    // The second step: the code an authenticator app with the demo secret shows now.
    await page.getByLabel('Authentication code').fill(await generate({ secret: DEMO_STAFF_TOTP_SECRET }));
    await page.getByRole('button', { name: 'Verify' }).click();
    // Each code is accepted once: a sign-in earlier in the same 30 seconds used it, so take the next one.
    const refused = page.getByTestId('login-error').filter({ hasText: 'not right' });
    // Whichever comes first: the portal (signed in) or the refusal (isVisible would not wait for it).
    const outcome = await Promise.race([
      page.waitForURL((url) => !url.pathname.startsWith('/login'), { timeout: 20_000 }).then(() => 'signed-in' as const),
      refused.waitFor({ state: 'visible', timeout: 20_000 }).then(() => 'refused' as const),
    ]).catch(() => 'unknown' as const);
    if (outcome === 'refused') {
      await page.waitForTimeout(30_000 - (Date.now() % 30_000) + 500);
      await page.getByLabel('Authentication code').fill(await generate({ secret: DEMO_STAFF_TOTP_SECRET }));
      await page.getByRole('button', { name: 'Verify' }).click();
    }
  }
}

export async function signInAndWait(page: Page, email: string) {
  await signIn(page, email);
  // Operator staff act as no customer account until they choose one: they land on the list of accounts.
  await expect(page).toHaveURL(/\/(dashboard|operator\/accounts)$/);
}

/** No serious or critical accessibility violation on the page as it is now. */
export async function expectAccessible(page: Page) {
  // After an action re-renders, the document title arrives a moment later; axe would flag its absence.
  await expect(page).toHaveTitle(/\S/);
  expect(await seriousAccessibilityViolations(page)).toEqual([]);
}

/** The serious and critical axe violations still there once the page has settled (none: an empty list). */
export async function seriousAccessibilityViolations(page: Page): Promise<string[]> {
  // A toast still fading in is half-transparent: axe would measure its text against the page behind.
  // One may also appear while axe reads the page, so a violation counts only if it is still there
  // after the page has settled again.
  let bad: string[] = [];
  for (let attempt = 0; attempt < 3; attempt++) {
    if (attempt > 0) await page.waitForTimeout(700);
    await page.evaluate(() => {
      const finite = document.getAnimations().filter((animation) => animation.effect?.getComputedTiming().iterations !== Infinity);
      return Promise.race([Promise.all(finite.map((animation) => animation.finished.catch(() => undefined))), new Promise((resolve) => setTimeout(resolve, 2000))]);
    });
    const results = await new AxeBuilder({ page }).analyze();
    bad = results.violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map((violation) => `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`);
    if (bad.length === 0) return bad;
  }
  return bad;
}

export function sidebar(page: Page) {
  return page.getByRole('navigation', { name: 'Main' });
}

/** Checkout asks to confirm numbers whose carrier cannot register E911 (issue 12.4): tick the box where it is asked. */
export async function confirmNoE911IfAsked(page: Page) {
  await expect(page.getByRole('button', { name: /^Place order/ })).toBeVisible();
  const box = page.getByRole('checkbox', { name: /cannot have E911/ });
  if ((await box.count()) > 0) await box.check();
}
