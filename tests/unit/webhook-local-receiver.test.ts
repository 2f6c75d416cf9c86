import { afterEach, describe, expect, it } from 'vitest';
import { resetEnvCache } from '@/lib/env';
import { isLocalReceiver, webhookUrlRefusal } from '@/lib/services/webhook-delivery';

describe('the local webhook receiver', () => {
  afterEach(() => {
    delete process.env.WEBHOOK_LOCAL_RECEIVER;
    resetEnvCache();
  });

  it('takes webhooks on its own paths, never on the sandbox admin paths beside them', async () => {
    process.env.WEBHOOK_LOCAL_RECEIVER = 'http://127.0.0.1:4105';
    resetEnvCache();
    expect(isLocalReceiver(new URL('http://127.0.0.1:4105/webhooks/inbox'))).toBe(true);
    for (const path of ['/__sandbox/reset', '/__SANDBOX/knobs', '/__sandbox']) {
      expect(isLocalReceiver(new URL(`http://127.0.0.1:4105${path}`)), path).toBe(false);
      expect(await webhookUrlRefusal(`http://127.0.0.1:4105${path}`), path).toBe('The URL must start with https://');
    }
    expect(isLocalReceiver(new URL('http://127.0.0.1:4106/webhooks/inbox'))).toBe(false);
  });
});
