// Class w holds this host's other names as sendmail 8.17 finds them by
// probing its network interfaces (unless DontProbeInterfaces): each IPv4
// address of an interface that is up as [a.b.c.d], and each name the
// address has (gethostbyaddr: the system hosts file, else DNS) that class w
// lacks, with that name in brackets too.  Mail to user@[our address] is
// then local, as with real sendmail.  Checked by -bt `$=w`; side by side
// with real sendmail in a private network and hosts file when it can run.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SENDMAIL } from './e2e-helpers.js';
import { canPinHostName, realSendmail, tempDir } from './smtp-helpers.js';

/** A cf with only what -bt needs; `probe` false sets DontProbeInterfaces. */
function cfIn(dir: string, probe: boolean): string {
  const cf = path.join(dir, probe ? 'probe.cf' : 'noprobe.cf');
  const lines = ['V10/Berkeley', 'Djh.example.com', 'Cwlocalhost', `O QueueDirectory=${dir}`, ...(probe ? [] : ['O DontProbeInterfaces=True']), 'S0', 'R$*\t$#local $: $1', ''];
  writeFileSync(cf, lines.join('\n'));
  return cf;
}

/** Class w as -bt lists it (the lines after the `$=w` command). */
function classW(cmd: string, args: string[]): string[] {
  const r = spawnSync(cmd, args, { input: '$=w\n', encoding: 'latin1', timeout: 30_000 });
  return r.stdout.split('\n').filter((l) => l !== '' && !l.startsWith('ADDRESS TEST MODE') && !l.startsWith('Enter <ruleset>')).map((l) => l.replace(/^> /, '')).filter((l) => l !== '>' && l !== '');
}

describe('class w and the network interfaces', () => {
  it('holds every IPv4 address of an interface that is up, in brackets; none with DontProbeInterfaces', () => {
    const dir = tempDir('probe-');
    const up = Object.values(networkInterfaces()).flatMap((l) => l ?? []).filter((a) => a.family === 'IPv4').map((a) => `[${a.address}]`);
    const probed = classW(process.execPath, [SENDMAIL, '-bt', '-C', cfIn(dir, true)]);
    for (const a of up) expect(probed).toContain(a);
    const plain = classW(process.execPath, [SENDMAIL, '-bt', '-C', cfIn(dir, false)]);
    expect(plain.filter((w) => w.startsWith('['))).toEqual([]);
    expect(plain).toContain('localhost');
  });

  const whyNot = !canPinHostName() ? 'needs root for unshare' : !realSendmail.usable ? realSendmail.why : '';
  it.skipIf(whyNot !== '')('lists the same names as real sendmail 8.17 (loopback up, an address with a name and an alias)', () => {
    const dir = tempDir('probe-');
    writeFileSync(path.join(dir, 'hosts'), '127.0.0.1 localhost\n127.0.0.2 other.example.net otheralias\n');
    const cf = cfIn(dir, true);
    // a private network with lo up and a second address on it; the hosts file names both
    const run = (cmd: string[]): string[] =>
      classW('unshare', ['--uts', '--net', '--mount', 'sh', '-c', `mount --bind ${dir}/hosts /etc/hosts && ip link set lo up && ip addr add 127.0.0.2/8 dev lo && hostname h.example.com && exec "$@"`, 'sh', ...cmd, '-bt', '-C', cf]);
    const real = run(['sendmail']);
    expect(real).toEqual(expect.arrayContaining(['[127.0.0.1]', '[127.0.0.2]', 'other.example.net', '[other.example.net]', 'otheralias', '[otheralias]']));
    expect(run([process.execPath, SENDMAIL])).toEqual(real);
  });
});
