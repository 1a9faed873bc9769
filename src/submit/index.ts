// src/submit — the `sendmail` modes that take mail, built on a loaded cf:
// the SMTP daemon (-bd, -bD in the foreground) with the cf's policy
// (daemon.ts), SMTP on standard input and output (-bs, stdio.ts), local
// submission of a message from standard input (-bm, -t, local.ts) and
// address verification (-bv, verify.ts).  session-options.ts turns the
// cf's options into the SMTP session's settings, shared by all of them.
export { sessionOptionsFromConfig, daemonListeners } from './session-options.js';
export { runCfDaemon, type CfDaemonOptions } from './daemon.js';
export { serveStdio } from './stdio.js';
export { submitLocal, type LocalSubmitOptions } from './local.js';
export { verifyAddresses } from './verify.js';
