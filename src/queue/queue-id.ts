// Queue ids as sendmail 8.17 makes them: YMDhmsNNpppppp, where Y M D h m s
// are the year (since 1900, modulo 60), month (0-11), day, hour, minute and
// second in local time, each one base-60 digit; NN is a two-digit base-60
// envelope counter; pppppp is the process id, at least six decimal digits.

const BASE60 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwx';

function digit(n: number): string {
  return BASE60[n % 60] ?? '0';
}

/** Matches a queue id of this form (14 or more characters). */
export const QUEUE_ID_SHAPE = /^[0-9A-Za-x]{8}\d{6,}$/;

/** Makes queue ids for one process: the counter starts at a random value and wraps at 3600. */
export class QueueIdGenerator {
  private counter: number;
  constructor(
    private readonly pid: number = process.pid,
    start: number = Math.floor(Math.random() * 3600),
  ) {
    this.counter = start % 3600;
  }

  /** The next id for a message received at `now`. */
  next(now: Date = new Date()): string {
    const n = this.counter;
    this.counter = (this.counter + 1) % 3600;
    return (
      digit(now.getFullYear() - 1900) +
      digit(now.getMonth()) +
      digit(now.getDate()) +
      digit(now.getHours()) +
      digit(now.getMinutes()) +
      digit(now.getSeconds()) +
      digit(Math.floor(n / 60)) +
      digit(n) +
      String(this.pid).padStart(6, '0')
    );
  }
}
