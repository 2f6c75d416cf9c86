import { z } from 'zod';
import { defineEndpoint } from '../contract';

/**
 * The OpenAPI document itself. Public (no key), and not listed in the document it serves, as
 * Twilio and Telnyx leave theirs out of their own specifications.
 */
export const getOpenApiDocument = defineEndpoint({
  method: 'GET',
  path: '/openapi.json',
  operationId: 'getOpenApiDocument',
  tag: 'Meta',
  summary: 'This API’s OpenAPI 3.1 document',
  access: { public: true },
  answer: z.record(z.string(), z.unknown()),
});
