import { describe, expect, it } from 'vitest';
import { runExclusive } from '@/lib/jobs/scheduler';
import { testDriver, useTestDatabase } from '../support/db';

describe('job scheduler', () => {
  useTestDatabase();

  it('runs a job once when several instances start it together (PostgreSQL), always on PGlite', async () => {
    let runs = 0;
    const job = {
      name: 'exclusive-probe',
      run: async () => {
        runs += 1;
        await new Promise((resolve) => setTimeout(resolve, 200));
        return runs;
      },
    };
    const outcomes = await Promise.all([runExclusive(job), runExclusive(job), runExclusive(job)]);
    if (testDriver() === 'postgres') {
      expect(outcomes.filter((outcome) => outcome.ran)).toHaveLength(1);
      expect(runs).toBe(1);
    } else {
      expect(outcomes.every((outcome) => outcome.ran)).toBe(true);
    }
    expect((await runExclusive(job)).ran).toBe(true);
  });
});
