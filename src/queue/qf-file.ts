// sendmail 8.17's queue control file (qf) format: reading and writing an
// Envelope.  Lines are bytes (latin1 strings here); a line starting with a
// TAB or space continues the previous one; the file ends with a line ".".
// Macro references inside header values are the byte 0x81 followed by the
// macro name, as sendmail stores them ("Return-Path: <\x81g>").

import type { Envelope, QueuedHeader, QueuedRecipient, RecipientFlags } from './envelope.js';

/** The byte sendmail uses for "$" (a macro reference) inside queued headers. */
export const MACRO_EXPAND = '\x81';

export class QfFormatError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    message: string,
  ) {
    super(`${file}:${line}: ${message}`);
    this.name = 'QfFormatError';
  }
}

function recipientFlagLetters(f: RecipientFlags): string {
  return (
    (f.primary ? 'P' : '') +
    (f.notifyGiven ? 'N' : '') +
    (f.notifySuccess ? 'S' : '') +
    (f.notifyFailure ? 'F' : '') +
    (f.notifyDelay ? 'D' : '') +
    f.other
  );
}

function parseRecipientFlags(letters: string): RecipientFlags {
  const flags: RecipientFlags = {
    primary: false,
    notifySuccess: false,
    notifyFailure: false,
    notifyDelay: false,
    notifyGiven: false,
    other: '',
  };
  for (const ch of letters) {
    switch (ch) {
      case 'P':
        flags.primary = true;
        break;
      case 'S':
        flags.notifySuccess = true;
        break;
      case 'F':
        flags.notifyFailure = true;
        break;
      case 'D':
        flags.notifyDelay = true;
        break;
      case 'N':
        flags.notifyGiven = true;
        break;
      default:
        flags.other += ch;
    }
  }
  return flags;
}

function macroLine(name: string, value: string): string {
  return name.length === 1 ? `$${name}${value}` : `\${${name}}${value}`;
}

/** The qf file text for an envelope (latin1 string; write it with 'latin1' encoding). */
export function formatQf(env: Envelope): string {
  const out: string[] = [];
  out.push(`V${env.version}`);
  out.push(`T${env.createdAt}`);
  out.push(`K${env.lastAttempt}`);
  out.push(`N${env.attempts}`);
  out.push(`P${env.priority}`);
  if (env.dataInode !== undefined) out.push(`I${env.dataInode}`);
  if (env.statusMessage !== undefined) out.push(`M${env.statusMessage}`);
  if (env.bodyType !== undefined) out.push(`B${env.bodyType}`);
  if (env.flags !== '') out.push(`F${env.flags}`);
  if (env.dataDirectory !== undefined) out.push(`d${env.dataDirectory}`);
  for (const [name, value] of env.macros) out.push(macroLine(name, value));
  if (env.quarantineReason !== undefined) out.push(`q${env.quarantineReason}`);
  out.push(`S${env.sender}`);
  if (env.auth !== undefined) out.push(`A${env.auth}`);
  if (env.envelopeId !== undefined) out.push(`Z${env.envelopeId}`);
  for (const line of env.unknownLines) out.push(line);
  let controller: string | undefined;
  for (const r of env.recipients) {
    // a C line applies to the R lines after it, up to the next C line
    if (r.controller !== controller) out.push(`C${r.controller ?? ''}`);
    controller = r.controller;
    if (r.originalRecipient !== undefined) out.push(`Q${r.originalRecipient}`);
    if (r.finalRecipient !== undefined) out.push(`r${r.finalRecipient}`);
    out.push(`R${recipientFlagLetters(r.flags)}:${r.address}`);
  }
  for (const h of env.headers) out.push(`H?${h.conditions}?${h.name}:${h.value}`);
  out.push('.');
  return out.join('\n') + '\n';
}

function parseNumber(file: string, lineNo: number, letter: string, text: string): number {
  if (!/^-?\d+$/.test(text)) throw new QfFormatError(file, lineNo, `${letter} line: expected a number, got "${text}"`);
  return Number(text);
}

function parseHeader(file: string, lineNo: number, text: string): QueuedHeader {
  let conditions = '';
  let rest = text;
  if (rest.startsWith('?')) {
    const end = rest.indexOf('?', 1);
    if (end < 0) throw new QfFormatError(file, lineNo, 'H line: unterminated ?conditions?');
    conditions = rest.slice(1, end);
    rest = rest.slice(end + 1);
  }
  const colon = rest.indexOf(':');
  if (colon <= 0) throw new QfFormatError(file, lineNo, 'H line: expected "Name: value"');
  return { conditions, name: rest.slice(0, colon), value: rest.slice(colon + 1) };
}

