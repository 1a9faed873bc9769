// The enhanced mail system status codes (RFC 3463 and its registry) that the
// daemon uses, with a short default text for each.  One table: a reply that
// carries an enhanced code takes it from here or is refused by the builder.

/** Detail of an enhanced status code, without its class digit: "1.1" in 5.1.1. */
export interface EnhancedCodeInfo {
  /** subject.detail, e.g. "1.1" */
  readonly subjectDetail: string;
  /** A short description used when no other text is given. */
  readonly text: string;
}

const TABLE: readonly EnhancedCodeInfo[] = [
  { subjectDetail: '0.0', text: 'Other undefined status' },
  { subjectDetail: '1.0', text: 'Other address status' },
  { subjectDetail: '1.1', text: 'Bad destination mailbox address' },
  { subjectDetail: '1.2', text: 'Bad destination system address' },
  { subjectDetail: '1.3', text: 'Bad destination mailbox address syntax' },
  { subjectDetail: '1.4', text: 'Destination mailbox address ambiguous' },
  { subjectDetail: '1.5', text: 'Destination address valid' },
  { subjectDetail: '1.6', text: 'Destination mailbox has moved' },
  { subjectDetail: '1.7', text: 'Bad sender mailbox address syntax' },
  { subjectDetail: '1.8', text: 'Bad sender system address' },
  { subjectDetail: '2.0', text: 'Other or undefined mailbox status' },
  { subjectDetail: '2.1', text: 'Mailbox disabled, not accepting messages' },
  { subjectDetail: '2.2', text: 'Mailbox full' },
  { subjectDetail: '2.3', text: 'Message length exceeds administrative limit' },
  { subjectDetail: '2.4', text: 'Mailing list expansion problem' },
  { subjectDetail: '3.0', text: 'Other or undefined mail system status' },
  { subjectDetail: '3.1', text: 'Mail system full' },
  { subjectDetail: '3.2', text: 'System not accepting network messages' },
  { subjectDetail: '3.3', text: 'System not capable of selected features' },
  { subjectDetail: '3.4', text: 'Message too big for system' },
  { subjectDetail: '3.5', text: 'System incorrectly configured' },
  { subjectDetail: '4.0', text: 'Other or undefined network or routing status' },
  { subjectDetail: '4.1', text: 'No answer from host' },
  { subjectDetail: '4.2', text: 'Bad connection' },
  { subjectDetail: '4.3', text: 'Directory server failure' },
  { subjectDetail: '4.4', text: 'Unable to route' },
  { subjectDetail: '4.5', text: 'Mail system congestion' },
  { subjectDetail: '4.6', text: 'Routing loop detected' },
  { subjectDetail: '4.7', text: 'Delivery time expired' },
  { subjectDetail: '5.0', text: 'Other or undefined protocol status' },
  { subjectDetail: '5.1', text: 'Invalid command' },
  { subjectDetail: '5.2', text: 'Syntax error' },
  { subjectDetail: '5.3', text: 'Too many recipients' },
  { subjectDetail: '5.4', text: 'Invalid command arguments' },
  { subjectDetail: '5.5', text: 'Wrong protocol version' },
  { subjectDetail: '6.0', text: 'Other or undefined media error' },
  { subjectDetail: '6.1', text: 'Media not supported' },
  { subjectDetail: '6.2', text: 'Conversion required and prohibited' },
  { subjectDetail: '6.3', text: 'Conversion required but not supported' },
  { subjectDetail: '6.4', text: 'Conversion with loss performed' },
  { subjectDetail: '6.5', text: 'Conversion failed' },
  { subjectDetail: '7.0', text: 'Other or undefined security status' },
  { subjectDetail: '7.1', text: 'Delivery not authorized, message refused' },
  { subjectDetail: '7.2', text: 'Mailing list expansion prohibited' },
  { subjectDetail: '7.3', text: 'Security conversion required but not possible' },
  { subjectDetail: '7.4', text: 'Security features not supported' },
  { subjectDetail: '7.5', text: 'Cryptographic failure' },
  { subjectDetail: '7.6', text: 'Cryptographic algorithm not supported' },
  { subjectDetail: '7.7', text: 'Message integrity failure' },
  { subjectDetail: '7.8', text: 'Authentication credentials invalid' },
  { subjectDetail: '7.9', text: 'Authentication mechanism is too weak' },
  { subjectDetail: '7.10', text: 'Encryption needed' },
  { subjectDetail: '7.11', text: 'Encryption required for requested authentication mechanism' },
  { subjectDetail: '7.12', text: 'A password transition is needed' },
  { subjectDetail: '7.13', text: 'User account disabled' },
  { subjectDetail: '7.14', text: 'Trust relationship required' },
  { subjectDetail: '7.15', text: 'Priority level is too low' },
  { subjectDetail: '7.16', text: 'Message is too big for the specified priority' },
];

const BY_SUBJECT_DETAIL = new Map(TABLE.map((e) => [e.subjectDetail, e]));

/** Matches the shape class.subject.detail (RFC 3463: 1-3 digits after the class). */
export const ENHANCED_CODE_SHAPE = /^([245])\.(\d{1,3})\.(\d{1,3})$/;

/** The table entry for an enhanced code such as "5.1.1", or undefined when unknown. */
export function enhancedCodeInfo(code: string): EnhancedCodeInfo | undefined {
  const m = ENHANCED_CODE_SHAPE.exec(code);
  if (!m) return undefined;
  return BY_SUBJECT_DETAIL.get(`${Number(m[2])}.${Number(m[3])}`);
}

/** The default text of an enhanced code, e.g. "Bad destination mailbox address" for 5.1.1. */
export function enhancedCodeText(code: string): string | undefined {
  return enhancedCodeInfo(code)?.text;
}
