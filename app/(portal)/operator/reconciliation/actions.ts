'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { staffAction } from '@/lib/auth/action';
import { failureWords, fetchUpstreamStatementsNow } from '@/lib/services/upstream-reconciliation';

const fetchStatementsSchema = z.object({
  period: z.string().regex(/^\d{4}-\d{2}$/, 'Choose a month from the list'),
  connectionId: z.string().uuid('Unknown upstream connection').optional().or(z.literal('').transform(() => undefined)),
});

export const fetchStatementsAction = staffAction({
  schema: fetchStatementsSchema,
  async run(input, { user }) {
    const outcomes = await fetchUpstreamStatementsNow(user, input);
    revalidatePath('/operator/reconciliation');
    const failed = outcomes.filter((outcome) => !outcome.ok);
    const skipped = outcomes.filter((outcome) => outcome.skipped);
    const read = outcomes.length - failed.length - skipped.length;
    const parts = [`${read} of ${outcomes.length} statement${outcomes.length === 1 ? '' : 's'} fetched`];
    if (skipped.length > 0) parts.push(`${skipped.map((o) => o.name).join(', ')} left alone (fetched less than a minute ago)`);
    if (failed.length > 0) parts.push(`failed: ${failed.map((o) => `${o.name} (${failureWords(o.errorKind)})`).join(', ')}`);
    return { message: `${parts.join('; ')}.`, tone: failed.length === 0 ? undefined : read > 0 ? 'partial' : 'failed' };
  },
});
