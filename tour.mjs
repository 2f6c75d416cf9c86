import { chromium } from '@playwright/test';
import { generate } from 'otplib';
const base = 'http://127.0.0.1:3300';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
async function session(email, width) {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  await page.goto(base + '/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('portal-demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  if (email.startsWith('staff')) {
    await page.getByLabel('Authentication code').fill(await generate({ secret: 'CPDEMOSTAFFTOTPSECRETKEY2345ABCD' }));
    await page.getByRole('button', { name: 'Verify' }).click();
  }
  await page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 20000 });
  return { page, context };
}
const shots = JSON.parse(process.argv[2]);
for (const [email, width, paths] of shots) {
  const { page, context } = await session(email, width);
  for (const p of paths) {
    await page.goto(base + p);
    await page.waitForTimeout(800);
    const name = `${email.split('@')[0]}-${width}-${p.replace(/[^a-z0-9]+/gi, '_')}`;
    await page.screenshot({ path: `/tmp/shots/${name}.png`, fullPage: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    console.log(name, 'overflow', overflow);
  }
  await context.close();
}
await browser.close();
