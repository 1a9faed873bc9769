// A message that got its 250 is in the queue: a daemon child process takes
// mail from several clients at once, is killed with SIGKILL in the middle,
// and every message it acknowledged must be complete in the queue (qf
// readable, df with the body sent) when a new daemon starts on that queue.
// The child runs the built code (dist/); the test builds it when stale.
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { QueueDirectory } from '../src/queue/queue-directory.js';
import { formatQueueListing } from '../src/queue/listing.js';
import { tempDir } from './smtp-helpers.js';
import { crlfLines } from './smtp-fixtures.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const DIST = path.join(ROOT, 'dist', 'smtp', 'daemon.js');

function distIsStale(): boolean {
  if (!existsSync(DIST)) return true;
  const built = statSync(DIST).mtimeMs;
  for (const dir of ['smtp', 'queue']) {
    for (const f of readdirSync(path.join(ROOT, 'src', dir))) {
      const js = path.join(ROOT, 'dist', dir, f.replace(/\.ts$/, '.js'));
      if (!existsSync(js) || statSync(path.join(ROOT, 'src', dir, f)).mtimeMs > Math.min(statSync(js).mtimeMs, built + 1e9)) return true;
    }
  }
  return false;
}

const CHILD = `
import { runDaemon } from ${JSON.stringify(DIST)};
import { InMemoryPolicy } from ${JSON.stringify(path.join(ROOT, 'dist', 'smtp', 'policy.js'))};
import { QueueDirectory } from ${JSON.stringify(path.join(ROOT, 'dist', 'queue', 'queue-directory.js'))};
import { QueueIdGenerator } from ${JSON.stringify(path.join(ROOT, 'dist', 'queue', 'queue-id.js'))};
const d = await runDaemon({
  listeners: [{ name: 'MTA', port: 0, addr: '127.0.0.1', family: 'inet', modifiers: '' }],
  session: {
    identity: { hostName: 'mx.example.com', version: '8.17.1.9' },
    policy: new InMemoryPolicy({ localUsers: ['root'], localDomains: ['mx.example.com'] }),
    queue: new QueueDirectory(process.argv[2]),
    ids: new QueueIdGenerator(),
  },
  resolveClient: async () => ({ name: 'localhost', resolve: 'OK' }),
  pidFile: process.argv[2] + '/../sendmail.pid',
  log: () => {},
});
process.stdout.write('PORT ' + d.addresses[0].port + '\\n');
`;

function startChild(script: string, queueDir: string): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, queueDir], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /PORT (\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.on('exit', (code) => reject(new Error(`daemon child exited with ${code}`)));
  });
}

/** One client: sends messages one after another until the connection dies; records id -> token for each 250. */
function client(port: number, name: string, acked: Map<string, string>): Promise<void> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    let n = 0;
    let token = '';
    let pending: string[] = [];
    const nextMessage = (): void => {
      token = `${name}-${n++}`;
      pending = ['MAIL FROM:<load@example.org>\r\n', 'RCPT TO:<root>\r\n', 'DATA\r\n', `Subject: ${token}\r\n\r\n${token}\r\n${'x'.repeat(2000)}\r\n.\r\n`];
    };
    s.on(
      'data',
      crlfLines((line) => {
        if (!/^\d{3} /.test(line)) return;
        if (line.startsWith('220 ')) {
          nextMessage();
          s.write('EHLO load.example.org\r\n');
          return;
        }
        if (/^250 2\.0\.0 \S+ Message accepted for delivery$/.test(line)) {
          acked.set(line.split(' ')[2] ?? '', token);
          nextMessage();
        }
        s.write(pending.shift() ?? 'QUIT\r\n');
      }),
    );
    s.on('error', () => resolve());
    s.on('close', () => resolve());
  });
}

describe('durability: a 250 means the message is on disk', () => {
  it('keeps every acknowledged message when the daemon is killed with SIGKILL under load', async () => {
    if (distIsStale()) spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: ROOT, stdio: 'ignore' });
    expect(existsSync(DIST)).toBe(true);
    const dir = tempDir('smtp-kill-');
    const queueDir = path.join(dir, 'mqueue');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(queueDir);
    const script = path.join(dir, 'child.mjs');
    writeFileSync(script, CHILD);
    const { child, port } = await startChild(script, queueDir);
    const acked = new Map<string, string>();
    const clients = Array.from({ length: 8 }, (_, i) => client(port, `c${i}`, acked));
    // let the load run until enough messages were acknowledged, then kill mid-stream
    const t0 = Date.now();
    while (acked.size < 60 && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 10));
    child.kill('SIGKILL');
    await Promise.all(clients);
    expect(acked.size).toBeGreaterThanOrEqual(60);

    // a new daemon takes the queue over
    const second = await startChild(script, queueDir);
    try {
      const queue = new QueueDirectory(queueDir);
      const corrupt: string[] = [];
      const entries = await queue.readAll((f) => corrupt.push(f.reason));
      expect(corrupt).toEqual([]);
      const byId = new Map(entries.map((e) => [e.envelope.id, e]));
      for (const [id, token] of acked) {
        const entry = byId.get(id);
        expect(entry, `acknowledged message ${id} missing from the queue`).toBeDefined();
        const body = (await queue.readBody(id)).toString('latin1');
        expect(body.startsWith(`${token}\n`)).toBe(true);
        expect(entry?.envelope.headers.find((h) => h.name === 'Subject')?.value).toBe(` ${token}`);
      }
      const listing = formatQueueListing(queueDir, entries);
      for (const id of acked.keys()) expect(listing).toContain(id);
      // the PidFile as sendmail writes it; SIGTERM drains and removes it
      const pidFile = path.join(dir, 'sendmail.pid');
      const [pid, cmd] = readFileSync(pidFile, 'latin1').split('\n');
      expect(Number(pid)).toBe(second.child.pid);
      expect(cmd).toContain('child.mjs');
      const exited = new Promise<number | null>((r) => second.child.once('exit', (code) => r(code)));
      second.child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(existsSync(pidFile)).toBe(false);
    } finally {
      second.child.kill('SIGKILL');
    }
  }, 60_000);
});
