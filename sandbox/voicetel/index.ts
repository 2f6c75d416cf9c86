/**
 * VoiceTel REST API 2.2 sandbox (seed 001): Bearer API keys from POST /v2.2/account/api-key, the
 * `{status, data}` envelope, 404-for-empty lists, 6/hour limits, descending CDR ranges, idempotent
 * orders with partial `failed[]`, port-ins that move on with the clock, and e911 with 11-digit `dn`.
 */
import type { SandboxContext, SandboxDefinition } from '../common/server';
import { handleVoiceTel } from './routes';
import { DEMO_PASSWORD, DEMO_USERNAME, buildState, type VoiceTelState } from './state';

/** One state per running sandbox (its context), so two sandboxes in one process do not share an account. */
const states = new WeakMap<SandboxContext, VoiceTelState>();

export const voicetelSandbox: SandboxDefinition = {
  name: 'voicetel',
  defaultPort: 4101,
  reset(context) {
    states.set(context, buildState(context));
  },
  handle(request, context) {
    let state = states.get(context);
    if (!state) {
      state = buildState(context);
      states.set(context, state);
    }
    return handleVoiceTel(request, state, context);
  },
};

/** The credentials the sandbox accepts, as the adapter's credential map. */
export const voicetelDemoCredentials: Record<string, string> = { username: DEMO_USERNAME, password: DEMO_PASSWORD };
