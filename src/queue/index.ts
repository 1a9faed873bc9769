// src/queue — the mail queue in sendmail 8.17's format, so that an existing
// /var/spool/mqueue can be taken over: the envelope model (envelope.ts), qf
// files (qf-file.ts), queue ids (queue-id.ts), the queue directory with
// durable writes and corrupt files set aside as Qf (queue-directory.ts), and
// the mailq / sendmail -bp listing (listing.ts, printQueue).
export { newEnvelope, defaultRecipientFlags, type Envelope, type QueuedRecipient, type QueuedHeader, type RecipientFlags } from './envelope.js';
export { parseQf, formatQf, QfFormatError, MACRO_EXPAND } from './qf-file.js';
export { QueueIdGenerator, QUEUE_ID_SHAPE } from './queue-id.js';
export { QueueDirectory, controlKind, expandQueueDirectory, type ControlKind, type QueueEntry, type SetAsideFile } from './queue-directory.js';
export { printQueue, formatQueueListing, formatQueueBlock, sortEntries, type ListingOptions } from './listing.js';
