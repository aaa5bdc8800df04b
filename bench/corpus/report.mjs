// The corpus run as Markdown: one short row per repo, then the details the cells leave out.

const HEADER = [
  "repo",
  "check",
  "init",
  "files valid",
  "sync clean",
  "new E/W after init",
  "deps stage",
  "apps",
  "services",
  "Go (source)",
];

/**
 * `check` on the repo as it is: "ok" with its errors/warnings, or what went wrong — an exit code
 * other than 0 or 1 or output that is not JSON (a crash), a rule that threw (PA002) or a file it
 * could not read (PA001; a real parse error in the repo is also PA001, so the count is shown).
 */
function checkCell(r) {
  const b = r.before;
  if (!b) return "—";
  if (b.error) return `crashed (exit ${b.exit ?? "?"})`;
  if (b.exit !== 0 && b.exit !== 1) return `exit ${b.exit}`;
  const pa002 = b.findings.filter((f) => f.rule === "PA002").length;
  const pa001 = b.findings.filter((f) => f.rule === "PA001").length;
  const ew = b.findings.filter((f) => f.severity === "error" || f.severity === "warning").length;
  const notes = [pa002 && `${pa002} PA002`, pa001 && `${pa001} PA001`].filter(Boolean).join(", ");
  return `ok, ${ew} E/W${notes ? `, ${notes}` : ""}`;
}

function initCell(r) {
  if (r.error) return r.error;
  return r.init.exit === 0 ? "ok" : `fail (exit ${r.init.exit ?? "?"})`;
}

function validCell(r) {
  if (!r.validation) return "—";
  const ok = r.validation.filter((v) => v.ok).length;
  // A sibling that shadows one of the repo's own files makes the row fail here too.
  const shadows = r.shadowing?.length ? `, ${r.shadowing.length} shadowing` : "";
  return `${ok}/${r.validation.length}${shadows}`;
}

function syncCell(r) {
  if (!r.sync) return "—";
  if (r.sync.error) return "error";
  return r.sync.clean ? "yes" : `no (${r.sync.drift.length})`;
}

function newCell(r) {
  if (!r.newFindings) return r.after?.error ? "check failed" : "—";
  const e = r.newFindings.filter((f) => f.severity === "error").length;
  const w = r.newFindings.length - e;
  return r.newFindings.length === 0 ? "0" : [e && `${e}E`, w && `${w}W`].filter(Boolean).join(" ");
}

function depsCell(r) {
  const cell = (d) => (d.status === "skip" ? `skip (${d.detail})` : d.status);
  if (!r.deps) return "—";
  // With the repo's Dockerfile kept, the stage shown is that of gopave's own (init --force).
  return r.depsForced ? `kept; own: ${cell(r.depsForced)}` : cell(r.deps);
}

function appsCell(r) {
  const apps = r.spec?.apps;
  if (!apps) return "—";
  if (apps.length === 0) return "none";
  const names = apps.map((a) => a.name);
  return names.length <= 3
    ? names.join(", ")
    : `${names.length}: ${names.slice(0, 3).join(", ")}, …`;
}

function goCell(r) {
  const go = r.init?.result?.detected?.go;
  return go ? `${go.version} (${go.source})` : "—";
}

export function row(r) {
  return [
    r.name,
    checkCell(r),
    initCell(r),
    validCell(r),
    syncCell(r),
    newCell(r),
    depsCell(r),
    appsCell(r),
    r.spec?.services.length ? r.spec.services.join(", ") : r.spec ? "none" : "—",
    goCell(r),
  ];
}

