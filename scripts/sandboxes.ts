import { startSandbox, type RunningSandbox } from '../sandbox/common/server';
import { sandboxDefinitions } from '../sandbox/index';

/** Starts every sandbox on its fixed port; one that cannot bind (already running) is reported, not fatal. */
export async function startSandboxes(): Promise<RunningSandbox[]> {
  const running: RunningSandbox[] = [];
  for (const definition of Object.values(sandboxDefinitions)) {
    try {
      running.push(await startSandbox(definition));
    } catch (error) {
      console.warn(`  ${definition.name} sandbox not started: ${(error as Error).message}`);
    }
  }
  return running;
}
