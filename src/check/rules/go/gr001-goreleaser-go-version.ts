import type { Rule, RuleFinding } from "../../types.js";
import { belowGoLineEffect } from "./sources/below-go-line.js";
import type { ToolchainMode } from "./sources/below-go-line.js";
import { pinBelow, pinsAgree, requiredGo } from "./sources/go-lines.js";
import { goreleaserGoBinaries, goreleaserToolchainEnv } from "./sources/goreleaser.js";
import { exactPin } from "./sources/setup-go.js";

export const GR001: Rule = {
  id: "GR001",
  severity: "error",
  title: "GoReleaser builds with a Go that disagrees with go.mod",
  doc: {
    why:
      "A GoReleaser build's `gobinary` (or `tool`) and `gomod.gobinary` pick the Go that builds " +
      "the released binaries. Below go.mod's go line, a Go 1.21+ either stops (GOTOOLCHAIN=local: " +
      '"go.mod requires go >= …") or downloads the go line\'s toolchain and builds with that, so ' +
      "the named Go never builds the release; an older Go builds with a Go the module says it " +
      "does not support. When go.mod's toolchain line or gopave.yaml pins a release, the " +
      "released binaries should be built with that release too.",
    fix:
      "Name the pinned release (`gobinary: go1.26.8`), or drop `gobinary` and let the release " +
      "job's setup-go (with `go-version-file: go.mod`) provide `go`.",
    example: {
      file: ".goreleaser.yaml",
      bad: "# go.mod: go 1.25.0\nbuilds:\n  - gobinary: go1.24.9\n",
      good: "# go.mod: go 1.25.0\nbuilds:\n  - gobinary: go1.25.4\n",
    },
  },
  check({ model }) {
    const out: RuleFinding[] = [];
    const exact = exactPin(model);
    for (const config of model.goreleasers) {
      const env = goreleaserToolchainEnv(config);
      // golang.org/dl's go1.X.Y wrappers run an official release, whose go.env says auto.
      const mode: ToolchainMode =
        env === undefined ? "auto" : env === "local" ? "local" : "unknown";
      for (const go of goreleaserGoBinaries(config)) {
        const pin = {
          version: go.version,
          precision: /^\d+\.\d+$/.test(go.version) ? ("minor" as const) : ("exact" as const),
        };
        const gomod = model.gomods.find((m) => m.dir === go.dir);
        const need = gomod?.mod.go
          ? { version: gomod.mod.go.version, file: gomod.path, line: gomod.mod.go.line }
          : requiredGo(model, config.path, "module");
        if (need && pinBelow(pin.version, pin.precision, need.version)) {
          out.push({
            file: config.path,
            line: go.line,
            message:
              `${go.where} builds releases with ${go.binary}, below the go line \`go ${need.version}\` ` +
              `in ${need.file}: ${belowGoLineEffect(pin, need.version, mode)}`,
            related: [{ file: need.file, line: need.line, message: `go ${need.version}` }],
          });
        } else if (exact && !pinsAgree(pin, { version: exact.version, precision: "exact" })) {
          out.push({
            file: config.path,
            line: go.line,
            severity: "warning",
            message:
              `${go.where} builds releases with ${go.binary}, but ${exact.what} pins Go ` +
              `${exact.version}: the released binaries are built with another Go than the one the ` +
              "repo develops and tests with",
            related: [{ file: exact.file, line: exact.line, message: `Go ${exact.version}` }],
          });
        }
      }
    }
    return out;
  },
};
