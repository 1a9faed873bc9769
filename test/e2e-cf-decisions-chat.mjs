// The SMTP client of the cf-decisions test: one connection to 127.0.0.1:PORT
// from each LOCAL_ADDR at the same time, each sending the script's lines
// (a file; "<DATA>" starts a message sent whole up to its "." line) one
// after the complete reply to the previous one.  Prints one JSON object:
// address -> transcript lines (">>> command" and every reply line).
// usage: node e2e-cf-decisions-chat.mjs PORT SCRIPT ADDR...
import net from 'node:net';
import fs from 'node:fs';

const [port, scriptFile, ...clients] = process.argv.slice(2);
const lines = fs.readFileSync(scriptFile, 'latin1').split('\n');
if (lines[lines.length - 1] === '') lines.pop();
const LIMIT_MS = 90_000;

function chat(localAddress) {
  return new Promise((resolve) => {
    const out = [];
    const s = net.connect({ port: Number(port), host: '127.0.0.1', localAddress });
    const timer = setTimeout(() => { out.push('timeout'); s.destroy(); resolve(out); }, LIMIT_MS);
    let buf = '';
    let i = 0;
    const next = () => {
      if (i >= lines.length) return s.end();
      const l = lines[i++];
      if (l === '<DATA>') {
        let body = '';
        while (i < lines.length) {
          const x = lines[i++];
          body += x + '\r\n';
          if (x === '.') break;
        }
        out.push('>>> (message)');
        s.write(body);
        return;
      }
      out.push('>>> ' + l);
      s.write(l + '\r\n');
    };
    s.on('data', (d) => {
      buf += d.toString('latin1');
      let n;
      while ((n = buf.indexOf('\r\n')) >= 0) {
        const l = buf.slice(0, n);
        buf = buf.slice(n + 2);
        out.push(l);
        if (/^\d{3}( |$)/.test(l)) next();
      }
    });
    s.on('error', (e) => out.push('error: ' + e.message));
    s.on('close', () => { clearTimeout(timer); resolve(out); });
  });
}

const results = await Promise.all(clients.map(chat));
process.stdout.write(JSON.stringify(Object.fromEntries(clients.map((c, k) => [c, results[k]]))) + '\n');
