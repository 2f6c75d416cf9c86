'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { accountAction, type ActionState } from '@/lib/auth/action';
import { AppError } from '@/lib/errors';
import { requestCdrExport } from '@/lib/services/cdr-export';
import { parseCdrSearch } from '@/lib/services/cdr-search';

const exportForm = z.object({
  accountId: z.string(),
  from: z.string().max(40).optional(),
  to: z.string().max(40).optional(),
  number: z.string().max(40).optional(),
  direction: z.string().max(20).optional(),
  sipCode: z.string().max(10).optional(),
  trunkGroup: z.string().max(40).optional(),
  destination: z.string().max(10).optional(),
  upstream: z.string().max(40).optional(),
});

type ExportData = { exportId?: string; streamed?: boolean };
export type ExportState = ActionState<ExportData>;

/** Prepares a file for a search too large to stream; a small one is answered "download directly". */
export const prepareCdrExportAction = accountAction<typeof exportForm, ExportData>({
  schema: exportForm,
  permission: 'usage.read',
  accountField: 'accountId',
  run: async (input, access) => {
    const { search, fieldErrors } = parseCdrSearch(input);
    if (!search) throw new AppError('invalid:search', 'Correct the search before exporting it.', { fieldErrors });
    const request = await requestCdrExport(access, search);
    if (request.kind === 'stream') return { message: 'Small enough to download directly.', data: { streamed: true } };
    revalidatePath('/usage/calls');
    return { message: `Preparing about ${request.estimate.toLocaleString('en-US')} calls; the download link appears here when the file is ready.`, data: { exportId: request.exportId } };
  },
});
