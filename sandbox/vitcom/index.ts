/**
 * VITCOM sandbox (port 4102): the Origination / Termination / Billing DID API of seed 002, over
 * seeded state. Endpoints answer at the root and under the live `/api/did` prefix alike.
 */
import type { SandboxDefinition, SandboxResponse } from '../common/server';
import { endpoints, housekeeping, readCall, serveFile } from './routes';
import { createVitcomState, DEMO_ACCOUNTNO, DEMO_TOKEN, type VitcomState } from './state';

export const vitcomDemoCredentials: Record<string, string> = { accountno: DEMO_ACCOUNTNO, token: DEMO_TOKEN };

const notFoundPage: SandboxResponse = {
  status: 404,
  headers: { 'content-type': 'text/html; charset=utf-8' },
  body: '<html><body><h1>404 Not Found</h1></body></html>',
};

/** A fresh definition with its own state, for tests that run several sandboxes in one process. */
export function createVitcomSandbox(): SandboxDefinition {
  let state: VitcomState | undefined;
  return {
    name: 'vitcom',
    defaultPort: 4102,
    reset(context) {
      state = createVitcomState(context);
    },
    async handle(request, context) {
      if (!state) state = createVitcomState(context);
      const now = context.now().getTime();
      housekeeping(state, now);
      const path = request.path.replace(/^\/api\/did(?=\/)/, '');
      const endpoint = endpoints[path];
      if (!endpoint) {
        if (request.method !== 'GET') return notFoundPage;
        return serveFile(state, path, now, context) ?? notFoundPage;
      }
      const call = await readCall(request, context);
      // The document's one error shape covers bad credentials too ("Invalid {parameter}").
      if (call.params.get('token') !== state.token) return { status: 404, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: '404', error: 'Invalid token' }) };
      if (call.params.get('accountno') !== state.accountno) return { status: 404, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: '404', error: 'Invalid accountno' }) };
      return endpoint(state, call);
    },
  };
}

export const vitcomSandbox: SandboxDefinition = createVitcomSandbox();
