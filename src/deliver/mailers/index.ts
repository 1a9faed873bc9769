// src/deliver/mailers — the local delivery agents: mailbox files under a dot
// lock (local.ts), programs through /bin/sh with optional smrsh restriction
// (program.ts), files under SafeFileEnvironment rules (file.ts), the mbox
// entry format they share (mbox-format.ts), and what exit codes mean
// (sysexits.ts).  Each returns a DeliveryResult (../status.ts).

export { deliverToMailbox, acquireDotLock, type MailboxDeliveryRequest } from './local.js';
export { deliverToProgram, smrshCheck, type ProgramDeliveryRequest, type SmrshCheck } from './program.js';
export { deliverToFile, resolveSafePath, type FileDeliveryRequest } from './file.js';
export { mboxEntry, fromLine, ctimeDate, type MboxOptions } from './mbox-format.js';
export * from './sysexits.js';
