// The smtp-server adapter: the only module that imports smtp-server.
//
// smtp-server (pinned at 3.21.6) gives us the listeners, connection limits,
// line framing and the DATA stream with dot-unstuffing.  Its own command
// handlers answer with fixed texts and a fixed enhanced-code table, VRFY is
// always 252, and there is no EXPN, ETRN or VERB, so the adapter takes over
// each connection's command dispatch (`_onCommand`), greeting
// (`_sendGreeting`), idle timeout (`_onTimeout`, `_armTimeout`) and reply
// writer (`send`), and hands every command to an SmtpSession.  Every byte
// written to a client is a Reply from the reply builder.  These hooks are
// internal to smtp-server; test/smtp-adapter.test.ts fails if an upgrade
// changes them.
//
// TLS: with the cf's certificate (src/smtp/tls.ts) a listener offers
// STARTTLS (unless M=S) and smtp-server's upgrade() runs the handshake after
// our 220; M=s listeners speak TLS from the start (SMTPS).  The session gets
// the TLS macros once the handshake is done.

import { promises as dns } from 'node:dns';
import type { AddressInfo } from 'node:net';
import type { Server, Socket } from 'node:net';
import type { PassThrough } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { SMTPServer } from 'smtp-server';
import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';
import { SMTPStream } from 'smtp-server/lib/smtp-stream.js';
import { BareLineEndScanner, type BareLineEnd } from './bare-line-ends.js';
import { DaemonChildren, type DaemonChildrenEvents } from './daemon-children.js';
import { formatReply, makeReply, type Reply } from './reply.js';
import { MAX_COMMAND_LINE } from './replies.js';
import { SmtpSession, type ClientInfo, type DaemonInfo, type SessionOptions } from './session.js';
import { tlsSessionMacros, type TlsServerSettings } from './tls.js';

/** One DAEMON_OPTIONS entry (O DaemonPortOptions=...). */
export interface ListenerSpec {
  name: string;
  port: number;
  addr: string;
  family: 'inet' | 'inet6';
  /** M= modifiers, e.g. "Ea". */
  modifiers: string;
}

const SERVICE_PORTS: Record<string, number> = { smtp: 25, submission: 587, smtps: 465 };

/**
 * Reads a DaemonPortOptions value, e.g. "Port=2525, Addr=127.0.0.1, Name=MTA, M=Ea".
 * Without Name= the daemon is "Daemon<index>" (its place among the
 * DaemonPortOptions, from 0), as sendmail names it.  Throws an Error naming
 * the bad field.
 */
export function parseDaemonOptions(value: string, index = 0): ListenerSpec {
  const spec: ListenerSpec = { name: `Daemon${index}`, port: 25, addr: '', family: 'inet', modifiers: '' };
  for (const part of value.split(',')) {
    const t = part.trim();
    if (t === '') continue;
    const eq = t.indexOf('=');
    if (eq < 0) throw new Error(`DaemonPortOptions: "${t}" is not key=value`);
    const key = t.slice(0, eq).trim();
    const val = t.slice(eq + 1).trim();
    switch (key.toLowerCase()) {
      case 'port':
      case 'p': {
        const port = /^\d+$/.test(val) ? Number(val) : SERVICE_PORTS[val.toLowerCase()];
        if (port === undefined || port > 65535) throw new Error(`DaemonPortOptions: Port=${val} is not a port number or known service`);
        spec.port = port;
        break;
      }
      case 'addr':
      case 'a':
        spec.addr = val;
        break;
      case 'family':
      case 'f':
        if (val !== 'inet' && val !== 'inet6') throw new Error(`DaemonPortOptions: Family=${val}: expected inet or inet6`);
        spec.family = val;
        break;
      case 'name':
      case 'n':
        spec.name = val;
        break;
      case 'modifier':
      case 'm':
        spec.modifiers = val;
        break;
      default:
        // Listen=, SndBufSize=, RcvBufSize=, InputMailFilters= are accepted and not used yet
        break;
    }
  }
  if (spec.addr === '') spec.addr = spec.family === 'inet6' ? '::' : '0.0.0.0';
  return spec;
}

/** sendmail's per-stage timeouts (Timeout.command, Timeout.datablock), in milliseconds. */
export interface Timeouts {
  command: number;
  datablock: number;
}

export const DEFAULT_TIMEOUTS: Timeouts = { command: 3600_000, datablock: 3600_000 };

