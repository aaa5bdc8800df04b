import type { Colors } from "../../cli/io.js";
import type { ProbeRun } from "./probe.js";
import type { CheckStatus, ProxyReport } from "./types.js";

/** The --json document: stable field names, null for "not measured", credentials redacted. */
export function probeJson(run: ProbeRun): object {
  return {
    module: run.module,
    version: run.version,
    requests: run.requests,
    proxies: run.proxies.map((p, i) => ({
      rank: i + 1,
      url: p.url,
      conforming: p.conforming,
      latency: { ...p.latency, p50Ms: p.latency.p50Ms ?? null, p95Ms: p.latency.p95Ms ?? null },
      sumdbProxied: p.sumdbProxied,
      checksums: {
        status: p.checksums.status,
        source: p.checksums.source,
        zip: { got: p.checksums.zip.got ?? null, want: p.checksums.zip.want ?? null },
        mod: { got: p.checksums.mod.got ?? null, want: p.checksums.mod.want ?? null },
      },
      checks: p.checks,
    })),
    goproxy: run.goproxy ?? null,
  };
}

function ms(v: number | undefined): string {
  if (v === undefined) return "-";
  return v < 10 ? `${v.toFixed(1)} ms` : `${Math.round(v)} ms`;
}

function mark(s: CheckStatus, c: Colors): string {
  if (s === "pass") return c.green("✓");
  if (s === "warn") return c.yellow("!");
  if (s === "fail") return c.red("✗");
  return c.dim("-");
}

function pad(s: string, width: number): string {
  return s.length >= width ? s : s + " ".repeat(width - s.length);
}

/** Ranked table, the problems per proxy, and the GOPROXY line. */
export function probeText(run: ProbeRun, c: Colors): string {
  const rows = run.proxies.map((p, i) => {
    const counted = p.checks.filter((k) => k.status !== "skip");
    const passed = counted.filter((k) => k.status !== "fail").length;
    return [
      String(i + 1),
      p.url,
      p.conforming ? "ok" : "FAIL",
      ms(p.latency.p50Ms),
      ms(p.latency.p95Ms),
      `${passed}/${counted.length}`,
      p.sumdbProxied ? "proxied" : "no",
    ];
  });
  const header = ["#", "proxy", "result", "p50", "p95", "checks", "sumdb"];
  const widths = header.map((h, col) =>
    Math.max(h.length, ...rows.map((r) => (r[col] ?? "").length)),
  );
  const line = (cells: string[], color: (s: string) => string = (s) => s) =>
    `  ${color(
      cells
        .map((cell, col) => pad(cell, widths[col] ?? 0))
        .join("  ")
        .trimEnd(),
    )}`;
  const out: string[] = [
    `gopave proxy probe: ${run.module}@${run.version}, ${run.requests} latency samples per proxy`,
    "",
    line(header, c.bold),
    ...rows.map((r, i) => line(r, run.proxies[i]?.conforming ? undefined : c.red)),
    "",
  ];
  const notes = run.proxies.filter((p) =>
    p.checks.some((k) => k.status === "fail" || k.status === "warn"),
  );
  if (notes.length > 0) {
    out.push("Findings:");
    for (const p of notes) out.push(...findings(p, c));
    out.push("");
  }
  out.push(
    "Checksums: zip and go.mod h1 are compared with the hash from the proxy's sumdb endpoint",
    "(/sumdb/sum.golang.org/lookup); probe does not verify its signature. Without one: unverified.",
    "Latency: sequential warm GETs of .info per proxy.",
    "",
  );
  if (run.goproxy) {
    out.push(c.bold(`GOPROXY=${run.goproxy}`));
    if (run.goproxy.includes("***@")) {
      out.push(c.dim("(credentials redacted: put them back, or keep them in ~/.netrc)"));
    }
  } else {
    out.push(c.red("No proxy passed every check; no GOPROXY to suggest."));
  }
  return `${out.join("\n")}\n`;
}

/** Failed and warned checks; the same outcome (a proxy that never answers) shares one line. */
function findings(p: ProxyReport, c: Colors): string[] {
  const groups = new Map<string, { status: CheckStatus; detail: string; ids: string[] }>();
  for (const k of p.checks) {
    if (k.status !== "fail" && k.status !== "warn") continue;
    const key = `${k.status}\n${k.detail}`;
    const g = groups.get(key) ?? { status: k.status, detail: k.detail, ids: [] };
    g.ids.push(k.id);
    groups.set(key, g);
  }
  return [
    `  ${p.url}`,
    ...[...groups.values()].map((g) => `    ${mark(g.status, c)} ${g.ids.join(", ")}: ${g.detail}`),
  ];
}
