// Precision of `gopave check` on the corpus: every error/warning check reports on a repo as it is
// (before init) is matched with a verdict kept by hand in verdicts.tsv.
import { existsSync, readFileSync } from "node:fs";

/**
 * verdicts.tsv: repo, rule, file, line, verdict (true | false | debatable), reason. `repo` is the
 * corpus row's name (owner+name) or its owner/name; lines starting with # are comments.
 */
export function readVerdicts(path) {
  if (!existsSync(path)) return [];
  const rows = readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "" && !l.startsWith("#"))
    .map((l) => l.split("\t"));
  const [header, ...data] = rows;
  if (!header) return [];
  return data.map((cols) => {
    const v = Object.fromEntries(header.map((h, i) => [h.trim(), (cols[i] ?? "").trim()]));
    return { ...v, line: Number(v.line) };
  });
}

const counted = (f) => f.severity === "error" || f.severity === "warning";

/**
 * Per repo: the findings decided true, false or debatable, and those without a verdict (which a
 * person still has to judge). Precision = true / (true + false) over decided findings.
 */
export function judge(records, verdicts) {
  const perRepo = [];
  const total = { true: 0, false: 0, debatable: 0, undecided: 0 };
  for (const r of records) {
    const mine = verdicts.filter((v) => v.repo === r.name || v.repo === r.repo);
    const counts = { true: 0, false: 0, debatable: 0, undecided: 0 };
    const undecided = [];
    for (const f of (r.before?.findings ?? []).filter(counted)) {
      const v = mine.find((x) => x.rule === f.rule && x.file === f.file && x.line === f.line);
      const verdict =
        v && ["true", "false", "debatable"].includes(v.verdict) ? v.verdict : "undecided";
      counts[verdict]++;
      total[verdict]++;
      if (verdict === "undecided") undecided.push(`${f.rule} ${f.file}:${f.line}`);
    }
    perRepo.push({ name: r.name, ...counts, undecided });
  }
  const decided = total.true + total.false;
  return { perRepo, total, precision: decided === 0 ? undefined : total.true / decided };
}

/** The precision section of the report, in Markdown. */
export function precisionSection({ perRepo, total, precision }) {
  const rows = perRepo.map(
    (r) => `| ${r.name} | ${r.true} | ${r.false} | ${r.debatable} | ${r.undecided.length} |`,
  );
  const pct = precision === undefined ? "—" : `${(precision * 100).toFixed(1)}%`;
  const undecided = perRepo.flatMap((r) => r.undecided.map((u) => `- ${r.name}: ${u}`));
  return [
    "## Precision of check (verdicts.tsv)",
    "",
    "| repo | true | false | debatable | no verdict |",
    "| ---- | ---- | ----- | --------- | ---------- |",
    ...rows,
    `| all | ${total.true} | ${total.false} | ${total.debatable} | ${total.undecided} |`,
    "",
    `Precision: ${pct} (true / (true + false) over decided findings).`,
    ...(undecided.length > 0 ? ["", "Findings without a verdict:", "", ...undecided] : []),
    "",
  ].join("\n");
}
