// A hermetic real-sendmail configuration, shared by the tests and the
// benchmarks that run the installed sendmail 8.17 beside ours: the mc lines
// that keep a cf built from the sendmail-cf tree inside one temp directory
// (its own service switch, hosts and aliases files, queue, pid file, no
// host status directory, no interface probing, a qualified host name, no
// load-average limits), the
// files those lines name, and compiling the mc with GNU m4.  Plain .mjs so
// bench/ (plain node) and test/ (vitest) import the same module.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const SENDMAIL_CF_TREE = '/usr/share/sendmail/cf';
export const HERMETIC_HOST = 'host.example.com';

/**
 * `unshare` arguments that run real sendmail as `host` (a qualified name:
 * no 60 s wait at start); append sendmail's own arguments.  With
 * `hostsFile`, that file is also /etc/hosts for this sendmail alone (a
 * private mount namespace): sendmail's HostsFile option only serves
 * canonification, delivery asks the system's resolver for addresses.
 */
export function pinnedSendmail(host = HERMETIC_HOST, { hostsFile } = {}) {
  const mount = hostsFile ? `mount --bind '${hostsFile}' /etc/hosts && ` : '';
  return ['--uts', ...(hostsFile ? ['--mount'] : []), 'sh', '-c', `${mount}hostname ${host} && exec sendmail "$@"`, 'sendmail'];
}

/**
 * The files of a hermetic setup in `dir`, their paths as hermeticDefines
 * names them: service.switch (hosts and aliases from files), hosts, aliases.
 */
export function writeHermeticFiles(dir, { host = HERMETIC_HOST, hosts = [], aliases = ['postmaster: root'] } = {}) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'service.switch'), 'hosts files\naliases files\n');
  writeFileSync(path.join(dir, 'hosts'), [`127.0.0.1 localhost ${host} ${host.split('.')[0]}`, ...hosts, ''].join('\n'));
  writeFileSync(path.join(dir, 'aliases'), [...aliases, ''].join('\n'));
}

/**
 * The mc lines that make a sendmail-cf build hermetic in `dir` (after
 * OSTYPE, before the FEATUREs): the queue is `queueDir` (default dir/q).
 */
export function hermeticDefines(dir, { host = HERMETIC_HOST, queueDir = path.join(dir, 'q') } = {}) {
  return [
    `define(\`confSERVICE_SWITCH_FILE', \`${dir}/service.switch')dnl`,
    `define(\`confHOSTS_FILE', \`${dir}/hosts')dnl`,
    `define(\`confDOMAIN_NAME', \`${host}')dnl`,
    "define(`confDONT_PROBE_INTERFACES', `True')dnl",
    `define(\`ALIAS_FILE', \`${dir}/aliases')dnl`,
    `define(\`QUEUE_DIR', \`${queueDir}')dnl`,
    "define(`confDONT_BLAME_SENDMAIL', `TrustStickyBit')dnl",
    "undefine(`confHOST_STATUS_DIRECTORY')dnl",
    `define(\`confPID_FILE', \`${dir}/sendmail.pid')dnl`,
    // a busy machine must not make sendmail queue instead of deliver, or refuse connections
    "define(`confQUEUE_LA', `1000')dnl",
    "define(`confREFUSE_LA', `1000')dnl",
  ];
}

/** Compiles an mc with GNU m4 and the sendmail-cf tree (cf.m4 read first); returns the cf text. */
export function compileWithSendmailCf(mcPath) {
  return execFileSync('m4', [path.join(SENDMAIL_CF_TREE, 'm4/cf.m4'), mcPath], { cwd: path.dirname(mcPath), encoding: 'latin1' });
}

/** A whole hermetic mc: OSTYPE, the hermetic defines, `extra`, then MAILER local and smtp. */
export function hermeticMc(dir, { host = HERMETIC_HOST, ostype = 'debian', queueDir = path.join(dir, 'q'), extra = [] } = {}) {
  return [`OSTYPE(\`${ostype}')dnl`, ...hermeticDefines(dir, { host, queueDir }), ...extra, "MAILER(`local')dnl", "MAILER(`smtp')dnl", ''].join('\n');
}

/**
 * A whole hermetic setup in `dir`: the files, dir/sendmail.mc (hermeticMc),
 * dir/sendmail.cf compiled by GNU m4, the queue directory, and the aliases
 * built by real sendmail -bi.  Returns the cf's path.
 */
export function buildHermeticCf(dir, { host = HERMETIC_HOST, ostype = 'debian', queueDir = path.join(dir, 'q'), hosts = [], aliases, extra = [] } = {}) {
  writeHermeticFiles(dir, { host, hosts, aliases });
  mkdirSync(queueDir, { recursive: true, mode: 0o700 });
  const mcPath = path.join(dir, 'sendmail.mc');
  writeFileSync(mcPath, hermeticMc(dir, { host, ostype, queueDir, extra }));
  const cf = path.join(dir, 'sendmail.cf');
  writeFileSync(cf, compileWithSendmailCf(mcPath), 'latin1');
  spawnSync('unshare', [...pinnedSendmail(host), '-bi', '-C', cf], { stdio: 'ignore', timeout: 20000 });
  return cf;
}
