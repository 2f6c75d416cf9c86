import { z } from 'zod';
import { defineEndpoint, isoTime, pageOf, pageQuery } from '../contract';

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

export const orderSummarySchema = z
  .object({
    id: z.string().uuid(),
    accountId: z.string().uuid(),
    status: z.enum(['pending', 'in_progress', 'completed', 'partial', 'failed']),
    createdAt: isoTime,
    completedAt: isoTime.nullable(),
    numbers: z.number().int().meta({ description: 'Numbers ordered.' }),
    active: z.number().int().meta({ description: 'Numbers bought.' }),
    failed: z.number().int().meta({ description: 'Numbers not bought (never charged).' }),
    charged: z.string().nullable().meta({ description: 'Decimal amount charged; null for keys and users without billing access.' }),
  })
  .meta({ id: 'OrderSummary' });

export const listOrders = defineEndpoint({
  method: 'GET',
  path: '/orders',
  operationId: 'listOrders',
  tag: 'Orders',
  summary: 'Number orders, newest first',
  description: 'Admin and owner keys see the sub-accounts’ orders too. `GET /orders/{orderId}` has each order’s numbers.',
  access: { permission: 'account.read' },
  query: z.object({ status: z.enum(['pending', 'in_progress', 'completed', 'partial', 'failed']).optional(), ...pageQuery }),
  answer: pageOf(orderSummarySchema),
});
