import './server-only-outside-next';

const { prepareDatabase } = await import('./prepare-database');
const { driver } = await prepareDatabase({ seed: true });
console.log(`Demo data seeded (${driver}).`);
