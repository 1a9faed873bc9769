/**
 * The `socket` class: sendmail's socket map protocol.  The K line names the
 * server like a milter: `inet:PORT@HOST`, `inet6:PORT@HOST`, `unix:PATH` or
 * `local:PATH`.  A lookup sends the netstring `MAPNAME KEY` and reads the
 * netstring `STATUS RESULT`: OK (found, `%1`.. substituted), NOTFOUND
 * (status 68), TEMP / TIMEOUT (temporary failure), PERM (status 69), any
 * other word status 76 — the codes sendmail gives.  The connection stays open
 * across lookups (one request at a time) and is made again after an error.
 * -d sets the time limit in seconds (default 5).  Keys fold to lower case
 * unless -f.
 */
import { connect, type Socket } from 'node:net';
import { existsSync } from 'node:fs';
import { foundResult, MapOpenError, normalizeMapKey, NOT_FOUND_68, rawFlagValue, TEMP_FAIL_75 } from '../common.js';
import { registerMapClass } from '../registry.js';
import type { LookupResult, MapDecl, MapEnvironment, SendmailMap } from '../types.js';

export type SocketSpec = { kind: 'inet'; host: string; port: number } | { kind: 'unix'; path: string };

/** Parse `inet:PORT@HOST` / `inet6:PORT@HOST` / `unix:PATH` / `local:PATH`. */
export function parseSocketSpec(spec: string): SocketSpec | string {
  const colon = spec.indexOf(':');
  if (colon < 0) return `unknown socket type ${spec}`;
  const kind = spec.slice(0, colon).toLowerCase();
  const rest = spec.slice(colon + 1);
  if (kind === 'unix' || kind === 'local') return { kind: 'unix', path: rest };
  if (kind === 'inet' || kind === 'inet6') {
    const at = rest.indexOf('@');
    const port = Number(at >= 0 ? rest.slice(0, at) : rest);
    const host = at >= 0 ? rest.slice(at + 1) : kind === 'inet6' ? '::1' : '127.0.0.1';
    if (!Number.isInteger(port) || port <= 0 || port > 65535) return `invalid port number ${rest}`;
    return { kind: 'inet', host: host.replace(/^\[|\]$/g, ''), port };
  }
  return `unknown socket type ${kind}`;
}

/** `len:text,` */
export function netstring(text: string): Buffer {
  const body = Buffer.from(text, 'latin1');
  return Buffer.concat([Buffer.from(`${body.length}:`), body, Buffer.from(',')]);
}

/** A complete netstring at the start of `buf`: [text, bytesUsed], undefined if incomplete, string if malformed. */
export function readNetstring(buf: Buffer): [string, number] | undefined | Error {
  const colon = buf.indexOf(0x3a);
  if (colon < 0) return buf.length > 10 ? new Error('bad netstring length') : undefined;
  const lenText = buf.subarray(0, colon).toString('latin1');
  if (!/^\d{1,9}$/.test(lenText)) return new Error('bad netstring length');
  const len = Number(lenText);
  if (buf.length < colon + 1 + len + 1) return undefined;
  if (buf[colon + 1 + len] !== 0x2c) return new Error('netstring missing comma');
  return [buf.subarray(colon + 1, colon + 1 + len).toString('latin1'), colon + 2 + len];
}

class SocketMap implements SendmailMap {
  private socket: Socket | undefined;
  private pending: Buffer = Buffer.alloc(0);
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly decl: MapDecl,
    private readonly env: MapEnvironment,
    private readonly spec: SocketSpec,
    private readonly timeoutMs: number,
  ) {}

  lookup(key: string, args: readonly string[]): Promise<LookupResult> {
    const run = this.queue.then(() => this.ask(key, args));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async ask(key: string, args: readonly string[]): Promise<LookupResult> {
    let reply: string;
    try {
      reply = await this.exchange(`${this.decl.name} ${normalizeMapKey(key, this.decl.flags)}`);
    } catch (err) {
      this.drop();
      this.env.report(`socket map "${this.decl.name}": ${(err as Error).message}`);
      return TEMP_FAIL_75;
    }
    const space = reply.indexOf(' ');
    const status = space >= 0 ? reply.slice(0, space) : reply;
    const value = space >= 0 ? reply.slice(space + 1) : '';
    switch (status) {
      case 'OK': return foundResult(value, key, args, this.decl.flags);
      case 'NOTFOUND': return NOT_FOUND_68;
      case 'TEMP':
      case 'TIMEOUT': return TEMP_FAIL_75;
      case 'PERM': return { status: 'notfound', code: 69 };
      default: return { status: 'notfound', code: 76 }; // EX_PROTOCOL, as sendmail
    }
  }

  private exchange(request: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = this.socket ?? this.open();
      let done = false;
      const finish = (err: Error | undefined, text?: string): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        socket.off('data', onData);
        socket.off('error', onError);
        socket.off('close', onClose);
        if (err) reject(err);
        else resolve(text ?? '');
      };
      const tryParse = (): void => {
        const got = readNetstring(this.pending);
        if (got === undefined) return;
        if (got instanceof Error) return finish(got);
        this.pending = this.pending.subarray(got[1]);
        finish(undefined, got[0]);
      };
      const onData = (chunk: Buffer): void => {
        this.pending = Buffer.concat([this.pending, chunk]);
        tryParse();
      };
      const onError = (err: Error): void => finish(err);
      const onClose = (): void => finish(new Error('connection closed by server'));
      const timer = setTimeout(() => finish(new Error('timeout waiting for reply')), this.timeoutMs);
      socket.on('data', onData);
      socket.on('error', onError);
      socket.on('close', onClose);
      socket.write(netstring(request));
    });
  }

  private open(): Socket {
    this.pending = Buffer.alloc(0);
    const s = this.spec.kind === 'unix' ? connect(this.spec.path) : connect(this.spec.port, this.spec.host);
    s.on('error', () => this.drop());
    this.socket = s;
    return s;
  }

  private drop(): void {
    this.socket?.destroy();
    this.socket = undefined;
  }

  close(): void {
    this.drop();
  }
}

registerMapClass('socket', (decl: MapDecl, env: MapEnvironment) => {
  const specText = decl.args[0];
  if (specText === undefined) throw new MapOpenError(`No file name for socket map ${decl.name}`, decl.pos);
  const spec = parseSocketSpec(specText);
  if (typeof spec === 'string') throw new MapOpenError(`socket map "${decl.name}": ${spec}`, decl.pos);
  const seconds = Number(rawFlagValue(decl.flags, 'd') ?? '5');
  const map = new SocketMap(decl, env, spec, (Number.isFinite(seconds) && seconds > 0 ? seconds : 5) * 1000);
  if (spec.kind === 'unix' && !existsSync(spec.path)) {
    let reported = false;
    return {
      decl,
      lookup(key: string, args: readonly string[]): LookupResult | Promise<LookupResult> {
        if (existsSync(spec.path)) return map.lookup(key, args);
        if (!reported) env.report(`socket map "${decl.name}": local socket name ${spec.path} unsafe: No such file or directory`);
        reported = true;
        return TEMP_FAIL_75;
      },
      close: () => map.close(),
    };
  }
  return map;
});
