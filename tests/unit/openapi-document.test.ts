import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it, vi } from 'vitest';
import { API_ENDPOINTS, API_TAGS } from '@/lib/api/contracts';
import { buildOpenApiDocument } from '@/lib/api/openapi';
import { GET } from '@/app/api/v1/openapi.json/route';

// The route wrapper imports the session helpers; this route never asks for a session.
const session = vi.hoisted(() => ({ userId: undefined as string | undefined, accountCookie: undefined as string | undefined }));
vi.mock('@/lib/auth/config', async () => (await import('../support/next-mocks')).authConfigMock(session));
vi.mock('next/headers', async () => (await import('../support/next-mocks')).nextHeadersMock(session));

type Parameter = { name: string; in: string; required?: boolean };
type Operation = { operationId?: string; parameters?: Parameter[]; tags?: string[] };

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

function operationsOf(document: ReturnType<typeof buildOpenApiDocument>) {
  return Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
    Object.entries(item as Record<string, Operation>)
      .filter(([method]) => HTTP_METHODS.includes(method))
      .map(([method, operation]) => ({ path, method, operation })),
  );
}

describe('The published OpenAPI document', () => {
  const document = JSON.parse(JSON.stringify(buildOpenApiDocument('http://portal.test')));

  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(document);
    expect(result.errors ?? [], JSON.stringify(result.errors, null, 1)?.slice(0, 2000)).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('publishes every contract once, each operationId unique', () => {
    const operations = operationsOf(document);
    const ids = operations.map(({ operation }) => operation.operationId);
    expect(ids.every(Boolean)).toBe(true);
    expect(ids.filter((id, index) => ids.indexOf(id) !== index), 'duplicate operationIds').toEqual([]);
    expect(operations.length).toBe(API_ENDPOINTS.length);
    expect(new Set(ids)).toEqual(new Set(API_ENDPOINTS.map((endpoint) => endpoint.operationId)));
  });

  it('declares every path parameter as a required path parameter, and none the path lacks', () => {
    for (const { path, method, operation } of operationsOf(document)) {
      const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]!).sort();
      const declared = (operation.parameters ?? []).filter((parameter) => parameter.in === 'path');
      expect(declared.map((parameter) => parameter.name).sort(), `${method.toUpperCase()} ${path}`).toEqual(inPath);
      for (const parameter of declared) expect(parameter.required, `${method.toUpperCase()} ${path} {${parameter.name}}`).toBe(true);
    }
  });

  it('files every operation under a tag the documentation lists', () => {
    const tags = new Set(API_TAGS.map((tag) => tag.name));
    for (const { path, method, operation } of operationsOf(document)) {
      expect(operation.tags?.length, `${method.toUpperCase()} ${path} has a tag`).toBe(1);
      expect(tags.has(operation.tags![0]!), `${method.toUpperCase()} ${path}: add tag "${operation.tags![0]}" to API_TAGS`).toBe(true);
    }
    expect(document.tags.map((tag: { name: string }) => tag.name)).toEqual(API_TAGS.map((tag) => tag.name));
  });

  it('documents an error answer with the one error shape for every operation', () => {
    for (const { path, method, operation } of operationsOf(document)) {
      const responses = (operation as { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }).responses;
      const errors = Object.keys(responses).filter((status) => Number(status) >= 400);
      expect(errors.length, `${method.toUpperCase()} ${path}`).toBeGreaterThan(0);
      for (const status of errors) expect(responses[status]!.content?.['application/json']?.schema, `${method.toUpperCase()} ${path} ${status}`).toEqual({ $ref: '#/components/schemas/Error' });
    }
  });
});

describe('GET /api/v1/openapi.json', () => {
  const call = (url = 'http://portal.test/api/v1/openapi.json') => GET(new Request(url), { params: Promise.resolve({}) });

  it('serves the document to anyone, from any origin, as JSON', async () => {
    const response = await call();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    const served = await response.json();
    expect(served).toEqual(JSON.parse(JSON.stringify(buildOpenApiDocument('http://portal.test'))));
    expect(served.servers).toEqual([{ url: 'http://portal.test/api/v1' }]);
  });

  it('serves the same bytes on every call (built once per process)', async () => {
    const [first, second] = await Promise.all([call(), call()]);
    expect(await first.text()).toBe(await second.text());
  });

  it('refuses query parameters it does not take, in the one error shape', async () => {
    const response = await call('http://portal.test/api/v1/openapi.json?format=yaml');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'invalid:query', fields: { format: expect.any(Array) } } });
  });
});
