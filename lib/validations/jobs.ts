import { z } from 'zod';

export const retryJobSchema = z.object({
  queue: z.string().regex(/^[a-z0-9-]{1,80}$/, 'Unknown queue'),
  jobId: z.string().uuid('Unknown job'),
});
