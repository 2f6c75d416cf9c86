import { z } from 'zod';
import { CALLER_ID_POLICIES, CODECS, MAX_ALLOWED_IPS, MAX_TRUNK_DESTINATIONS, SIP_TRANSPORTS, TRUNK_AUTH_METHODS, TRUNK_DIRECTIONS } from '@/lib/validations/trunk-groups';
import { defineEndpoint, e164, isoTime, pageOf, pageQuery } from '../contract';

const TAG = 'Trunk groups';
const trunkGroupId = z.object({ trunkGroupId: z.string().uuid() });

const wholeNumber = (label: string) => z.number({ message: `${label} must be a whole number` }).int(`${label} must be a whole number`);

/**
 * A trunk group as JSON. Types are checked here; every other rule (public addresses, widths,
 * ports, codecs, caller ID, the account's limits, what our carriers can carry) is the portal form's,
 * with its messages (lib/validations/trunk-groups.ts), keyed by field path: `destinations.1.host`.
 */
const destinationInput = z
  .object({
    host: z.string({ message: 'Enter the host name or IP address to send calls to' }).max(300).meta({ description: 'Public host name or IPv4 address.' }),
    port: wholeNumber('The port').meta({ description: 'Required: 5060 is usual (5061 for TLS).' }),
    transport: z.enum(SIP_TRANSPORTS, { message: 'Choose UDP, TCP or TLS' }).optional().meta({ description: 'Default udp.' }),
    priority: wholeNumber('Priority').optional().meta({ description: '1–100, lower first (default 1).' }),
    weight: wholeNumber('Weight').optional().meta({ description: '1–100 among equal priorities (default 100).' }),
  })
  .strict();

const trunkGroupFields = {
  name: z.string({ message: 'Enter a name for this trunk group' }).max(200).meta({ description: '2–60 characters, unique in the account.' }),
  direction: z.enum(TRUNK_DIRECTIONS, { message: 'Choose which calls this trunk group carries' }),
  auth: z.enum(TRUNK_AUTH_METHODS, { message: 'Choose how your PBX proves who it is' }).meta({ description: '`digest` or `both`: a username and password are generated and answered once.' }),
  allowedIps: z
    .array(z.string({ message: 'Enter an IPv4 address or block' }).max(100))
    .max(MAX_ALLOWED_IPS * 4)
    .optional()
    .meta({ description: `Public IPv4 addresses or blocks your PBX sends calls from (auth ip or both), at most ${MAX_ALLOWED_IPS}, no wider than the operator allows (/24 by default).` }),
  destinations: z
    .array(destinationInput)
    .max(MAX_TRUNK_DESTINATIONS * 4)
    .optional()
    .meta({ description: `Where inbound calls go (direction inbound or both), at most ${MAX_TRUNK_DESTINATIONS}.` }),
  maxChannels: wholeNumber('Channels').optional().meta({ description: 'Concurrent calls, within the account’s limits.' }),
  maxCps: wholeNumber('Calls per second').optional().meta({ description: 'Calls per second, within the account’s limits.' }),
  codecs: z.array(z.string({ message: 'Choose at least one codec' }).max(20)).max(CODECS.length * 4).meta({ description: `In order of preference, from ${CODECS.join(', ')}.` }),
  techPrefix: z.string({ message: 'A tech prefix uses digits, # and * only' }).max(50).optional(),
  callerIdPolicy: z.enum(CALLER_ID_POLICIES, { message: 'Choose which caller ID to send' }).optional().meta({ description: 'Default pass_through.' }),
  callerIdNumber: z.string({ message: 'Enter the number to send as caller ID' }).max(50).optional().meta({ description: 'With `fixed`: a US or Canadian number.' }),
};

export const trunkGroupCreateBody = z.object(trunkGroupFields).strict().meta({ id: 'TrunkGroupInput' });

