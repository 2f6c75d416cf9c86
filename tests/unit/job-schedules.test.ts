import { describe, expect, it } from 'vitest';
import { JOBS } from '@/lib/jobs';
import { describeCron } from '@/lib/services/jobs';

describe('job schedules in words', () => {
  it('describes the schedules the jobs use', () => {
    expect(describeCron('* * * * *')).toBe('every minute');
    expect(describeCron('*/15 * * * *')).toBe('every 15 minutes');
    expect(describeCron('7 */6 * * *')).toBe('every 6 hours, at 07 past the hour (UTC)');
    expect(describeCron('30 * * * *')).toBe('every hour at 30 past');
    expect(describeCron('43 5 * * *')).toBe('every day at 05:43 (UTC)');
    expect(describeCron('15 0 1 * *')).toBe('monthly on day 1 at 00:15 (UTC)');
  });

  it('shows any other cron as it is', () => {
    expect(describeCron('0 3 * * 1')).toBe('cron 0 3 * * 1 (UTC)');
  });

  it('gives every job of the app a schedule pg-boss can keep (at most once a minute) and a readable one', () => {
    for (const job of JOBS) {
      expect(job.cron.split(' '), job.name).toHaveLength(5);
      expect(describeCron(job.cron), job.name).not.toMatch(/^cron /);
    }
  });
});
