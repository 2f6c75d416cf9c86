import './server-only-outside-next';

const { prepareDatabase } = await import('./prepare-database');
// `--demo-cdrs=DAYS`: also that many days of demo calls (the browser suite's server asks for them).
const days = Number(process.argv.find((arg) => arg.startsWith('--demo-cdrs='))?.split('=')[1] ?? 0);
const { driver } = await prepareDatabase({ seed: true, demoCdrDays: days > 0 ? days : undefined });
console.log(`Demo data seeded (${driver}).`);
