// src/address — address operations built on the rewrite engine: running a
// check_* ruleset the way sendmail's rscheck does and reading its verdict
// (rscheck.ts), parsing an address to its mailer triple through rulesets 3
// and 0 (parse.ts), and whether a local user exists (local-user.ts: aliases,
// then the password file).  The SMTP policy (src/smtp/cf-policy.ts) and
// local submission (src/submit) are built on these.
export { runCheckRuleset, verdictOfTokens, type RulesetVerdict, type CheckCall } from './rscheck.js';
export { localAddress, parseAddress, TRANSIENT_PARSE_ERROR, type MailerTriple, type ParseResult } from './parse.js';
export { LocalUsers, type LocalUserOptions } from './local-user.js';
export { errorMailerReply, TEMP_SYSTEM_FAILURE } from './error-reply.js';
