/** `npm run sandbox -- voicetel [vitcom …]` starts sandboxes alone; no names starts all four. */
import { sandboxDefinitions } from './index';
import { startSandbox, type RunningSandbox } from './common/server';

const requested = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
const names = requested.length ? requested : Object.keys(sandboxDefinitions);
const running: RunningSandbox[] = [];

// SIGTERM or Ctrl-C: every sandbox drops its connections (kept-alive and hung ones too) and the
// process is gone well within the 5 s supervisors allow.
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  setTimeout(() => process.exit(1), 3000).unref();
  void Promise.all(running.map((sandbox) => sandbox.close())).then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

for (const name of names) {
  const definition = sandboxDefinitions[name as keyof typeof sandboxDefinitions];
  if (!definition) {
    console.error(`Unknown sandbox "${name}". Known: ${Object.keys(sandboxDefinitions).join(', ')}`);
    process.exit(2);
  }
  const sandbox = await startSandbox(definition);
  running.push(sandbox);
  console.log(`${sandbox.name} sandbox listening on ${sandbox.url}`);
}