/** Only the fields to change; `null` clears an optional one. The result is checked as a whole, like the edit form. */
export const trunkGroupPatchBody = z
  .object({
    ...trunkGroupFields,
    name: trunkGroupFields.name.optional(),
    direction: trunkGroupFields.direction.optional(),
    auth: trunkGroupFields.auth.optional(),
    codecs: trunkGroupFields.codecs.optional(),
    maxChannels: wholeNumber('Channels').nullable().optional(),
    maxCps: wholeNumber('Calls per second').nullable().optional(),
    techPrefix: trunkGroupFields.techPrefix.unwrap().nullable().optional(),
    callerIdNumber: trunkGroupFields.callerIdNumber.unwrap().nullable().optional(),
  })
  .strict()
  .meta({ id: 'TrunkGroupPatch' });

const syncStatus = z.enum(['not_needed', 'pending', 'applied', 'partially_applied', 'failed']).meta({
  description: '`not_needed`: no numbers route here yet, nothing to push; `partially_applied`: some carriers hold it and some do not (see `upstreams`).',
});

export const trunkGroupSchema = z
  .object({
    id: z.string().uuid(),
    name: z.string(),
    direction: z.enum(TRUNK_DIRECTIONS),
    auth: z.enum(TRUNK_AUTH_METHODS),
    allowedIps: z.array(z.string()).meta({ description: 'Normalized `a.b.c.d/p`.' }),
    destinations: z.array(z.object({ host: z.string(), port: z.number().int(), transport: z.enum(SIP_TRANSPORTS), priority: z.number().int(), weight: z.number().int() })),
    maxChannels: z.number().int().nullable(),
    maxCps: z.number().int().nullable(),
    codecs: z.array(z.string()),
    techPrefix: z.string().nullable(),
    callerIdPolicy: z.enum(CALLER_ID_POLICIES),
    callerIdNumber: e164.nullable(),
    digestUsername: z.string().nullable().meta({ description: 'With digest auth. The password is answered only when generated.' }),
    status: z.enum(['active', 'disabled']),
    syncStatus,
    syncDetail: z.string().nullable(),
    numbers: z.number().int().optional().meta({ description: 'Live numbers routed to it (lists).' }),
    version: z.number().int(),
    createdAt: isoTime,
    updatedAt: isoTime,
  })
  .meta({ id: 'TrunkGroup' });

const upstreamState = z.enum(['applied', 'failed', 'pending']);

/** What one push did, carrier by carrier: never "success" when one carrier failed. */
export const trunkSyncOutcomeSchema = z
  .object({
    status: syncStatus,
    upstreams: z.array(
      z.object({
        carrier: z.string().meta({ description: '“Carrier 1”, “Carrier 2”… (the same numbering as the sync status).' }),
        state: upstreamState,
        reason: z.string().nullable().meta({ description: 'Why it failed and what to do next.' }),
      }),
    ),
  })
  .meta({ id: 'TrunkSyncOutcome' });

export const trunkGroupSaveSchema = z
  .object({
    trunkGroup: trunkGroupSchema,
    sync: trunkSyncOutcomeSchema,
    warnings: z.array(z.string()).meta({ description: 'Settings some of our carriers will not carry (saved, and said).' }),
    digestPassword: z.string().optional().meta({ description: 'Only when this request generated the digest credentials: shown once, never again (an `Idempotency-Key` keeps the answer without it, and its replay is 409 `conflict:secret_already_shown`).' }),
  })
  .meta({ id: 'TrunkGroupSaved' });

export const trunkSyncStatusSchema = z
  .object({
    trunkGroupId: z.string().uuid(),
    name: z.string(),
    status: syncStatus,
    settled: z.boolean().meta({ description: 'Nothing is in flight: stop polling.' }),
    applied: z.number().int(),
    drifted: z.number().int(),
    upstreams: z.array(
      z.object({
        label: z.string(),
        status: z.enum(['pending', 'applied', 'failed', 'disabled']),
        outdated: z.boolean().meta({ description: 'Applied, but an older version of the settings.' }),
        error: z.string().nullable(),
        errorDetail: z.string().nullable().meta({ description: 'The carrier’s own words: operator staff only (null otherwise).' }),
        lastAppliedAt: isoTime.nullable(),
        lastCheckedAt: isoTime.nullable(),
        limitations: z.array(z.string()),
        drift: z.array(z.object({ field: z.string(), label: z.string(), desired: z.string(), actual: z.string() })),
      }),
    ),
    generatedAt: isoTime,
  })
  .meta({ id: 'TrunkSyncStatus' });

