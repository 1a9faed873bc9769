/**
 * src/cli/newaliases.ts — `newaliases`, the same as `sendmail -bi`: build
 * the alias databases of the cf's AliasFile option.
 *
 * As sendmail 8.17 does: each alias name is parsed as an address with the
 * cf's rulesets 3 and 0; a name that resolves to the local mailer is stored
 * under its user part (`postmaster@this.host:` is `postmaster`), any other
 * is refused (`cannot alias non-local names`); run by root, the databases
 * go to TrustedUser (otherwise they stay with the user running it); errors
 * give exit status 70.  Unlike sendmail, a file with errors leaves its old
 * database in place (see src/maps/aliases.ts).
 */
import type { LoadedConfig } from '../config/loader.js';
import { userId } from './map-cli.js';
import { main as sendmailMain } from './sendmail.js';

/** sysexits EX_SOFTWARE: what sendmail -bi exits with when an aliases file had errors. */
const EX_SOFTWARE = 70;

export function main(argv: string[], progName: string): Promise<void> {
  return sendmailMain(['-bi', ...argv], progName);
}

/** The text of a parse failure without the `address... ` sendmail puts before it in replies. */
function parseFailureText(address: string, lines: readonly string[]): string {
  const text = lines.join(' ');
  const prefix = `${address}... `;
  return text.startsWith(prefix) ? text.slice(prefix.length) : text;
}

/**
 * `sendmail -bi` on a loaded cf: rebuild every database of its AliasFile
 * option, printing sendmail's lines through `report`.  Returns the exit
 * status (0, or 70 after errors).
 */
export async function buildAliasesOf(loaded: LoadedConfig, report: (line: string) => void): Promise<number> {
  const spec = loaded.config.options.get('AliasFile') ?? '';
  const specs = spec.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  const [{ buildAliasDatabases }, { parseAddress }] = await Promise.all([import('../maps/aliases.js'), import('../address/parse.js')]);
  // names are parsed quietly: -bt's ruleset trace is not wanted (its lines,
  // two or more a name, were made and kept unprinted: a third of the time
  // and most of the garbage for a 100,000-name file)
  loaded.engine.trace = false;
  const ok = await buildAliasDatabases(specs, report, {
    trustedUid: userId(loaded.config.options.get('TrustedUser')),
    resolveName: async (written) => {
      const r = await parseAddress(loaded, written);
      if (!r.ok) return { ok: false, detail: parseFailureText(written, r.reply.lines), message: 'cannot alias non-local names' };
      if (r.triple.mailer !== 'local') return { ok: false, message: 'cannot alias non-local names' };
      return { ok: true, name: r.triple.user };
    },
  });
  return ok ? 0 : EX_SOFTWARE;
}