export interface AdapterOptions {
  listeners: ListenerSpec[];
  /** Session options except the per-connection daemon and client facts. */
  session: Omit<SessionOptions, 'daemon' | 'client'>;
  /** Name of a client address: {client_name} and {client_resolve}. Default: reverse DNS. */
  resolveClient?: (addr: string) => Promise<{ name: string | undefined; resolve: string }>;
  timeouts?: Partial<Timeouts>;
  /** MaxDaemonChildren: open sessions over all listeners; at the limit the listeners close (src/smtp/daemon-children.ts); 0 for none. */
  maxClients?: number;
  /** The MaxDaemonChildren limit was reached / a slot is free again (for the mail log). */
  onChildrenLimit?: DaemonChildrenEvents;
  /** Called when a session ends with an error (storing a message failed, a policy threw). */
  onError?: (err: Error) => void;
  /** The server certificate (ServerCertFile/ServerKeyFile); absent: no STARTTLS, M=s listeners refuse to start. */
  tls?: TlsServerSettings;
}

/** What the adapter uses of smtp-server's SMTPConnection (pinned 3.21.6). */
interface Connection {
  _socket: Socket;
  _parser: LineParser | false;
  _ready: boolean;
  _closing: boolean;
  _closed: boolean;
  remoteAddress: string;
  remotePort: number;
  localAddress: string;
  localPort: number;
  _onCommand(command: Buffer, callback: () => void): void;
  _sendGreeting(): void;
  _onTimeout(): void;
  _armTimeout(socket?: Socket): void;
  send(code: number, data?: string | string[], context?: unknown): void;
  close(): void;
  _setListeners(callback: () => void): void;
  /** smtp-server's TLS upgrade: retires the parser (`resume` drains it), handshakes, pipes a new parser, then `secured`. */
  upgrade(resume: () => void, secured: () => void): void;
  connectionReady(): void;
  on(event: 'error', listener: (err: Error) => void): void;
}

interface ServerInternals {
  connections: Set<Connection>;
  connect(socket: Socket, socketOptions: unknown): void;
}

async function reverseLookup(addr: string): Promise<{ name: string | undefined; resolve: string }> {
  try {
    const names = await dns.reverse(addr);
    return { name: names[0], resolve: names[0] ? 'OK' : 'FAIL' };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { name: undefined, resolve: code === 'ENOTFOUND' ? 'FAIL' : 'TEMP' };
  }
}

/** Resolves true as soon as the client sends something within `ms`, false after `ms` of silence. */
function talksWithin(socket: Socket, ms: number, already: () => boolean): Promise<boolean> {
  if (already()) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onData = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    const timer = setTimeout(() => {
      socket.off('data', onData);
      resolve(false);
    }, ms);
    socket.once('data', onData);
  });
}

function stripMapped(addr: string): string {
  return addr.startsWith('::ffff:') && addr.includes('.') ? addr.slice(7) : addr;
}

/** One listening SMTP daemon socket per ListenerSpec, each connection driven by an SmtpSession. */
export class SmtpListeners {
  private readonly servers: SMTPServer[] = [];
  private readonly timeouts: Timeouts;
  private readonly children: DaemonChildren;

