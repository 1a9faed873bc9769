/**
 * src/config/fields.ts — comma-separated `X=value` fields of M, Q and X lines.
 */

/** Split `a=1, b="x, y", c=3` at commas outside quotes. */
export function splitFields(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const c of text) {
    if (c === '"') quoted = !quoted;
    if (c === ',' && !quoted) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  if (cur.trim().length > 0) out.push(cur);
  return out.map((s) => s.replace(/\n/g, '').trim()).filter((s) => s.length > 0);
}

