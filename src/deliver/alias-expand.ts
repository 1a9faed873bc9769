// Alias expansion: turning a local recipient into the addresses, programs
// and files it stands for, as sendmail does before delivery.
//
// - A local name with an alias is replaced by the alias's list (commas
//   outside quotes, <> and comments separate items); each item is expanded
//   in turn, to MaxAliasRecursion levels (default 10; deeper is "554 5.4.6
//   aliasing/forwarding loop broken (11 aliases deep; 10 max)").
// - A name met again in its own expansion chain: the one that lists itself
//   ("bob: bob, /archive") gets local delivery; any other cycle fails the
//   address that started it with "554 5.4.6 aliasing/forwarding loop broken".
// - "|program" and "/file" items (also quoted) become program and file
//   targets; ":include:/path" reads the file's lines as more items (a file
//   that cannot be read fails with "550 5.2.4 ... Cannot open PATH: why");
//   "\name" is local delivery without aliasing or forwarding.
// - owner-NAME: errors for NAME's expansion go to the owner; the envelope
//   sender becomes the owner alias's value when that is one address,
//   otherwise "owner-NAME".
// - A local name without an alias may have a .forward (the `forward`
//   callback, see readForwardFile); its items expand like an alias's.
// - Duplicates (the same target reached twice) are delivered once.
//
// Which addresses are local (ruleset 0 resolving to the local mailer) is the
// caller's answer (`localName`); so is the alias lookup (the aliases
// database of src/maps/aliases.ts, or any map).

import { promises as fsp } from 'node:fs';
import { makeResult, type DeliveryResult } from './status.js';

export type AliasTarget =
  | { readonly kind: 'local'; readonly user: string }
  | { readonly kind: 'remote'; readonly address: string }
  | { readonly kind: 'program'; readonly command: string }
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'failed'; readonly result: DeliveryResult };

export interface ExpandedRecipient {
  readonly target: AliasTarget;
  /** The item as written ("\"|/usr/bin/vacation bob\"", "/var/log/x", "bob"). */
  readonly display: string;
  /** The alias (or .forward owner) this came from; undefined for the original address. */
  readonly expandedFrom?: string;
  /** The address originally given that led here. */
  readonly original: string;
  /** Envelope sender for this target when an owner- alias applies. */
  readonly owner?: string;
  /** Whose credentials a program or file target runs with: a .forward's user or an :include: file's owner; undefined for the aliases file. */
  readonly controller?: Controller;
}

/** The controlling user of an expanded target (op.txt "ctladdr"). */
export type Controller = { readonly user: string } | { readonly file: string; readonly uid: number; readonly gid: number; readonly name?: string };

/** A qf C line's controller ("name:uid:gid:address", as sendmail writes it), or undefined when it is not one. */
export function controllerFromQf(line: string | undefined): Controller | undefined {
  const m = line === undefined ? null : /^([^:]*):(\d+):(\d+):(.*)$/.exec(line);
  return m ? { name: m[1]!, uid: Number(m[2]), gid: Number(m[3]), file: m[4]! } : undefined;
}

/** What an expansion level hands down: the owner- sender and the controlling user. */
interface Context {
  readonly owner?: string;
  readonly controller?: Controller;
}

export interface ExpandOptions {
  /** The alias's value for a local name (already folded as the database wants), or undefined. */
  readonly lookup: (name: string) => string | undefined | Promise<string | undefined>;
  /** The local name an address delivers to, or undefined when it is not local. */
  readonly localName: (address: string) => string | undefined;
  /** The .forward items of a local user, or undefined when there is none. */
  readonly forward?: (user: string) => Promise<readonly string[] | undefined>;
  /** Reads an :include: file; defaults to reading it from disk. */
  readonly readInclude?: (path: string) => Promise<string>;
  /** MaxAliasRecursion (default 10). */
  readonly maxDepth?: number;
}

