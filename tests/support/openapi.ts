/**
 * Checks a real answer of an /api/v1 route against the published OpenAPI document (the one
 * /api/v1/openapi.json serves), with an independent JSON Schema validator: the status must be one
 * the document lists for the operation, and the body must match that response's schema.
 */
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { expect } from 'vitest';
import type { Endpoint } from '@/lib/api/contract';
import { buildOpenApiDocument } from '@/lib/api/openapi';

let compiled: { ajv: Ajv2020; document: ReturnType<typeof buildOpenApiDocument> } | undefined;

function published() {
  if (!compiled) {
    const document = JSON.parse(JSON.stringify(buildOpenApiDocument('http://portal.test')));
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema(document, 'openapi');
    compiled = { ajv, document };
  }
  return compiled;
}

const pointer = (...segments: string[]) => segments.map((segment) => segment.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

/** Fails the test unless `status` and `body` are what the document says `endpoint` answers. */
export function expectConformsToSpec(endpoint: Endpoint, answer: { status: number; body: unknown; headers?: Headers }) {
  const { ajv, document } = published();
  const method = endpoint.method.toLowerCase();
  const operation = (document.paths as Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>>)[endpoint.path]?.[method];
  expect(operation, `${endpoint.method} ${endpoint.path} is in the published document`).toBeDefined();
  const response = operation!.responses[String(answer.status)];
  expect(response, `${endpoint.operationId} documents status ${answer.status} (body: ${JSON.stringify(answer.body)?.slice(0, 300)})`).toBeDefined();
  const contentType = answer.headers?.get('content-type')?.split(';')[0] ?? 'application/json';
  if (contentType !== 'application/json') {
    expect(Object.keys(response!.content ?? {}), `${endpoint.operationId} ${answer.status} documents ${contentType}`).toContain(contentType);
    return;
  }
  expect(response!.content?.['application/json'], `${endpoint.operationId} ${answer.status} has a JSON body`).toBeDefined();
  const ref = `openapi#/${pointer('paths', endpoint.path, method, 'responses', String(answer.status), 'content', 'application/json', 'schema')}`;
  const validate = ajv.getSchema(ref);
  expect(validate, ref).toBeDefined();
  const valid = validate!(answer.body);
  expect(valid ? [] : validate!.errors, `${endpoint.operationId} ${answer.status} matches the published schema`).toEqual([]);
}

/** Every operation the document publishes, for suites that must cover them all. */
export function publishedOperations(): { path: string; method: string; operationId: string }[] {
  const { document } = published();
  return Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
    Object.entries(item as Record<string, { operationId: string }>).map(([method, operation]) => ({ path, method: method.toUpperCase(), operationId: operation.operationId })),
  );
}
