// `sendmail -bs`: one SMTP session on standard input and output, with the
// cf's policy; the client is the invoking user ("user@localhost", address
// "0", no name), as real sendmail 8.17 shows in the greeting and HELO reply.

import os from 'node:os';
import type { LoadedConfig } from '../config/loader.js';
import { serveStream } from '../smtp/adapter.js';
import { sessionOptionsFromConfig } from './session-options.js';

export async function serveStdio(
  loaded: LoadedConfig,
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
  warn: (m: string) => void,
): Promise<void> {
  const session = await sessionOptionsFromConfig(loaded, warn);
  const client = { addr: '0', port: 0, name: '', resolve: '', description: `${os.userInfo().username}@localhost` };
  await serveStream(input, output, { session, client, onError: (err) => warn(`sendmail: ${err.message}`) });
  // after QUIT the rest of the input is not read; an open terminal or pipe must not keep the process alive
  if ('destroy' in input && typeof input.destroy === 'function') input.destroy();
}
