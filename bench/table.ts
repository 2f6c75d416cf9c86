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

export function writeJson(file: string, rows: Row[]) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(rows, null, 2) + '\n');
}