export const listTrunkGroups = defineEndpoint({
  method: 'GET',
  path: '/trunk-groups',
  operationId: 'listTrunkGroups',
  tag: TAG,
  summary: 'The account’s trunk groups, by name',
  access: { permission: 'technical.read' },
  query: z.object(pageQuery),
  answer: pageOf(trunkGroupSchema),
});

export const createTrunkGroup = defineEndpoint({
  method: 'POST',
  path: '/trunk-groups',
  operationId: 'createTrunkGroup',
  tag: TAG,
  summary: 'Create a trunk group',
  description: 'Checked like the portal form. With digest auth the generated password is in this answer only. A group is pushed to a carrier when its first number from that carrier joins it.',
  access: { permission: 'technical.write' },
  body: trunkGroupCreateBody,
  answer: trunkGroupSaveSchema,
  status: 201,
  answersSecretOnce: { field: 'digestPassword' },
});

export const getTrunkGroup = defineEndpoint({
  method: 'GET',
  path: '/trunk-groups/{trunkGroupId}',
  operationId: 'getTrunkGroup',
  tag: TAG,
  summary: 'A trunk group',
  access: { permission: 'technical.read' },
  params: trunkGroupId,
  answer: trunkGroupSchema,
});

export const updateTrunkGroup = defineEndpoint({
  method: 'PATCH',
  path: '/trunk-groups/{trunkGroupId}',
  operationId: 'updateTrunkGroup',
  tag: TAG,
  summary: 'Change a trunk group and push it to its carriers',
  description: 'Send only what changes; the result is checked as a whole, like the edit form. Turning digest auth on for the first time answers the generated password once.',
  access: { permission: 'technical.write' },
  params: trunkGroupId,
  body: trunkGroupPatchBody,
  answer: trunkGroupSaveSchema,
  errors: [503],
  answersSecretOnce: { field: 'digestPassword' },
});

export const deleteTrunkGroup = defineEndpoint({
  method: 'DELETE',
  path: '/trunk-groups/{trunkGroupId}',
  operationId: 'deleteTrunkGroup',
  tag: TAG,
  summary: 'Delete a trunk group that routes no numbers',
  description: '409 while numbers still route to it (move them first). Each carrier’s copy is deleted where the carrier can; copies that cannot be deleted are left carrying no numbers and counted in `upstreamCopiesLeft`.',
  access: { permission: 'technical.write' },
  params: trunkGroupId,
  answer: z.object({ id: z.string().uuid(), deleted: z.literal(true), upstreamCopiesRemoved: z.number().int(), upstreamCopiesLeft: z.number().int() }).meta({ id: 'TrunkGroupDeleted' }),
  errors: [503],
});

export const getTrunkGroupSync = defineEndpoint({
  method: 'GET',
  path: '/trunk-groups/{trunkGroupId}/sync',
  operationId: 'getTrunkGroupSync',
  tag: TAG,
  summary: 'Where a trunk group stands on each carrier',
  description: 'Poll until `settled`.',
  access: { permission: 'technical.read' },
  params: trunkGroupId,
  answer: trunkSyncStatusSchema,
});

export const reapplyTrunkGroup = defineEndpoint({
  method: 'POST',
  path: '/trunk-groups/{trunkGroupId}/sync',
  operationId: 'reapplyTrunkGroup',
  tag: TAG,
  summary: 'Push a trunk group to its carriers again',
  description: 'Re-applies the settings on every carrier of its numbers and routes the numbers to it again; answers the outcome per carrier.',
  access: { permission: 'technical.write' },
  params: trunkGroupId,
  answer: trunkSyncOutcomeSchema,
});
