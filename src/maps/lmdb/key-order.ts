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
 * The work is done by small methods called once per range (count the
 * next bytes, move the entries, finish a short range): a makemap run sorts
 * once, cold, and V8 optimises such methods after a few calls, where one
 * big loop is compiled on the fly (OSR) and thrown away again each time a
 * branch it had not seen yet is taken (100k keys: 75 -> 63 ms, cold).
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

/** `onlyBucket` result when the range's keys fall in more than one bucket. */
const SPREAD = -1;

/**
 * The entry indexes in key order; equal keys in input order.  The sort
 * reads the bytes only.  With `same` (count bytes), `same[j]` is set to 1
 * when the key at position j equals the one before it (found while the
 * keys are at hand, not by comparing again).
 */
export function keyOrder(keys: KeyRanges, same?: Uint8Array): Int32Array {
  const order = new Int32Array(keys.count);
  for (let i = 0; i < keys.count; i++) order[i] = i;
  if (keys.count >= 2) new RadixSort(keys, order, same ?? new Uint8Array(0)).run();
  return order;
}

/** One sort of `order` (the entry indexes) by the keys of `keys`. */
class RadixSort {
  private readonly bytes: Uint8Array;
  private readonly keyStart: Int32Array;
  private readonly keyEnd: Int32Array;
  private readonly scratch: Int32Array;
  /** Keys per bucket at the current depth; then the buckets' next free positions. */
  private readonly counts = new Int32Array(257);
  /** Pending ranges of `order` sharing their first `depth` bytes: lo, hi, depth. */
  private readonly stack: number[] = [];

  constructor(
    keys: KeyRanges,
    private readonly order: Int32Array,
    /** Equal neighbours are marked here; empty when not wanted. */
    private readonly marks: Uint8Array,
  ) {
    this.bytes = keys.bytes;
    this.keyStart = keys.keyStart;
    this.keyEnd = keys.keyEnd;
    this.scratch = new Int32Array(keys.count);
  }

  run(): void {
    const { stack, marks } = this;
    stack.push(0, this.order.length, 0);
    while (stack.length > 0) {
      const depth = stack.pop()!;
      const hi = stack.pop()!;
      const lo = stack.pop()!;
      if (hi - lo <= SMALL) {
        this.insertionSort(lo, hi, depth);
        if (marks.length > 0) this.markEqualNeighbours(lo, hi, depth);
        continue;
      }
      // bucket 0: keys that end at `depth`; bucket b + 1: next byte b
      this.bucketCounts(lo, hi, depth);
      const only = this.onlyBucket(hi - lo);
      if (only === 0) {
        // all equal: input order stands
        if (marks.length > 0) marks.fill(1, lo + 1, hi);
      } else if (only > 0) {
        // one common next byte: go one deeper without moving anything
        stack.push(lo, hi, depth + 1);
      } else {
        this.pushBuckets(lo, depth);
        this.scatter(lo, hi, depth);
        this.order.set(this.scratch.subarray(lo, hi), lo);
      }
    }
  }

  /** Count the range's keys per bucket at `depth`. */
  private bucketCounts(lo: number, hi: number, depth: number): void {
    const { bytes, keyStart, keyEnd, order, counts } = this;
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
  private onlyBucket(n: number): number {
    const { counts } = this;
    let b = 0;
    while (counts[b] === 0) b++;
    return counts[b] === n ? b : SPREAD;
  }

  /**
   * Turn the counts into bucket start positions and push the buckets still
   * to sort (more than one key, not ended); keys ending at `depth` are equal.
   */
  private pushBuckets(lo: number, depth: number): void {
    const { counts, stack, marks } = this;
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
  private scatter(lo: number, hi: number, depth: number): void {
    const { bytes, keyStart, keyEnd, order, scratch, counts } = this;
    for (let i = lo; i < hi; i++) {
      const e = order[i];
      const p = keyStart[e] + depth;
      scratch[counts[p < keyEnd[e] ? bytes[p] + 1 : 0]++] = e;
    }
  }

  private insertionSort(lo: number, hi: number, depth: number): void {
    const { bytes, keyStart, keyEnd, order } = this;
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
  private markEqualNeighbours(lo: number, hi: number, depth: number): void {
    const { bytes, keyStart, keyEnd, order, marks } = this;
    for (let j = lo + 1; j < hi; j++) {
      if (compareKeys(bytes, keyStart, keyEnd, order[j - 1], order[j], depth) === 0) marks[j] = 1;
    }
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