/** Splits an alias value into items at commas outside quotes, <...> and (comments). */
export function splitAddressList(value: string): string[] {
  const items: string[] = [];
  let cur = '';
  let quoted = false;
  let angle = 0;
  let paren = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i] ?? '';
    if (c === '\\' && i + 1 < value.length) {
      cur += c + (value[++i] ?? '');
      continue;
    }
    if (c === '"' && paren === 0) quoted = !quoted;
    else if (!quoted && c === '(') paren++;
    else if (!quoted && c === ')' && paren > 0) paren--;
    else if (!quoted && paren === 0 && c === '<') angle++;
    else if (!quoted && paren === 0 && c === '>' && angle > 0) angle--;
    if (c === ',' && !quoted && angle === 0 && paren === 0) {
      items.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  items.push(cur);
  return items.map((s) => s.trim()).filter((s) => s !== '');
}

/** Lines of an :include: or .forward file as items: # comments and blank lines skipped. */
export function includeItems(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => !/^\s*#/.test(l))
    .flatMap((l) => splitAddressList(l));
}

function unquote(item: string): string {
  return item.length >= 2 && item.startsWith('"') && item.endsWith('"') ? item.slice(1, -1) : item;
}

/** What makes two targets the same delivery, for duplicate suppression. */
function targetKey(r: ExpandedRecipient): string {
  const t = r.target;
  switch (t.kind) {
    case 'local':
      return `local:${t.user}`;
    case 'remote': {
      // Host names compare without case, local parts with it.
      const at = t.address.lastIndexOf('@');
      return `remote:${at < 0 ? t.address : t.address.slice(0, at) + t.address.slice(at).toLowerCase()}`;
    }
    case 'program':
      return `program:${t.command}`;
    case 'file':
      return `file:${t.path}`;
    case 'failed':
      return `failed:${r.display}`;
  }
}

const loopBroken = (text: string): DeliveryResult =>
  makeResult('permfail', '5.4.6', text, { diagnosticType: 'X-Unix', diagnostic: `554 5.4.6 ${text}` });

