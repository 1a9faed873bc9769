/**
 * src/rewrite/classes.ts — classes ($=X): member sets and sendmail's listing
 * order.
 *
 * Membership is case-insensitive.  `$=X` in test mode lists members in the
 * order of sendmail's symbol table: buckets by a shift-xor hash of the
 * lower-cased word seeded with the class symbol type, modulo the table size,
 * and within a bucket in order of first entry.
 */

const TABLE_SIZE = 2003;
const CLASS_SYMBOL_TYPE = 1;

/** Bucket of a word in sendmail's symbol table (observed behaviour). */
export function symbolBucket(word: string): number {
  let h = CLASS_SYMBOL_TYPE;
  for (let i = 0; i < word.length; i++) {
    let c = word.charCodeAt(i) & 0xff;
    if (c >= 0x41 && c <= 0x5a) c += 0x20;
    h = ((h << 1) ^ c) % TABLE_SIZE;
  }
  return h;
}

interface WordEntry {
  /** The word as first entered. */
  word: string;
  bucket: number;
  seq: number;
  classes: Set<string>;
}

/** All class members of a running configuration. */
export class ClassTable {
  private readonly words = new Map<string, WordEntry>();
  /** Lower-cased members per class, for matching. */
  private readonly sets = new Map<string, Set<string>>();
  /** Longest member per class, so phrase matching stops early. */
  private readonly longest = new Map<string, number>();
  /** Every leading part of every member, per class (built on first use). */
  private readonly prefixes = new Map<string, Set<string>>();
  private seq = 0;

  /** Add a word to class `id`. */
  add(id: string, word: string): void {
    const key = word.toLowerCase();
    let e = this.words.get(key);
    if (!e) {
      e = { word, bucket: symbolBucket(word), seq: this.seq++, classes: new Set() };
      this.words.set(key, e);
    }
    e.classes.add(id);
    let set = this.sets.get(id);
    if (!set) this.sets.set(id, (set = new Set()));
    set.add(key);
    if (key.length > (this.longest.get(id) ?? 0)) this.longest.set(id, key.length);
    this.prefixes.delete(id);
  }

  /**
   * Whether some member of class `id` starts with the lower-cased `phrase`;
   * when none does, no longer phrase can be a member either.
   */
  hasPrefix(id: string, phrase: string): boolean {
    let p = this.prefixes.get(id);
    if (!p) {
      p = new Set();
      for (const w of this.sets.get(id) ?? []) for (let i = 1; i <= w.length; i++) p.add(w.slice(0, i));
      this.prefixes.set(id, p);
    }
    return p.has(phrase);
  }

  /** Length of the longest member of class `id` (0 when empty). */
  maxLength(id: string): number {
    return this.longest.get(id) ?? 0;
  }

  /** Whether `word` (case-insensitive) is in class `id`. */
  has(id: string, word: string): boolean {
    const set = this.sets.get(id);
    return set !== undefined && set.has(word.toLowerCase());
  }

  /** Whether an already lower-cased word is in class `id`. */
  hasLower(id: string, lower: string): boolean {
    const set = this.sets.get(id);
    return set !== undefined && set.has(lower);
  }

  /** Members of class `id` in sendmail's listing order. */
  members(id: string): string[] {
    const list: WordEntry[] = [];
    for (const e of this.words.values()) if (e.classes.has(id)) list.push(e);
    list.sort((a, b) => a.bucket - b.bucket || a.seq - b.seq);
    return list.map((e) => e.word);
  }
}
