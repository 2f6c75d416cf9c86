import fs from 'node:fs';
import path from 'node:path';
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

test('a server action call whose body Next.js cannot decode is a 400 that says so, not a bare 500', async ({ page }) => {
  await signInAndWait(page, 'owner@acme.example');
  const manifest = JSON.parse(fs.readFileSync(path.join(process.cwd(), '.next', 'server', 'server-reference-manifest.json'), 'utf8')) as { node: Record<string, { exportedName: string }> };
  const [switchAccount] = Object.entries(manifest.node).find(([, entry]) => entry.exportedName === 'switchAccountAction')!;
  const call = (body: string) => page.request.post('/dashboard', { headers: { 'next-action': switchAccount, 'content-type': 'text/plain;charset=UTF-8', accept: 'text/x-component' }, data: body, maxRedirects: 0 });
  const undecodable = await call('not json');
  expect(undecodable.status()).toBe(400);
  expect((await undecodable.json()).error.code).toBe('invalid:action');
  const multipart = (body: string) => page.request.post('/dashboard', { headers: { 'next-action': switchAccount, 'content-type': 'multipart/form-data; boundary=x', accept: 'text/x-component' }, data: body, maxRedirects: 0 });
  expect((await multipart('not a form')).status()).toBe(400);
  expect((await multipart('--x\r\nContent-Disposition: form-data; name="0"\r\n\r\nnot json\r\n--x--\r\n')).status()).toBe(400);
  // Arguments that name a part of the body that is not there (React would wait for it; Next.js answered 500).
  expect((await call('["$Q9"]')).status()).toBe(400);
  expect((await multipart('--x\r\nContent-Disposition: form-data; name="0"\r\n\r\n["$@5"]\r\n--x--\r\n')).status()).toBe(400);
  // A form posted to a page without JavaScript, when its body is not a form.
  const formPost = await page.request.post('/account', { headers: { 'content-type': 'multipart/form-data; boundary=x' }, data: 'not a form', maxRedirects: 0 });
  expect(formPost.status()).toBe(400);
  expect(await formPost.text()).toContain('This form could not be read');
  // Decodable but not a form: the action answers its own refusal (tests/integration/server-actions-called-by-hand.test.ts).
  expect((await call('["x"]')).status()).toBe(200);
  expect((await call('[null,null]')).status()).toBe(200);
});
