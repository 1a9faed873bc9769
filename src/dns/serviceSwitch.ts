/**
 * The service switch file (ServiceSwitchFile option): one line per service,
 * `service method method ...` (e.g. `hosts files dns`, `aliases files`).
 * A `service:` colon and nsswitch-style `[NOTFOUND=return]` items are
 * accepted and ignored.  Without a readable file sendmail's defaults apply:
 * hosts via DNS then files, aliases via files.
 */
import { readFileSync } from 'node:fs';

const DEFAULTS: Record<string, string[]> = {
  hosts: ['dns', 'files'],
  aliases: ['files'],
};

/** Parse switch-file text: service name (lower case) to its methods. */
export function parseServiceSwitch(text: string): Map<string, string[]> {
  const table = new Map<string, string[]>();
  for (const rawLine of text.split('\n')) {
    const hash = rawLine.indexOf('#');
    const line = hash >= 0 ? rawLine.slice(0, hash) : rawLine;
    const fields = line.split(/\s+/).filter((f) => f.length > 0);
    if (fields.length === 0) continue;
    const service = fields[0].replace(/:$/, '').toLowerCase();
    const methods = fields.slice(1).filter((m) => !m.startsWith('[') && m !== ':');
    if (!table.has(service)) table.set(service, methods);
  }
  return table;
}

/** A service switch file, read once. */
export class ServiceSwitch {
  private readonly table: Map<string, string[]> | undefined;

  constructor(readonly path: string | undefined) {
    let table: Map<string, string[]> | undefined;
    if (path !== undefined) {
      try {
        table = parseServiceSwitch(readFileSync(path, 'latin1'));
      } catch {
        table = undefined;
      }
    }
    this.table = table;
  }

  /** The methods of a service, in order ([] when the service is not listed). */
  methods(service: string): string[] {
    const s = service.toLowerCase();
    if (this.table) return [...(this.table.get(s) ?? [])];
    return [...(DEFAULTS[s] ?? [])];
  }

  /** Whether `hosts` lookups may ask DNS. */
  hostsUseDns(): boolean {
    return this.methods('hosts').includes('dns');
  }
}
