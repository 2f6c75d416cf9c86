import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { signInAndWait } from './helpers';

/**
 * The README's pictures: the main pages as a customer and as the carrier's staff see them, on a
 * desktop and on a 390 px phone. Each is taken after the page has settled, and at 390 px the page
 * must not scroll sideways (tables turn into cards below the md breakpoint).
 */
const docs = path.join(process.cwd(), 'docs', 'screenshots');
fs.mkdirSync(docs, { recursive: true });

async function shoot(page: Page, url: string, name: string, heading: RegExp) {
  await page.goto(url);
  await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
  await page.waitForLoadState('networkidle');
  const width = page.viewportSize()?.width ?? 0;
  const { scrollWidth, overflowing } = await page.evaluate(() => {
    const viewport = document.documentElement.clientWidth;
    const outside = [...document.querySelectorAll('main *')].filter((element) => element.getBoundingClientRect().right > viewport + 1);
    return { scrollWidth: document.documentElement.scrollWidth, overflowing: outside.slice(0, 5).map((element) => element.outerHTML.slice(0, 160)) };
  });
  expect(scrollWidth, `${url} is wider than the ${width} px viewport: ${overflowing.join(' | ')}`).toBeLessThanOrEqual(width);
  await page.screenshot({ path: path.join(docs, `${name}.png`) });
}

test.describe('customer pages', () => {
  test('desktop', async ({ page }) => {
    await page.setViewportSize({ width: 1280, height: 860 });
    await signInAndWait(page, 'owner@acme.example');
    await shoot(page, '/dashboard', 'dashboard', /Acme Telecom/);
    await shoot(page, '/numbers', 'my-numbers', /my numbers/i);
    await shoot(page, '/numbers/buy?npa=415', 'buy-numbers', /buy numbers/i);
    await shoot(page, '/trunk-groups', 'trunk-groups', /trunk groups/i);
    await shoot(page, '/e911', 'e911', /e911|emergency/i);
    await shoot(page, '/account', 'account', /account/i);
    await shoot(page, '/usage', 'usage', /usage & quality/i);
    await shoot(page, '/usage/calls', 'usage-calls', /calls/i);
    await shoot(page, '/port-ins', 'port-ins', /^port-ins$/i);
  });

  test('phone, 390 px', async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await signInAndWait(page, 'owner@acme.example');
    await shoot(page, '/dashboard', 'mobile-dashboard', /Acme Telecom/);
    await shoot(page, '/numbers', 'mobile-my-numbers', /my numbers/i);
    await shoot(page, '/account', 'mobile-account', /account/i);
    await shoot(page, '/account/audit', 'mobile-audit', /audit/i);
    await shoot(page, '/trunk-groups', 'mobile-trunk-groups', /trunk groups/i);
    await shoot(page, '/e911', 'mobile-e911', /e911|emergency/i);
    await shoot(page, '/usage', 'mobile-usage', /usage & quality/i);
    await shoot(page, '/port-ins', 'mobile-port-ins', /^port-ins$/i);
  });
});

test('operator staff pages', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 860 });
  await signInAndWait(page, 'staff@carrier.example');
  await shoot(page, '/operator/providers', 'operator-providers', /provider/i);
  await shoot(page, '/operator/prices', 'operator-prices', /price/i);
  await shoot(page, '/operator/jobs', 'operator-jobs', /jobs/i);
  await shoot(page, '/operator/scorecard', 'operator-scorecard', /carrier scorecard/i);
  await shoot(page, '/operator/port-ins', 'operator-port-ins', /port-ins/i);
});
