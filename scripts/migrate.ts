import './server-only-outside-next';

const { prepareDatabase } = await import('./prepare-database');
const { driver } = await prepareDatabase({ seed: false });
console.log(`Migrations applied (${driver}).`);
