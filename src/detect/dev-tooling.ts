import { join } from "node:path";
import { parseImports } from "./go-imports.js";
import { packageSources } from "./package-sources.js";

/** Directory (or binary) names that say what a main package is for, when it is not deployed. */
const REASONS: [RegExp, string][] = [
  [/^(?:_?examples?|demos?|samples?|playground)$/, "an example"],
  [/^(?:bench|benchmarks?|loadtest|load-test|stress|perf)$/, "a benchmark or load test"],
  [
    /^(?:tests?|e2e|integration|testing|testutils?|testhelpers?|fuzz|smoke|conformance|compliance|suites?)$|(?:^|[-_])(?:e2e|suites?)$|.test$|replay(?:er)?$/,
    "a test harness",
  ],
  [
    /^(?:docs?|documentation|docgen|docsgen|doc-?generator|gendocs?|clidocs?|man|manpages?)$/,
    "a documentation generator",
  ],
  [
    /^(?:gen|generate|generator|codegen|mocks?|mockgen)$|[-_]gen$|^(?:code|mock|query|schema|api|proto|config|test|parquetquery|doc)gen$/,
    "a code generator",
  ],
  [
    /^(?:docker-)?entrypoint$/,
    "a container entrypoint helper (shipped inside another app's image)",
  ],
  [
    /^(?:scripts?|hack|tools?|tooling|devtools?|internal\/tools)$|(?:^|[-_])(?:scripts|tools?)$/,
    "development tooling",
  ],
];

/** Why a main package is development tooling rather than something the repo deploys, if it is. */
export function toolingReason(root: string, dir: string): string | undefined {
  const parts = dir.split("/").filter((p) => p !== "." && p !== "");
  // The last element first: it names the binary ("cmd/docsgen"), then the folders around it.
  for (const part of [...parts].reverse()) {
    for (const [re, reason] of REASONS) {
      if (re.test(part.toLowerCase())) {
        return part === parts[parts.length - 1] ? reason : `${reason} (under ${part}/)`;
      }
    }
  }
  if (importsTesting(join(root, dir))) return "a test harness (imports testing)";
  return undefined;
}

function importsTesting(absDir: string): boolean {
  return packageSources(absDir).some((f) => parseImports(f.text).includes("testing"));
}

/**
 * A main package needs `func main()` in a file that builds; one with only //go:generate lines, or
 * whose main is in a `//go:build ignore` file, builds nothing.
 */
export function hasFuncMain(absDir: string): boolean {
  return packageSources(absDir).some((f) => /^func\s+main\s*\(\s*\)/m.test(f.text));
}
