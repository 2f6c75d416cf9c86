import { Validator } from '@seriousme/openapi-schema-validator';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';
import { API_ENDPOINTS, API_TAGS } from '@/lib/api/contracts';
import { buildOpenApiDocument, publishedOpenApi } from '@/lib/api/openapi';
import { curlExampleOf, exampleBody, exampleOf, exampleUrl, type OpenApiJson } from '@/lib/api/curl-examples';
import { fieldsOf, referenceOf, webhookEventsOf } from '@/lib/api/openapi-reference';
import { ApiIntro } from '@/components/developers/api-intro';
import { ReferenceNav, ReferenceTags } from '@/components/developers/api-reference';
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

/** A small document of its own, with the shapes the real contracts use (refs, unions, nullables, patterns, nesting). */
const SAMPLE: OpenApiJson = {
  servers: [{ url: 'https://portal.example/api/v1' }],
  tags: [{ name: 'Numbers', description: 'Numbers.' }],
  components: {
    schemas: {
      Address: {
        type: 'object',
        properties: { street: { type: 'string', minLength: 1 }, state: { type: 'string', pattern: '^[A-Z]{2}$' }, zip: { type: 'string', pattern: '^\\d{5}$' } },
        required: ['street', 'state', 'zip'],
      },
    },
  },
  paths: {
    '/numbers/{e164}': {
      patch: {
        operationId: 'updateNumber',
        tags: ['Numbers'],
        parameters: [{ in: 'path', name: 'e164', required: true, schema: { type: 'string', pattern: '^\\+[1-9]\\d{6,14}$' } }],
        requestBody: {
          content: {
            'application/json': {
              schema: {
                type: 'object',
                additionalProperties: false,
                properties: {
                  trunkGroupId: { anyOf: [{ type: 'string', format: 'uuid' }, { type: 'null' }], description: 'Route to this group; null to unroute.' },
                  note: { type: 'string', maxLength: 200 },
                },
              },
            },
          },
        },
        responses: { '200': { description: 'The number.' } },
      },
    },
    '/numbers': {
      post: {
        operationId: 'orderNumbers',
        tags: ['Numbers'],
        requestBody: {
          content: {
            'application/json': {
              schema: {
                oneOf: [
                  {
                    type: 'object',
                    additionalProperties: false,
                    properties: { npa: { type: 'string', pattern: '^[2-9]\\d{2}$' }, count: { type: 'integer', minimum: 1, maximum: 100 }, e911: { $ref: '#/components/schemas/Address' } },
                    required: ['npa', 'count'],
                  },
                  {
                    type: 'object',
                    additionalProperties: false,
                    properties: { numbers: { type: 'array', minItems: 1, items: { type: 'string', pattern: '^\\+[1-9]\\d{6,14}$' } }, kind: { type: 'string', enum: ['local', 'toll_free'] } },
                    required: ['numbers', 'kind'],
                  },
                ],
              },
            },
          },
        },
        responses: { '201': { description: 'The order.' } },
      },
      get: {
        operationId: 'listNumbers',
        tags: ['Numbers'],
        parameters: [{ in: 'query', name: 'limit', schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } }],
        responses: { '200': { description: 'A page.' } },
      },
    },
  },
};

/** Checks a value against a schema of the document (its `#/components/...` refs resolved in the document). */
function validatorFor(document: OpenApiJson) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  return (schema: unknown, value: unknown) => {
    const validate = ajv.compile({ ...(schema as object), components: document.components });
    return validate(value) ? [] : validate.errors;
  };
}

