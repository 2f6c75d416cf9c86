import { expect, test } from '@playwright/test';
import { expectAccessible, signInAndWait } from './helpers';

// Issue 13.8: the bell in the header, the notifications list and the per-user settings.

test('the bell opens on every page and leads to the list and the settings, which save per channel', async ({ page }) => {
  await signInAndWait(page, 'viewer@acme.example');
  const bell = page.getByRole('button', { name: /^Notifications/ });
  await expect(bell).toBeVisible();
  await bell.click();
  const popover = page.getByRole('dialog', { name: 'Latest notifications' });
  await expect(popover.getByRole('link', { name: 'See all' })).toBeVisible();
  await popover.getByRole('link', { name: 'Settings' }).click();

  await expect(page).toHaveURL(/\/profile\/notifications$/);
  const orderMail = page.getByRole('checkbox', { name: 'Number orders: by e-mail' });
  const trunkMail = page.getByRole('checkbox', { name: 'Trunk group problems: by e-mail' });
  await expect(orderMail).not.toBeChecked();
  await expect(trunkMail).toBeChecked();
  await orderMail.check();
  await page.getByRole('button', { name: 'Save notification settings' }).click();
  await expect(page.getByText('Your notification settings were saved.')).toBeVisible();
  await page.reload();
  await expect(page.getByRole('checkbox', { name: 'Number orders: by e-mail' })).toBeChecked();
  await expectAccessible(page);

  await page.goto('/notifications?filter=unread');
  await expect(page.getByRole('heading', { name: 'Notifications', level: 1 })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Unread' })).toHaveAttribute('aria-current', 'page');
  await expectAccessible(page);
});

test('at 390 px the bell stays in the header beside the user menu', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signInAndWait(page, 'tech@acme.example');
  await expect(page.getByRole('button', { name: /^Notifications/ })).toBeInViewport();
  await expect(page.getByLabel(/^User menu for/)).toBeInViewport();
});
