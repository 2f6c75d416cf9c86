/** Tiny XML writer for the VoiceMeUp sandbox: escaped text, the modeled `<response>` envelope. */

export function esc(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

type Content = string | number | undefined | null;

/** `<name>text</name>`; `children` are already-built XML strings. */
export function el(name: string, value: Content, attrs: Record<string, string> = {}): string {
  const attributes = Object.entries(attrs)
    .map(([key, attr]) => ` ${key}="${esc(attr)}"`)
    .join('');
  return `<${name}${attributes}>${value === undefined || value === null ? '' : esc(String(value))}</${name}>`;
}

export function node(name: string, children: string[] | string, attrs: Record<string, string> = {}): string {
  const attributes = Object.entries(attrs)
    .map(([key, attr]) => ` ${key}="${esc(attr)}"`)
    .join('');
  const inner = Array.isArray(children) ? children.join('') : children;
  return `<${name}${attributes}>${inner}</${name}>`;
}

/** One element per field, in order; undefined fields are left out. */
export function record(name: string, fields: Record<string, Content>, attrs: Record<string, string> = {}): string {
  return node(
    name,
    Object.entries(fields)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => el(key, value)),
    attrs,
  );
}

export interface Message {
  type: string;
  description: string;
}

export function envelope(requestType: string, options: { errors?: Message[]; notices?: Message[]; body?: string }): string {
  const failed = (options.errors ?? []).length > 0;
  const messages = (name: string, item: string, list: Message[] | undefined) =>
    list && list.length ? node(name, list.map((message) => record(item, { type: message.type, description: message.description }))) : '';
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    node('response', [
      el('request_type', requestType),
      el('status', failed ? 'failed' : 'success'),
      messages('errors', 'error', options.errors),
      messages('notices', 'notice', options.notices),
      options.body ?? '',
    ])
  );
}
