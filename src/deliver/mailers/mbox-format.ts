// The Unix mailbox ("mbox") form of a message, as sendmail's *file* mailer
// and mail.local write it: a "From sender date" separator line, LF line
// ends, ">From " for body lines that would look like a separator (not
// when a Content-Length: header delimits the message), and a
// newline after the message.  Observed: the *file* mailer appends "\n" to
// the body as it is ("x" -> "x\n", "x\n" -> "x\n\n"); mail.local first ends
// the last line, so its messages always end with a blank line.

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const two = (n: number): string => String(n).padStart(2, '0');

/** ctime(3) without the newline, local time: "Sun Nov  2 04:31:27 2026". */
export function ctimeDate(date: Date): string {
  return (
    `${DAYS[date.getDay()]} ${MONTHS[date.getMonth()]} ${String(date.getDate()).padStart(2, ' ')} ` +
    `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())} ${date.getFullYear()}`
  );
}

/**
 * The separator line, without its newline; the null sender is written
 * MAILER-DAEMON (mail.local), or as it is with `literalSender` (the *file*
 * mailer writes "From $g $d": "From  Sun Nov ...").
 */
export function fromLine(sender: string, date: Date, literalSender = false): string {
  const shown = literalSender ? sender.replace(/^<>$/, '') : sender === '' || sender === '<>' ? 'MAILER-DAEMON' : sender;
  return `From ${shown} ${ctimeDate(date)}`;
}

export interface MboxOptions {
  /** End the last line before adding the final newline (mail.local does; the *file* mailer does not). */
  readonly endLastLine: boolean;
  /**
   * Add a Content-Length: header counting the body bytes.  Debian's
   * mail.local does, and then does not quote "From " lines.
   */
  readonly contentLength?: boolean;
  /** The null sender stays empty in the From line (the *file* mailer). */
  readonly literalSender?: boolean;
}

/** The bytes to append to a mailbox for one message. */
export function mboxEntry(sender: string, date: Date, message: Buffer, options: MboxOptions): Buffer {
  const text = message.toString('latin1').replace(/\r\n/g, '\n');
  let headers: string;
  let body: string | undefined;
  if (text.startsWith('\n')) {
    headers = '';
    body = text.slice(1);
  } else {
    const blank = text.indexOf('\n\n');
    headers = blank < 0 ? text : text.slice(0, blank + 1);
    body = blank < 0 ? undefined : text.slice(blank + 2);
  }
  if (headers !== '' && !headers.endsWith('\n')) headers += '\n';
  if (body !== undefined) {
    if (options.contentLength !== true) body = body.replace(/^From /gm, '>From ');
    if (options.endLastLine && body !== '' && !body.endsWith('\n')) body += '\n';
  }
  if (options.contentLength === true) {
    headers += `Content-Length: ${Buffer.byteLength(body ?? '', 'latin1')}\n`;
  }
  const separator = body !== undefined || options.contentLength === true ? '\n' : '';
  const out = `${fromLine(sender, date, options.literalSender)}\n${headers}${separator}${body ?? ''}\n`;
  return Buffer.from(out, 'latin1');
}
