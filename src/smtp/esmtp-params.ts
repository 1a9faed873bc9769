// ESMTP parameters of MAIL and RCPT (SIZE, BODY, RET, ENVID, AUTH, NOTIFY,
// ORCPT) checked as sendmail 8.17 checks them, with its replies.

import type { RecipientFlags } from '../queue/envelope.js';
import { defaultRecipientFlags } from '../queue/envelope.js';
import { makeReply, type Reply } from './reply.js';
import * as R from './replies.js';

/** Parameters as given: upper-case keyword and value (undefined when there was no "="). */
export type ParamList = readonly (readonly [string, string | undefined])[];

/** Parameters after checking, by upper-case keyword (the last one of a repeated SIZE or BODY wins). */
export type Params = Map<string, string>;

export type Checked<T> = { ok: true; value: T } | { ok: false; reply: Reply };

const fail = <T>(reply: Reply): Checked<T> => ({ ok: false, reply });

/** Splits the words after the address into keyword/value pairs. */
export function parseParamWords(tail: string): [string, string | undefined][] {
  const out: [string, string | undefined][] = [];
  for (const word of tail.split(/[ \t]+/)) {
    if (word === '') continue;
    const eq = word.indexOf('=');
    out.push(eq < 0 ? [word.toUpperCase(), undefined] : [word.slice(0, eq).toUpperCase(), word.slice(eq + 1)]);
  }
  return out;
}

const requiresValue = (key: string): Reply => makeReply(501, '5.5.2', `${key} requires a value`);
const duplicate = (key: string): Reply => makeReply(501, '5.5.0', `Duplicate ${key} parameter`);

/** A DSN parameter while DSN is not offered (PrivacyOptions noreceipts, srv_features D). */
const dsnNotAllowed = (key: string): Reply => makeReply(504, '5.7.0', `Sorry, ${key} not supported, we do not allow DSN`);

/** MAIL parameters; `maxSize` is MaxMessageSize (0 for none); `dsn` false refuses RET and ENVID. */
export function checkMailParams(list: ParamList, maxSize: number, dsn = true): Checked<Params> {
  const params: Params = new Map();
  for (const [key, value] of list) {
    if (!dsn && (key === 'RET' || key === 'ENVID')) return fail(dsnNotAllowed(key));
    switch (key) {
      case 'SIZE':
      case 'BODY':
      case 'RET':
        if (value === undefined) return fail(requiresValue(key));
        break;
      case 'ENVID':
      case 'AUTH':
        break;
      default:
        return fail(R.parameterUnrecognized(key));
    }
    const v = value ?? '';
    if (['RET', 'ENVID', 'AUTH'].includes(key) && params.has(key)) return fail(duplicate(key));
    if (key === 'SIZE' && maxSize > 0 && /^\d+$/.test(v) && Number(v) > maxSize) return fail(R.sizeExceedsAtMail(maxSize));
    if (key === 'BODY' && !['7BIT', '8BITMIME'].includes(v.toUpperCase())) return fail(R.unknownBodyType(v));
    if (key === 'RET' && !['HDRS', 'FULL'].includes(v.toUpperCase())) return fail(makeReply(501, '5.5.2', `Bad argument "${v}" to RET`));
    params.set(key, v);
  }
  return { ok: true, value: params };
}

export interface RcptParams {
  params: Params;
  flags: RecipientFlags;
  /** ORCPT= as given. */
  originalRecipient: string | undefined;
}

const NOTIFY_WORDS = ['NEVER', 'SUCCESS', 'FAILURE', 'DELAY'];
const badNotify = (word: string): Reply => makeReply(501, '5.5.4', `Bad argument "${word}"  to NOTIFY`);

/** RCPT parameters: NOTIFY and ORCPT (`dsn` false refuses them). */
export function checkRcptParams(list: ParamList, dsn = true): Checked<RcptParams> {
  const params: Params = new Map();
  const flags = defaultRecipientFlags();
  let originalRecipient: string | undefined;
  for (const [key, value] of list) {
    if (!dsn && (key === 'NOTIFY' || key === 'ORCPT')) return fail(dsnNotAllowed(key));
    const v = value ?? '';
    if (key === 'NOTIFY') {
      const words = v.split(',').map((w) => w.toUpperCase());
      const bad = words.find((w) => !NOTIFY_WORDS.includes(w));
      if (bad !== undefined) return fail(badNotify(v.split(',')[words.indexOf(bad)] ?? bad));
      if (words.includes('NEVER') && words.length > 1) return fail(badNotify('NEVER'));
      flags.notifyGiven = true;
      flags.notifySuccess = words.includes('SUCCESS');
      flags.notifyFailure = words.includes('FAILURE');
      flags.notifyDelay = words.includes('DELAY');
    } else if (key === 'ORCPT') {
      if (originalRecipient !== undefined) return fail(duplicate('ORCPT'));
      if (!v.includes(';')) return fail(makeReply(501, '5.5.4', 'Syntax error in ORCPT parameter value'));
      originalRecipient = v;
    } else {
      return fail(R.parameterUnrecognized(key));
    }
    params.set(key, v);
  }
  return { ok: true, value: { params, flags, originalRecipient } };
}
