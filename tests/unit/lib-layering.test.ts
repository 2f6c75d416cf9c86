/**
 * The import graph of lib/: no module cycle (a cycle makes load order decide which export is still
 * undefined), and every database or service module marked server-only, so a client component that
 * reaches one fails the build instead of shipping it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(relative);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [relative] : [];
  });
}

/** Imports that exist at run time: `import type` and `export type` are erased by the compiler. */
function runtimeImports(file: string, source: string): string[] {
  const specifiers: string[] = [];
  const statement = /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;
  for (const match of source.matchAll(statement)) {
    if (match[2]) continue;
    if (match[1] === 'export' && !/\sfrom\s/.test(match[0])) continue;
    specifiers.push(match[3]!);
  }
  for (const match of source.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) specifiers.push(match[1]!);
  return specifiers.flatMap((specifier) => {
    const base = specifier.startsWith('@/') ? specifier.slice(2) : specifier.startsWith('.') ? path.posix.join(path.posix.dirname(file), specifier) : undefined;
    if (!base) return [];
    const resolved = [`${base}.ts`, `${base}.tsx`, `${base}/index.ts`].find((candidate) => fs.existsSync(path.join(root, candidate)));
    return resolved ? [resolved] : [];
  });
}

function findCycles(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'visiting');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'visiting') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return cycles;
}

const libFiles = sourceFiles('lib');

describe('lib/ import graph', () => {
  it('has no import cycle', () => {
    const graph = new Map(libFiles.map((file) => [file, runtimeImports(file, fs.readFileSync(path.join(root, file), 'utf8')).filter((target) => target.startsWith('lib/'))]));
    expect(graph.size).toBeGreaterThan(50);
    expect(findCycles(graph).map((cycle) => cycle.join(' → '))).toEqual([]);
  });

  it('finds a cycle when there is one', () => {
    const graph = new Map([
      ['lib/a.ts', ['lib/b.ts']],
      ['lib/b.ts', ['lib/c.ts']],
      ['lib/c.ts', ['lib/a.ts']],
    ]);
    expect(findCycles(graph)).toEqual([['lib/a.ts', 'lib/b.ts', 'lib/c.ts', 'lib/a.ts']]);
    expect(runtimeImports('lib/services/x.ts', "import type { A } from './numbers';\nimport { b } from '@/lib/services/e911';")).toEqual(['lib/services/e911.ts']);
  });

  it("marks every lib/db and lib/services module server-only on its first line of code", () => {
    const unmarked = libFiles
      .filter((file) => file.startsWith('lib/db/') || file.startsWith('lib/services/'))
      .filter((file) => {
        const code = fs.readFileSync(path.join(root, file), 'utf8').replace(/^\s*\/\*[\s\S]*?\*\/\s*/, '').replace(/^(\s*\/\/.*\n)*/, '');
        return !code.startsWith("import 'server-only';");
      });
    expect(unmarked).toEqual([]);
  });
});
