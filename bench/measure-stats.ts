/** Seconds since `t0` (process.hrtime.bigint()). */
export const seconds = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e9;

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
}

/** A Markdown table row: name, median, min, max (seconds, one decimal unless told). */
export const row = (name: string, xs: number[], digits = 1): string =>
  `| ${name} | ${median(xs).toFixed(digits)} | ${Math.min(...xs).toFixed(digits)} | ${Math.max(...xs).toFixed(digits)} |`;
