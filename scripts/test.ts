/**
 * `npm test`: every test the project has. Vitest (unit, provider contracts, integration on the
 * database: PGlite, or PostgreSQL when DATABASE_URL is set), then a production build and the
 * Playwright browser tests. Prints `N passed, N failed` last.
 *
 *   npm test                 everything
 *   npm test -- --no-e2e     skip the build and the browser tests
 *   npm test -- --only-e2e   only the build and the browser tests
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const args = new Set(process.argv.slice(2));
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };
const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);
fs.mkdirSync(path.join(root, 'test-results'), { recursive: true });

let passed = 0;
let failed = 0;
let ok = true;
const failedTests: string[] = [];
const flakyTests: string[] = [];

function run(command: string, commandArgs: string[], extraEnv: Record<string, string> = {}) {
  const result = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit', env: { ...env, ...extraEnv } });
  return result.status === 0;
}

function readCounts(file: string, pick: (report: never) => { passed: number; failed: number; names: string[] }) {
  try {
    const counts = pick(JSON.parse(fs.readFileSync(file, 'utf8')) as never);
    passed += counts.passed;
    failed += counts.failed;
    failedTests.push(...counts.names);
  } catch {
    failed += 1;
    failedTests.push(`${path.relative(root, file)}: no report, the runner did not finish`);
    console.error(`No report at ${path.relative(root, file)}: the runner did not finish.`);
  }
}

interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
  testResults: { name: string; status: string; message?: string; assertionResults: { fullName: string; status: string }[] }[];
}

interface PlaywrightSuite {
  title: string;
  file?: string;
  suites?: PlaywrightSuite[];
  specs?: { title: string; file: string; tests: { status: string }[] }[];
}

interface PlaywrightReport {
  stats: { expected: number; unexpected: number; flaky: number };
  suites: PlaywrightSuite[];
}

function failedVitestTests(vitest: VitestReport) {
  return vitest.testResults.flatMap((file) => {
    const where = path.relative(root, file.name);
    if (file.status === 'failed' && file.assertionResults.length === 0) return [`${where}: ${(file.message ?? 'did not load').split('\n')[0]}`];
    return file.assertionResults.filter((test) => test.status === 'failed').map((test) => `${where} > ${test.fullName}`);
  });
}

function playwrightTestsWithStatus(playwright: PlaywrightReport, status: 'unexpected' | 'flaky'): string[] {
  const walk = (suite: PlaywrightSuite, titles: string[]): string[] => [
    ...(suite.specs ?? [])
      .filter((spec) => spec.tests.some((test) => test.status === status))
      .map((spec) => `e2e/${spec.file} > ${[...titles, spec.title].join(' > ')}`),
    ...(suite.suites ?? []).flatMap((child) => walk(child, [...titles, child.title])),
  ];
  return playwright.suites.flatMap((suite) => walk(suite, []));
}

if (!args.has('--only-e2e')) {
  const report = path.join(root, 'test-results', 'vitest.json');
  fs.rmSync(report, { force: true });
  ok = run(bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`]) && ok;
  // A file that fails to load has no tests; count it as one failure so it cannot hide.
  readCounts(report, (vitest: VitestReport) => ({
    passed: vitest.numPassedTests,
    failed: vitest.numFailedTests + vitest.testResults.filter((file) => file.status === 'failed' && file.assertionResults.length === 0).length,
    names: failedVitestTests(vitest),
  }));
}

if (!args.has('--no-e2e')) {
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!fs.existsSync(chromium)) {
    console.error(`Chromium not found at ${chromium}. Install it (apt-get install -y chromium) or set CHROMIUM_PATH.`);
    process.exit(1);
  }
  const built = run(process.execPath, [path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next'), 'build']);
  if (!built) {
    ok = false;
    failed += 1;
  } else {
    const report = path.join(root, 'test-results', 'e2e.json');
    fs.rmSync(report, { force: true });
    ok = run(bin('playwright'), ['test']) && ok;
    readCounts(report, (playwright: PlaywrightReport) => {
      flakyTests.push(...playwrightTestsWithStatus(playwright, 'flaky'));
      return {
        passed: playwright.stats.expected + playwright.stats.flaky,
        failed: playwright.stats.unexpected,
        names: playwrightTestsWithStatus(playwright, 'unexpected'),
      };
    });
  }
}

fs.writeFileSync(path.join(root, 'test-results', 'summary.json'), JSON.stringify({ passed, failed, failedTests, flakyTests }));
// CI logs are often read from their last lines only: name what failed, or passed only on a retry,
// just above the count.
for (const name of flakyTests) console.log(`FLAKY (passed on retry) ${name}`);
for (const name of failedTests) console.log(`FAILED ${name}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(ok && failed === 0 ? 0 : 1);
