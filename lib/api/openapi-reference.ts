/**
 * The API reference as the docs page shows it, read from the published OpenAPI document: per tag
 * its operations, each with parameters, body fields (the JSON schema walked to dotted names),
 * responses and a curl example.
 */
import { alternativesOf, curlExampleOf, resolveSchema, type JsonSchema, type OpenApiJson, type OpenApiOperation } from './curl-examples';

export interface ReferenceField {
  /** Dotted path: `rows[].cidr`. */
  name: string;
  type: string;
  required: boolean;
  description?: string;
  /** Limits worth knowing: range, lengths, default. */
  constraints?: string;
}

export interface ReferenceOperation {
  operationId: string;
  method: string;
  path: string;
  summary: string;
  description?: string;
  parameters: (ReferenceField & { in: string })[];
  /** One list of fields per accepted body shape (most bodies have one). */
  body: ReferenceField[][];
  responses: { status: string; description: string; schema?: string }[];
  curl: string;
}

export interface ReferenceTag {
  name: string;
  slug: string;
  description?: string;
  operations: ReferenceOperation[];
}

export interface ReferenceEvent {
  type: string;
  summary: string;
  fields: ReferenceField[];
}

const MAX_DEPTH = 5;
const METHOD_ORDER = ['get', 'post', 'put', 'patch', 'delete'];

export const slugOf = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

const refName = (schema: JsonSchema | undefined) => schema?.$ref?.replace('#/components/schemas/', '');

/** A short type for people: `string (uuid)`, `array of Order`, `"a" | "b"`, `integer or null`. */
export function typeLabel(document: OpenApiJson, schemaOrRef: JsonSchema | undefined): string {
  const named = refName(schemaOrRef);
  if (named) return named;
  const schema = resolveSchema(document, schemaOrRef);
  const nullable = (Array.isArray(schema.type) && schema.type.includes('null')) || (schema.anyOf ?? schema.oneOf ?? []).some((option) => option.type === 'null');
  const suffix = nullable ? ' or null' : '';
  if (schema.const !== undefined) return JSON.stringify(schema.const) + suffix;
  if (schema.enum?.length) {
    const values = schema.enum.filter((value) => value !== null).map((value) => JSON.stringify(value));
    return (values.length > 6 ? `${values.slice(0, 6).join(' | ')} | …` : values.join(' | ')) + suffix;
  }
  const alternatives = alternativesOf(schema);
  if (alternatives?.length) return [...new Set(alternatives.map((option) => typeLabel(document, option)))].join(' or ') + suffix;
  const type = Array.isArray(schema.type) ? schema.type.filter((item) => item !== 'null').join(' or ') : schema.type;
  if (type === 'array') return `array of ${typeLabel(document, schema.items)}${suffix}`;
  if (type === 'object' || (!type && schema.properties)) return `object${suffix}`;
  return `${type ?? 'any'}${schema.format ? ` (${schema.format})` : ''}${suffix}`;
}

function constraintsOf(document: OpenApiJson, schemaOrRef: JsonSchema | undefined): string | undefined {
  const schema = resolveSchema(document, schemaOrRef);
  const parts: string[] = [];
  if (schema.minimum !== undefined && schema.maximum !== undefined) parts.push(`${schema.minimum}–${schema.maximum}`);
  else if (schema.minimum !== undefined) parts.push(`≥ ${schema.minimum}`);
  else if (schema.maximum !== undefined) parts.push(`≤ ${schema.maximum}`);
  if (schema.minLength !== undefined && schema.maxLength !== undefined) parts.push(`${schema.minLength}–${schema.maxLength} characters`);
  else if (schema.maxLength !== undefined) parts.push(`up to ${schema.maxLength} characters`);
  else if (schema.minLength !== undefined && schema.minLength > 1) parts.push(`at least ${schema.minLength} characters`);
  if (schema.minItems !== undefined && schema.maxItems !== undefined) parts.push(`${schema.minItems}–${schema.maxItems} items`);
  else if (schema.maxItems !== undefined) parts.push(`up to ${schema.maxItems} items`);
  else if (schema.minItems !== undefined && schema.minItems > 0) parts.push(`at least ${schema.minItems} item${schema.minItems === 1 ? '' : 's'}`);
  if (schema.default !== undefined) parts.push(`default ${JSON.stringify(schema.default)}`);
  return parts.length ? parts.join(', ') : undefined;
}