  constructor(private readonly opts: AdapterOptions) {
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...opts.timeouts };
    this.children = new DaemonChildren(opts.maxClients ?? 0, opts.onChildrenLimit);
  }

  /** Starts every listener; resolves with the bound addresses (port 0 gets a free port). */
  async start(): Promise<AddressInfo[]> {
    const bound: AddressInfo[] = [];
    for (const spec of this.opts.listeners) {
      const tls = this.opts.tls;
      const implicit = spec.modifiers.includes('s');
      if (implicit && !tls) throw new Error(`DaemonPortOptions Name=${spec.name}: M=s (SMTPS) needs ServerCertFile and ServerKeyFile`);
      const server = new SMTPServer({
        ...(tls ? { key: tls.key, cert: tls.cert, ...(tls.ca.length > 0 ? { ca: tls.ca } : {}), requestCert: tls.requestCert, rejectUnauthorized: false } : {}),
        secure: implicit,
        logger: false,
        disableReverseLookup: true,
        hideSTARTTLS: true,
        hideENHANCEDSTATUSCODES: true,
        authOptional: true,
        disabledCommands: ['STARTTLS', 'AUTH'],
        maxClients: 0,
        maxCommandLength: MAX_COMMAND_LINE,
        socketTimeout: this.timeouts.command,
      });
      this.hook(server, spec);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(spec.port, spec.addr, () => {
          server.off('error', reject);
          resolve();
        });
      });
      server.on('error', (err: Error) => this.opts.onError?.(err));
      this.servers.push(server);
      const inner = (server as unknown as { server: Server }).server;
      const address = inner.address() as AddressInfo;
      bound.push(address);
      this.children.add({ name: spec.name, server: inner, port: address.port, addr: spec.addr });
    }
    return bound;
  }

  /**
   * New certificate, key and CA (SIGHUP re-read ServerCertFile and the
   * rest): connections from now on get them, those open keep theirs.  A
   * daemon started without TLS stays without it.
   */
  updateTls(tls: TlsServerSettings): void {
    if (!this.opts.tls) return;
    this.opts.tls = tls;
    for (const server of this.servers) server.updateSecureContext({ key: tls.key, cert: tls.cert, ...(tls.ca.length > 0 ? { ca: tls.ca } : {}) });
  }

  /** Stops accepting connections and closes the open ones (smtp-server's close). */
  async close(): Promise<void> {
    this.children.stop();
    await Promise.all(this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    this.servers.length = 0;
  }

  /**
   * Replaces smtp-server's connect(): the same connection object, but driven
   * by us, and greeted at once (smtp-server waits 100 ms for early talkers;
   * sendmail does not, unless greet_pause asks for it).
   */
  private hook(server: SMTPServer, spec: ListenerSpec): void {
    const internals = server as unknown as ServerInternals;
    internals.connect = (socket: Socket, socketOptions: unknown): void => {
      const conn = new SMTPConnection(server, socket, socketOptions as never) as unknown as Connection;
      internals.connections.add(conn);
      this.children.opened(socket);
      conn.on('error', (err: Error) => this.opts.onError?.(err));
      const driver = this.drive(conn, spec);
      conn._setListeners(() => {
        // an SMTPS connection got a new parser for the TLS socket
        if (conn._parser) driver?.attach(conn._parser);
        conn.connectionReady();
      });
    };
  }

  private write(conn: Connection, reply: Reply): void {
    const socket = conn._socket;
    if (!socket.destroyed && socket.writable) socket.write(formatReply(reply));
  }

  /** Takes over one connection. */
  private drive(conn: Connection, spec: ListenerSpec): CommandDriver | undefined {
    const daemon: DaemonInfo = { name: spec.name, addr: spec.addr, port: spec.port, family: spec.family, modifiers: spec.modifiers };
    const tls = this.opts.tls;
    const implicitTls = tls !== undefined && spec.modifiers.includes('s');
    const noAuth = spec.modifiers.includes('A');
    const security: Partial<SessionOptions> = {
      startTls: tls !== undefined && !implicitTls && !spec.modifiers.includes('S'),
      auth: noAuth ? undefined : this.opts.session.auth,
      authRequired: !noAuth && spec.modifiers.includes('a'),
    };
    let session: SmtpSession | undefined;
    const fail = (err: unknown): void => {
      this.opts.onError?.(err instanceof Error ? err : new Error(String(err)));
      this.write(conn, makeReply(451, '4.3.0', 'Temporary system error'));
    };
    let sawInput = false;
    conn._socket.once('data', () => (sawInput = true));
    // the log's end of session (lost input channel, no MAIL, an open transaction's from= line)
    let heldBack = (): Uint8Array | undefined => undefined;
    conn._socket.once('close', () => session?.ended(heldBack()));
    const ready = new Promise<SmtpSession | undefined>((resolveReady) => {
      conn._sendGreeting = (): void => {
        void (async () => {
          const clientAddr = stripMapped(conn.remoteAddress);
          const resolved = await (this.opts.resolveClient ?? reverseLookup)(clientAddr);
          const client: ClientInfo = { addr: clientAddr, port: conn.remotePort, name: resolved.name, resolve: resolved.resolve };
          session = new SmtpSession({ ...this.opts.session, ...security, daemon, client });
          if (implicitTls) session.tlsStarted(tlsSessionMacros(conn._socket as TLSSocket, tls.requestCert));
          const answer = await session.start();
          const early = answer.greetPauseMs > 0 && (await talksWithin(conn._socket, answer.greetPauseMs, () => sawInput));
          this.write(conn, early ? session.earlyTalker() : answer.reply);
          if (answer.next === 'close') {
            conn.close();
            resolveReady(undefined);
          } else {
            resolveReady(session);
          }
        })().catch((err: unknown) => {
          fail(err);
          conn.close();
          resolveReady(undefined);
        });
      };
    });
    const parser = conn._parser;
    if (!parser) return undefined;
    const driver: CommandDriver = new CommandDriver(parser, ready, this.opts.session.maxMessageSize ?? 0, {
      write: (reply) => this.write(conn, reply),
      close: () => conn.close(),
      isClosed: () => conn._closing || conn._closed,
      fail,
      startTls: (resume, secured) =>
        conn.upgrade(resume, () => {
          // called from smtp-server's timers: an error here must end this connection, not the daemon
          try {
            if (conn._parser) driver.attach(conn._parser);
            secured(tlsSessionMacros(conn._socket as TLSSocket, tls?.requestCert ?? false));
          } catch (err) {
            this.opts.onError?.(err instanceof Error ? err : new Error(String(err)));
            conn.close();
          }
        }),
    });
    heldBack = () => driver.heldBack();
    conn._onCommand = driver.onCommand;

    conn._armTimeout = (socket: Socket = conn._socket): void => {
      socket.setTimeout(driver.inData ? this.timeouts.datablock : this.timeouts.command, () => conn._onTimeout());
    };
    // sendmail closes an idle connection without a reply
    conn._onTimeout = (): void => {
      if (conn._closing) {
        conn._socket.destroy();
        return;
      }
      conn.close();
    };
    // replies smtp-server still makes itself (line too long, shutting down): through the builder
    conn.send = (code: number, data?: string | string[]): void => {
      const text = (Array.isArray(data) ? data.join(' ') : (data ?? '')).replace(/^Error: /, '');
      let reply: Reply;
      if (/^Command line too long/.test(text) && session) reply = session.commandTooLong();
      else if (code >= 400 && code < 600) reply = makeReply(code, `${Math.floor(code / 100)}.0.0`, `${this.opts.session.identity.hostName} ${text}`);
      else reply = makeReply(code, undefined, text);
      this.write(conn, reply);
      if (code === 421) conn.close();
    };
    return driver;
  }
}

