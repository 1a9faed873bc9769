// Bare CR and bare LF in SMTP message data.  A line end other than CRLF
// inside DATA is how "SMTP smuggling" (CVE-2023-51765) hides a second
// message behind a "<LF>.<CR><LF>" that one server takes for the end of
// data and another does not.  sendmail 8.17.1.9 as Debian ships it (and
// 8.18) refuses such data at once with "421 4.5.0 Bare linefeed (LF) not
// allowed" or "... Bare carriage return (CR) not allowed" and closes the
// connection, logging where it was (header or body) and how much it had
// taken.  BareLineEndScanner reads the raw bytes of one DATA phase as they
// arrive, up to the terminating CRLF.CRLF (what follows are commands, where
// bare line ends are allowed), and reports the first bare CR or LF.

export interface BareLineEnd {
  kind: 'CR' | 'LF';
  /** Whether the message's header or its body held it. */
  where: 'header' | 'body';
  /** The message bytes taken before it, as sendmail counts them (a CRLF counts one, the stuffing dot none). */
  size: number;
}

const CR = 0x0d;
const LF = 0x0a;
const DOT = 0x2e;
const SPACE = 0x20;
const TAB = 0x09;
const COLON = 0x3a;

/** A header field name's character (printable ASCII but the colon). */
function isNameChar(b: number): boolean {
  return b >= 0x21 && b <= 0x7e && b !== COLON;
}

export class BareLineEndScanner {
  private size = 0;
  private crPending = false;
  private inHeader = true;
  /** The current line: its length (the stuffing dot not counted), whether it began with a dot, how it looks so far. */
  private lineLength = 0;
  private dotLine = false;
  private continuation = false;
  /** A header "name:" so far: undefined once the line cannot be one. */
  private nameState: 'name' | 'header' | undefined = 'name';
  private done = false;

  /** Reads a chunk; the first bare line end found (later chunks are then not read), or undefined. */
  feed(chunk: Uint8Array): BareLineEnd | undefined {
    for (let i = 0; i < chunk.length && !this.done; i++) {
      const b = chunk[i]!;
      if (this.crPending) {
        this.crPending = false;
        if (b !== LF) return this.found('CR');
        this.endOfLine();
        continue;
      }
      if (b === CR) this.crPending = true;
      else if (b === LF) return this.found('LF');
      else this.byte(b);
    }
    return undefined;
  }

  /** True once the terminating line has been read. */
  get ended(): boolean {
    return this.done;
  }

  private found(kind: 'CR' | 'LF'): BareLineEnd {
    this.done = true;
    return { kind, where: this.inHeader ? 'header' : 'body', size: this.size };
  }

  private byte(b: number): void {
    if (this.lineLength === 0 && !this.dotLine && b === DOT) {
      this.dotLine = true;
      return;
    }
    if (this.lineLength === 0) this.continuation = b === SPACE || b === TAB;
    if (this.nameState === 'name') this.nameState = b === COLON && this.lineLength > 0 ? 'header' : isNameChar(b) ? 'name' : undefined;
    this.lineLength++;
    this.size++;
  }

  private endOfLine(): void {
    if (this.dotLine && this.lineLength === 0) {
      this.done = true;
      return;
    }
    this.size++;
    // the header ends at an empty line, or at a line that is neither a header field nor its continuation
    if (this.inHeader && (this.lineLength === 0 || (!this.continuation && this.nameState !== 'header'))) this.inHeader = false;
    this.lineLength = 0;
    this.dotLine = false;
    this.continuation = false;
    this.nameState = 'name';
  }
}
