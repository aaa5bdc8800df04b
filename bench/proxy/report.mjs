// Markdown tables of the proxy benchmark: medians with [min–max] ranges, ratios against
// `direct` (client runs) and against nginx (warm load).

export function median(xs) {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export const fmt = (n, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : "n/a";

/** "median [min–max]" (just the median for a single value). */
export function spread(xs, digits = 0, scale = 1) {
  const v = xs.filter(Number.isFinite).map((x) => x * scale);
  if (v.length <= 1) return fmt(v[0], digits);
  return `${fmt(median(v), digits)} [${fmt(Math.min(...v), digits)}–${fmt(Math.max(...v), digits)}]`;
}

const ratio = (a, b) => fmt(median(a) / median(b), 2);

/**
 * Client runs of one module set: rows per variant, columns cold (tmpfs), cold (disk), warm
 * (tmpfs), each with its ratio to direct, then the server tree's CPU seconds and peak RSS
 * during the cold tmpfs and cold disk runs.
 */
export function clientTable(runs, variants) {
  const col = (v, key, field) => runs[v][key].map((r) => r[field]);
  const d = (key, field) => col("direct", key, field);
  const lines = [
    "| through | cold, tmpfs (ms) | × direct | cold, disk (ms) | × direct | warm, tmpfs (ms) | × direct | CPU s (cold tmpfs / disk) | peak RSS MiB (cold tmpfs / disk) |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const v of variants) {
    lines.push(
      `| ${v} | ${spread(col(v, "tmpfs", "coldMs"))} | ${ratio(col(v, "tmpfs", "coldMs"), d("tmpfs", "coldMs"))} ` +
        `| ${spread(col(v, "disk", "coldMs"))} | ${ratio(col(v, "disk", "coldMs"), d("disk", "coldMs"))} ` +
        `| ${spread(col(v, "tmpfs", "warmMs"))} | ${ratio(col(v, "tmpfs", "warmMs"), d("tmpfs", "warmMs"))} ` +
        `| ${spread(col(v, "tmpfs", "cpuSeconds"), 2)} / ${spread(col(v, "disk", "cpuSeconds"), 2)} ` +
        `| ${spread(col(v, "tmpfs", "peakMib"))} / ${spread(col(v, "disk", "peakMib"))} |`,
    );
  }
  return lines;
}

/** Warm load per server: .info/.mod req/s and p99, zip MB/s and p99, peak RSS under zip load. */
export function loadTable(runs, servers) {
  const col = (s, kind, field) => runs[s][kind].map((r) => r[field]);
  const n = (kind, field) => col("nginx", kind, field);
  const lines = [
    "| server | .info/.mod req/s | × nginx | .info/.mod p99 ms | zip MB/s | × nginx | zip p99 ms | peak RSS MiB under zip load |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const s of servers) {
    lines.push(
      `| ${s} | ${spread(col(s, "meta", "rps"))} | ${ratio(col(s, "meta", "rps"), n("meta", "rps"))} ` +
        `| ${spread(col(s, "meta", "p99"), 1)} ` +
        `| ${spread(col(s, "zip", "bytesPerSec"), 0, 1e-6)} | ${ratio(col(s, "zip", "bytesPerSec"), n("zip", "bytesPerSec"))} ` +
        `| ${spread(col(s, "zip", "p99"), 1)} | ${spread(col(s, "zip", "peakMib"))} |`,
    );
  }
  return lines;
}
