import PDFDocument from 'pdfkit';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { usFederalHolidays } from '../lib/billing/business-days';
import { expectAccessible, signInAndWait } from './helpers';

/**
 * Issue 16: a full port (every number on the losing carrier's account, the BTN among them) and a
 * partial port (the BTN stays) go through the wizard to submitted; the sandboxes' clocks are then
 * moved past completion and our staff ask the carrier now, so the order completes and the customer
 * is asked for E911 addresses. Every page is checked with axe and at 390 px.
 */

// scripts/e2e-server.ts starts the sandboxes on these ports.
const SANDBOX_PORTS = [4201, 4202];
const HOUR = 3_600_000;
/** The losing carrier's port-out PIN: long enough that the page never holds it by chance. */
const PIN = 'K7Q3W88X12';

/** VoiceTel's sandbox hashes a number as the sum of each digit times its position (1 to 10). */
const voiceTelHash = (digits: string) => [...digits].reduce((sum, digit, index) => sum + Number(digit) * (index + 1), 0);

/**
 * Numbers the sandboxes have never seen, on one losing carrier: VoiceTel's sandbox picks the
 * carrier from the hash modulo 7 (3 is "AT&T Illinois") and refuses a port-out when it is a
 * multiple of 9. VITCOM's refuses 555 exchanges unless the line starts 01, so with these lines
 * (1000 and up) only VoiceTel can take them.
 */
function freshNumbers(prefix: string, count: number): string[] {
  const found: string[] = [];
  for (let line = 1000; found.length < count && line < 10_000; line++) {
    const digits = `${prefix}${line}`;
    if (voiceTelHash(digits) % 7 === 3 && voiceTelHash(digits) % 9 !== 0) found.push(digits);
  }
  return found;
}

/** As the portal shows a US number: (331) 555-1234. */
const national = (digits: string) => `(${digits.slice(0, 3)}) ${digits.slice(3, 6)}-${digits.slice(6)}`;

/** A PDF with the words given, as a scanned bill or an LOA would hold them. */
function pdfOf(lines: string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const document = new PDFDocument({ size: 'LETTER' });
    const chunks: Buffer[] = [];
    document.on('data', (chunk: Buffer) => chunks.push(chunk));
    document.on('end', () => resolve(Buffer.concat(chunks)));
    document.on('error', reject);
    for (const line of lines) document.text(line);
    document.end();
  });
}

async function expectNoSidewaysScroll(page: Page) {
  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.setViewportSize({ width: 1280, height: 900 });
}

async function checkPage(page: Page) {
  await expectAccessible(page);
  await expectNoSidewaysScroll(page);
}

async function saveAndContinue(page: Page) {
  await page.getByRole('button', { name: 'Save and continue' }).click();
}

interface PortPlan {
  label: string;
  numbers: string[];
  btn: string;
  partial?: { staying: string[] };
  sign: boolean;
}

