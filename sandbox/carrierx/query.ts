/**
 * CarrierX collection semantics: `filter=` (the ten operators of the seed's quick reference, joined
 * with `and`), `order=<field> asc|desc`, limit/offset, `after`/`before` for detail records, and the
 * list envelope `{count, has_more, items, limit, offset, pagination, total}`.
 */
import type { SandboxRequest, SandboxResponse } from '../common/server';
import { json } from '../common/server';

export const API_PREFIX = '/core/v2';

export type Row = Record<string, unknown>;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(typeof body === 'object' && body && 'message' in body ? String((body as { message: unknown }).message) : 'error');
  }
}

export const errorBody = (message: string, field: string | null, detail: string, referenceSid: string | null = null) => ({
  message,
  errors: [{ field, message: detail, reference_sid: referenceSid }],
});

export const notFound = (what: string) => new ApiError(404, errorBody('no item error', null, `cannot find ${what}`));
export const invalid = (field: string, detail: string) => new ApiError(400, errorBody('object validation error', field, detail));
export const apiError = (error: ApiError): SandboxResponse => json(error.status, error.body);

type Op = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le' | 'like' | 'ilike' | 'in' | 'notin';
interface Clause {
  field: string;
  op: Op;
  value: string | string[];
}

const OPS: readonly Op[] = ['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'like', 'ilike', 'in', 'notin'];

function unquote(raw: string): string {
  const text = raw.trim();
  if (text.length >= 2 && ((text.startsWith('"') && text.endsWith('"')) || (text.startsWith("'") && text.endsWith("'")))) {
    return text.slice(1, -1);
  }
  return text;
}

/** Splits on ` and ` outside quotes and parentheses. */
function splitAnd(expression: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let current = '';
  for (let i = 0; i < expression.length; i++) {
    const char = expression[i] ?? '';
    if (quote) {
      if (char === quote) quote = null;
      current += char;
      continue;
    }
    if (char === '"' || char === "'") quote = char;
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (depth === 0 && /\s/.test(char) && /^\s+and\s+/i.test(expression.slice(i))) {
      const match = /^\s+and\s+/i.exec(expression.slice(i));
      parts.push(current);
      current = '';
      i += (match?.[0].length ?? 1) - 1;
      continue;
    }
    current += char;
  }
  parts.push(current);
  return parts.map((part) => part.trim()).filter(Boolean);
}

export function parseFilter(expression: string | null): Clause[] {
  if (!expression || !expression.trim()) return [];
  return splitAnd(expression).map((part) => {
    const match = /^([A-Za-z_][\w.]*)\s+([a-z]+)\s+([\s\S]+)$/.exec(part);
    const op = match?.[2] as Op | undefined;
    if (!match || !op || !OPS.includes(op) || !match[1] || !match[3]) {
      throw new ApiError(400, errorBody('filter error', 'filter', `cannot parse filter expression: ${part.slice(0, 80)}`));
    }
    if (op === 'in' || op === 'notin') {
      const list = /^\((.*)\)$/.exec(match[3].trim());
      if (!list || list[1] === undefined) throw new ApiError(400, errorBody('filter error', 'filter', `${op} expects a (list)`));
      return { field: match[1], op, value: list[1].split(',').map(unquote).filter((v) => v !== '') };
    }
    return { field: match[1], op, value: unquote(match[3]) };
  });
}

function valuesAt(row: unknown, path: string[]): unknown[] {
  if (path.length === 0) return [row];
  if (Array.isArray(row)) return row.flatMap((item) => valuesAt(item, path));
  if (!row || typeof row !== 'object') return [];
  const [head, ...rest] = path;
  return valuesAt((row as Row)[head ?? ''], rest);
}

function compare(actual: unknown, expected: string): number {
  const a = Number(actual);
  const b = Number(expected);
  if (actual !== null && actual !== '' && expected !== '' && Number.isFinite(a) && Number.isFinite(b)) return a - b;
  const da = Date.parse(String(actual));
  const db = Date.parse(expected);
  if (typeof actual === 'string' && /^\d{4}-\d\d-\d\d/.test(actual) && /^\d{4}-\d\d-\d\d/.test(expected) && !Number.isNaN(da) && !Number.isNaN(db)) {
    return da - db;
  }
  return String(actual).localeCompare(expected);
}

function likeToRegExp(pattern: string, flags: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.');
  return new RegExp(`^${escaped}$`, flags);
}

function matches(row: Row, clause: Clause): boolean {
  const values = valuesAt(row, clause.field.split('.'));
  const text = (value: unknown) => (value === null || value === undefined ? 'null' : String(value));
  const any = (test: (value: unknown) => boolean) => values.some(test);
  switch (clause.op) {
    case 'eq':
      return any((v) => text(v) === clause.value);
    case 'ne':
      return !any((v) => text(v) === clause.value);
    case 'gt':
      return any((v) => v !== null && v !== undefined && compare(v, String(clause.value)) > 0);
    case 'ge':
      return any((v) => v !== null && v !== undefined && compare(v, String(clause.value)) >= 0);
    case 'lt':
      return any((v) => v !== null && v !== undefined && compare(v, String(clause.value)) < 0);
    case 'le':
      return any((v) => v !== null && v !== undefined && compare(v, String(clause.value)) <= 0);
    case 'like':
      return any((v) => v !== null && v !== undefined && likeToRegExp(String(clause.value), '').test(String(v)));
    case 'ilike':
      return any((v) => v !== null && v !== undefined && likeToRegExp(String(clause.value), 'i').test(String(v)));
    case 'in':
      return any((v) => (clause.value as string[]).includes(text(v)));
    case 'notin':
      return !any((v) => (clause.value as string[]).includes(text(v)));
  }
}

export function applyFilter<T extends Row>(rows: T[], expression: string | null): T[] {
  const clauses = parseFilter(expression);
  return clauses.length ? rows.filter((row) => clauses.every((clause) => matches(row, clause))) : rows;
}

export function applyOrder<T extends Row>(rows: T[], order: string | null): T[] {
  if (!order) return rows;
  const [field = '', direction = 'asc'] = order.trim().split(/[\s+]+/);
  if (direction === 'shuffle') return rows;
  const sign = direction === 'desc' ? -1 : 1;
  return [...rows].sort((a, b) => {
    const x = a[field];
    const y = b[field];
    if (x === y) return 0;
    if (x === null || x === undefined) return -sign;
    if (y === null || y === undefined) return sign;
    return sign * compare(x, String(y));
  });
}

export function readLimit(query: URLSearchParams): number {
  const raw = query.get('limit');
  if (raw === null) return 10;
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 0 || limit > 1000) throw invalid('limit', 'limit must be an integer between 0 and 1000');
  return limit;
}

