#!/usr/bin/env node
// bench/map-classes.mjs — lookups per second of the file-less and text map
// classes (text, regex, host over a hosts file, dequote, arpa), ours and
// real sendmail's side by side.
//
//   node bench/map-classes.mjs [--lookups 20000] [--lines 2000]
//
// Ours: in process through the class (createMap + lookup), as the engine
// calls it.  Real: `sendmail -bt` fed the same `/map` lines, under
// `unshare --uts --net` with a qualified host name; its start-up (one
// lookup) is subtracted.  Prints both rates and the ratio ours / real.
// Needs `npm run build` first; the real side needs sendmail and unshare.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const maps = await import(path.join(repo, 'dist/maps/index.js'));
const { Resolver } = await import(path.join(repo, 'dist/dns/index.js'));

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const lookups = Number(arg('lookups', '20000'));
const lines = Number(arg('lines', '2000'));

const dir = mkdtempSync(path.join(tmpdir(), 'bench-mapclasses-'));
const textLines = [];
const hostLines = ['127.0.0.1 localhost'];
for (let i = 0; i < lines; i++) {
  textLines.push(`key${i}:value${i}`);
  hostLines.push(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255} host${i}.example.com host${i}`);
}
writeFileSync(path.join(dir, 'text'), textLines.join('\n') + '\n');
writeFileSync(path.join(dir, 'hosts'), hostLines.join('\n') + '\n');
writeFileSync(path.join(dir, 'service.switch'), 'hosts files\naliases files\n');

const CASES = [
  { name: 'text', k: `Ktext text -k0 -v1 -z: ${dir}/text`, key: (i) => `key${(i * 7919) % lines}` },
  { name: 'regex', k: 'Kregex regex -s1 -a.X ^([a-z]+)([0-9]+)@example\\.(com|org)$', key: (i) => `user${i}@example.com` },
  { name: 'host', k: 'Khost host -a.', key: (i) => `host${(i * 7919) % lines}` },
  { name: 'dequote', k: 'Kdequote dequote', key: (i) => `"user${i}"` },
  { name: 'arpa', k: 'Karpa arpa', key: (i) => `10.1.${(i >> 8) & 255}.${i & 255}` },
];

function ourRate(c) {
  const env = {
    getMap: () => undefined,
    getMacro: () => undefined,
    setMacro: () => {},
    option: (n) => ({ HostsFile: `${dir}/hosts`, ServiceSwitchFile: `${dir}/service.switch` })[n],
    report: () => {},
  };
  maps.useResolver(env, new Resolver({ hostsFile: `${dir}/hosts`, serviceSwitchFile: `${dir}/service.switch`, domain: 'example.com', nameservers: [] }));
  const m = /^K(\S+)\s+(\S+)\s*(.*)$/.exec(c.k);
  const pos = { file: 'bench', line: 1 };
  const parsed = maps.parseMapFlags(m[3], pos, { className: m[2], mapName: m[1] });
  const map = maps.createMap({ name: m[1], className: m[2], flags: parsed.flags, args: parsed.args, rawArgs: m[3], pos }, env);
  return (async () => {
    const n = c.name === 'text' || c.name === 'host' ? Math.min(lookups, 2000) : lookups;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) {
      const r = map.lookup(c.key(i), []);
      if (r instanceof Promise) await r;
    }
    return n / (Number(process.hrtime.bigint() - t0) / 1e9);
  })();
}

function realSeconds(c, n) {
  const cf = path.join(dir, `${c.name}.cf`);
  writeFileSync(
    cf,
    `V10/Berkeley\nDjhost.example.com\nO ServiceSwitchFile=${dir}/service.switch\nO HostsFile=${dir}/hosts\nO DontProbeInterfaces=True\nO DontBlameSendmail=TrustStickyBit\nS0\nS1\nS2\nS3\nS4\nS5\n${c.k}\n`,
  );
  let input = '';
  for (let i = 0; i < n; i++) input += `/map ${c.name} ${c.key(i)}\n`;
  const t0 = process.hrtime.bigint();
  const r = spawnSync('unshare', ['--uts', '--net', 'sh', '-c', `hostname host.example.com && exec sendmail -bt -C ${cf}`], { input, maxBuffer: 1 << 28 });
  if (r.status === null || !String(r.stdout).includes('map_lookup')) return undefined;
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

const realOk = spawnSync('sh', ['-c', 'command -v sendmail && unshare --uts --net true'], { stdio: 'ignore' }).status === 0;
console.log(`map class lookups: ${lookups} keys (text and host: ${Math.min(lookups, 2000)}), files of ${lines} lines`);
for (const c of CASES) {
  const ours = await ourRate(c);
  let line = `${c.name.padEnd(8)} ours ${Math.round(ours).toString().padStart(9)}/s`;
  if (realOk) {
    const n = c.name === 'text' || c.name === 'host' ? Math.min(lookups, 2000) : lookups;
    const startup = realSeconds(c, 1);
    const total = realSeconds(c, n);
    if (startup !== undefined && total !== undefined) {
      const real = n / Math.max(total - startup, 1e-6);
      line += `   real ${Math.round(real).toString().padStart(9)}/s   ratio ours/real ${(ours / real).toFixed(2)}`;
    }
  } else line += '   (real sendmail not available)';
  console.log(line);
}
rmSync(dir, { recursive: true, force: true });
