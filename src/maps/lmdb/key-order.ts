/**
 * src/maps/lmdb/key-order.ts — putting keys in LMDB's order before a build.
 *
 * LMDB compares keys as bytes (memcmp over the shorter length, then the
 * shorter key first).  Keys written in that order can be appended (LMDB's
 * MDB_APPEND: no B-tree search, pages filled up instead of split in half).
 * The keys are byte ranges of one buffer; the sort is an MSD radix sort on
 * those bytes (no key objects, no comparison callbacks), stable, so equal
 * keys keep their input order.
 *
 * The work is done by small functions called once per range (count the
 * next bytes, move the entries, finish a short range): a makemap run sorts
 * once, cold, and V8 optimises such functions after a few calls, where one
 * big loop is compiled on the fly (OSR) and thrown away again each time a
 * branch it had not seen yet is taken (100k keys sorted in about half the
 * time).
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

/** `bucketCounts` result when the range's keys fall in more than one bucket. */
const SPREAD = -1;

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
  const marks = same ?? new Uint8Array(0);
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
      if (same) markEqualNeighbours(bytes, keyStart, keyEnd, order, lo, hi, depth, marks);
      continue;
    }
    // bucket 0: keys that end at `depth`; bucket b + 1: next byte b
    bucketCounts(bytes, keyStart, keyEnd, order, lo, hi, depth, counts);
    const only = onlyBucket(counts, hi - lo);
    if (only === 0) {
      // all equal: input order stands
      if (same) marks.fill(1, lo + 1, hi);
    } else if (only > 0) {
      // one common next byte: go one deeper without moving anything
      stack.push(lo, hi, depth + 1);
    } else {
      pushBuckets(counts, lo, depth, stack, marks);
      scatter(bytes, keyStart, keyEnd, order, scratch, lo, hi, depth, counts);
      order.set(scratch.subarray(lo, hi), lo);
    }
  }
  return order;
}

/** Count the range's keys per bucket at `depth`. */
function bucketCounts(
  bytes: Uint8Array,
  keyStart: Int32Array,
  keyEnd: Int32Array,
  order: Int32Array,
  lo: number,
  hi: number,
  depth: number,
  counts: Int32Array,
): void {
  counts.fill(0);
  for (let i = lo; i < hi; i++) {
    const e = order[i];
    const p = keyStart[e] + depth;
    counts[p < keyEnd[e] ? bytes[p] + 1 : 0]++;
  }
}

/**
 * The bucket holding all `n` keys of a range, else SPREAD.  (Apart from
 * the counting loop: code after a long loop has no type feedback yet when
 * V8 compiles the loop on the fly, and would throw the compiled loop away.)
 */
function onlyBucket(counts: Int32Array, n: number): number {
  let b = 0;
  while (counts[b] === 0) b++;
  return counts[b] === n ? b : SPREAD;
}

/**
 * Turn `counts` into bucket start positions and push the buckets still to
 * sort (more than one key, not ended); keys ending at `depth` are equal.
 * `marks` is empty when equal neighbours are not wanted.
 */
function pushBuckets(counts: Int32Array, lo: number, depth: number, stack: number[], marks: Uint8Array): void {
  let pos = lo;
  const n0 = counts[0];
  counts[0] = pos;
  if (n0 > 1 && marks.length > 0) marks.fill(1, pos + 1, pos + n0);
  pos += n0;
  for (let b = 1; b < 257; b++) {
    const n = counts[b];
    counts[b] = pos;
    if (n > 1) stack.push(pos, pos + n, depth + 1);
    pos += n;
  }
}

/** Put the range's entries in `scratch` by bucket (stable); the caller copies them back. */
function scatter(
  bytes: Uint8Array,
  keyStart: Int32Array,
  keyEnd: Int32Array,
  order: Int32Array,
  scratch: Int32Array,
  lo: number,
  hi: number,
  depth: number,
  starts: Int32Array,
): void {
  for (let i = lo; i < hi; i++) {
    const e = order[i];
    const p = keyStart[e] + depth;
    scratch[starts[p < keyEnd[e] ? bytes[p] + 1 : 0]++] = e;
  }
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

/** Mark each key of a sorted range that equals the one before it. */
function markEqualNeighbours(
  bytes: Uint8Array,
  keyStart: Int32Array,
  keyEnd: Int32Array,
  order: Int32Array,
  lo: number,
  hi: number,
  depth: number,
  marks: Uint8Array,
): void {
  for (let j = lo + 1; j < hi; j++) {
    if (compareKeys(bytes, keyStart, keyEnd, order[j - 1], order[j], depth) === 0) marks[j] = 1;
  }
}
