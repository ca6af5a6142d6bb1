/**
 * PostgreSQL COPY text format (the default `COPY … (FORMAT text)`): one row per `\n`-terminated line, fields
 * separated by a raw tab, NULL as `\N`, and backslash escapes for backslash, tab, newline and carriage return.
 * Shared by datastore loads and the exchange protocol, so it imports nothing.
 */

/** Escapes one value for COPY text: backslash, tab, newline and carriage return escaped; NULL as \N. */
export function copyText(value: string | null): string {
  if (value === null) return '\\N';
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 92 || c === 9 || c === 10 || c === 13) return value.replace(/[\\\t\n\r]/g, (ch) => (ch === '\\' ? '\\\\' : ch === '\t' ? '\\t' : ch === '\n' ? '\\n' : '\\r'));
  }
  return value;
}

/** The fields of one line (without its `\n`), still escaped. A raw tab never occurs inside an escaped field. */
export function splitCopyLine(line: string): string[] {
  return line.split('\t');
}

const SIMPLE_ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
const isOctal = (c: string | undefined) => c !== undefined && c >= '0' && c <= '7';
const isHex = (c: string | undefined) => c !== undefined && /^[0-9a-fA-F]$/.test(c);

/**
 * The value of one escaped field: `\N` → null; `\\ \t \n \r \b \f \v`, octal `\ooo` and hex `\xhh` as
 * PostgreSQL reads them (octal/hex give a byte; values ≥ 0x80 are taken as that code point, which only
 * arises for non-UTF-8 producers); any other backslashed character stands for itself.
 */
export function unescapeCopy(field: string): string | null {
  if (field === '\\N') return null;
  const first = field.indexOf('\\');
  if (first < 0) return field;
  let out = field.slice(0, first);
  for (let i = first; i < field.length; i++) {
    const ch = field[i]!;
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = field[i + 1];
    if (next === undefined) {
      out += '\\'; // a trailing lone backslash: keep it rather than lose data
      break;
    }
    if (isOctal(next)) {
      let j = i + 1;
      let code = 0;
      while (j < field.length && j < i + 4 && isOctal(field[j])) code = code * 8 + (field.charCodeAt(j++) - 48);
      out += String.fromCharCode(code & 0xff);
      i = j - 1;
    } else if (next === 'x' && isHex(field[i + 2])) {
      let j = i + 2;
      let code = 0;
      while (j < field.length && j < i + 4 && isHex(field[j])) code = code * 16 + parseInt(field[j++]!, 16);
      out += String.fromCharCode(code);
      i = j - 1;
    } else {
      out += SIMPLE_ESCAPES[next] ?? next;
      i++;
    }
  }
  return out;
}

/** The lines of a COPY text section (UTF-8), without their `\n` and without a trailing empty line. */
export function copyLinesOf(buf: Buffer): string[] {
  if (buf.length === 0) return [];
  const text = buf.toString('utf8');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Like copyLinesOf, lazily: decodes one line at a time (for sections too large to hold as strings). */
export function* iterateCopyLines(buf: Buffer): Generator<string> {
  let start = 0;
  while (start < buf.length) {
    let end = buf.indexOf(10, start);
    if (end < 0) end = buf.length;
    yield buf.toString('utf8', start, end);
    start = end + 1;
  }
}
