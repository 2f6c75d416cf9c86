/**
 * Node's flags for the portal's server process (scripts/serve.ts), wherever it is started: `npm
 * start`, the browser tests' server, the bench, and docs/scale.md's command. A page render allocates
 * megabytes that die with its request; with twenty requests in flight V8's default young generation
 * (16 MB semi-spaces) fills before they end, so they survive into the old generation and the
 * costlier full collections. 64 MB semi-spaces keep them young: My numbers took about 15% less CPU
 * per request under load (bench/README.md).
 */
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=64'];
