// RFC 5322 dates as sendmail writes them in the greeting, Received: and
// Date: headers ($b): "Sun, 22 Nov 2026 05:20:48 +0100", and "GMT" in place
// of the offset when local time is UTC.

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** The date in local time in sendmail's $b form. */
export function arpaDate(date: Date): string {
  const offsetMinutes = -date.getTimezoneOffset();
  const zone =
    offsetMinutes === 0
      ? 'GMT'
      : `${offsetMinutes < 0 ? '-' : '+'}${two(Math.floor(Math.abs(offsetMinutes) / 60))}${two(Math.abs(offsetMinutes) % 60)}`;
  return (
    `${DAYS[date.getDay()]}, ${date.getDate()} ${MONTHS[date.getMonth()]} ${date.getFullYear()} ` +
    `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())} ${zone}`
  );
}

/** "Sun Nov 22 04:19" as the queue listing prints queue times (local time). */
export function listingDate(date: Date, withWeekday: boolean): string {
  const day = date.getDate();
  const dd = day < 10 ? ` ${day}` : String(day);
  const core = `${MONTHS[date.getMonth()]} ${dd} ${two(date.getHours())}:${two(date.getMinutes())}`;
  return withWeekday ? `${DAYS[date.getDay()]} ${core}` : core;
}