function escapeCell(s) {
  return String(s).replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/** A Markdown table with padded columns. */
export function markdownTable(header, rows) {
  const cells = [header, ...rows].map((r) => r.map(escapeCell));
  const widths = header.map((_, i) => Math.max(3, ...cells.map((r) => r[i].length)));
  const line = (r) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  return [line(cells[0]), line(widths.map((w) => "-".repeat(w))), ...cells.slice(1).map(line)].join(
    "\n",
  );
}

export function table(records) {
  return markdownTable(HEADER, records.map(row));
}

/** One line per rule and file: "CI001 error ci.yml:12,40 — <first message>". */
function groupFindings(findings) {
  const groups = new Map();
  for (const f of findings) {
    const k = `${f.rule} ${f.severity} ${f.file}`;
    groups.set(k, [...(groups.get(k) ?? []), f]);
  }
  return [...groups].map(([k, fs]) => {
    const lines = fs.map((f) => f.line).filter(Boolean);
    const more = fs.length > 1 ? ` (×${fs.length}; first:)` : "";
    return `${k}${lines.length ? `:${lines.join(",")}` : ""}${more} — ${fs[0].message}`;
  });
}

/** Bullet lines about one repo (empty when there is nothing to say beyond the row). */
function detailLines(r) {
  const out = [];
  if (r.error) out.push(`runner: ${r.error}`);
  if (r.before?.error) out.push(`check before init: ${r.before.error}`);
  if (r.init && r.init.exit !== 0) out.push(`init: exit ${r.init.exit}: ${r.init.error}`);
  if (r.spec) {
    const go = r.init.result.detected.go;
    out.push(
      `Go ${go.version} from ${go.source}${r.spec.go.comment ? ` (“${r.spec.go.comment}”)` : ""}`,
    );
    if (r.spec.apps.length > 0) {
      const apps = r.spec.apps.map((a) => `${a.name} ${a.main}${a.port ? ` :${a.port}` : ""}`);
      out.push(`apps: ${apps.join("; ")}`);
    }
    if (r.spec.kept.length > 0) out.push(`kept (the repo's own): ${r.spec.kept.join(", ")}`);
  }
  for (const note of r.init?.result?.notes ?? []) out.push(`init note: ${note}`);
  for (const v of (r.validation ?? []).filter((x) => !x.ok)) {
    const more = v.more ? ` (+${v.more} more)` : "";
    out.push(`invalid ${v.path} (${v.kind}): ${v.errors.join(" / ")}${more}`);
  }
  for (const m of r.misplaced ?? []) out.push(`misplaced: ${m}`);
  for (const m of r.shadowing ?? []) out.push(`shadows the repo's own: ${m}`);
  if (r.sync?.error) out.push(`sync --check: ${r.sync.error}`);
  else if (r.sync && !r.sync.clean) {
    out.push(
      `sync --check drift: ${r.sync.drift.map((f) => `${f.path} (${f.action})`).join(", ")}`,
    );
  }
  if (r.after?.error) out.push(`check after init: ${r.after.error}`);
  for (const g of groupFindings(r.newFindings ?? [])) out.push(`new finding: ${g}`);
  if (r.depsForced && !r.depsForced.status.startsWith("ok")) {
    out.push(
      `deps stage of gopave's own Dockerfile ${r.depsForced.status}: ${r.depsForced.detail ?? ""}`,
    );
    if (r.depsForced.refused?.length) out.push(`  refused: ${r.depsForced.refused.join(", ")}`);
  }
  if (r.deps && !["ok", "none", "kept"].includes(r.deps.status)) {
    out.push(`deps stage ${r.deps.status}: ${r.deps.detail ?? ""}`);
    if (r.deps.refused?.length) out.push(`  refused: ${r.deps.refused.join(", ")}`);
    const other = r.deps.status === "proxy refused" ? (r.deps.errors ?? []) : [];
    if (other.length) out.push(`  other errors: ${other.slice(-3).join(" / ")}`);
  }
  for (const n of r.deps?.notes ?? []) out.push(`deps stage ${n}`);
  return out;
}

export function details(records) {
  return records
    .map((r) => {
      const lines = detailLines(r);
      return lines.length === 0
        ? ""
        : `### ${r.name}\n\n${lines.map((l) => (l.startsWith("  ") ? `  - ${l.trim()}` : `- ${l}`)).join("\n")}\n`;
    })
    .filter(Boolean)
    .join("\n");
}
