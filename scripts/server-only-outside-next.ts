/**
 * lib/db and lib/services start with `import 'server-only'`, which throws unless it is resolved
 * under React's `react-server` condition: Next.js sets that in its server bundles, plain Node does
 * not. These tsx scripts (migrate, seed, start, bench) run that code outside Next, so this hook
 * resolves that one package as Next's server does. Not `--conditions=react-server` for the whole
 * process: React and the rest would then load their server builds too. Import this module first
 * and load lib/ with a dynamic import() afterwards: static imports are resolved before any module
 * body runs.
 */
import { register } from 'node:module';

const resolveHook = `export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'server-only') return nextResolve(specifier, { ...context, conditions: [...context.conditions, 'react-server'] });
  return nextResolve(specifier, context);
}`;

register(`data:text/javascript,${encodeURIComponent(resolveHook)}`);
