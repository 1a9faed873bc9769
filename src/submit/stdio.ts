// `sendmail -bs`: one SMTP session on standard input and output, with the
// cf's policy.  Who the client is depends on what standard input is, as in
// real sendmail 8.17:
//   - a pipe or a terminal: the invoking user ("user@localhost", address
//     "0", no name) -- a local submission;
//   - a TCP socket (inetd, xinetd, a systemd socket unit with Accept=yes):
//     the peer, as the daemon names its clients ({client_addr} the peer's
//     address, {client_name} its name, {client_port}), so check_relay, the
//     access map and the relaying rules judge the remote host, not a local
//     user;
//   - a UNIX-domain socket: "localhost" at "[UNIX:localhost]".
import { fstatSync } from 'node:fs';
import os from 'node:os';
import type { Socket } from 'node:net';
import type { LoadedConfig } from '../config/loader.js';
import { serveStream, type ClientInfo } from '../smtp/index.js';
import { resolveClientAddress, sessionOptionsFromConfig } from './session-options.js';

export async function serveStdio(
  loaded: LoadedConfig,
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
  warn: (m: string) => void,
): Promise<void> {
  const session = await sessionOptionsFromConfig(loaded, warn);
  const client = await clientOfInput(input);
  await serveStream(input, output, { session, client, onError: (err) => warn(`sendmail: ${err.message}`) });
  // after QUIT the rest of the input is not read; an open terminal or pipe must not keep the process alive
  if ('destroy' in input && typeof input.destroy === 'function') input.destroy();
}

/** The client on the other end of standard input (see the header). */
export async function clientOfInput(input: NodeJS.ReadableStream, fd = 0): Promise<ClientInfo> {
  let socket = false;
  try {
    socket = fstatSync(fd).isSocket();
  } catch {
    // no standard input: a local submission
  }
  if (!socket) return { addr: '0', port: 0, name: '', resolve: '', description: `${os.userInfo().username}@localhost` };
  const peer = input as Partial<Socket>;
  const remote = peer.remoteAddress;
  if (remote === undefined) return { addr: '[UNIX:localhost]', port: 0, name: 'localhost', resolve: '', description: 'localhost [[UNIX: localhost]]' };
  const addr = remote.startsWith('::ffff:') && remote.includes('.') ? remote.slice(7) : remote;
  // -bs leaves {client_resolve} empty, even when the name was found
  const { name } = await resolveClientAddress(addr);
  return { addr, port: peer.remotePort ?? 0, name, resolve: '' };
}
