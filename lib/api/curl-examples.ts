/**
 * Example values and curl commands generated from the published OpenAPI document (plain JSON, as
 * /api/v1/openapi.json serves it), so the docs page's examples follow the contracts: a body holds
 * the schema's required fields, filled from its `example`, `default`, enum or format.
 */

/** A JSON Schema as the document holds it (loosely typed: the walker reads what is there). */
export type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  format?: string;
  pattern?: string;
  enum?: unknown[];
  const?: unknown;
  example?: unknown;
  examples?: unknown[];
  default?: unknown;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
};

export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  description?: string;
  schema?: JsonSchema;
}

export interface OpenApiOperation {
  operationId: string;
  tags?: string[];
  summary?: string;
  description?: string;
  parameters?: OpenApiParameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: JsonSchema }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: JsonSchema }> }>;
}

export interface OpenApiJson {
  servers?: { url: string }[];
  tags?: { name: string; description?: string }[];
  paths?: Record<string, Record<string, OpenApiOperation>>;
  webhooks?: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

const MAX_DEPTH = 6;

/** The schema a `$ref` points at (`#/components/schemas/Order`), or the schema itself. */
export function resolveSchema(document: OpenApiJson, schema: JsonSchema | undefined): JsonSchema {
  let current = schema ?? {};
  for (let hops = 0; current.$ref && hops < 10; hops++) {
    const name = current.$ref.replace('#/components/schemas/', '');
    current = document.components?.schemas?.[name] ?? {};
  }
  return current;
}

const isNullSchema = (schema: JsonSchema) => schema.type === 'null' || (Array.isArray(schema.enum) && schema.enum.length === 1 && schema.enum[0] === null);

/** The alternatives of a union, `null` left out (an example shows a value). */
export function alternativesOf(schema: JsonSchema): JsonSchema[] | undefined {
  const options = schema.oneOf ?? schema.anyOf;
  return options ? options.filter((option) => !isNullSchema(option)) : undefined;
}

const EXAMPLE_UUID = 'd290f1ee-6c54-4b01-90e6-d701748f0851';

const FORMAT_EXAMPLES: Record<string, string> = {
  uuid: EXAMPLE_UUID,
  'date-time': '2027-01-15T09:30:00Z',
  date: '2027-01-15',
  email: 'ops@example.com',
  uri: 'https://example.com/webhooks/carrier-portal',
  url: 'https://example.com/webhooks/carrier-portal',
  ipv4: '203.0.113.10',
  ipv6: '2001:db8::10',
  hostname: 'sip.example.com',
};

/** Plausible values by field name, tried against the field's pattern and lengths before anything generic. */
const NAMED_CANDIDATES: [RegExp, string[]][] = [
  [/e164|number|phone|caller/i, ['+14155550123']],
  [/npa|area/i, ['415']],
  [/nxx|exchange/i, ['555']],
  [/url|endpoint/i, ['https://example.com/webhooks/carrier-portal']],
  [/cidr|address|host|ip/i, ['203.0.113.10/32', '203.0.113.10', 'sip.example.com']],
  [/state|region/i, ['CA']],
  [/zip|postal/i, ['94103']],
  [/country/i, ['US']],
  [/city/i, ['San Francisco']],
  [/street|line1/i, ['1 Market St']],
  [/name|label/i, ['Main office']],
];

const GENERIC_CANDIDATES = ['example', '+14155550123', '415', '203.0.113.10/32', EXAMPLE_UUID, 'a1', '1', 'a'];

function fits(schema: JsonSchema, value: string) {
  if (schema.minLength !== undefined && value.length < schema.minLength) return false;
  if (schema.maxLength !== undefined && value.length > schema.maxLength) return false;
  if (schema.pattern) {
    try {
      return new RegExp(schema.pattern, 'u').test(value);
    } catch {
      return true;
    }
  }
  return true;
}

function stringExample(schema: JsonSchema, name: string): string {
  if (schema.format && FORMAT_EXAMPLES[schema.format]) return FORMAT_EXAMPLES[schema.format]!;
  const named = NAMED_CANDIDATES.filter(([pattern]) => pattern.test(name)).flatMap(([, values]) => values);
  const found = [...named, ...GENERIC_CANDIDATES].find((candidate) => fits(schema, candidate));
  if (found) return found;
  return 'x'.repeat(Math.max(1, schema.minLength ?? 1));
}

function numberExample(schema: JsonSchema, integer: boolean): number {
  const low = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + (integer ? 1 : 0.5) : undefined);
  const high = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - (integer ? 1 : 0.5) : undefined);
  const preferred = 10;
  if ((low === undefined || preferred >= low) && (high === undefined || preferred <= high)) return preferred;
  return low ?? high ?? 1;
}

