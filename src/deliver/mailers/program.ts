// Program delivery ("|command"): the message goes to the command's standard
// input through "/bin/sh -c" (or, for a mailer's own program such as the
// local mailer's procmail, that program with its A= words), the exit status
// says what happened (sysexits.ts).  With an smrsh directory the command is first checked the
// way smrsh does: every program named (commands may be joined by && or ||,
// a leading "exec" is allowed) must exist in that directory under its base
// name and is run from there; the shell characters ; ` | & $ ( ) < > ^ and
// line breaks are refused.  A refusal exits EX_UNAVAILABLE with smrsh's own
// message, as the real smrsh would.

import { spawn } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { DeliveryResult } from '../status.js';
import { EX_TEMPFAIL, EX_UNAVAILABLE, resultFromExit } from './sysexits.js';

export interface ProgramDeliveryRequest {
  /** The command without the leading "|" (run by /bin/sh -c), unless `exec` is given. */
  readonly command: string;
  /** A mailer's program run directly: P= as `path`, the expanded A= words as `argv` (argv[0] included). */
  readonly exec?: { readonly path: string; readonly argv: readonly string[] };
  /** How transcripts name the mailer (default "prog mailer (/bin/sh)"). */
  readonly mailerName?: string;
  /** The recipient as transcripts show it, e.g. "\"|/usr/bin/procmail\"". */
  readonly recipient: string;
  readonly message: Buffer;
  /** Restrict to programs in this directory (smrsh); undefined: run as given. */
  readonly smrshDir?: string;
  readonly env?: Readonly<Record<string, string>>;
  /** Working directory (the prog mailer's D= list, already chosen). */
  readonly cwd?: string;
  readonly uid?: number;
  readonly gid?: number;
  /** Kill the program and defer after this long (ms, default 10 minutes). */
  readonly timeoutMs?: number;
  /** Cap on the program output kept for the transcript (bytes, default 8192). */
  readonly maxOutput?: number;
}

export type SmrshCheck = { readonly ok: true; readonly command: string } | { readonly ok: false; readonly message: string };

const SMRSH_FORBIDDEN = /[;`|&$()<>^\r\n]/;

/** Checks and rewrites a command as smrsh would for `dir`. Pure apart from the existence test. */
export async function smrshCheck(command: string, dir: string): Promise<SmrshCheck> {
  const parts = command.split(/(&&|\|\|)/);
  const out: string[] = [];
  for (const part of parts) {
    if (part === '&&' || part === '||') {
      out.push(part);
      continue;
    }
    const m = /^(\s*)(exec\s+)?(\S*)(.*)$/s.exec(part);
    const lead = m?.[1] ?? '';
    const exec = m?.[2] ?? '';
    const prog = m?.[3] ?? '';
    const rest = m?.[4] ?? '';
    const base = path.basename(prog);
    const inDir = path.join(dir, base);
    let exists = false;
    try {
      await fsp.stat(inDir);
      exists = base !== '' && base !== '.' && base !== '..';
    } catch {
      exists = false;
    }
    if (!exists) return { ok: false, message: `smrsh: "${base}" not available for sendmail programs (stat failed)` };
    const bad = SMRSH_FORBIDDEN.exec(rest);
    if (bad) return { ok: false, message: `smrsh: cannot use ${bad[0]} in command` };
    out.push(`${lead}${exec}${inDir}${rest}`);
  }
  return { ok: true, command: out.join('') };
}

/** Runs the program with the message on stdin; the exit status decides the result. */
export async function deliverToProgram(req: ProgramDeliveryRequest): Promise<DeliveryResult> {
  const desc = req.mailerName ?? 'prog mailer (/bin/sh)';
  let command = req.command;
  if (req.smrshDir !== undefined) {
    const check = await smrshCheck(command, req.smrshDir);
    if (!check.ok) {
      const r = resultFromExit(EX_UNAVAILABLE, req.recipient, desc);
      return { ...r, transcript: [check.message, ...r.transcript] };
    }
    command = check.command;
  }
  const max = req.maxOutput ?? 8192;
  return new Promise<DeliveryResult>((resolve) => {
    const [file, args, argv0] = req.exec ? [req.exec.path, req.exec.argv.slice(1), req.exec.argv[0]] : ['/bin/sh', ['-c', command], undefined];
    const child = spawn(file, args, {
      argv0,
      cwd: req.cwd,
      env: req.env ? { ...req.env } : { PATH: '/bin:/usr/bin', SHELL: '/bin/sh' },
      uid: req.uid,
      gid: req.gid,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (d: Buffer) => {
      if (output.length < max) output += d.toString('latin1').slice(0, max - output.length);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.stdin.on('error', () => {}); // EPIPE: the exit status tells the story
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, req.timeoutMs ?? 600_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      const r = resultFromExit(EX_TEMPFAIL, req.recipient, desc);
      resolve({ ...r, transcript: [`${command}: ${err.message}`, ...r.transcript] });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const lines = output.split('\n').filter((l) => l !== '');
      if (timedOut || signal !== null) {
        const why = timedOut ? `timed out after ${req.timeoutMs ?? 600_000} ms` : `died with signal ${signal}`;
        const r = resultFromExit(EX_TEMPFAIL, req.recipient, desc);
        resolve({ ...r, text: `Deferred: ${desc} ${why}`, transcript: [...lines, ...r.transcript] });
        return;
      }
      const r = resultFromExit(code ?? EX_TEMPFAIL, req.recipient, desc);
      resolve({ ...r, transcript: r.kind === 'sent' ? [] : [...lines, ...r.transcript] });
    });
    child.stdin.end(req.message);
  });
}
