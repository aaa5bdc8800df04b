/**
 * A Go release older than the module, from before toolchain switching (Go 1.21):
 *   x/mod modfile (Go <= 1.20): "invalid go version '%s': must match format 1.23"
 *     (Go 1.21+ says "1.23.0" and only for truly malformed lines) and "unknown directive: toolchain"
 *   cmd/go/internal/work/exec.go (Go <= 1.20): "note: module requires Go %s"
 *   cmd/go/internal/modload/import.go: "note: imported by a module that requires go %s"
 */

import type { Matcher } from "../types.js";

const OLD_PARSER = /invalid go version '([^']+)': must match format 1\.23$/;
const NEW_PARSER = /invalid go version '([^']+)': must match format 1\.23\.0$/;
const TOOLCHAIN_DIRECTIVE = /unknown directive: toolchain\b/;
const NOTE = /note: (?:module requires Go|imported by a module that requires go) (\S+)/;

export const goTooOld: Matcher = {
  id: "go-too-old",
  match(line) {
    const bad = NEW_PARSER.exec(line)?.[1];
    if (bad !== undefined) {
      return {
        title: `go.mod has an invalid go line ("${bad}")`,
        cause:
          "The go directive must be a Go version such as 1.22, 1.22.3 or 1.23rc1; this Go understands three-part versions, so the value itself is malformed.",
        fix: ["Write a real version: `go mod edit -go=1.22.0` (or the version you need)."],
      };
    }
    const old = OLD_PARSER.exec(line)?.[1];
    const note = NOTE.exec(line)?.[1];
    if (old === undefined && note === undefined && !TOOLCHAIN_DIRECTIVE.test(line))
      return undefined;
    const need = old ?? note;
    return {
      title:
        need === undefined
          ? "This Go is too old for go.mod's toolchain line"
          : `This Go is older than the module needs (Go ${need})`,
      cause:
        note !== undefined
          ? `A package failed to compile, and its module declares go ${note}, newer than the Go that ran. The errors are most likely uses of newer language features or standard library packages.`
          : "This Go release predates Go 1.21, so it cannot read go.mod files written for newer releases (three-part go lines such as 1.22.6, and the toolchain directive) and cannot switch to a newer toolchain by itself.",
      fix: [
        `Install Go ${need ?? "1.21 or later"} or later (1.21+ can then switch toolchains itself): bump \`FROM golang:…\` in the Dockerfile, or \`go-version-file: go.mod\` in actions/setup-go.`,
        "Check which go actually runs: `go version` and `which -a go` (an old distribution package may shadow the new one on PATH).",
      ],
    };
  },
};
