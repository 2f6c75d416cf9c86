import { startSandbox, type RunningSandbox } from '../sandbox/common/server';
import { sandboxDefinitions } from '../sandbox/index';
import { webhookInboxSandbox } from '../sandbox/webhook-inbox';

/**
 * Starts every sandbox on its fixed port, and the demo's webhook inbox (not a carrier, so not among
 * the provider sandboxes); one that cannot bind (already running) is reported, not fatal.
 */
export async function startSandboxes(): Promise<RunningSandbox[]> {
  const running: RunningSandbox[] = [];
  for (const definition of [...Object.values(sandboxDefinitions), webhookInboxSandbox]) {
    try {
      running.push(await startSandbox(definition));
    } catch (error) {
      console.warn(`  ${definition.name} sandbox not started: ${(error as Error).message}`);
    }
  }
  return running;
}
