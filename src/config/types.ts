/**
 * src/config/types.ts — the typed result of reading a sendmail.cf.
 */
import type { MapDecl, SourcePos } from '../maps/types.js';

/** One M line (op.txt 5.8), fields kept as written plus the parsed ones. */
export interface MailerDecl {
  name: string;
  /** Field letter -> value as written (P, F, S, R, E, L, T, A, M, U, D, W, m, r, C, N). */
  fields: Map<string, string>;
  path: string;
  flags: Set<string>;
  /** Envelope/header sender and recipient ruleset names or numbers as written. */
  senderRulesets: [string, string] | null;
  recipientRulesets: [string, string] | null;
  eol: string;
  maxSize: number;
  lineLimit: number;
  maxRcpts: number;
  /** MTA type / address type / diagnostic type; undefined when unset. */
  types: [string | undefined, string | undefined, string | undefined];
  argv: string;
  uid: number;
  gid: number;
  pos: SourcePos;
}

export interface HeaderDecl {
  flags: string;
  name: string;
  value: string;
  condition?: string;
  pos: SourcePos;
}

export interface QueueGroupDecl {
  name: string;
  fields: Map<string, string>;
  pos: SourcePos;
}

export interface MilterDecl {
  name: string;
  fields: Map<string, string>;
  pos: SourcePos;
}

export interface Config {
  file: string;
  /** V line: configuration level and vendor. */
  level: number;
  vendor: string;
  /** Options by long name, values as written. */
  options: Map<string, string>;
  mailers: MailerDecl[];
  headers: HeaderDecl[];
  trustedUsers: string[];
  precedences: Map<string, number>;
  queueGroups: QueueGroupDecl[];
  milters: MilterDecl[];
  maps: MapDecl[];
  /** E lines: environment variables for mailers. */
  environment: Map<string, string | undefined>;
}
