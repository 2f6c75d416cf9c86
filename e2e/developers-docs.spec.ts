import { expect, test } from '@playwright/test';
import { expectAccessible, signInAndWait } from './helpers';

test.describe('Developers: the API reference', () => {
  test('a viewer reads the reference rendered from the published document, with curl examples', async ({ page }) => {
    await signInAndWait(page, 'viewer@acme.example');
    await page.goto('/developers');
    await expect(page.getByRole('heading', { level: 1, name: 'API reference' })).toBeVisible();
    // A viewer manages neither keys nor webhooks: no tabs for them.
    await expect(page.getByRole('navigation', { name: 'Developers' })).toHaveCount(0);
    const order = page.locator('#getOrder');
    await expect(order.getByText('/orders/{orderId}')).toBeVisible();
    await expect(order.getByRole('region', { name: 'curl example for getOrder' })).toContainText('Authorization: Bearer $CP_API_KEY');
    await expect(page.getByRole('link', { name: /OpenAPI 3\.1 document/ })).toHaveAttribute('href', '/api/v1/openapi.json');
    const document = await page.request.get('/api/v1/openapi.json');
    expect(document.headers()['access-control-allow-origin']).toBe('*');
    expect((await document.json()).paths['/orders/{orderId}'].get.operationId).toBe('getOrder');
    await expectAccessible(page);
  });

  test('a technical user sees the Webhooks tab but not API keys', async ({ page }) => {
    await signInAndWait(page, 'tech@acme.example');
    await page.goto('/developers');
    const tabs = page.getByRole('navigation', { name: 'Developers' });
    await expect(tabs.getByRole('link', { name: 'API reference' })).toHaveAttribute('aria-current', 'page');
    await expect(tabs.getByRole('link', { name: 'Webhooks' })).toBeVisible();
    await expect(tabs.getByRole('link', { name: 'API keys' })).toHaveCount(0);
  });

  test('fits a 390 px screen: the page never scrolls sideways', async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await signInAndWait(page, 'tech@acme.example');
    await page.goto('/developers');
    await expect(page.locator('#getOrder')).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });
});
