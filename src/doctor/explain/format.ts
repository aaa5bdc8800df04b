/**
 * Human-readable --explain output. It must say plainly when nothing was recognised, and what
 * to capture instead, because a silent "no problems" would send people in the wrong direction.
 */

import type { Explanation } from "./types.js";

const NOTHING_RECOGNISED = [
  "No known go command error was recognised in this input.",
  "Try:",
  "  - pass the complete output, stderr included: `go build ./... 2>&1 | gopave doctor --explain -`",
  "  - rerun the failing command with -x to see every download and git command: `go mod download -x`",
  "  - for toolchain selection problems: `GODEBUG=toolchaintrace=1 go version` (Go 1.24+)",
  "  - check the settings involved: `go env GOPROXY GOPRIVATE GONOSUMDB GOFLAGS GOTOOLCHAIN`",
];

export function formatExplanations(list: Explanation[], color: (s: string) => string): string {
  if (list.length === 0) return `${NOTHING_RECOGNISED.join("\n")}\n`;
  const parts = list.map((e, i) => {
    const lines = [
      `${i + 1}. ${color(e.title)}  [${e.id}]`,
      `   line ${e.line}: ${e.evidence}`,
      `   Cause: ${e.cause}`,
      "   Fix:",
      ...e.fix.map((f) => `     - ${f}`),
    ];
    return lines.join("\n");
  });
  const head = `${list.length} problem${list.length === 1 ? "" : "s"} recognised:`;
  return `${head}\n\n${parts.join("\n\n")}\n`;
}