async function runWizard(page: Page, plan: PortPlan): Promise<{ url: string; reference: string }> {
  await page.goto('/port-ins');
  await expect(page.getByRole('heading', { level: 1, name: 'Port-ins' })).toBeVisible();
  await checkPage(page);
  await page.getByRole('link', { name: 'Start a port-in' }).first().click();
  await page.getByLabel('Label', { exact: true }).fill(plan.label);
  await page.getByRole('button', { name: 'Start the draft' }).click();
  await expect(page).toHaveURL(/\/port-ins\/[0-9a-f-]+\/wizard\?step=numbers/);
  const heading = (await page.getByRole('heading', { level: 1 }).textContent()) ?? '';
  const reference = /PRT-[A-Z0-9]{6}/.exec(heading)?.[0];
  expect(reference).toBeTruthy();

  // 1. Numbers: a bad line is refused with its line number and nothing is saved.
  await page.getByLabel('Numbers to port', { exact: true }).fill(`${plan.numbers.join('\n')}\nnot a number`);
  await page.getByRole('button', { name: 'Save numbers' }).click();
  await expect(page.getByText(`line ${plan.numbers.length + 1}: “not a number” is not a valid phone number`)).toBeVisible();
  // A duplicate is removed and said so.
  await page.getByLabel('Numbers to port', { exact: true }).fill([...plan.numbers, plan.numbers[0]!].join('\n'));
  await page.getByRole('button', { name: 'Save numbers' }).click();
  const result = page.getByTestId('numbers-result');
  await expect(result).toContainText(`Saved ${plan.numbers.length} numbers: ${plan.numbers.length} local, 0 toll-free.`);
  await expect(result).toContainText('Duplicates removed');
  await checkPage(page);
  await result.getByRole('link', { name: 'Continue to portability' }).click();

  // 2. Portability through every porting upstream.
  await page.getByRole('button', { name: 'Check portability' }).click();
  // VITCOM refuses these 555 lines, so VoiceTel, the upstream that can take the most, is chosen
  // (staff see its name below); customers see our upstreams only as "Carrier 1", "Carrier 2".
  const candidates = page.getByTestId('candidates');
  await expect(candidates.locator('li', { hasText: 'Chosen' })).toContainText(`can take ${plan.numbers.length} of ${plan.numbers.length}`);
  await expect(candidates.locator('li', { hasNotText: 'Chosen' })).toContainText(`can take 0 of ${plan.numbers.length}`);
  await expect(page.locator('main')).not.toContainText(/VoiceTel|VITCOM/);
  await expect(page.getByTestId('by-losing-carrier').locator('li')).toHaveCount(1);
  await expect(page.getByTestId('by-losing-carrier')).toContainText(`AT&T Illinois: ${plan.numbers.length} numbers`);
  await checkPage(page);
  await page.getByRole('button', { name: 'Continue' }).click();

  // 3. Subscriber and the losing carrier's account.
  await expect(page).toHaveURL(/step=subscriber/);
  await page.getByLabel('Business').check();
  await page.getByLabel('Subscriber name').fill('Acme Telecom LLC');
  await page.getByLabel('Authorised person').fill('Dana Whitfield');
  await page.getByLabel('Account number').fill('4471-2203');
  await page.getByLabel('PIN or passcode').fill(PIN);
  await page.getByLabel('Billing telephone number (BTN)').fill(plan.btn);
  await page.getByLabel('Street address').fill('233 S Wacker Dr');
  await page.getByLabel('Suite or unit').fill('Suite 4400');
  await page.getByLabel('City', { exact: true }).fill('Chicago');
  await page.getByLabel('State', { exact: true }).fill('IL');
  await page.getByLabel('ZIP code').fill('60606');
  if (plan.partial) {
    await page.getByLabel(/Partial port/).check();
    await page.getByLabel('Numbers that stay with the losing carrier').fill(plan.partial.staying.join('\n'));
  }
  await checkPage(page);
  await saveAndContinue(page);
  await expect(page).toHaveURL(/step=documents/);

  // 4. Documents: the PIN is never shown again, only that one is saved.
  await page.goto(page.url().replace('step=documents', 'step=subscriber'));
  await expect(page.getByText('PIN saved ••••12')).toBeVisible();
  await expect(page.getByLabel('PIN or passcode')).toHaveValue('');
  expect(await page.content()).not.toContain(PIN);
  await page.goto(page.url().replace('step=subscriber', 'step=documents'));
  const bill = await pdfOf(['Acme Telecom LLC', '233 S Wacker Dr Suite 4400', 'Chicago IL 60606', 'Account 4471-2203', 'Amount due $412.18']);
  await page.getByLabel('Document', { exact: true }).selectOption('bill');
  await page.getByLabel('File', { exact: true }).setInputFiles({ name: 'bill.pdf', mimeType: 'application/pdf', buffer: bill });
  await page.getByRole('button', { name: 'Upload' }).click();
  await expect(page.getByTestId('port-documents')).toContainText('Recent bill');
  if (plan.sign) {
    await page.getByLabel('Your full name').fill('Dana Whitfield');
    const pad = page.getByRole('img', { name: /signature/i });
    // The mouse moves in viewport coordinates: the pad must be on screen to be drawn on.
    await pad.scrollIntoViewIfNeeded();
    const box = (await pad.boundingBox())!;
    await page.mouse.move(box.x + 20, box.y + box.height / 2);
    await page.mouse.down();
    for (let step = 1; step <= 20; step++) await page.mouse.move(box.x + 20 + step * 12, box.y + box.height / 2 + (step % 2 ? 18 : -18), { steps: 3 });
    await page.mouse.up();
    await expect(page.getByText('Signature drawn.')).toBeVisible();
    await page.getByRole('button', { name: 'Sign the LOA' }).click();
    await expect(page.getByTestId('port-documents')).toContainText('LOA (signed here)');
  } else {
    const loa = await pdfOf(['Letter of Agency', 'Acme Telecom LLC authorises the port of', ...plan.numbers, 'Signed: Dana Whitfield']);
    await page.getByLabel('Document', { exact: true }).selectOption('loa');
    await page.getByLabel('File', { exact: true }).setInputFiles({ name: 'loa.pdf', mimeType: 'application/pdf', buffer: loa });
    await page.getByRole('button', { name: 'Upload' }).click();
    await expect(page.getByTestId('port-documents')).toContainText('LOA (uploaded)');
  }
  await checkPage(page);
  await saveAndContinue(page);

  // 5. FOC date: a weekend and a federal holiday are explained; the earliest allowed day is accepted.
  await expect(page).toHaveURL(/step=foc/);
  const earliest = await page.getByLabel('Requested FOC date').getAttribute('min');
  expect(earliest).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  const saturday = new Date(`${earliest}T00:00:00Z`);
  saturday.setUTCDate(saturday.getUTCDate() + ((6 - saturday.getUTCDay() + 7) % 7 || 7));
  await page.getByLabel('Requested FOC date').fill(saturday.toISOString().slice(0, 10));
  await saveAndContinue(page);
  await expect(page.getByText(/is a Saturday: the FOC date must be a business day/)).toBeVisible();
  const year = Number(earliest!.slice(0, 4));
  const holiday = [...usFederalHolidays(year), ...usFederalHolidays(year + 1)].filter((candidate) => candidate.date > earliest!).sort((a, b) => a.date.localeCompare(b.date))[0]!;
  await page.getByLabel('Requested FOC date').fill(holiday.date);
  await saveAndContinue(page);
  await expect(page.getByText(`${holiday.date} is ${holiday.name}, a US federal holiday: the FOC date must be a business day`)).toBeVisible();
  await page.getByLabel('Requested FOC date').fill(earliest!);
  await checkPage(page);
  await saveAndContinue(page);

  // 6. Review: the score, then submit.
  await expect(page).toHaveURL(/step=review/);
  await expect(page.getByTestId('readiness-score')).toBeVisible();
  await checkPage(page);
  await page.getByRole('button', { name: 'Submit the port' }).click();
  await expect(page).toHaveURL(/\/port-ins\/[0-9a-f-]+\?submitted=sent/);
  await expect(page.getByTestId('port-notice')).toContainText('Submitted. We tell you here');
  await expect(page.getByTestId('port-status')).toContainText(/Submitted|Pending|FOC scheduled/);
  await checkPage(page);
  return { url: page.url().replace(/\?.*$/, ''), reference: reference! };
}

