/** Numbers and times as the status page prints them (fixed locale: output is an API too). */

export function count(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

const UNITS = ["KiB", "MiB", "GiB", "TiB"];

/** "1,234,567 bytes (1.2 MiB)". */
export function bytes(n: number): string {
  let v = n;
  let unit = "";
  for (const u of UNITS) {
    if (v < 1024) break;
    v /= 1024;
    unit = u;
  }
  return unit === "" ? `${count(n)} bytes` : `${count(n)} bytes (${v.toFixed(1)} ${unit})`;
}

/** A ratio in 0..1 as "87.5 %". */
export function percent(ratio: number): string {
  return `${(ratio * 100).toFixed(1)} %`;
}

export function ms(n: number): string {
  return `${n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : count(n)} ms`;
}

/** "2026-12-06 01:02:03 UTC" from an ISO time. */
export function time(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}
