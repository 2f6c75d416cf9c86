import { z } from 'zod';
import { defineEndpoint, isoTime } from '../contract';

const e911Status = z.enum(['none', 'pending', 'registered', 'failed', 'unsupported']);

export const orderProgressSchema = z
  .object({
    id: z.string().uuid(),
    status: z.enum(['pending', 'in_progress', 'completed', 'partial', 'failed']),
    createdAt: isoTime,
    completedAt: isoTime.nullable(),
    settledLines: z.number().int().meta({ description: 'Lines the upstreams have settled (bought or failed).' }),
    registering: z.boolean().meta({ description: 'Emergency-address registrations still in flight.' }),
    settled: z.boolean().meta({ description: 'Nothing left to wait for: stop polling.' }),
    charged: z.string().nullable().meta({ description: 'Decimal amount charged; null for keys and users without billing access.' }),
    lines: z.array(
      z.object({
        id: z.string().uuid(),
        e164: z.string(),
        status: z.enum(['pending', 'submitted', 'active', 'failed']),
        reason: z.string().nullable(),
        reasonDetail: z.string().optional(),
        owned: z.boolean(),
        charged: z.string().nullable(),
        e911: z.object({ status: e911Status, detail: z.string().nullable() }).nullable(),
        why: z.object({ e911: z.boolean(), reasons: z.array(z.string()), warnings: z.array(z.string()), upstream: z.string().optional(), staffDetail: z.string().optional() }),
      }),
    ),
    e911Address: z.union([z.object({ id: z.string().uuid(), label: z.string() }), z.literal('deleted'), z.null()]),
    generatedAt: isoTime,
  })
  .meta({ id: 'Order' });

export const getOrder = defineEndpoint({
  method: 'GET',
  path: '/orders/{orderId}',
  operationId: 'getOrder',
  tag: 'Orders',
  summary: 'An order and the progress of each of its numbers',
  description: 'Poll until `settled` is true. Lines never carry upstream references.',
  access: { permission: 'account.read' },
  params: z.object({ orderId: z.string().uuid() }),
  answer: orderProgressSchema,
});