/** The object's fields, nested ones as dotted paths (`limits.maxCalls`, `rows[].cidr`). */
export function fieldsOf(document: OpenApiJson, schemaOrRef: JsonSchema | undefined, prefix = '', depth = 0): ReferenceField[] {
  const schema = resolveSchema(document, schemaOrRef);
  if (depth > MAX_DEPTH || !schema.properties) return [];
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties).flatMap(([key, property]) => {
    const name = `${prefix}${key}`;
    const resolved = resolveSchema(document, property);
    const field: ReferenceField = {
      name,
      type: typeLabel(document, property),
      required: required.has(key),
      description: property.description ?? resolved.description,
      constraints: constraintsOf(document, property),
    };
    const nestedObject = alternativesOf(resolved)?.find((option) => resolveSchema(document, option).properties) ?? resolved;
    const item = resolveSchema(document, resolved.items);
    const nested = resolveSchema(document, nestedObject).properties
      ? fieldsOf(document, nestedObject, `${name}.`, depth + 1)
      : item.properties
        ? fieldsOf(document, item, `${name}[].`, depth + 1)
        : [];
    return [field, ...nested];
  });
}

function bodyOf(document: OpenApiJson, operation: OpenApiOperation): ReferenceField[][] {
  // An NDJSON body's schema is that of one line: its fields are what a caller needs to read.
  const schema = operation.requestBody?.content?.['application/json']?.schema ?? operation.requestBody?.content?.['application/x-ndjson']?.schema ?? operation.requestBody?.content?.['multipart/form-data']?.schema;
  if (!schema) return [];
  const alternatives = alternativesOf(resolveSchema(document, schema));
  return (alternatives?.length ? alternatives : [schema]).map((option) => fieldsOf(document, option));
}

function operationOf(document: OpenApiJson, method: string, path: string, operation: OpenApiOperation): ReferenceOperation {
  return {
    operationId: operation.operationId,
    method: method.toUpperCase(),
    path,
    summary: operation.summary ?? operation.operationId,
    description: operation.description,
    parameters: (operation.parameters ?? [])
      .filter((parameter) => parameter.in === 'path' || parameter.in === 'query')
      .map((parameter) => ({
        name: parameter.name,
        in: parameter.in,
        type: typeLabel(document, parameter.schema),
        required: Boolean(parameter.required),
        description: parameter.description ?? parameter.schema?.description,
        constraints: constraintsOf(document, parameter.schema),
      })),
    body: bodyOf(document, operation),
    responses: Object.entries(operation.responses ?? {}).map(([status, response]) => {
      const schema = response.content?.['application/json']?.schema;
      return { status, description: response.description ?? '', schema: schema ? typeLabel(document, schema) : undefined };
    }),
    curl: curlExampleOf(document, method, path, operation),
  };
}

/** The document's operations grouped by tag, in the document's tag order (untagged ones last, under "Other"). */
export function referenceOf(document: OpenApiJson): ReferenceTag[] {
  const operations = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHOD_ORDER.includes(method))
      .sort(([a], [b]) => METHOD_ORDER.indexOf(a) - METHOD_ORDER.indexOf(b))
      .map(([method, operation]) => ({ tag: operation.tags?.[0] ?? 'Other', operation: operationOf(document, method, path, operation) })),
  );
  const tags = [...(document.tags ?? [])];
  for (const { tag } of operations) if (!tags.some((known) => known.name === tag)) tags.push({ name: tag });
  return tags
    .map((tag) => ({
      name: tag.name,
      slug: slugOf(tag.name),
      description: tag.description,
      operations: operations.filter((operation) => operation.tag === tag.name).map((operation) => operation.operation),
    }))
    .filter((tag) => tag.operations.length > 0);
}

/** The webhook events the document declares, with their payload's `data` fields. */
export function webhookEventsOf(document: OpenApiJson): ReferenceEvent[] {
  return Object.entries(document.webhooks ?? {}).map(([type, item]) => {
    const operation = item.post;
    const payload = resolveSchema(document, operation?.requestBody?.content?.['application/json']?.schema);
    return { type, summary: operation?.summary ?? type, fields: fieldsOf(document, payload.properties?.data, 'data.') };
  });
}
