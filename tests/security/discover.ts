/**
 * Every server action, route handler and page the code exports, found from the files themselves so a
 * new one cannot be left out of the security suites: each `actions.ts` under app/ and any other
 * module starting with 'use server' (every exported function), each app route.ts (its HTTP method
 * exports), each app page.tsx (its default export).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');
const SOURCE_DIRS = ['app', 'lib', 'components'];
const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

export interface DiscoveredEndpoint {
  kind: 'action' | 'route' | 'page';
  /** Repository-relative, with forward slashes. */
  file: string;
  export: string;
  fn: unknown;
}

function sourceFiles(): string[] {
  return SOURCE_DIRS.flatMap((dir) =>
    (readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' }) as string[])
      .filter((file) => /\.(ts|tsx)$/.test(file) && !file.split(path.sep).includes('node_modules'))
      .map((file) => path.posix.join(dir, file.split(path.sep).join('/'))),
  ).sort();
}

/** The first statement, after comments and blank lines. */
function firstStatement(source: string): string {
  return source
    .replace(/^\uFEFF/, '')
    .replace(/^(\s+|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*/, '')
    .slice(0, 40);
}

export function isUseServerModule(source: string): boolean {
  return /^(['"])use server\1/.test(firstStatement(source));
}

/** A 'use server' directive anywhere but the top (an inline action in a component): not importable, so not testable. */
export function inlineServerActionFiles(): string[] {
  return sourceFiles().filter((file) => {
    const source = readFileSync(path.join(ROOT, file), 'utf8');
    return !isUseServerModule(source) && /(['"])use server\1/.test(source);
  });
}

export function serverActionFiles(): string[] {
  return sourceFiles().filter((file) => {
    if (file.startsWith('app/') && path.posix.basename(file) === 'actions.ts') return true;
    return isUseServerModule(readFileSync(path.join(ROOT, file), 'utf8'));
  });
}

export function routeFiles(): string[] {
  return sourceFiles().filter((file) => file.startsWith('app/') && /^route\.(ts|tsx)$/.test(path.posix.basename(file)));
}

export function pageFiles(): string[] {
  return sourceFiles().filter((file) => file.startsWith('app/') && /^page\.(ts|tsx)$/.test(path.posix.basename(file)));
}

async function load(file: string): Promise<Record<string, unknown>> {
  return (await import(/* @vite-ignore */ path.join(ROOT, file))) as Record<string, unknown>;
}

export async function discoverEndpoints(): Promise<DiscoveredEndpoint[]> {
  const found: DiscoveredEndpoint[] = [];
  for (const file of serverActionFiles()) {
    for (const [name, value] of Object.entries(await load(file))) {
      if (typeof value === 'function') found.push({ kind: 'action', file, export: name, fn: value });
    }
  }
  for (const file of routeFiles()) {
    const exports = await load(file);
    for (const method of HTTP_METHODS) {
      if (typeof exports[method] === 'function') found.push({ kind: 'route', file, export: method, fn: exports[method] });
    }
  }
  for (const file of pageFiles()) {
    const exports = await load(file);
    if (typeof exports.default === 'function') found.push({ kind: 'page', file, export: 'default', fn: exports.default });
  }
  return found;
}

export const endpointLabel = (endpoint: Pick<DiscoveredEndpoint, 'kind' | 'file' | 'export'>) => `${endpoint.kind} ${endpoint.file}#${endpoint.export}`;
