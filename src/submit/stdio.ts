// `sendmail -bs`: one SMTP session on standard input and output, with the
// cf's policy; the client is the invoking user ("localhost"), as sendmail.

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
  await serveStream(input, output, { session, onError: (err) => warn(`sendmail: ${err.message}`) });
  // after QUIT the rest of the input is not read; an open terminal or pipe must not keep the process alive
  if ('destroy' in input && typeof input.destroy === 'function') input.destroy();
}
