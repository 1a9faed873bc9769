// bench/daemon-bench-cf.mjs — the one cf the daemon benchmarks run on both
// sides: a hermetic mc (test/hermetic-cf.mjs) as mx.example.com with the
// benchmark's own extra lines, compiled with GNU m4 and sendmail-cf when
// real sendmail is measured (else with our m4 and our cf/ library), its
// aliases built by real sendmail -bi and, for ours, into an LMDB database of
// its own (sendmail's is Berkeley DB).
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { hermeticMc, writeHermeticFiles } from '../test/hermetic-cf.mjs';

const CF_M4 = '/usr/share/sendmail/cf/m4/cf.m4';

/** Whether real sendmail, GNU m4 and the sendmail-cf tree are here to be measured. */
export function realSendmailHere() {
  return existsSync(CF_M4) && spawnSync('sh', ['-c', 'command -v sendmail && command -v m4']).status === 0;
}

/**
 * Writes and compiles the cf in `dir` (the checkout is `root`); `hosts`
 * are extra hosts-file lines, `extra` extra mc lines.  Returns the cf, the
 * real sendmail's queue (dir/real-queue), whether real sendmail runs, and
 * our alias file.
 */
export function daemonBenchCf(dir, root, { withReal, hosts = [], extra = [] }) {
  const realQueue = path.join(dir, 'real-queue');
  mkdirSync(realQueue);
  chmodSync(realQueue, 0o700);
  writeHermeticFiles(dir, { host: 'mx.example.com', hosts });
  const mc = hermeticMc(dir, {
    host: 'mx.example.com',
    ostype: 'linux',
    queueDir: realQueue,
    extra: ["define(`confMAX_DAEMON_CHILDREN', `0')dnl", "define(`confCONNECTION_RATE_THROTTLE', `0')dnl", ...extra],
  });
  writeFileSync(path.join(dir, 'sendmail.mc'), mc);
  const cf = path.join(dir, 'sendmail.cf');
  const [m4, lib] = withReal ? ['m4', CF_M4] : [path.join(root, 'bin/m4'), path.join(root, 'cf/m4/cf.m4')];
  writeFileSync(cf, execFileSync(m4, [lib, path.join(dir, 'sendmail.mc')], { cwd: dir }));
  if (withReal) execFileSync('sendmail', ['-bi', '-C', cf], { stdio: 'ignore' });
  const ourAliases = path.join(dir, 'ours', 'aliases');
  mkdirSync(path.dirname(ourAliases));
  writeFileSync(ourAliases, readFileSync(path.join(dir, 'aliases')));
  execFileSync(process.execPath, [path.join(root, 'bin/sendmail'), '-bi', '-C', cf, `-OAliasFile=${ourAliases}`], { stdio: 'ignore' });
  return { cf, realQueue, withReal, ourAliases };
}