/** The carriers' clocks pass completion; our staff ask the carrier now rather than wait for the poll. */
async function completeThroughStaff(browser: Browser, reference: string) {
  await Promise.all(SANDBOX_PORTS.map((port) => fetch(`http://127.0.0.1:${port}/__sandbox/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advanceMs: 5 * HOUR }) })));
  const context = await browser.newContext();
  const staff = await context.newPage();
  await signInAndWait(staff, 'staff@carrier.example');
  await staff.goto(`/operator/port-ins?q=${reference}`);
  await staff.getByRole('link', { name: reference }).first().click();
  await expect(staff.getByRole('heading', { level: 1 })).toContainText(reference);
  await expect(staff.locator('main')).toContainText('through VoiceTel sandbox');
  await staff.getByRole('button', { name: /Poll carrier now/i }).click();
  await expect(staff.getByText(/Asked the carrier: completed \((\d+) of \1 numbers ported\)/).first()).toBeVisible({ timeout: 30_000 });
  await expect(staff.getByRole('region', { name: 'State', exact: true })).toContainText('Completed');
  await context.close();
}

test('a full port: every number of the account, the BTN among them, through the wizard to completed', async ({ page, browser }) => {
  test.setTimeout(240_000);
  await signInAndWait(page, 'tech@acme.example');
  const numbers = freshNumbers('630555', 3);
  const { url, reference } = await runWizard(page, { label: 'Naperville office (full)', numbers, btn: numbers[0]!, sign: false });

  await completeThroughStaff(browser, reference);
  await page.goto(url);
  await expect(page.getByTestId('port-status')).toContainText('Completed');
  await expect(page.getByTestId('port-rollup')).toHaveText('3 of 3 numbers completed');
  await expect(page.getByRole('link', { name: 'Add E911 addresses for these numbers' })).toHaveAttribute('href', '/e911');
  await checkPage(page);
  // The ported numbers are the account's now.
  await page.goto(`/numbers?q=${numbers[0]}`);
  await expect(page.getByRole('main')).toContainText(national(numbers[0]!));
  await page.goto('/port-ins?state=completed');
  await expect(page.getByRole('link', { name: reference })).toBeVisible();
  // A port that is not there (or another account's) is a real 404, not a 200 showing "not found".
  for (const path of ['/port-ins/00000000-0000-4000-8000-000000000000', '/port-ins/00000000-0000-4000-8000-000000000000/wizard']) {
    const missing = await page.goto(path);
    expect(missing?.status(), path).toBe(404);
  }
});

test('a partial port: the BTN stays with the losing carrier, the generated LOA signed in the browser', async ({ page, browser }) => {
  test.setTimeout(240_000);
  await signInAndWait(page, 'tech@acme.example');
  const [btn, staying, ...ported] = freshNumbers('331555', 4);
  const { url, reference } = await runWizard(page, { label: 'Aurora branch (partial)', numbers: ported, btn: btn!, partial: { staying: [staying!] }, sign: true });

  const detail = page.getByRole('region', { name: 'Status', exact: true });
  await expect(detail).toContainText(`Partial: ${national(btn!)}, ${national(staying!)} stay with the losing carrier`);
  await expect(page.getByRole('region', { name: 'Numbers', exact: true })).not.toContainText(national(btn!));
  await completeThroughStaff(browser, reference);
  await page.goto(url);
  await expect(page.getByTestId('port-status')).toContainText('Completed');
  await expect(page.getByTestId('port-rollup')).toHaveText(`${ported.length} of ${ported.length} numbers completed`);
  await expect(page.getByTestId('port-timeline')).toContainText('Submitted');
  await checkPage(page);
});
