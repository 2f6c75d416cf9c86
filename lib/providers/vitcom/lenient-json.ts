/**
 * VITCOM's document prints JSON that does not parse: trailing commas, `.......` placeholders, set
 * literals such as `{ "X","Y" }` inside `accepted`/`rejected`/`acceptedTns`, and non-breaking
 * spaces as indentation. The parser first tries strict JSON, then repairs exactly those defects
 * (string-aware) and tries again.
 */

export function parseLenientJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return JSON.parse(repairJson(text));
  }
}

const UNICODE_SPACE = /[\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\ufeff]/;
const isSpace = (ch: string | undefined) => ch === ' ' || ch === '\n' || ch === '\r' || ch === '\t' || (!!ch && UNICODE_SPACE.test(ch));

function skipString(text: string, start: number): number {
  let j = start + 1;
  while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
  return j + 1;
}

/** `{ "a", "b" }`: a brace whose first member is a string followed by `,` or `}` instead of `:`. */
function isSetLiteral(text: string, open: number): boolean {
  let j = open + 1;
  while (isSpace(text[j])) j++;
  if (text[j] !== '"') return false;
  j = skipString(text, j);
  while (isSpace(text[j])) j++;
  return text[j] === ',' || text[j] === '}';
}

function rewriteBracesAndPlaceholders(text: string): string {
  let out = '';
  const stack: ('{' | '[' | 'set')[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '"') {
      const end = skipString(text, i);
      out += text.slice(i, end);
      i = end;
    } else if (ch === '{') {
      const set = isSetLiteral(text, i);
      stack.push(set ? 'set' : '{');
      out += set ? '[' : '{';
      i++;
    } else if (ch === '}') {
      out += stack.pop() === 'set' ? ']' : '}';
      i++;
    } else if (ch === '[') {
      stack.push('[');
      out += ch;
      i++;
    } else if (ch === ']') {
      stack.pop();
      out += ch;
      i++;
    } else if (UNICODE_SPACE.test(ch)) {
      out += ' ';
      i++;
    } else if (ch === '.' && text[i + 1] === '.') {
      // A run of dots outside a string is the document's "and so on"; a single dot stays (decimals).
      while (text[i] === '.') i++;
    } else {
      out += ch;
      i++;
    }
  }
  return out;
}

function dropStrayCommas(text: string): string {
  let out = '';
  let lastSignificant = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '"') {
      const end = skipString(text, i);
      out += text.slice(i, end);
      lastSignificant = '"';
      i = end;
      continue;
    }
    if (ch === ',') {
      let j = i + 1;
      while (isSpace(text[j])) j++;
      const next = text[j];
      const stray =
        lastSignificant === '' || lastSignificant === '[' || lastSignificant === '{' || lastSignificant === ',' || next === ']' || next === '}' || next === ',';
      if (stray) {
        i++;
        continue;
      }
    }
    if (!isSpace(ch)) lastSignificant = ch;
    out += ch;
    i++;
  }
  return out;
}

export function repairJson(text: string): string {
  return dropStrayCommas(rewriteBracesAndPlaceholders(text));
}
