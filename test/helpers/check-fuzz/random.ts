/**
 * A seeded random source (mulberry32): the fuzz test must generate the same cases on every run
 * and machine, so a failure printed by CI reproduces locally from its seed and case number.
 */
export class Rand {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** An integer in [lo, hi]. */
  between(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  bool(p = 0.5): boolean {
    return this.next() < p;
  }

  pick<T>(xs: readonly T[]): T {
    if (xs.length === 0) throw new Error("pick from an empty list");
    return xs[this.int(xs.length)] as T;
  }

  /** Up to `max` items of `xs`, in their order, possibly none. */
  some<T>(xs: readonly T[], max = xs.length): T[] {
    const n = this.int(Math.min(max, xs.length) + 1);
    const chosen = new Set<number>();
    while (chosen.size < n) chosen.add(this.int(xs.length));
    return [...chosen].sort((a, b) => a - b).map((i) => xs[i] as T);
  }

  /** `n` results of `f`. */
  times<T>(n: number, f: (i: number) => T): T[] {
    return Array.from({ length: n }, (_, i) => f(i));
  }

  /** Runs one of the weighted generators. */
  oneOf<T>(choices: readonly (readonly [number, () => T])[]): T {
    const total = choices.reduce((s, [w]) => s + w, 0);
    let x = this.next() * total;
    for (const [w, f] of choices) {
      x -= w;
      if (x < 0) return f();
    }
    return (choices.at(-1) as readonly [number, () => T])[1]();
  }
}
