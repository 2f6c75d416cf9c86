import { describe, expect, it } from 'vitest';
import { GET } from '@/app/api/health/route';
import { openPostgres, setDbHandle } from '@/lib/db/client';
import { testDriver, useTestDatabase } from '../support/db';

describe('GET /api/health', () => {
  useTestDatabase();

  it('answers 200 with the driver when the database answers', async () => {
    const response = await GET();
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', database: testDriver() });
  });

  it('answers 503 when the database does not', async () => {
    const unreachable = openPostgres('postgres://postgres@127.0.0.1:9/nowhere', { max: 1 });
    setDbHandle(unreachable);
    const response = await GET();
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ status: 'unavailable', database: 'down' });
    await unreachable.close();
  });
});
