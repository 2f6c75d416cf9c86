/** `npm run sandbox -- voicetel [vitcom …]` starts sandboxes alone; no names starts all four. */
import { sandboxDefinitions } from './index';
import { startSandbox } from './common/server';

const requested = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
const names = requested.length ? requested : Object.keys(sandboxDefinitions);
for (const name of names) {
  const definition = sandboxDefinitions[name as keyof typeof sandboxDefinitions];
  if (!definition) {
    console.error(`Unknown sandbox "${name}". Known: ${Object.keys(sandboxDefinitions).join(', ')}`);
    process.exit(2);
  }
  const running = await startSandbox(definition);
  console.log(`${running.name} sandbox listening on ${running.url}`);
}