function readOffset(query: URLSearchParams): number {
  const raw = query.get('offset');
  if (raw === null) return 0;
  const offset = Number(raw);
  if (!Number.isInteger(offset) || offset < 0) throw invalid('offset', 'offset must be a non-negative integer');
  return offset;
}

export function origin(request: SandboxRequest): string {
  return `http://${request.headers.host ?? '127.0.0.1'}${API_PREFIX}`;
}

function link(request: SandboxRequest, changes: Record<string, string | number>): string {
  const params = new URLSearchParams(request.query);
  for (const key of ['after', 'before', 'offset']) params.delete(key);
  for (const [key, value] of Object.entries(changes)) params.set(key, String(value));
  return `${origin(request)}${request.path.slice(API_PREFIX.length)}?${params.toString()}`;
}

/** Field filtering (§1.7). */
function project(row: Row, query: URLSearchParams): Row {
  const include = query.get('include_fields');
  const exclude = query.get('exclude_fields');
  if (!include && !exclude) return row;
  const keep = include ? new Set(include.split(',').map((f) => f.trim())) : null;
  const drop = new Set((exclude ?? '').split(',').map((f) => f.trim()));
  return Object.fromEntries(Object.entries(row).filter(([key]) => (!keep || keep.has(key)) && !drop.has(key)));
}

export function objectResponse(request: SandboxRequest, row: Row): SandboxResponse {
  return json(200, project(row, request.query));
}

/** limit/offset collection with a computed total. */
export function listResponse(request: SandboxRequest, rows: Row[], options: { defaultOrder?: string } = {}): SandboxResponse {
  const limit = readLimit(request.query);
  const offset = readOffset(request.query);
  const filtered = applyOrder(applyFilter(rows, request.query.get('filter')), request.query.get('order') ?? options.defaultOrder ?? null);
  const items = filtered.slice(offset, offset + limit);
  const pagination: Record<string, string> = {};
  if (offset + items.length < filtered.length) pagination.next = link(request, { limit, offset: offset + limit });
  if (offset > 0) pagination.previous = link(request, { limit, offset: Math.max(0, offset - limit) });
  return json(200, {
    count: items.length,
    has_more: filtered.length > offset + items.length || offset > 0,
    items: items.map((row) => project(row, request.query)),
    limit,
    offset,
    pagination,
    total: filtered.length,
  });
}

/**
 * Detail-record collection (§1.5): fixed sort on `sortField`, `after`/`before` a record SID,
 * `total: null`, and only a `previous` link (as in the seed's samples).
 */
export function detailRecordResponse(request: SandboxRequest, rows: Row[], sidField: string, sortField: string): SandboxResponse {
  const limit = readLimit(request.query);
  const after = request.query.get('after');
  const before = request.query.get('before');
  const sorted = applyOrder(rows, `${sortField} asc`);
  const positionOf = (sid: string) => {
    const index = sorted.findIndex((row) => row[sidField] === sid);
    if (index < 0) throw notFound('call detail record');
    return index;
  };
  const filtered = applyFilter(
    sorted.map((row, position) => ({ ...row, __position: position })),
    request.query.get('filter'),
  );
  let window = filtered;
  let items: Row[];
  let hasMore: boolean;
  let offset = 0;
  if (after) {
    const position = positionOf(after);
    window = filtered.filter((row) => (row.__position as number) > position);
    items = window.slice(0, limit);
    hasMore = window.length > items.length;
  } else if (before) {
    const position = positionOf(before);
    window = filtered.filter((row) => (row.__position as number) < position);
    items = window.slice(Math.max(0, window.length - limit));
    hasMore = window.length > items.length;
  } else {
    offset = readOffset(request.query);
    items = window.slice(offset, offset + limit);
    hasMore = window.length > offset + items.length;
  }
  const first = items[0];
  const clean = items.map((row) => {
    const copy = { ...row };
    delete copy.__position;
    return project(copy, request.query);
  });
  return json(200, {
    count: clean.length,
    has_more: hasMore,
    items: clean,
    limit,
    offset,
    pagination: first && (hasMore || after || before) ? { previous: link(request, { before: String(first[sidField]), limit, offset: 0 }) } : {},
    total: null,
  });
}
