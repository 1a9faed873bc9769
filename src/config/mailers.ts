/**
 * src/config/mailers.ts — M lines (op.txt 5.8): parsing, the built-in
 * mailers sendmail defines before reading the cf, and the `=M` listing.
 */
import type { SourcePos } from '../maps/types.js';
import { translateDollars } from '../rewrite/macros.js';
import { showText } from '../rewrite/tokens.js';
import { splitFields } from './fields.js';
import type { MailerDecl } from './types.js';

function unescapeEol(s: string): string {
  return s.replace(/\\(.)/g, (_m, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : c === 't' ? '\t' : c));
}

function pair(v: string | undefined): [string, string] | null {
  if (v === undefined) return null;
  const slash = v.indexOf('/');
  if (slash < 0) return [v.trim(), v.trim()];
  return [v.slice(0, slash).trim(), v.slice(slash + 1).trim()];
}

function numberOr(v: string | undefined, d: number): number {
  if (v === undefined) return d;
  const n = Number.parseInt(v, 10);
  return Number.isNaN(n) ? d : n;
}

/** Parse the text after `M`: `name, P=..., F=..., ...`. */
export function parseMailer(text: string, pos: SourcePos): MailerDecl | string {
  const parts = splitFields(text);
  const name = (parts.shift() ?? '').trim();
  if (name.length === 0) return 'readcf: mailer name required';
  const fields = new Map<string, string>();
  for (const p of parts) {
    const eq = p.indexOf('=');
    if (eq < 0) return `mailer ${name}: bad field "${p}"`;
    const key = p.slice(0, eq).trim();
    let value = p.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    fields.set(key[0] ?? key, value);
  }
  return mailerFromFields(name, fields, pos);
}

function mailerFromFields(name: string, fields: Map<string, string>, pos: SourcePos): MailerDecl {
  const t = fields.get('T');
  const types: [string | undefined, string | undefined, string | undefined] = [undefined, undefined, undefined];
  if (t !== undefined) {
    const parts = t.split('/');
    for (let i = 0; i < 3; i++) types[i] = parts[i] !== undefined && parts[i] !== '' ? parts[i] : undefined;
  }
  const u = fields.get('U');
  let uid = -1;
  let gid = -1;
  if (u !== undefined) {
    const [a, b] = u.split(':');
    uid = numberOr(a, -1);
    gid = numberOr(b, -1);
  }
  const path = fields.get('P') ?? '';
  const flags = new Set([...(fields.get('F') ?? '')]);
  // the prog mailer never takes several recipients at once
  if (name === 'prog') flags.delete('m');
  const eolDefault = path === '[IPC]' ? '\\r\\n' : '\\n';
  return {
    name,
    fields,
    path,
    flags,
    senderRulesets: pair(fields.get('S')),
    recipientRulesets: pair(fields.get('R')),
    eol: unescapeEol(fields.get('E') ?? eolDefault),
    maxSize: numberOr(fields.get('M'), 0),
    lineLimit: numberOr(fields.get('L'), 0),
    maxRcpts: numberOr(fields.get('r'), 100),
    types,
    argv: translateDollars(fields.get('A') ?? ''),
    uid,
    gid,
    pos,
  };
}

/** The mailers sendmail has before reading the cf: prog, *file*, *include*. */
export function builtinMailers(): MailerDecl[] {
  const pos = { file: '(built-in)', line: 0 };
  const mk = (name: string, spec: Record<string, string>): MailerDecl =>
    mailerFromFields(name, new Map(Object.entries(spec)), pos);
  return [
    mk('prog', { P: '/bin/sh', F: 'lsouDq9', T: 'X-Unix/X-Unix/X-Unix', A: 'sh -c $u' }),
    mk('*file*', { P: '[FILE]', F: 'lsDFMPEouq9', T: 'X-Unix/X-Unix/X-Unix', A: 'FILE $u' }),
    mk('*include*', { P: '/dev/null', F: 'su', A: 'INCLUDE $u' }),
  ];
}

function showEol(s: string): string {
  return s.replace(/\r/g, '\\r').replace(/\n/g, '\\n').replace(/\t/g, '\\t');
}

/** One `=M` line. `rulesetName` turns a ruleset reference into its printed name. */
export function showMailer(index: number, m: MailerDecl, rulesetName: (ref: string | undefined) => string): string {
  const s = m.senderRulesets;
  const r = m.recipientRulesets;
  const flags = [...m.flags].sort().join('');
  const ty = m.types.map((x) => x ?? '<undefined>').join('/');
  return (
    `mailer ${index} (${m.name}): P=${m.path} S=${rulesetName(s?.[0])}/${rulesetName(s?.[1])} ` +
    `R=${rulesetName(r?.[0])}/${rulesetName(r?.[1])} M=${m.maxSize} U=${m.uid}:${m.gid} F=${flags} ` +
    `L=${m.lineLimit} E=${showEol(m.eol)} T=${ty} r=${m.maxRcpts} A=${showText(m.argv)}`
  );
}
