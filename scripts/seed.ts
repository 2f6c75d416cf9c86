import { prepareDatabase } from './prepare-database';

const { driver } = await prepareDatabase({ seed: true });
console.log(`Demo data seeded (${driver}).`);
