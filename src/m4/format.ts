/**
 * src/m4/format.ts — the format builtin: printf-style conversions as GNU m4
 * does them (C semantics for flags, width, precision, %d %i %u %o %x %X %c
 * %s %e %E %f %F %g %G %a %A %%; missing arguments count as empty).
 */

interface Spec {
  minus: boolean;
  plus: boolean;
  space: boolean;
  alt: boolean;
  zero: boolean;
  width: number;
  prec: number; // -1 when absent
}

function pad(body: string, sign: string, s: Spec, numeric: boolean): string {
  const len = sign.length + body.length;
  if (s.width <= len) return sign + body;
  const fill = s.width - len;
  if (s.minus) return sign + body + ' '.repeat(fill);
  if (s.zero && numeric) return sign + '0'.repeat(fill) + body;
  return ' '.repeat(fill) + sign + body;
}

function signOf(neg: boolean, s: Spec): string {
  return neg ? '-' : s.plus ? '+' : s.space ? ' ' : '';
}

function parseIntArg(a: string, onError: (msg: string) => void): number {
  const t = a.trim();
  if (t === '') return 0;
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(t);
  if (!m) {
    onError(`non-numeric argument ${a}`);
    const lead = /^[+-]?[0-9]+/.exec(t);
    return lead ? Number(lead[0]) | 0 : 0;
  }
  const body = m[2]!;
  let v = body.startsWith('0x') || body.startsWith('0X') ? parseInt(body.slice(2), 16) : body.length > 1 && body[0] === '0' ? parseInt(body, 8) : Number(body);
  if (m[1] === '-') v = -v;
  return Number(BigInt.asIntN(64, BigInt(Math.trunc(v))));
}

function parseFloatArg(a: string, onError: (msg: string) => void): number {
  const t = a.trim();
  if (t === '') return 0;
  const v = Number(t);
  if (Number.isNaN(v) && !/^[+-]?nan$/i.test(t)) {
    onError(`non-numeric argument ${a}`);
    const lead = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(t);
    return lead ? Number(lead[0]) : 0;
  }
  return v;
}

/**
 * toFixed with C's rounding: JavaScript rounds exact ties up, C to even.
 * toFixed's long expansions are exact, so a tie shows as 5 then zeros.
 */
function fixedC(a: number, prec: number): string {
  const r = a.toFixed(prec);
  if (a >= 1e21 || prec > 40) return r;
  const exact = a.toFixed(prec + 60);
  const cut = exact.length - 60;
  if (!/^50*$/.test(exact.slice(cut))) return r;
  const kept = exact.slice(0, cut).replace(/\.$/, '');
  const last = Number(kept[kept.length - 1]);
  return last % 2 === 0 ? kept : r;
}

/**
 * toExponential with C's rounding: an exact tie (the binary value's decimal
 * expansion is 5 then zeros after the kept digits) goes to the even digit,
 * where JavaScript rounds it up.
 */
function expC(v: number, prec: number, upper: boolean): string {
  let s = v.toExponential(prec);
  if (v !== 0 && prec <= 40) {
    const [mant, exp] = v.toExponential(prec + 60).split('e') as [string, string];
    const digits = mant.replace('.', '');
    const kept = digits.slice(0, prec + 1);
    if (/^50*$/.test(digits.slice(prec + 1)) && Number(kept[kept.length - 1]) % 2 === 0) {
      s = `${kept[0]}${prec > 0 ? '.' + kept.slice(1) : ''}e${exp}`;
    }
  }
  s = s.replace(/e([+-])(\d)$/, 'e$10$2');
  return upper ? s.toUpperCase() : s;
}

function fmtFloat(v: number, conv: string, s: Spec): string {
  const upper = conv === conv.toUpperCase();
  const neg = v < 0 || Object.is(v, -0);
  const a = Math.abs(v);
  let body: string;
  if (!Number.isFinite(a)) {
    body = Number.isNaN(a) ? 'nan' : 'inf';
    if (upper) body = body.toUpperCase();
    return pad(body, signOf(neg && !Number.isNaN(a), s), { ...s, zero: false }, true);
  }
  const prec = s.prec < 0 ? 6 : s.prec;
  const c = conv.toLowerCase();
  if (c === 'f') {
    body = fixedC(a, Math.min(prec, 100));
    if (s.alt && prec === 0) body += '.';
  } else if (c === 'e') {
    body = expC(a, Math.min(prec, 100), upper);
    if (s.alt && prec === 0) body = body.replace(/[eE]/, '.$&');
  } else if (c === 'g') {
    const p = prec === 0 ? 1 : prec;
    const x = a === 0 ? 0 : Number(a.toExponential(p - 1).split('e')[1]);
    if (p > x && x >= -4) body = fixedC(a, Math.min(p - 1 - x, 100));
    else body = expC(a, p - 1, upper);
    if (s.alt) {
      // '#' keeps the decimal point even with no digits after it
      const k = body.search(/[eE]/);
      const mant = k < 0 ? body : body.slice(0, k);
      if (!mant.includes('.')) body = mant + '.' + (k < 0 ? '' : body.slice(k));
    } else {
      const strip = (t: string): string => (t.includes('.') ? t.replace(/0+$/, '').replace(/\.$/, '') : t);
      const k = body.search(/[eE]/);
      body = k < 0 ? strip(body) : strip(body.slice(0, k)) + body.slice(k);
    }
  } else {
    // %a: hexadecimal floating point
    body = hexFloat(a, s.prec);
    if (upper) body = body.toUpperCase();
  }
  return pad(body, signOf(neg, s), s, true);
}

