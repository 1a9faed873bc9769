// File delivery ("/path", sendmail's *file* mailer): the message is
// appended in mbox form (From line, >From quoting, a newline after the body).
// Rules, from op.txt and sendmail's observed behaviour:
// - SafeFileEnvironment=dir: the path is taken inside dir (a leading dir is
//   stripped first, so "/safe/x" and "/x" are the same file), may not leave
//   it, and symbolic links are refused;
// - a symbolic link is refused unless DontBlameSendmail FileDeliveryToSymLink,
//   a hard link unless FileDeliveryToHardLink;
// - an existing file with any execute bit, or one that is not a regular
//   file, is refused (except /dev/null, which always succeeds);
// - a missing file is created with TempFileMode (default 0600).
// Every refusal is EX_CANTCREAT ("Can't create output"), permanent.

import { constants, promises as fsp } from 'node:fs';
import path from 'node:path';
import type { DeliveryResult } from '../status.js';
import { mboxEntry } from './mbox-format.js';
import { EX_CANTCREAT, EX_IOERR, EX_OK, resultFromExit } from './sysexits.js';

export interface FileDeliveryRequest {
  /** Absolute path as written in the alias or .forward. */
  readonly path: string;
  /** The recipient as transcripts show it (usually the path). */
  readonly recipient: string;
  readonly sender: string;
  readonly message: Buffer;
  readonly date?: Date;
  /** The SafeFileEnvironment option. */
  readonly safeFileEnvironment?: string;
  /** DontBlameSendmail FileDeliveryToSymLink / FileDeliveryToHardLink. */
  readonly allowSymlink?: boolean;
  readonly allowHardLink?: boolean;
  /** TempFileMode for a new file (default 0o600). */
  readonly fileMode?: number;
  /** Owner of a newly created file (when running as root). */
  readonly owner?: { readonly uid: number; readonly gid: number };
}

const MAILER = '*file* mailer';

/** Where the file really is, or why the path is not acceptable. */
export function resolveSafePath(file: string, safeDir: string | undefined): { path: string } | { refused: string } {
  if (!path.isAbsolute(file)) return { refused: `${file}: not an absolute path` };
  if (safeDir === undefined || safeDir === '' || safeDir === '/') return { path: path.normalize(file) };
  const root = path.resolve(safeDir);
  const inside = file === root || file.startsWith(`${root}/`) ? file.slice(root.length) || '/' : file;
  // As after chroot(2): ".." cannot climb above the safe directory.
  const joined = path.join(root, path.posix.normalize(inside));
  if (joined !== root && !joined.startsWith(`${root}/`)) {
    return { refused: `${file}: outside SafeFileEnvironment ${root}` };
  }
  return { path: joined };
}

function refuse(req: FileDeliveryRequest, why: string): DeliveryResult {
  const r = resultFromExit(EX_CANTCREAT, req.recipient, MAILER);
  return { ...r, transcript: [why, ...r.transcript] };
}

/** Appends the message to the file, or says why not. */
export async function deliverToFile(req: FileDeliveryRequest): Promise<DeliveryResult> {
  const where = resolveSafePath(req.path, req.safeFileEnvironment);
  if ('refused' in where) return refuse(req, where.refused);
  const file = where.path;
  if (file === '/dev/null') return resultFromExit(EX_OK, req.recipient, MAILER);
  const safeEnv = req.safeFileEnvironment !== undefined && req.safeFileEnvironment !== '';
  const symlinkOk = req.allowSymlink === true && !safeEnv;
  if (safeEnv) {
    // No symbolic link anywhere below the safe directory.
    const real = await fsp.realpath(path.dirname(file)).catch(() => undefined);
    const root = await fsp.realpath(path.resolve(req.safeFileEnvironment ?? '/')).catch(() => undefined);
    if (real === undefined || root === undefined || (real !== root && !real.startsWith(`${root}/`))) {
      return refuse(req, `${req.path}: directory outside SafeFileEnvironment or missing`);
    }
  }
  let st;
  try {
    st = await fsp.lstat(file);
  } catch {
    st = undefined;
  }
  if (st?.isSymbolicLink()) {
    if (!symlinkOk) return refuse(req, `${req.path}: is a symbolic link`);
    st = await fsp.stat(file).catch(() => undefined);
  }
  if (st !== undefined) {
    if (!st.isFile()) return refuse(req, `${req.path}: not a regular file`);
    if ((st.mode & 0o111) !== 0) return refuse(req, `${req.path}: is executable`);
    if (st.nlink > 1 && req.allowHardLink !== true) return refuse(req, `${req.path}: is a hard link`);
  }
  const flags =
    constants.O_WRONLY |
    constants.O_APPEND |
    (st === undefined ? constants.O_CREAT | constants.O_EXCL : 0) |
    (symlinkOk ? 0 : constants.O_NOFOLLOW);
  let fh;
  try {
    fh = await fsp.open(file, flags, req.fileMode ?? 0o600);
  } catch (err) {
    return refuse(req, `${req.path}: ${(err as Error).message}`);
  }
  try {
    const before = (await fh.stat()).size;
    if (st === undefined && req.owner) await fh.chown(req.owner.uid, req.owner.gid);
    const entry = mboxEntry(req.sender, req.date ?? new Date(), req.message, { endLastLine: false, literalSender: true });
    try {
      await fh.write(entry, 0, entry.length);
      await fh.sync();
    } catch (err) {
      await fh.truncate(before).catch(() => undefined);
      const r = resultFromExit(EX_IOERR, req.recipient, MAILER);
      return { ...r, transcript: [`${req.path}: ${(err as Error).message}`, ...r.transcript] };
    }
  } finally {
    await fh.close();
  }
  return resultFromExit(EX_OK, req.recipient, MAILER);
}
