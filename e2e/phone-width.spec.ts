import { expect, test, type Page } from '@playwright/test';
import { seriousAccessibilityViolations, signInAndWait } from './helpers';

/**
 * Every page a user can reach by following links, not only the ones with screenshots, fits a 390 px
 * phone (nothing makes it scroll sideways: a long unbroken token, a table not laid out as cards) and
 * has no serious or critical axe violation. One page per route shape (ids stand for any id);
 * downloads are left out.
 */
const ID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const routeShape = (href: string) => href.replace(ID, ':id').replace(/[?#].*$/, '');
const DOWNLOAD = /\/(pdf|csv|export|documents\/[^/]+)$|\/invoices\/[^/]+\/calls$/;

async function crawlAtPhoneWidth(page: Page, start: string, limit = 80) {
  const visited = new Set<string>();
  const queue = [start];
  const tooWide: string[] = [];
  const inaccessible: string[] = [];
  while (queue.length > 0 && visited.size < limit) {
    const href = queue.shift()!;
    const shape = routeShape(href);
    if (visited.has(shape)) continue;
    visited.add(shape);
    const response = await page.goto(href);
    expect(response?.status(), `${href} answered ${response?.status()}`).toBeLessThan(500);
    await page.waitForTimeout(250);
    const { scrollWidth, clientWidth, culprit } = await page.evaluate(() => {
      const viewport = document.documentElement.clientWidth;
      const outside = [...document.querySelectorAll('main *')].find((element) => element.getBoundingClientRect().right > viewport + 1);
      return { scrollWidth: document.documentElement.scrollWidth, clientWidth: viewport, culprit: outside?.outerHTML.slice(0, 160) };
    });
    if (scrollWidth > clientWidth) tooWide.push(`${href} (${scrollWidth} px): ${culprit ?? ''}`);
    for (const violation of await seriousAccessibilityViolations(page)) inaccessible.push(`${href}: ${violation}`);
    const links = await page.$$eval('a[href]', (anchors) => anchors.map((anchor) => anchor.getAttribute('href') ?? ''));
    for (const link of links) {
      if (!link.startsWith('/') || link.startsWith('//') || link.startsWith('/api/') || DOWNLOAD.test(link.split('?')[0]!)) continue;
      if (!visited.has(routeShape(link))) queue.push(link);
    }
  }
  return { visited: visited.size, tooWide, inaccessible };
}

for (const email of ['owner@acme.example', 'staff@carrier.example']) {
  test(`every page ${email} reaches fits a 390 px phone and passes axe`, async ({ page }) => {
    // Forty-odd pages, each settled and checked by axe: over three minutes on a loaded two-core machine.
    test.setTimeout(360_000);
    await page.setViewportSize({ width: 390, height: 844 });
    await signInAndWait(page, email);
    const { visited, tooWide, inaccessible } = await crawlAtPhoneWidth(page, new URL(page.url()).pathname);
    expect(visited).toBeGreaterThan(15);
    expect(tooWide).toEqual([]);
    expect(inaccessible).toEqual([]);
  });
}
