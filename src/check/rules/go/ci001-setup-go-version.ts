import type { Rule } from "../../types.js";
import { setupGoProblems } from "./sources/setup-go.js";

export const CI001: Rule = {
  id: "CI001",
  severity: "error",
  title: "setup-go's Go version disagrees with go.mod or gopave.yaml",
  doc: {
    why:
      "actions/setup-go decides which Go a GitHub Actions job runs. Below go.mod's go line, what " +
      "happens depends on that Go: Go 1.21 and later treat the go line as a minimum — with " +
      "GOTOOLCHAIN=local, which setup-go v6+ exports for the job, every go command that loads the " +
      "module stops with " +
      '"go.mod requires go >= X (running go Y; GOTOOLCHAIN=local)"; with the default ' +
      "GOTOOLCHAIN=auto (setup-go v5 and earlier) the go command downloads goX and runs that, so " +
      "CI never tests the version it names. Before Go 1.21 the go line was advisory: the build " +
      'goes ahead and says "note: module requires Go X" only when it fails — except that those ' +
      "releases cannot parse a go line like `go 1.21.0`, and Go 1.19.13+/1.20.8+ refuse go 1.22 " +
      "and later. When go.mod's toolchain line or gopave.yaml pins an exact release, CI should " +
      "test that release. `go-version` wins over `go-version-file`; setup-go v6+ reads the " +
      "toolchain line of a go.mod, earlier majors only its go line. An unquoted " +
      "`go-version: 1.20` is the YAML number 1.2. A `go-version-file` that does not exist fails the step.",
    fix:
      "Use `go-version-file: go.mod` with setup-go v6+ when go.mod's toolchain line is the pin, or " +
      "write the pinned release, quoted, in `go-version`.",
    example: {
      file: ".github/workflows/ci.yml",
      bad: "# go.mod: go 1.25.0, toolchain go1.26.8\n- uses: actions/setup-go@v6\n  with:\n    go-version: 1.24",
      good: "# go.mod: go 1.25.0, toolchain go1.26.8\n- uses: actions/setup-go@v6\n  with:\n    go-version-file: go.mod",
    },
  },
  check({ model }) {
    return setupGoProblems(model);
  },
};
