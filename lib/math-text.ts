/**
 * Dollar signs in model output are often money ("$5 and $10"), not math. Before a reply goes to
 * the math parser, a `$` that cannot open or close inline math is escaped (`\$`), by Pandoc's rule:
 * inline math opens with a `$` followed by a non-space and closes with a `$` preceded by a non-space
 * and not followed by a digit, on the same line. `$$…$$` (display math) and code are left alone.
 */
export function protectCurrency(text: string): string {
  let out = '';
  let i = 0;
  let lineStart = true;
  let fence: string | null = null; // the open code fence, while inside one
  while (i < text.length) {
    if (lineStart) {
      const end = text.indexOf('\n', i);
      const line = text.slice(i, end < 0 ? text.length : end + 1);
      const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
      if (fence) {
        if (marker && marker[0] === fence[0] && marker.length >= fence.length && line.trim() === marker) fence = null;
        out += line;
        i += line.length;
        continue;
      }
      if (marker) {
        fence = marker;
        out += line;
        i += line.length;
        continue;
      }
    }
    const ch = text[i]!;
    lineStart = false;
    if (ch === '\n') {
      out += ch;
      i++;
      lineStart = true;
      continue;
    }
    if (ch === '\\') {
      out += text.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (ch === '`') {
      const run = /^`+/.exec(text.slice(i))![0];
      const close = text.indexOf(run, i + run.length);
      const next = close < 0 ? -1 : close;
      if (next >= 0 && text[next + run.length] !== '`') {
        out += text.slice(i, next + run.length);
        i = next + run.length;
      } else {
        out += run;
        i += run.length;
      }
      continue;
    }
    if (ch === '$') {
      if (text[i + 1] === '$') {
        // Display math: keep everything up to the closing $$ (or the rest, while it streams).
        const close = text.indexOf('$$', i + 2);
        const end = close < 0 ? text.length : close + 2;
        out += text.slice(i, end);
        i = end;
        continue;
      }
      const close = inlineClose(text, i);
      if (close >= 0) {
        out += text.slice(i, close + 1);
        i = close + 1;
      } else {
        out += '\\$';
        i++;
      }
      continue;
    }
    out += ch;
    i++;
  }
  return out;
}

/** Where the inline math opened by the `$` at `open` closes, or -1 when that `$` is not an opener. */
function inlineClose(text: string, open: number): number {
  const first = text[open + 1];
  if (first === undefined || /\s/.test(first)) return -1;
  for (let j = open + 1; j < text.length; j++) {
    const c = text[j]!;
    if (c === '\n') return -1;
    if (c === '\\') {
      j++;
      continue;
    }
    if (c !== '$') continue;
    if (text[j + 1] === '$') return -1;
    if (/\s/.test(text[j - 1]!)) continue;
    if (/[0-9]/.test(text[j + 1] ?? '')) continue;
    return j;
  }
  return -1;
}
