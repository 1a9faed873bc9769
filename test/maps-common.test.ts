// The K-line flag parser and the value / key rules every map class shares.

import { describe, expect, it } from 'vitest';
import { dequoteMapKey, mapKeyCandidates, parseMapFlags, rewriteMapValue, stripQuotes } from '../src/maps/index.js';

const pos = { file: 'x.cf', line: 9 };

describe('parseMapFlags', () => {
  it('reads glued values, -k/-v after blanks, -z escapes, and stops at the first word', () => {
    const { flags, args, problems } = parseMapFlags('-o -a.FOUND -T<TMPF> -k 1 -v2 -z\\t -N -m /etc/mail/x more', pos, { mapName: 'm' });
    expect(flags).toMatchObject({ optional: true, append: '.FOUND', tempfailAppend: '<TMPF>', keyColumn: '1', valueColumn: '2', delimiter: '\t', includeNull: true, matchOnly: true });
    expect(args).toEqual(['/etc/mail/x', 'more']);
    expect(problems).toEqual([]);
    expect(parseMapFlags('-z\\n f', pos).flags.delimiter).toBe('\n');
    expect(parseMapFlags('-z\\x f', pos).flags.delimiter).toBe('\\');
  });

  it('reports unknown letters like sendmail, per class', () => {
    expect(parseMapFlags('-Q -s f', pos, { mapName: 'm', className: 'text' }).problems).toEqual([
      'x.cf: line 9: Illegal option Q map m',
      'x.cf: line 9: Illegal option s map m',
    ]);
    expect(parseMapFlags('-Q -s f', pos, { mapName: 'm', className: 'regex' }).problems).toEqual([]);
    expect(parseMapFlags('-x', pos, { mapName: 'm', className: 'syslog' }).problems).toEqual(['x.cf: line 9: Illegal option x map syslog']);
    expect(parseMapFlags('-r1 a,b', pos, { className: 'sequence' }).args).toEqual(['-r1', 'a,b']);
    const lone = parseMapFlags('- -v1 -o-a.X f', pos, { mapName: 'b' });
    expect(lone.problems).toEqual(['x.cf: line 9: Illegal option   map b']);
    expect(lone.flags).toMatchObject({ valueColumn: '1', optional: true });
    expect(lone.flags.append).toBeUndefined();
    expect(lone.args).toEqual(['f']);
  });
});

describe('value and key rules', () => {
  it('substitutes %0..%9 and %%, appends -a, honours -m', () => {
    const flags = parseMapFlags('-a.X', pos).flags;
    expect(rewriteMapValue('%1@%0%%%x%9%', 'key', ['a1'], flags)).toBe('a1@key%%x%.X');
    expect(rewriteMapValue('value %1', 'Key', ['a1'], parseMapFlags('-m -a!', pos).flags)).toBe('Key!');
  });

  it('dequotes like stripquotes unless -q, and folds / NULs keys for keyed maps', () => {
    expect(stripQuotes('"q\\x" a\\"b')).toBe('qx a"b');
    expect(dequoteMapKey('"a b"', parseMapFlags('-q', pos).flags)).toBe('"a b"');
    expect(mapKeyCandidates('AbC', parseMapFlags('', pos).flags)).toEqual(['abc', 'abc\0']);
    expect(mapKeyCandidates('AbC', parseMapFlags('-f -N', pos).flags)).toEqual(['AbC\0']);
    expect(mapKeyCandidates('a', parseMapFlags('-O', pos).flags)).toEqual(['a']);
    expect(mapKeyCandidates('a', parseMapFlags('-N -O', pos).flags)).toEqual([]);
  });
});
