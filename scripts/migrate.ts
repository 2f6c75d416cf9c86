import { prepareDatabase } from './prepare-database';

const { driver } = await prepareDatabase({ seed: false });
console.log(`Migrations applied (${driver}).`);
