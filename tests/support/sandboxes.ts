/** The four provider sandboxes on free ports, connected as the embedded default would be. */
import { afterAll, beforeAll } from 'vitest';
import type { Db } from '@/lib/db/client';
import type { ProviderId } from '@/lib/providers/types';
import { ensureDefaultConnections } from '@/lib/services/providers';
import { startSandbox, type RunningSandbox } from '@/sandbox/common/server';
import { carrierxDemoCredentials } from '@/sandbox/carrierx';
import { sandboxDefinitions } from '@/sandbox/index';
import { vitcomDemoCredentials } from '@/sandbox/vitcom';
import { voicemeupDemoCredentials } from '@/sandbox/voicemeup';
import { voicetelDemoCredentials } from '@/sandbox/voicetel';

export const SANDBOX_CREDENTIALS: Record<ProviderId, Record<string, string>> = {
  voicetel: voicetelDemoCredentials,
  vitcom: vitcomDemoCredentials,
  carrierx: carrierxDemoCredentials,
  voicemeup: voicemeupDemoCredentials,
};

export function useSandboxes() {
  const running = new Map<ProviderId, RunningSandbox>();
  beforeAll(async () => {
    for (const [provider, definition] of Object.entries(sandboxDefinitions)) {
      running.set(provider as ProviderId, await startSandbox(definition, { port: 0 }));
    }
  });
  afterAll(async () => {
    await Promise.all([...running.values()].map((sandbox) => sandbox.close()));
  });
  return {
    get(provider: ProviderId): RunningSandbox {
      const sandbox = running.get(provider);
      if (!sandbox) throw new Error(`${provider} sandbox not started`);
      return sandbox;
    },
    /** One enabled connection per sandbox, as `npm start` seeds them. */
    async connect(db: Db) {
      await ensureDefaultConnections(
        db,
        [...running].map(([provider, sandbox]) => ({ provider, name: `${provider} sandbox`, baseUrl: sandbox.url, credentials: SANDBOX_CREDENTIALS[provider] })),
      );
    },
  };
}
