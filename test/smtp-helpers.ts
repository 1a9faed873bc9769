// Helpers for the smtp and queue tests: finding the real tools, running real
// sendmail under a pinned host name, temporary directories, driving -bs.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync, chmodSync } from 'node:fs';
import { tmpdir, hostname } from 'node:os';
import path from 'node:path';

export function hasTool(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name} || test -x /usr/sbin/${name}`], { stdio: 'ignore' }).status === 0;
}

let pinnable: boolean | undefined;
/** True when unshare can give a child its own host name and network (needs root). */
export function canPinHostName(): boolean {
  if (pinnable === undefined) {
    const r = spawnSync('unshare', ['--uts', '--net', 'sh', '-c', 'hostname pin.example.invalid && uname -n'], { encoding: 'utf8' });
    pinnable = r.status === 0 && r.stdout.trim() === 'pin.example.invalid';
  }
  return pinnable;
}

/** Real sendmail can run here without its 60 s wait for a qualified host name. */
export const realSendmail: { usable: boolean; why: string } = (() => {
  if (!hasTool('sendmail')) {
    return { usable: false, why: 'real sendmail 8.x is not installed (apt-get install sendmail-bin)' };
  }
  if (canPinHostName()) return { usable: true, why: '' };
  if (hostname().includes('.')) return { usable: true, why: '' };
  return { usable: false, why: 'cannot pin a qualified host name with unshare (needs root); real sendmail would wait 60 s' };
})();

/** Runs real sendmail with `args`, `input` on stdin, as host mx.example.com without network. */
export function runRealSendmail(args: string[], input = ''): string {
  const quoted = args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  if (canPinHostName()) {
    return execFileSync('unshare', ['--uts', '--net', 'sh', '-c', `hostname mx.example.com; exec sendmail ${quoted}`], {
      input,
      encoding: 'latin1',
      timeout: 30_000,
    });
  }
  return execFileSync('sendmail', args, { input, encoding: 'latin1', timeout: 30_000 });
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** Writes a minimal sendmail.cf whose queue is `queueDir` ("dir/q*": the q directories, made by the caller); every address goes to a local mailer that does nothing. */
export function writeMiniCf(dir: string, queueDir: string, localMailer = '/bin/true'): string {
  if (!queueDir.endsWith('*')) {
    mkdirSync(queueDir, { recursive: true });
    chmodSync(queueDir, 0o700);
  }
  writeFileSync(path.join(dir, 'switch'), 'hosts files\n');
  writeFileSync(path.join(dir, 'hosts'), '127.0.0.1 localhost mx.example.com\n');
  const cf = path.join(dir, 'mini.cf');
  writeFileSync(
    cf,
    [
      'V10/Berkeley',
      'Djmx.example.com',
      `O QueueDirectory=${queueDir}`,
      'O DontProbeInterfaces=true',
      `O ServiceSwitchFile=${dir}/switch`,
      `O HostsFile=${dir}/hosts`,
      'O DontBlameSendmail=TrustStickyBit',
      'O DeliveryMode=queueonly',
      // a machine busy with the rest of the suite must not make sendmail -q skip its run
      'O QueueLA=1000',
      'O RefuseLA=1000',
      `Mlocal,\tP=${localMailer}, F=lsDFMq, S=0, R=0, A=true $u`,
      'Mprog,\tP=/bin/sh, F=lsDFM, S=0, R=0, A=sh -c $u',
      'S0',
      'R$*\t$#local $: $1',
      'S1',
      'S2',
      'S3',
      'S4',
      'S5',
      '',
    ].join('\n'),
  );
  return cf;
}

/** Drives `-bs`: one script line after each complete reply, "<DATA>" sends a block up to "."; resolves with the reply lines. */
export function chatStdio(cmd: string, args: string[], script: string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'ignore'] });
    const replies: string[] = [];
    let buf = '';
    let i = 0;
    const next = (): void => {
      if (i >= script.length) {
        child.stdin.end();
        return;
      }
      const line = script[i++]!;
      if (line !== '<DATA>') {
        child.stdin.write(`${line}\r\n`);
        return;
      }
      let block = '';
      while (i < script.length) {
        const x = script[i++]!;
        block += `${x}\r\n`;
        if (x === '.') break;
      }
      child.stdin.write(block);
    };
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      for (let n = buf.indexOf('\n'); n >= 0; n = buf.indexOf('\n')) {
        const line = buf.slice(0, n).replace(/\r$/, '');
        buf = buf.slice(n + 1);
        replies.push(line);
        if (/^\d{3} /.test(line)) next();
      }
    });
    const timer = setTimeout(() => child.kill(), 20_000);
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(timer);
      resolve(replies);
    });
  });
}

/**
 * `sh -c 'cat | exec cmd args'`: the command's standard input is a pipe, as
 * when a mail program pipes into sendmail (Node's own 'pipe' is a UNIX
 * socket, which sendmail -bs takes for a client on a socket).
 */
export function withPipedStdin(cmd: string, args: readonly string[]): [string, string[]] {
  return ['sh', ['-c', 'cat | exec "$@"', 'sh', cmd, ...args]];
}