/**
 * Reads a qf file's text.  `file` names it in errors.  Throws QfFormatError
 * on a malformed file (a missing final ".", a bad number, a record without
 * its fields) so that the caller can set the file aside.
 */
export function parseQf(text: string, id: string, file: string): Envelope {
  const physical = text.split('\n');
  if (physical[physical.length - 1] === '') physical.pop();
  // join continuation lines
  const logical: { text: string; lineNo: number }[] = [];
  physical.forEach((line, i) => {
    if ((line.startsWith('\t') || line.startsWith(' ')) && logical.length > 0) {
      const last = logical[logical.length - 1];
      if (last) last.text += `\n${line}`;
    } else {
      logical.push({ text: line, lineNo: i + 1 });
    }
  });
  const env: Envelope = {
    id,
    version: 0,
    createdAt: 0,
    lastAttempt: 0,
    attempts: 0,
    priority: 0,
    flags: '',
    sender: '',
    recipients: [],
    macros: new Map(),
    headers: [],
    unknownLines: [],
  };
  let sawEnd = false;
  let sawSender = false;
  let pendingQ: string | undefined;
  let pendingR: string | undefined;
  let controller: string | undefined;
  for (const { text: line, lineNo } of logical) {
    if (sawEnd) throw new QfFormatError(file, lineNo, 'text after the final "." line');
    if (line === '.') {
      sawEnd = true;
      continue;
    }
    const letter = line[0] ?? '';
    const rest = line.slice(1);
    switch (letter) {
      case 'V':
        env.version = parseNumber(file, lineNo, 'V', rest);
        break;
      case 'T':
        env.createdAt = parseNumber(file, lineNo, 'T', rest);
        break;
      case 'K':
        env.lastAttempt = parseNumber(file, lineNo, 'K', rest);
        break;
      case 'N':
        env.attempts = parseNumber(file, lineNo, 'N', rest);
        break;
      case 'P':
        env.priority = parseNumber(file, lineNo, 'P', rest);
        break;
      case 'I':
        env.dataInode = rest;
        break;
      case 'M':
        env.statusMessage = rest;
        break;
      case 'q':
        env.quarantineReason = rest;
        break;
      case 'B':
        env.bodyType = rest;
        break;
      case 'F':
        env.flags += rest;
        break;
      case 'd':
        env.dataDirectory = rest;
        break;
      case 'A':
        env.auth = rest;
        break;
      case 'Z':
        env.envelopeId = rest;
        break;
      case 'S':
        env.sender = rest;
        sawSender = true;
        break;
      case '$': {
        if (rest.startsWith('{')) {
          const end = rest.indexOf('}');
          if (end < 0) throw new QfFormatError(file, lineNo, '$ line: unterminated {macro name}');
          env.macros.set(rest.slice(1, end), rest.slice(end + 1));
        } else if (rest.length > 0) {
          env.macros.set(rest[0] ?? '', rest.slice(1));
        } else {
          throw new QfFormatError(file, lineNo, '$ line: expected a macro name');
        }
        break;
      }
      case 'C':
        controller = rest === '' ? undefined : rest;
        break;
      case 'Q':
        pendingQ = rest;
        break;
      case 'r':
        pendingR = rest;
        break;
      case 'R': {
        const colon = rest.indexOf(':');
        // version 1+ files carry "flags:" before the address; an address may itself hold ':'
        const hasFlags = env.version >= 1 && colon >= 0 && /^[A-Za-z]*$/.test(rest.slice(0, colon));
        const recipient: QueuedRecipient = {
          address: hasFlags ? rest.slice(colon + 1) : rest,
          flags: parseRecipientFlags(hasFlags ? rest.slice(0, colon) : ''),
        };
        if (pendingQ !== undefined) recipient.originalRecipient = pendingQ;
        if (pendingR !== undefined) recipient.finalRecipient = pendingR;
        if (controller !== undefined) recipient.controller = controller;
        if (recipient.address === '') throw new QfFormatError(file, lineNo, 'R line: empty recipient address');
        env.recipients.push(recipient);
        pendingQ = undefined;
        pendingR = undefined;
        break;
      }
      case 'H':
        env.headers.push(parseHeader(file, lineNo, rest));
        break;
      case '':
        throw new QfFormatError(file, lineNo, 'empty line');
      default:
        env.unknownLines.push(line);
    }
  }
  if (!sawEnd) throw new QfFormatError(file, physical.length, 'missing the final "." line (truncated file?)');
  if (!sawSender) throw new QfFormatError(file, physical.length, 'no S (sender) line');
  return env;
}
