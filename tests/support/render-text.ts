/** Every string in a rendered element tree (props and children): what a page would show or send to the browser. */
export function textOf(node: unknown, seen = new Set<unknown>()): string {
  if (typeof node === 'string' || typeof node === 'number') return String(node);
  if (!node || typeof node !== 'object' || seen.has(node)) return '';
  seen.add(node);
  if (Array.isArray(node)) return node.map((item) => textOf(item, seen)).join(' ');
  const props = (node as { props?: Record<string, unknown> }).props;
  const values = props ? Object.values(props) : Object.values(node as Record<string, unknown>);
  return values.map((value) => textOf(value, seen)).join(' ');
}
