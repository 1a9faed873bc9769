// A hermetic real-sendmail setup shared by the delivery benchmarks: a temp
// dir with its own hosts and switch files, a cf built by GNU m4 from the
// installed sendmail-cf tree whose esmtp mailer talks to 127.0.0.1:<port>,
// the aliases built, and <count> messages queued with `sendmail -odq`.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const SENDMAIL_CF_TREE = '/usr/share/sendmail/cf';
/** `unshare` arguments that run real sendmail as host.example.com (no 60 s wait on an unqualified name). */
export const PINNED = ['--uts', 'sh', '-c', 'hostname host.example.com && exec sendmail "$@"', 'sendmail'];

/** Number of qf files in a queue directory. */
export const queuedCount = (dir) => readdirSync(dir).filter((f) => f.startsWith('qf')).length;

/** Builds the setup and queues `count` messages (message(i) is the text of the i-th). */
export function realSendmailQueue(prefix, port, count, message) {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  const queueDir = path.join(dir, 'q');
  mkdirSync(queueDir);
  writeFileSync(path.join(dir, 'switch'), 'hosts files\naliases files\n');
  writeFileSync(path.join(dir, 'hosts'), '127.0.0.1 localhost host.example.com\n');
  writeFileSync(path.join(dir, 'aliases'), 'postmaster: root\n');
  const mc = [
    `include(\`${SENDMAIL_CF_TREE}/m4/cf.m4')dnl`,
    "OSTYPE(`debian')dnl",
    `define(\`confSERVICE_SWITCH_FILE', \`${dir}/switch')dnl`,
    `define(\`confHOSTS_FILE', \`${dir}/hosts')dnl`,
    "define(`confDOMAIN_NAME', `host.example.com')dnl",
    "define(`confDONT_PROBE_INTERFACES', `True')dnl",
    `define(\`ALIAS_FILE', \`${dir}/aliases')dnl`,
    `define(\`QUEUE_DIR', \`${queueDir}')dnl`,
    "undefine(`confHOST_STATUS_DIRECTORY')dnl",
    `define(\`ESMTP_MAILER_ARGS', \`TCP $h ${port}')dnl`,
    "MAILER(`local')dnl",
    "MAILER(`smtp')dnl",
    '',
  ].join('\n');
  writeFileSync(path.join(dir, 'sendmail.mc'), mc);
  const cf = path.join(dir, 'sendmail.cf');
  writeFileSync(cf, execFileSync('m4', [path.join(dir, 'sendmail.mc')]));
  spawnSync('unshare', [...PINNED, '-bi', '-C', cf], { stdio: 'ignore' });
  for (let i = 0; i < count; i++) {
    spawnSync('unshare', [...PINNED, '-odq', '-C', cf, '-f', 'bench@host.example.com', 'bob@[127.0.0.1]'], {
      input: message(i),
      stdio: ['pipe', 'ignore', 'ignore'],
    });
  }
  return { dir, cf, queueDir, queued: queuedCount(queueDir) };
}
