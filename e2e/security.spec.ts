import { expect, test } from '@playwright/test';
import { expectAccessible, signInAndWait } from './helpers';

const MISSING = '00000000-0000-4000-8000-000000000000';

test('pages of objects that do not exist (or are not yours) answer HTTP 404, decided before any streaming', async ({ page }) => {
  await signInAndWait(page, 'owner@acme.example');
  for (const path of [`/numbers/${MISSING}`, `/numbers/orders/${MISSING}`, `/e911/${MISSING}`, `/trunk-groups/${MISSING}`, `/trunk-groups/${MISSING}/edit`, `/account/${MISSING}`, '/numbers/not-an-id', '/e911/%00']) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(404);
  }
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expectAccessible(page);
  // The list pages keep their loading skeletons and still answer 200.
  for (const path of ['/numbers', '/e911', '/trunk-groups']) {
    expect((await page.goto(path))?.status(), path).toBe(200);
  }
});
