import { matchPrefixPatterns } from "../../../gomod/glob.js";
import type { Rule, RuleFinding } from "../../types.js";
import { moduleSettingSources } from "./sources/module-settings.js";

/** Well-known public modules: a pattern list matching all of them matches everything. */
const PUBLIC_SAMPLES = ["github.com/stretchr/testify", "golang.org/x/text", "gopkg.in/yaml.v3"];

export const MS002: Rule = {
  id: "MS002",
  severity: "warning",
  title: "checksum verification turned off for every module",
  doc: {
    why:
      "The checksum database is what proves a downloaded module is the same code everybody else got; " +
      "it is the defence against a compromised proxy or a re-tagged release. GOSUMDB=off, or a " +
      "GONOSUMDB/GOPRIVATE pattern such as `*` that matches every module, turns it off for all " +
      "dependencies, public ones included. GOFLAGS=-insecure asked go get to fetch over plain HTTP and " +
      "skip checksum validation. GONOSUMCHECK and GONOVERIFY are not Go settings at all: they do nothing.",
    fix:
      "Leave GOSUMDB at its default and list only your private module prefixes in GOPRIVATE " +
      "(e.g. `github.com/acme`); use GOINSECURE for a specific host that lacks TLS.",
    example: {
      file: "Dockerfile",
      bad: "ENV GOSUMDB=off",
      good: "ENV GOPRIVATE=github.com/acme",
    },
  },
  check({ model }) {
    const out: RuleFinding[] = [];
    for (const s of moduleSettingSources(model)) {
      const at = { file: s.file, line: s.line };
      if (s.name === "GOSUMDB" && s.value === "off") {
        out.push({
          ...at,
          message: `GOSUMDB=off (${s.where}) turns checksum verification off for every module, public ones included; list private prefixes in GOPRIVATE instead`,
        });
      } else if (
        (s.name === "GONOSUMDB" || s.name === "GOPRIVATE") &&
        PUBLIC_SAMPLES.every((m) => matchPrefixPatterns(s.value, m))
      ) {
        out.push({
          ...at,
          message: `${s.name}=${s.value} (${s.where}) matches every module, so no download is checked against the checksum database; list only your private prefixes (e.g. github.com/acme)`,
        });
      } else if (
        s.name === "GOFLAGS" &&
        s.value.split(/\s+/).some((f) => /^--?insecure(=|$)/.test(f))
      ) {
        out.push({
          ...at,
          message: `GOFLAGS contains -insecure (${s.where}): the old go get flag that fetched over plain HTTP and skipped checksum validation; Go releases that no longer have it stop with "unknown flag"; use GOINSECURE for the one host that needs it`,
        });
      } else if (s.name === "GONOSUMCHECK" || s.name === "GONOVERIFY") {
        out.push({
          ...at,
          severity: "note",
          message: `${s.name} (${s.where}) is not a Go setting and has no effect; if some modules must skip the checksum database, list them in GONOSUMDB or GOPRIVATE`,
        });
      }
    }
    return out;
  },
};
