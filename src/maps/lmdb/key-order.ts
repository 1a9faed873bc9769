/**
 * src/maps/lmdb/key-order.ts — putting keys in LMDB's order before a build.
 *
 * LMDB compares keys as bytes (memcmp over the shorter length, then the
 * shorter key first).  Keys written in that order can be appended (LMDB's
 * MDB_APPEND: no B-tree search, pages filled up instead of split in half).
 * The keys are byte ranges of one buffer; the sort is an MSD radix sort on
 * those bytes (no key objects, no comparison callbacks), stable, so equal
 * keys keep their input order.
 */

/** Keys as byte ranges `[start[i], end[i])` of `bytes`. */
export interface KeyRanges {
  readonly bytes: Uint8Array;
  readonly count: number;
  readonly keyStart: Int32Array;
  readonly keyEnd: Int32Array;
}

/** Ranges this short are finished by insertion sort. */
const SMALL = 24;

/**
 * The entry indexes in key order; equal keys in input order.  The sort
 * reads the bytes only.  With `same` (count bytes), `same[j]` is set to 1
 * when the key at position j equals the one before it (found while the
 * keys are at hand, not by comparing again).
 */
export function keyOrder(keys: KeyRanges, same?: Uint8Array): Int32Array {
  const { bytes, count, keyStart, keyEnd } = keys;
  const order = new Int32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  if (count < 2) return order;
  const scratch = new Int32Array(count);
  const counts = new Int32Array(257);
  // pending ranges of `order` sharing their first `depth` bytes: lo, hi, depth
  const stack: number[] = [0, count, 0];
  while (stack.length > 0) {
    const depth = stack.pop()!;
    const hi = stack.pop()!;
    const lo = stack.pop()!;
    if (hi - lo <= SMALL) {
      insertionSort(bytes, keyStart, keyEnd, order, lo, hi, depth);
      if (same) {
        for (let j = lo + 1; j < hi; j++) {
          if (compareKeys(bytes, keyStart, keyEnd, order[j - 1], order[j], depth) === 0) same[j] = 1;
        }
      }
      continue;
    }
    // bucket 0: keys that end at `depth`; bucket b + 1: next byte b
    counts.fill(0);
    for (let i = lo; i < hi; i++) {
      const e = order[i];
      const p = keyStart[e] + depth;
      counts[p < keyEnd[e] ? bytes[p] + 1 : 0]++;
    }
    // all in one bucket (a common prefix): go one byte deeper without moving anything
    let only = -1;
    for (let b = 0; b < 257; b++) {
      if (counts[b] === 0) continue;
      only = counts[b] === hi - lo ? b : -2;
      break;
    }
    if (only === 0) {
      // all equal: input order stands
      if (same) same.fill(1, lo + 1, hi);
      continue;
    }
    if (only > 0) {
      stack.push(lo, hi, depth + 1);
      continue;
    }
    let pos = lo;
    for (let b = 0; b < 257; b++) {
      const n = counts[b];
      counts[b] = pos;
      if (n > 1 && b > 0) stack.push(pos, pos + n, depth + 1);
      // the keys ending here are all equal
      else if (n > 1 && same) same.fill(1, pos + 1, pos + n);
      pos += n;
    }
    for (let i = lo; i < hi; i++) {
      const e = order[i];
      const p = keyStart[e] + depth;
      scratch[counts[p < keyEnd[e] ? bytes[p] + 1 : 0]++] = e;
    }
    order.set(scratch.subarray(lo, hi), lo);
  }
  return order;
}

/** Compare two keys from byte `depth` on: negative, 0 or positive, as LMDB orders them. */
export function compareKeys(bytes: Uint8Array, keyStart: Int32Array, keyEnd: Int32Array, a: number, b: number, depth = 0): number {
  const as = keyStart[a];
  const bs = keyStart[b];
  const al = keyEnd[a] - as;
  const bl = keyEnd[b] - bs;
  const n = al < bl ? al : bl;
  for (let i = depth; i < n; i++) {
    const d = bytes[as + i] - bytes[bs + i];
    if (d !== 0) return d;
  }
  return al - bl;
}

function insertionSort(
  bytes: Uint8Array,
  keyStart: Int32Array,
  keyEnd: Int32Array,
  order: Int32Array,
  lo: number,
  hi: number,
  depth: number,
): void {
  for (let i = lo + 1; i < hi; i++) {
    const e = order[i];
    let j = i - 1;
    // strictly greater moves: equal keys keep their order
    while (j >= lo && compareKeys(bytes, keyStart, keyEnd, order[j], e, depth) > 0) {
      order[j + 1] = order[j];
      j--;
    }
    order[j + 1] = e;
  }
}
