import { afterEach, describe, expect, it } from 'vitest';
import { notificationTime } from '@/components/shell/notification-bell';

describe('the bell’s times', () => {
  const zone = process.env.TZ;
  afterEach(() => {
    process.env.TZ = zone;
  });

  it('are in UTC and say so, whatever the browser’s zone, as every other time in the portal', () => {
    for (const tz of ['America/Los_Angeles', 'Asia/Tokyo', 'UTC']) {
      process.env.TZ = tz;
      expect(notificationTime('2026-12-06T23:30:09.000Z')).toBe('2026-12-06 23:30 UTC');
    }
  });
});
