/**
 * src/testmode — address test mode (`sendmail -bt`, op.txt 3.8): the command
 * loop and everything it prints, byte for byte as sendmail 8.17 does.
 *
 * Output goes through a Latin-1 buffer (8-bit bytes stay bytes); commands
 * are handled synchronously unless a map lookup is asynchronous.
 */
import { userInfo } from 'node:os';
import type { LoadedConfig } from '../config/loader.js';
import { showMailer } from '../config/mailers.js';
import { readName, translateDollars } from '../rewrite/macros.js';
import { prescan, MAXNAME } from '../rewrite/prescan.js';
import { diagText, names, showText, showTokens } from '../rewrite/tokens.js';
import { EX_OK } from '../rewrite/engine.js';
import { slashCommand } from './slash.js';
import { testModeHelp, type HelpState } from './help.js';

/**
 * Buffered Latin-1 output.  Nothing is written until `flush` (called between
 * commands), so a rewrite that must run again can take back what it printed.
 */
export class Output {
  private parts: string[] = [];
  private size = 0;
  constructor(
    private readonly sink: (chunk: Buffer) => void,
    /** Flush after every command (interactive use). */
    readonly eager = false,
  ) {}

  write(s: string): void {
    this.parts.push(s);
    this.size += s.length;
  }

  line(s: string): void {
    this.parts.push(s, '\n');
    this.size += s.length + 1;
  }

  /** Position in the unflushed output. */
  mark(): number {
    return this.parts.length;
  }

  /** Take back what was written since `mark`. */
  rollback(mark: number): void {
    while (this.parts.length > mark) this.size -= this.parts.pop()!.length;
  }

  /** Write out when enough has gathered (or always when eager). */
  flushIfFull(): void {
    if (this.eager || this.size > 1 << 16) this.flush();
  }

  flush(): void {
    if (this.parts.length === 0) return;
    this.sink(Buffer.from(this.parts.join(''), 'latin1'));
    this.parts = [];
    this.size = 0;
  }
}

export const BANNER = 'ADDRESS TEST MODE (ruleset 3 NOT automatically invoked)\nEnter <ruleset> <address>\n';

/** A macro/class name in a command: any character (a blank too) or `{name}`. */
function commandName(line: string, i: number, out: Output): { name: string; next: number } | null | 'invalid' {
  const c = line[i];
  if (c === ' ' || c === '\t') return { name: c, next: i + 1 };
  const nm = readName(line, i);
  if (!nm || c !== '{') return nm;
  // In `{name}` only letters, digits and `_` count; each other character
  // is reported and left out of the name.
  let name = '';
  for (const ch of nm.name) {
    if (/[A-Za-z0-9_]/.test(ch)) name += ch;
    else out.line(`Invalid macro/class character ${ch}`);
  }
  if (line.indexOf('}', i + 1) < 0) {
    out.line(`Unbalanced { on ${name}`);
    out.line('Unable to assign macro/class ID (mid = 0xffffffff)');
    return 'invalid';
  }
  if (nm.name === '') return null;
  // nothing left: the command does nothing more
  return name === '' ? 'invalid' : { name, next: nm.next };
}

/** Characters that `$c` makes a rewrite operator; `-bt` prints `$c` as itself. */
const OPERATOR_CHARS = '#&()*+-.:>?@[]|~';

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\v' || c === '\f';
}

export class TestMode {
  /** /tryflags state: header or envelope, sender or recipient. */
  tryFlags = { header: false, sender: false };
  quit = false;
  /** The `?` command's memory of the help file version. */
  readonly help: HelpState = { version: 0 };

  constructor(
    readonly loaded: LoadedConfig,
    readonly out: Output,
  ) {
    // Address test mode starts as if testing an envelope recipient.
    loaded.macros.setByName('addr_type', 'e r');
    // $_ names the invoking user, as for any local submission.
    if (loaded.macros.get(names.id('_')) === undefined) loaded.macros.setByName('_', `${userInfo().username}@localhost`);
    loaded.engine.mark = () => out.mark();
    loaded.engine.rollback = (m) => out.rollback(m);
  }

  /** Handle one input line (without its newline). */
  handle(line: string): void | Promise<void> {
    if (line.length === 0 || line[0] === '#') return;
    let s = 0;
    while (s < line.length && isSpace(line[s])) s++;
    if (s >= line.length) return;
    line = line.slice(s);
    const out = this.out;
    const { engine, macros, classes } = this.loaded;
    switch (line[0]) {
      case '.':
        return this.dotCommand(line);
      case '=':
        if (line[1] === 'S') {
          const spec = line.slice(2).replace(/^[ \t]+/, '');
          const rs = engine.findRuleset(spec, (m) => out.line(m));
          if (rs < 0) {
            out.line(`Undefined ruleset ${/^\S*/.exec(spec)![0]}`);
            return;
          }
          for (const r of engine.rulesets[rs] ?? []) {
            out.line(`R${r.lhs.map((t) => showText(t) + ' ').join('')}\t\t${r.rhs.map((t) => showText(t) + ' ').join('')}`);
          }
          return;
        }
        if (line[1] === 'M') {
          this.loaded.config.mailers.forEach((m, i) => out.line(showMailer(i, m, (ref) => this.rulesetRefName(ref))));
          return;
        }
        // A bare `=` gets the usage; `=` with anything else is unknown.
        out.line(line.length === 1 ? 'Usage: =Sruleset or =M' : `Unknown "=" command ${line}`);
        return;
      case '-':
        if (line[1] === 'd') return;
        out.line(`Unknown "-" command ${line}`);
        return;
      case '$': {
        if (line[1] === '=') {
          const nm = commandName(line, 2, out);
          if (nm === 'invalid') return;
          if (!nm) {
            out.line('Name required for macro/class');
            return;
          }
          for (const w of classes.members(names.id(nm.name))) out.line(showText(w));
          return;
        }
        const nm = commandName(line, 1, out);
        if (nm === 'invalid') return;
        if (!nm) {
          out.line('Name required for macro/class');
          return;
        }
        // An operator character names no macro: it prints as the operator.
        if (nm.name.length === 1 && OPERATOR_CHARS.includes(nm.name)) {
          out.line('$' + nm.name);
          return;
        }
        const v = macros.get(names.id(nm.name));
        out.line(v === undefined ? 'Undefined' : showText(v));
        return;
      }
      case '/':
        return slashCommand(this, line);
      case '?': {
        const opts = this.loaded.config.options;
        for (const l of testModeHelp(opts.get('HelpFile'), opts.get('DontBlameSendmail'), this.loaded.macros, this.help)) out.line(l);
        return;
      }
    }
    return this.rulesetCommand(line);
  }

