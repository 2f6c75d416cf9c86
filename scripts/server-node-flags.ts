/**
 * How the portal's server process is started, wherever it is: `npm start`, the browser tests'
 * server, the bench, and docs/scale.md's command. Node itself with tsx's loader rather than the tsx
 * CLI, so a signal reaches the server directly and no wrapper outlives a SIGKILL.
 *
 * A page render allocates megabytes that die with its request; with twenty requests in flight V8's
 * default young generation (16 MB semi-spaces) fills before they end, so they survive into the old
 * generation and the costlier full collections. 64 MB semi-spaces keep them young: My numbers took
 * about 15% less CPU per request under load (bench/README.md).
 */
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=64'];

/** Node's arguments for scripts/serve.ts; `nodeArgs` (a profiler's, say) go before the script. */
export function portalServerArgs(serveArgs: string[], nodeArgs: string[] = []): string[] {
  return [...SERVER_NODE_FLAGS, ...nodeArgs, '--import', 'tsx', 'scripts/serve.ts', ...serveArgs];
}
