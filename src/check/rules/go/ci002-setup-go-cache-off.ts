import type { Rule, RuleFinding } from "../../types.js";
import { scalarString } from "./sources/values.js";
import { SETUP_GO, workflowJobs } from "./sources/workflows.js";

/** A cache path that holds the module or build cache. */
const GO_CACHE_PATH = /pkg\/mod|go-build|GOMODCACHE|GOCACHE|~\/go\b|\/go\//;

export const CI002: Rule = {
  id: "CI002",
  severity: "warning",
  title: "setup-go caching turned off",
  doc: {
    why:
      "Without the module and build cache every job downloads all dependencies and compiles them " +
      "from scratch: slower CI, and a dependency on every module host being up at that moment. " +
      "setup-go caches both by default since v4; v3.2 and later v3 releases need `cache: true`, " +
      "and v1 and v2 have no cache input at all.",
    fix:
      "Remove `cache: false` (or add an actions/cache step for the module cache). Key the cache on " +
      "go.sum with `cache-dependency-path: go.sum` — since v6 the default key is go.mod.",
    example: {
      file: ".github/workflows/ci.yml",
      bad: "- uses: actions/setup-go@v6\n  with:\n    go-version-file: go.mod\n    cache: false",
      good: "- uses: actions/setup-go@v6\n  with:\n    go-version-file: go.mod\n    cache-dependency-path: go.sum",
    },
  },
  check({ model }) {
    const out: RuleFinding[] = [];
    for (const job of workflowJobs(model)) {
      const ownCache = job.steps.some(
        (s) =>
          s.action === "actions/cache" && GO_CACHE_PATH.test(scalarString(s.with["path"]) ?? ""),
      );
      if (ownCache) continue;
      for (const step of job.steps) {
        if (step.action !== SETUP_GO) continue;
        const cache = scalarString(step.with["cache"]);
        if (cache === "false") {
          out.push({
            file: job.file.path,
            line: job.file.lineOf([...step.path, "with", "cache"]),
            message: `setup-go has cache: false and job ${job.id} has no actions/cache step for the module cache: every run downloads and compiles all dependencies`,
          });
        } else if (cache === undefined && step.major !== undefined && step.major < 4) {
          out.push({
            file: job.file.path,
            line: step.line,
            message:
              step.major < 3
                ? `setup-go v${step.major} has no cache at all (its cache input came in v3.2; v4+ caches by default): every run of job ${job.id} downloads and compiles all dependencies; upgrade setup-go or add an actions/cache step`
                : `setup-go v${step.major} caches nothing unless cache: true (v4+ caches by default): every run of job ${job.id} downloads and compiles all dependencies`,
          });
        }
      }
    }
    return out;
  },
};