  /** Printed name of a mailer's ruleset reference (name, number or unset). */
  rulesetRefName(ref: string | undefined): string {
    const engine = this.loaded.engine;
    if (ref === undefined || ref === '') return engine.rulesetLabel(0);
    const n = engine.findRuleset(ref, () => {});
    return n < 0 ? ref : engine.rulesetLabel(n);
  }

  private dotCommand(line: string): void {
    const out = this.out;
    const { macros, classes } = this.loaded;
    if (line[1] === 'D') {
      const nm = commandName(line, 2, out);
      if (nm === 'invalid') return;
      if (!nm) {
        out.line('Name required for macro/class');
        return;
      }
      macros.setByName(nm.name, translateDollars(line.slice(nm.next)));
      return;
    }
    if (line[1] === 'C') {
      if (line.length <= 2) return;
      const nm = commandName(line, 2, out);
      if (nm === 'invalid') return;
      if (!nm) {
        out.line('Name required for macro/class');
        return;
      }
      const id = names.id(nm.name);
      for (const w of line.slice(nm.next).split(/[ \t]+/)) if (w) classes.add(id, w);
      return;
    }
    out.line(line.length === 1 ? 'Usage: .[DC]macro value(s)' : `Unknown "." command ${line}`);
  }

  /** `rulesets address[, address...]`. */
  private rulesetCommand(line: string): void | Promise<void> {
    const out = this.out;
    let sp = 0;
    while (sp < line.length && !isSpace(line[sp])) sp++;
    if (sp >= line.length) {
      out.line('No address!');
      return;
    }
    const rsList = line.slice(0, sp);
    const text = line.slice(sp + 1);
    // bytes 0x80-0x9f are sendmail's own meta characters: refused in addresses
    if (/[\x80-\x9f]/.test(text)) {
      out.line(`8-bit character in mailbox address "${diagText(text).replace(/[\x00-\x1f\x7f]/g, '?')}"`);
      return;
    }
    return this.addresses(rsList, text, 0);
  }

  private addresses(rsList: string, text: string, p: number): void | Promise<void> {
    const out = this.out;
    const engine = this.loaded.engine;
    for (;;) {
      if (text.length - p >= MAXNAME) {
        out.line(`Address "${text.slice(p, p + MAXNAME - 1)}" too long (${MAXNAME - 1} bytes max)`);
        return;
      }
      const addr = text.slice(p);
      const r = prescan(text, p, ',', engine.table, (m) => out.line(`${diagText(addr)}... ${m}`));
      if (r.tokens && r.tokens.length > 0) {
        let q = rsList;
        while (q.length > 0) {
          const rs = engine.findRuleset(q, (m) => out.line(m));
          if (rs < 0) {
            out.line(`Undefined ruleset ${q}`);
            break;
          }
          const status = engine.rewrite(r.tokens, rs);
          const comma = q.indexOf(',');
          const label = q;
          const rest = comma < 0 ? '' : q.slice(comma + 1);
          if (typeof status !== 'number') {
            return status.then((st) => {
              if (st !== EX_OK) out.line(`== Ruleset ${label} (${rs}) status ${st}`);
              return this.continueList(rsList, rest, r.tokens!, text, r.end);
            });
          }
          if (status !== EX_OK) out.line(`== Ruleset ${label} (${rs}) status ${status}`);
          q = rest;
        }
      }
      p = r.end;
      if (text[p] !== ',') return;
      p++;
    }
  }

  /** Finish a ruleset list after an asynchronous step, then the next addresses. */
  private async continueList(rsList: string, q: string, tokens: string[], text: string, end: number): Promise<void> {
    const out = this.out;
    const engine = this.loaded.engine;
    while (q.length > 0) {
      const rs = engine.findRuleset(q, (m) => out.line(m));
      if (rs < 0) {
        out.line(`Undefined ruleset ${q}`);
        break;
      }
      const st = await engine.rewrite(tokens, rs);
      const comma = q.indexOf(',');
      const label = q;
      if (st !== EX_OK) out.line(`== Ruleset ${label} (${rs}) status ${st}`);
      q = comma < 0 ? '' : q.slice(comma + 1);
    }
    if (text[end] === ',') await this.addresses(rsList, text, end + 1);
  }
}

export { showTokens };