/** Expands the addresses a message is for into delivery targets. */
export async function expandAliases(addresses: readonly string[], options: ExpandOptions): Promise<ExpandedRecipient[]> {
  const maxDepth = options.maxDepth ?? 10;
  const readInclude = options.readInclude ?? ((p: string) => fsp.readFile(p, 'latin1'));
  const out: ExpandedRecipient[] = [];
  const seen = new Set<string>();

  const emit = (r: ExpandedRecipient): void => {
    const key = targetKey(r);
    if (seen.has(key)) return;
    seen.add(key);
    out.push(r);
  };

  /** The owner (envelope sender) for a list named `name`, if it has one. */
  const ownerOf = async (name: string): Promise<string | undefined> => {
    const value = await options.lookup(`owner-${name}`);
    if (value === undefined) return undefined;
    const items = splitAddressList(value);
    return items.length === 1 && items[0] !== undefined ? items[0] : `owner-${name}`;
  };

  /** Expands the items of a list (alias value, include file, .forward) one level deeper. */
  const expandItems = async (
    items: readonly string[],
    chain: readonly string[],
    from: string,
    original: string,
    ctx: Context,
  ): Promise<'loop' | undefined> => {
    for (const item of items) {
      const r = await expandOne(item, chain, from, original, ctx);
      if (r === 'loop') return 'loop';
    }
    return undefined;
  };

  const expandOne = async (
    item: string,
    chain: readonly string[],
    from: string | undefined,
    original: string,
    ctx: Context,
  ): Promise<'loop' | undefined> => {
    const base = { display: item, expandedFrom: from, original, owner: ctx.owner, controller: ctx.controller };
    const bare = unquote(item);
    if (bare.startsWith('|')) {
      emit({ ...base, target: { kind: 'program', command: bare.slice(1) } });
      return undefined;
    }
    if (bare.startsWith('/')) {
      emit({ ...base, target: { kind: 'file', path: bare } });
      return undefined;
    }
    if (/^:include:/i.test(bare)) {
      const file = bare.slice(':include:'.length).trim();
      let text: string;
      try {
        text = await readInclude(file);
      } catch (err) {
        const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such file or directory' : (err as Error).message;
        const msg = `Cannot open ${file}: ${why}`;
        emit({
          ...base,
          target: {
            kind: 'failed',
            result: makeResult('permfail', '5.2.4', msg, {
              diagnosticType: 'X-Unix',
              diagnostic: `550 5.2.4 ${msg}`,
              transcript: [`550 5.2.4 ${item}... ${msg}`],
            }),
          },
        });
        return undefined;
      }
      if (chain.length >= maxDepth) return tooDeep(item, chain, from, original, ctx);
      // what an :include: file names runs as the file's owner
      const st = await fsp.stat(file).catch(() => undefined);
      const controller = st ? { file, uid: st.uid, gid: st.gid } : ctx.controller;
      return expandItems(includeItems(text), [...chain, bare], from ?? item, original, { ...ctx, controller });
    }
    if (bare.startsWith('\\')) {
      const user = options.localName(bare.slice(1)) ?? bare.slice(1);
      emit({ ...base, target: { kind: 'local', user } });
      return undefined;
    }
    const name = options.localName(item);
    if (name === undefined) {
      emit({ ...base, target: { kind: 'remote', address: item } });
      return undefined;
    }
    const folded = name.toLowerCase();
    if (chain.includes(folded)) {
      // Listing oneself means "and deliver to me too"; any longer cycle is a loop.
      if (chain[chain.length - 1] === folded) {
        emit({ ...base, target: { kind: 'local', user: name } });
        return undefined;
      }
      return 'loop';
    }
    const value = await options.lookup(folded);
    if (value !== undefined) {
      if (chain.length >= maxDepth) return tooDeep(item, chain, from, original, ctx);
      const listOwner = (await ownerOf(folded)) ?? ctx.owner;
      return expandItems(splitAddressList(value), [...chain, folded], name, original, { ...ctx, owner: listOwner });
    }
    const fwd = options.forward ? await options.forward(name) : undefined;
    if (fwd !== undefined && fwd.length > 0) {
      if (chain.length >= maxDepth) return tooDeep(item, chain, from, original, ctx);
      // what a .forward names runs as its user
      return expandItems(fwd, [...chain, folded], name, original, { ...ctx, controller: { user: name } });
    }
    emit({ ...base, target: { kind: 'local', user: name } });
    return undefined;
  };

  const tooDeep = (
    item: string,
    chain: readonly string[],
    from: string | undefined,
    original: string,
    ctx: Context,
  ): undefined => {
    const text = `aliasing/forwarding loop broken (${chain.length + 1} aliases deep; ${maxDepth} max)`;
    const result = loopBroken(text);
    emit({ display: item, expandedFrom: from, original, owner: ctx.owner, target: { kind: 'failed', result: { ...result, transcript: [`554 5.4.6 ${text}`] } } });
    return undefined;
  };

  for (const address of addresses) {
    const before = out.length;
    const r = await expandOne(address, [], undefined, address, {});
    if (r === 'loop') {
      // Drop what the looping expansion produced; the address itself fails.
      out.splice(before);
      const result = loopBroken('aliasing/forwarding loop broken');
      out.push({ display: address, original: address, target: { kind: 'failed', result: { ...result, transcript: ['554 5.4.6 aliasing/forwarding loop broken'] } } });
    }
  }
  return out;
}

/**
 * Reads a .forward file as sendmail would trust it: a regular file owned by
 * the user (or root), not group- or world-writable.  Undefined when there
 * is no such file; a refusal says why.
 */
export async function readForwardFile(
  path: string,
  ownerUid: number,
): Promise<{ readonly items: string[] } | { readonly refused: string } | undefined> {
  let st;
  try {
    st = await fsp.stat(path);
  } catch {
    return undefined;
  }
  if (!st.isFile()) return { refused: `${path}: not a regular file` };
  if (st.uid !== ownerUid && st.uid !== 0) return { refused: `${path}: not owned by the user` };
  if ((st.mode & 0o022) !== 0) return { refused: `${path}: group or world writable` };
  return { items: includeItems(await fsp.readFile(path, 'latin1')) };
}
