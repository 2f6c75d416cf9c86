/**
 * CarrierX Core API v2 sandbox (seed 003): Bearer auth, `/core/v2` paths, the list envelope,
 * `filter=`, limit/offset and `after`/`before` paging, the seed's error shapes, PATCH-merge vs PUT.
 */
import type { SandboxContext, SandboxDefinition } from '../common/server';
import { route } from './routes';
import { DEMO_TOKEN, seedState, type CarrierxState } from './state';

// One state per running sandbox: startSandbox hands each instance its own context object.
const states = new WeakMap<SandboxContext, CarrierxState>();

export const carrierxSandbox: SandboxDefinition = {
  name: 'carrierx',
  defaultPort: 4103,
  reset(context) {
    states.set(context, seedState(context));
  },
  handle(request, context) {
    let state = states.get(context);
    if (!state) {
      state = seedState(context);
      states.set(context, state);
    }
    return route(state, request, context);
  },
};

/** The credentials the sandbox accepts, as the adapter's credential map. */
export const carrierxDemoCredentials: Record<string, string> = { token: DEMO_TOKEN };