/** What CommandDriver needs of smtp-server's SMTPStream. */
interface LineParser {
  startDataMode(max?: number): PassThrough;
  continue(): void;
  _remainder: string;
  /** The last bytes of message data, kept until the next chunk shows whether they end the message. */
  _lastBytes?: Buffer | false;
  _write: (chunk: Buffer, enc: string, next: (err?: Error) => void) => void;
}

interface DriverIo {
  write(reply: Reply): void;
  close(): void;
  isClosed(): boolean;
  fail(err: unknown): void;
  /** Runs the TLS handshake after STARTTLS's 220; `resume` lets the old parser drain, `secured` gets the TLS macros. */
  startTls?(resume: () => void, secured: (tlsMacros: Map<string, string>) => void): void;
}

/**
 * Feeds the command lines and message data of one SMTPStream to an
 * SmtpSession and writes its replies: shared by socket connections and
 * `sendmail -bs` on standard input.
 */
class CommandDriver {
  /** True while the message data is being received. */
  inData = false;
  /** Complete lines the client has sent that were not yet handled (pipelining). */
  private linesQueued = 0;
  /** Parsers whose input is already counted. */
  private readonly patched = new WeakSet<LineParser>();
  /** Looks for bare CR/LF in the DATA phase in progress. */
  private dataScanner: BareLineEndScanner | undefined;
  private session: SmtpSession | undefined;

  constructor(
    private parser: LineParser,
    private readonly ready: Promise<SmtpSession | undefined>,
    private readonly maxSize: number,
    private readonly io: DriverIo,
  ) {
    this.attach(parser);
  }

  /** Message data received but not yet passed on (the parser keeps the last bytes back): counted when the connection is lost in DATA. */
  heldBack(): Uint8Array | undefined {
    return this.inData && this.parser._lastBytes ? this.parser._lastBytes : undefined;
  }

