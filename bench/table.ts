import fs from 'node:fs';
import path from 'node:path';

/** One measurement. Baselines are taken in the same run, so the ratio is what to compare across runs. */
export interface Row {
  name: string;
  value: number;
  unit: string;
  baseline: number | null;
  ratio: number | null;
}

export function row(name: string, value: number, unit: string, baseline?: number): Row {
  const hasBaseline = baseline !== undefined && Number.isFinite(baseline) && baseline > 0;
  return { name, value, unit, baseline: hasBaseline ? baseline : null, ratio: hasBaseline ? value / baseline : null };
}

/** Counts as integers, everything else to three significant digits, never in exponent notation. */
function format(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '-';
  if (Number.isInteger(value)) return String(value);
  const magnitude = Math.abs(value);
  const decimals = magnitude === 0 ? 0 : Math.min(8, Math.max(0, 2 - Math.floor(Math.log10(magnitude))));
  return value.toFixed(decimals);
}

export function formatTable(rows: Row[]): string {
  const header = ['name', 'value', 'unit', 'baseline', 'ratio'];
  const cells = rows.map((r) => [r.name, format(r.value), r.unit, format(r.baseline), r.ratio === null ? '-' : `${format(r.ratio)}x`]);
  const widths = header.map((title, column) => Math.max(title.length, ...cells.map((line) => line[column]!.length)));
  // Names and units read left to right; numbers line up on the right.
  const align = (text: string, column: number) => (column === 0 || column === 2 ? text.padEnd(widths[column]!) : text.padStart(widths[column]!));
  const render = (line: string[]) => line.map(align).join('  ').trimEnd();
  return [render(header), widths.map((width) => '-'.repeat(width)).join('  '), ...cells.map(render)].join('\n');
}

/**
 * The same rows measured on several databases, one value/baseline/ratio group per database, so the
 * ratios can be read across. A database without rows (its server was not reachable) shows dashes.
 */
export function formatSideBySide(columns: { title: string; rows: Row[] | undefined }[]): string {
  const names = [...new Set(columns.flatMap((column) => (column.rows ?? []).map((r) => r.name)))];
  const unitOf = (name: string) => columns.flatMap((column) => column.rows ?? []).find((r) => r.name === name)?.unit ?? '';
  const groupHeader = ['', '', ...columns.flatMap((column) => [column.title, '', ''])];
  const header = ['name', 'unit', ...columns.flatMap(() => ['value', 'baseline', 'ratio'])];
  const cells = names.map((name) => [
    name,
    unitOf(name),
    ...columns.flatMap((column) => {
      const r = column.rows?.find((candidate) => candidate.name === name);
      return r ? [format(r.value), format(r.baseline), r.ratio === null ? '-' : `${format(r.ratio)}x`] : ['-', '-', '-'];
    }),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...cells.map((line) => line[column]!.length)));
  // Each database's title spans its three columns.
  const groupWidths = columns.map((_, index) => widths[2 + index * 3]! + widths[3 + index * 3]! + widths[4 + index * 3]! + 4);
  const align = (text: string, column: number) => (column < 2 ? text.padEnd(widths[column]!) : text.padStart(widths[column]!));
  const render = (line: string[]) => line.map(align).join('  ').trimEnd();
  const groups = [widths[0]! + 2 + widths[1]!, ...groupWidths].map((width, index) => (index === 0 ? ' '.repeat(width) : (groupHeader[2 + (index - 1) * 3] ?? '').padEnd(width))).join('  ').trimEnd();
  return [groups, render(header), widths.map((width) => '-'.repeat(width)).join('  '), ...cells.map(render)].join('\n');
}

export function writeJson(file: string, results: unknown) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
}