describe('Examples and curl commands from the document', () => {
  it('builds bodies of the required fields that the schema accepts, from patterns, formats, ranges and enums', () => {
    const check = validatorFor(SAMPLE);
    const order = SAMPLE.paths!['/numbers']!.post!;
    const body = exampleBody(SAMPLE, order);
    expect(body).toEqual({ npa: '415', count: 10 });
    expect(check(order.requestBody!.content!['application/json']!.schema, body)).toEqual([]);
    const byNumbers = exampleOf(SAMPLE, order.requestBody!.content!['application/json']!.schema!.oneOf![1]);
    expect(byNumbers).toEqual({ numbers: ['+14155550123'], kind: 'local' });
    expect(exampleOf(SAMPLE, { $ref: '#/components/schemas/Address' })).toEqual({ street: '1 Market St', state: 'CA', zip: '94103' });
    // No required field: the first one, so the example still shows a change.
    expect(exampleBody(SAMPLE, SAMPLE.paths!['/numbers/{e164}']!.patch!)).toEqual({ trunkGroupId: 'd290f1ee-6c54-4b01-90e6-d701748f0851' });
  });

  it('writes curl with the key from $CP_API_KEY, an Idempotency-Key on writes only, and example path parameters', () => {
    const post = curlExampleOf(SAMPLE, 'post', '/numbers', SAMPLE.paths!['/numbers']!.post!);
    expect(post).toBe(
      [
        'curl -X POST "https://portal.example/api/v1/numbers"',
        '-H "Authorization: Bearer $CP_API_KEY"',
        '-H "Content-Type: application/json"',
        '-H "Idempotency-Key: $(uuidgen)"',
        `-d '{"npa":"415","count":10}'`,
      ].join(' \\\n  '),
    );
    const get = curlExampleOf(SAMPLE, 'get', '/numbers', SAMPLE.paths!['/numbers']!.get!);
    expect(get).toBe('curl "https://portal.example/api/v1/numbers" \\\n  -H "Authorization: Bearer $CP_API_KEY"');
    expect(exampleUrl(SAMPLE, '/numbers/{e164}', SAMPLE.paths!['/numbers/{e164}']!.patch!)).toBe('https://portal.example/api/v1/numbers/%2B14155550123');
  });

  it('quotes bodies for the shell, single quotes included', () => {
    const document: OpenApiJson = {
      paths: { '/notes': { post: { operationId: 'note', requestBody: { content: { 'application/json': { schema: { type: 'object', properties: { text: { type: 'string', example: "it's" } }, required: ['text'] } } } } } } },
    };
    expect(curlExampleOf(document, 'post', '/notes', document.paths!['/notes']!.post!)).toContain(`-d '{"text":"it'\\''s"}'`);
  });

  it('lists body fields with dotted names, types, required flags and limits', () => {
    const fields = fieldsOf(SAMPLE, SAMPLE.paths!['/numbers']!.post!.requestBody!.content!['application/json']!.schema!.oneOf![0]);
    expect(fields.map((field) => [field.name, field.type, field.required])).toEqual([
      ['npa', 'string', true],
      ['count', 'integer', true],
      ['e911', 'Address', false],
      ['e911.street', 'string', true],
      ['e911.state', 'string', true],
      ['e911.zip', 'string', true],
    ]);
    expect(fields[1]!.constraints).toBe('1–100');
    const patch = fieldsOf(SAMPLE, SAMPLE.paths!['/numbers/{e164}']!.patch!.requestBody!.content!['application/json']!.schema);
    expect(patch[0]).toMatchObject({ name: 'trunkGroupId', type: 'string (uuid) or null', required: false, description: 'Route to this group; null to unroute.' });
    const [tag] = referenceOf(SAMPLE);
    expect(tag!.operations.map((operation) => `${operation.method} ${operation.path}`)).toEqual(['PATCH /numbers/{e164}', 'GET /numbers', 'POST /numbers']);
    expect(tag!.operations[2]!.body).toHaveLength(2);
    expect(tag!.operations[1]!.parameters[0]).toMatchObject({ name: 'limit', in: 'query', constraints: '1–200, default 50' });
  });

  it('gives every published operation a curl whose URL and body the document accepts', () => {
    const { document } = publishedOpenApi('http://portal.test');
    const check = validatorFor(document);
    for (const [path, item] of Object.entries(document.paths ?? {})) {
      for (const [method, operation] of Object.entries(item)) {
        const curl = curlExampleOf(document, method, path, operation);
        expect(curl, operation.operationId).toContain('-H "Authorization: Bearer $CP_API_KEY"');
        const documentsIdempotencyKey = (operation.parameters ?? []).some((parameter) => parameter.in === 'header' && parameter.name === 'Idempotency-Key');
        expect(curl.includes('Idempotency-Key'), operation.operationId).toBe(documentsIdempotencyKey);
        // Every write takes an Idempotency-Key except one whose body is a file of rows, idempotent by those rows (the CDR push).
        expect(documentsIdempotencyKey || method === 'get' || Object.keys(operation.requestBody?.content ?? {}).every((type) => type !== 'application/json'), operation.operationId).toBe(true);
        if (method !== 'get' && !documentsIdempotencyKey) expect(curl, operation.operationId).toMatch(/--data-binary @body\.(ndjson|csv)|-F "file=@/);
        const url = new URL(exampleUrl(document, path, operation));
        const template = new RegExp(`^${`/api/v1${path}`.replace(/\{[^}]+\}/g, '([^/]+)')}$`);
        const values = url.pathname.match(template)?.slice(1) ?? [];
        const names = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]!);
        names.forEach((name, index) => {
          const parameter = operation.parameters!.find((candidate) => candidate.in === 'path' && candidate.name === name)!;
          expect(check(parameter.schema, decodeURIComponent(values[index]!)), `${operation.operationId} example {${name}}`).toEqual([]);
        });
        const schema = operation.requestBody?.content?.['application/json']?.schema;
        if (schema) {
          const body = exampleBody(document, operation);
          expect(check(schema, body), `${operation.operationId}: its example body ${JSON.stringify(body)} must be valid; give the field an example (.meta({ example }))`).toEqual([]);
        }
      }
    }
  });

  it('renders the reference and the guide from the document, every operation with its anchor, path and curl', () => {
    const { document } = publishedOpenApi('http://portal.test');
    const tags = referenceOf(document);
    const html = renderToStaticMarkup(
      createElement('div', null, [
        createElement(ReferenceNav, { key: 'nav', tags }),
        createElement(ApiIntro, { key: 'intro', serverUrl: 'http://portal.test/api/v1', limits: { key: { perSecond: 10, burst: 20 }, account: { perSecond: 50, burst: 100 } }, canManageKeys: true, events: webhookEventsOf(document) }),
        createElement(ReferenceTags, { key: 'tags', tags }),
      ]),
    );
    for (const endpoint of API_ENDPOINTS) {
      expect(html, endpoint.operationId).toContain(`id="${endpoint.operationId}"`);
      expect(html).toContain(endpoint.path.replace(/&/g, '&amp;'));
    }
    expect(html).toContain('Authorization: Bearer $CP_API_KEY');
    expect(html).toContain('href="/developers/api-keys"');
    expect(html).toContain('webhook-signature');
    expect(html).toContain('10 requests per second');
    for (const type of Object.keys(document.webhooks ?? {})) expect(html).toContain(`id="event-${type}"`);
  });
});