  /** Reads from `parser` from now on (the new one after a TLS upgrade). */
  attach(parser: LineParser): void {
    this.parser = parser;
    if (this.patched.has(parser)) return;
    this.patched.add(parser);
    this.linesQueued = 0;
    const write = parser._write.bind(parser);
    parser._write = (chunk, enc, next): void => {
      if (!this.inData) {
        for (const byte of chunk) if (byte === 0x0a) this.linesQueued++;
      } else if (this.dataScanner && !this.dataScanner.ended) {
        const bare = this.dataScanner.feed(chunk);
        if (bare) {
          // refused at once, as sendmail does: the rest of the data is not read
          this.refuseData(bare);
          next();
          return;
        }
      }
      write(chunk, enc, next);
    };
  }

  readonly onCommand = (command: Buffer, callback: () => void): void => {
    this.linesQueued = Math.max(0, this.linesQueued - 1);
    const pending = this.linesQueued > 0 || this.parser._remainder.length > 0;
    void (async () => {
      const session = await this.ready;
      if (!session || this.io.isClosed()) return;
      const answer = await session.command(command.toString('latin1'), pending);
      this.io.write(answer.reply);
      if (answer.next === 'close') {
        this.io.close();
        return;
      }
      if (answer.next === 'starttls' && this.io.startTls) {
        this.io.startTls(callback, (tlsMacros) => session.tlsStarted(tlsMacros));
        return;
      }
      if (answer.next === 'data') {
        this.inData = true;
        this.linesQueued = 0;
        this.session = session;
        this.dataScanner = new BareLineEndScanner();
        this.receiveData(session);
      }
      callback();
    })().catch((err: unknown) => {
      this.io.fail(err);
      callback();
    });
  };

  /** A bare CR or LF in the message: the session's 421, and the connection closed. */
  private refuseData(bare: BareLineEnd): void {
    this.inData = false;
    const session = this.session;
    if (!session || this.io.isClosed()) return;
    this.io.write(session.refuseBareLineEnd(bare));
    this.io.close();
  }

  /** DATA: collects the message (up to the size limit plus one chunk), then lets the session answer. */
  private receiveData(session: SmtpSession): void {
    const stream = this.parser.startDataMode(0);
    const chunks: Buffer[] = [];
    let kept = 0;
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      session.receiving(chunk);
      if (this.maxSize === 0 || kept <= this.maxSize) {
        chunks.push(chunk);
        kept += chunk.length;
      }
    });
    stream.on('end', () => {
      this.inData = false;
      void session
        .message(Buffer.concat(chunks), size)
        .then((reply) => this.io.write(reply))
        .catch((err: unknown) => this.io.fail(err))
        .finally(() => this.parser.continue());
    });
  }
}

export interface StreamSessionOptions {
  /** Session options except the daemon and client facts. */
  session: Omit<SessionOptions, 'daemon' | 'client'>;
  /** The client; sendmail -bs: address "0", no name, $_ "user@localhost". */
  client?: ClientInfo;
  onError?: (err: Error) => void;
}

/**
 * One SMTP session on a pair of streams (`sendmail -bs`: standard input and
 * output).  Resolves when the client quits or the input ends.
 */
export function serveStream(input: NodeJS.ReadableStream, output: NodeJS.WritableStream, opts: StreamSessionOptions): Promise<void> {
  const parser = new SMTPStream({ maxCommandLength: MAX_COMMAND_LINE });
  const session = new SmtpSession({
    ...opts.session,
    daemon: { name: '', addr: '', port: 0, family: 'inet', modifiers: 'cu' },
    client: opts.client ?? { addr: '0', port: 0, name: '', resolve: '', description: 'root@localhost' },
  });
  return new Promise<void>((resolve) => {
    let closed = false;
    const close = (): void => {
      if (closed) return;
      closed = true;
      session.ended(driver.heldBack());
      input.unpipe(parser);
      resolve();
    };
    const io: DriverIo = {
      write: (reply) => {
        if (!closed) output.write(formatReply(reply));
      },
      close,
      isClosed: () => closed,
      fail: (err) => {
        opts.onError?.(err instanceof Error ? err : new Error(String(err)));
        io.write(makeReply(451, '4.3.0', 'Temporary system error'));
      },
    };
    const ready = session.start().then((answer) => {
      io.write(answer.reply);
      if (answer.next === 'close') {
        close();
        return undefined;
      }
      return session;
    });
    const driver = new CommandDriver(parser as unknown as LineParser, ready, opts.session.maxMessageSize ?? 0, io);
    parser.oncommand = driver.onCommand;
    parser.on('error', () => {
      io.write(session.commandTooLong());
      close();
    });
    parser.on('finish', () => void ready.then(close));
    input.pipe(parser);
  });
}
