import { afterEach, describe, expect, it, vi } from "vitest";
import { modelFromFiles } from "../src/check/model/index.js";
import { checkProblems } from "./helpers/check-fuzz/oracle.js";

/**
 * Repos that once crashed a rule or put a finding outside its file, each shrunk by the fuzz test
 * (check-fuzz.test.ts) to what still failed. Every one must now check cleanly: no PA002, every
 * finding inside an input file, JSON and SARIF output valid.
 */
const REPRODUCERS: [string, Record<string, string>][] = [
  [
    // CP004 called String() on a map whose `toString` key is not a function.
    "a compose port whose target is a map with a toString key",
    {
      "docker-compose.yml":
        "services:\n  worker:\n    ports:\n      - target:\n          toString: true",
    },
  ],
  [
    // GV001/GV002 compared a go line modfile accepts but no Go version comparison understands.
    "a go line with a pre-release of a patch release",
    { "go.mod": "module example.com/app\ngo 1.5.21rc1", ".tool-versions": "golang 1.22.5" },
  ],
  [
    "a go line with an unknown pre-release kind",
    {
      "go.mod": "module example.com/app\n\ngo 1.22xyz1\n\ntoolchain go1.23.1\n",
      ".github/workflows/ci.yml":
        "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-go@v5\n        with:\n          go-version: '1.21'\n",
    },
  ],
  [
    // dockerfile-ast broke lines at a lone CR, BuildKit does not: DF004 landed past the last line.
    "a lone CR inside a Dockerfile line",
    {
      Dockerfile:
        "FROM $BASE as Final\necho \"${\rHOME}\" '$PATH'\nSCRIPT\nRUN --mount=type=bind,target=. go mod tidy || go build",
    },
  ],
];

describe("check on repos that once broke it", () => {
  it.each(REPRODUCERS)("%s", async (_name, files) => {
    expect(await checkProblems(files)).toEqual([]);
  });
});

describe("YAML the library only warns about", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("reads a map used as a key and GitLab's !reference tag without a Node warning on stderr", () => {
    const warn = vi.spyOn(process, "emitWarning").mockImplementation(() => {});
    const model = modelFromFiles({
      "compose.yaml":
        "services:\n  a:\n    image: postgres:17\n    labels:\n      ? {a: 1}\n      : x\n",
      ".gitlab-ci.yml":
        ".setup:\n  script: [go version]\njob:\n  script:\n    - !reference [.setup, script]\n",
    });
    expect(model.malformed).toEqual([]);
    expect(model.gitlab?.data).toEqual({
      ".setup": { script: ["go version"] },
      job: { script: [[".setup", "script"]] },
    });
    expect(warn).not.toHaveBeenCalled();
  });
});