function hexFloat(a: number, prec: number): string {
  if (a === 0) return prec > 0 ? `0x0.${'0'.repeat(prec)}p+0` : '0x0p+0';
  let e = Math.floor(Math.log2(a));
  let m = a / 2 ** e;
  if (m >= 2) {
    m /= 2;
    e++;
  }
  let frac = (m - 1).toString(16).slice(2);
  if (prec >= 0) frac = frac.slice(0, prec).padEnd(prec, '0');
  else frac = frac.replace(/0+$/, '');
  return `0x1${frac ? '.' + frac : ''}p${e >= 0 ? '+' : ''}${e}`;
}

function fmtInt(v: number, conv: string, s: Spec): string {
  let body: string;
  let sign = '';
  if (conv === 'd' || conv === 'i') {
    const n = v | 0;
    body = Math.abs(n).toString();
    sign = signOf(n < 0, s);
  } else {
    const u = v >>> 0;
    body = conv === 'o' ? u.toString(8) : conv === 'u' ? u.toString(10) : u.toString(16);
    if (conv === 'X') body = body.toUpperCase();
    if (s.alt && conv === 'o' && body[0] !== '0') body = '0' + body;
    if (s.alt && (conv === 'x' || conv === 'X') && u !== 0) sign = conv === 'x' ? '0x' : '0X';
  }
  if (s.prec >= 0) {
    if (s.prec === 0 && body === '0') body = '';
    if (body.length < s.prec) body = '0'.repeat(s.prec - body.length) + body;
    return pad(body, sign, { ...s, zero: false }, true);
  }
  return pad(body, sign, s, true);
}

/** Expand a format string with its arguments. */
export function formatM4(fmt: string, args: string[], onError: (msg: string) => void, onWarn: (msg: string) => void): string {
  const out: string[] = [];
  let ai = 0;
  const next = (): string => (ai < args.length ? args[ai++]! : '');
  let i = 0;
  while (i < fmt.length) {
    const p = fmt.indexOf('%', i);
    if (p < 0) {
      out.push(fmt.slice(i));
      break;
    }
    out.push(fmt.slice(i, p));
    i = p + 1;
    if (fmt[i] === '%') {
      out.push('%');
      i++;
      continue;
    }
    const s: Spec = { minus: false, plus: false, space: false, alt: false, zero: false, width: 0, prec: -1 };
    for (; i < fmt.length; i++) {
      const c = fmt[i];
      if (c === '-') s.minus = true;
      else if (c === '+') s.plus = true;
      else if (c === ' ') s.space = true;
      else if (c === '#') s.alt = true;
      else if (c === '0') s.zero = true;
      else if (c === "'") continue;
      else break;
    }
    if (fmt[i] === '*') {
      i++;
      const w = parseIntArg(next(), onError);
      if (w < 0) {
        s.minus = true;
        s.width = -w;
      } else s.width = w;
    } else {
      while (i < fmt.length && fmt[i]! >= '0' && fmt[i]! <= '9') s.width = s.width * 10 + Number(fmt[i++]);
    }
    if (fmt[i] === '.') {
      i++;
      if (fmt[i] === '*') {
        i++;
        const pr = parseIntArg(next(), onError);
        s.prec = pr < 0 ? -1 : pr;
      } else {
        s.prec = 0;
        while (i < fmt.length && fmt[i]! >= '0' && fmt[i]! <= '9') s.prec = s.prec * 10 + Number(fmt[i++]);
      }
    }
    if (fmt[i] === 'h' || fmt[i] === 'l') i++;
    const conv = fmt[i++];
    if (conv === undefined) {
      onWarn(`unrecognized specifier in \`${fmt}'`);
      break;
    }
    switch (conv) {
      case 'd':
      case 'i':
      case 'u':
      case 'o':
      case 'x':
      case 'X':
        out.push(fmtInt(parseIntArg(next(), onError), conv, s));
        break;
      case 'c': {
        const code = parseIntArg(next(), onError) & 255;
        // GNU m4 builds the result as a C string: a NUL ends this conversion
        if (code !== 0) out.push(pad(String.fromCharCode(code), '', s, false));
        break;
      }
      case 's': {
        let t = next();
        if (s.prec >= 0) t = t.slice(0, s.prec);
        out.push(pad(t, '', s, false));
        break;
      }
      case 'e':
      case 'E':
      case 'f':
      case 'F':
      case 'g':
      case 'G':
      case 'a':
      case 'A':
        out.push(fmtFloat(parseFloatArg(next(), onError), conv, s));
        break;
      default:
        onWarn(`unrecognized specifier in \`${fmt}'`);
    }
  }
  return out.join('');
}
