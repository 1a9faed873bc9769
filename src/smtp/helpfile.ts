// The SMTP help file (HelpFile option, e.g. /etc/mail/helpfile): lines
// "topic<TAB>text"; HELP without a topic shows topic "smtp".  Text may hold
// macros ($v); the caller expands them.

import { readFileSync } from 'node:fs';
import type { Reply } from './reply.js';
import { helpText, helpTopicUnknown } from './replies.js';

export type HelpFile = ReadonlyMap<string, readonly string[]>;

/** Parses help file text; lines starting with "#" and lines without a TAB are skipped. */
export function parseHelpFile(text: string): HelpFile {
  const topics = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const tab = line.indexOf('\t');
    if (tab <= 0) continue;
    const topic = line.slice(0, tab).toLowerCase();
    let lines = topics.get(topic);
    if (!lines) topics.set(topic, (lines = []));
    lines.push(line.slice(tab + 1).replace(/\r$/, ''));
  }
  return topics;
}

/** Reads a help file; undefined when it cannot be read (sendmail then says HELP is not implemented). */
export function readHelpFile(path: string): HelpFile | undefined {
  try {
    return parseHelpFile(readFileSync(path, 'latin1'));
  } catch {
    return undefined;
  }
}

/** The reply to "HELP [topic]". `expand` expands macros in the help text. */
export function helpReply(help: HelpFile, topicArg: string, expand: (text: string) => string): Reply {
  const topic = (topicArg.trim() || 'smtp').toLowerCase();
  const lines = help.get(topic);
  if (!lines || topic === 'cpyr') return helpTopicUnknown(topic);
  const expanded = lines.map(expand);
  try {
    return helpText(expanded);
  } catch {
    return helpTopicUnknown(topic);
  }
}
