import type { AvailableNumber } from './types';

/**
 * The first run of `quantity` consecutive numbers (by E.164), or [] when there is none: for carriers
 * whose search cannot ask for a consecutive block, the adapter looks for one in what came back.
 */
export function firstConsecutiveBlock(numbers: readonly AvailableNumber[], quantity: number): AvailableNumber[] {
  const sorted = [...numbers].sort((a, b) => a.e164.localeCompare(b.e164));
  let run: AvailableNumber[] = [];
  for (const number of sorted) {
    const previous = run[run.length - 1];
    run = previous && Number(number.e164.slice(2)) === Number(previous.e164.slice(2)) + 1 ? [...run, number] : [number];
    if (run.length === quantity) return run;
  }
  return [];
}