function mainType(schema: JsonSchema): string | undefined {
  if (Array.isArray(schema.type)) return schema.type.find((type) => type !== 'null');
  if (schema.type) return schema.type;
  if (schema.properties) return 'object';
  if (schema.items) return 'array';
  return undefined;
}

/**
 * A value the schema accepts, for examples: its own example, default, const or first enum value,
 * else built from its type (objects with their required fields; at least one field).
 */
export function exampleOf(document: OpenApiJson, schemaOrRef: JsonSchema | undefined, name = '', depth = 0): unknown {
  const schema = resolveSchema(document, schemaOrRef);
  if (schema.example !== undefined) return schema.example;
  if (schema.examples?.length) return schema.examples[0];
  if (schema.const !== undefined) return schema.const;
  if (schema.default !== undefined) return schema.default;
  if (schema.enum?.length) return schema.enum.find((value) => value !== null) ?? schema.enum[0];
  const alternatives = alternativesOf(schema);
  if (alternatives?.length) return exampleOf(document, alternatives[0], name, depth);
  if (schema.allOf?.length) {
    const parts = schema.allOf.map((part) => exampleOf(document, part, name, depth));
    return parts.every((part) => part && typeof part === 'object' && !Array.isArray(part)) ? Object.assign({}, ...parts) : parts[0];
  }
  if (depth > MAX_DEPTH) return null;
  switch (mainType(schema)) {
    case 'object': {
      const properties = schema.properties ?? {};
      const required = (schema.required ?? []).filter((key) => key in properties);
      const keys = required.length ? required : Object.keys(properties).slice(0, 1);
      return Object.fromEntries(keys.map((key) => [key, exampleOf(document, properties[key], key, depth + 1)]));
    }
    case 'array': {
      const item = exampleOf(document, schema.items, name, depth + 1);
      return Array.from({ length: Math.max(1, schema.minItems ?? 1) }, () => item);
    }
    case 'string':
      return stringExample(schema, name);
    case 'integer':
      return numberExample(schema, true);
    case 'number':
      return numberExample(schema, false);
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return null;
  }
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** A shell-safe single-quoted word. */
const shellQuote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/** The operation's URL with example path parameters and its required query parameters. */
export function exampleUrl(document: OpenApiJson, path: string, operation: OpenApiOperation): string {
  const server = document.servers?.[0]?.url ?? '/api/v1';
  const parameters = operation.parameters ?? [];
  const filled = path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const parameter = parameters.find((candidate) => candidate.in === 'path' && candidate.name === name);
    return encodeURIComponent(String(exampleOf(document, parameter?.schema, name)));
  });
  const query = new URLSearchParams();
  for (const parameter of parameters) {
    if (parameter.in === 'query' && parameter.required) query.set(parameter.name, String(exampleOf(document, parameter.schema, parameter.name)));
  }
  const search = query.toString();
  return `${server}${filled}${search ? `?${search}` : ''}`;
}

/** The JSON body of the operation's example, or undefined when it takes none. */
export function exampleBody(document: OpenApiJson, operation: OpenApiOperation): unknown {
  const schema = operation.requestBody?.content?.['application/json']?.schema;
  return schema ? exampleOf(document, schema) : undefined;
}

/** A curl command for the operation: the key from `$CP_API_KEY`, an Idempotency-Key on writes, an example body. */
export function curlExampleOf(document: OpenApiJson, method: string, path: string, operation: OpenApiOperation): string {
  const verb = method.toUpperCase();
  const lines = [`curl ${verb === 'GET' ? '' : `-X ${verb} `}"${exampleUrl(document, path, operation)}"`, `-H "Authorization: Bearer $CP_API_KEY"`];
  const body = exampleBody(document, operation);
  if (body !== undefined) lines.push(`-H "Content-Type: application/json"`);
  // A body that is not JSON (the CDR push: NDJSON or CSV) is sent from a file, and is idempotent by its rows rather than by a key.
  const fileType = body === undefined ? Object.keys(operation.requestBody?.content ?? {})[0] : undefined;
  // A multipart upload (the quote's CDR file): curl writes the Content-Type with its boundary itself.
  if (fileType === 'multipart/form-data') lines.push('-F "file=@cdr.csv"');
  else if (fileType) lines.push(`-H "Content-Type: ${fileType}"`, `--data-binary @body.${fileType === 'text/csv' ? 'csv' : 'ndjson'}`);
  else if (WRITE_METHODS.has(verb)) lines.push(`-H "Idempotency-Key: $(uuidgen)"`);
  if (body !== undefined) {
    const compact = JSON.stringify(body);
    lines.push(`-d ${shellQuote(compact.length > 60 ? JSON.stringify(body, null, 2) : compact)}`);
  }
  return lines.join(' \\\n  ');
}
