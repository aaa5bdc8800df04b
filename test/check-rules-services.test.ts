import { describe, expect, it } from "vitest";
import { CP002 } from "../src/check/rules/docker/cp002-database-without-healthcheck.js";
import { CP003 } from "../src/check/rules/docker/cp003-depends-on-not-healthy.js";
import { CP005 } from "../src/check/rules/docker/cp005-literal-secret-in-environment.js";
import { isDatabaseImage } from "../src/check/rules/docker/util/compose.js";
import { MARKER } from "../src/generate/marker.js";
import { SERVICE_CATALOG, SERVICE_KINDS } from "../src/spec/services.js";
import { lines, runRule, where } from "./check-rules-docker-helpers.js";

/** The repo's compose file: a database without a healthcheck, its password written in. */
const KEPT = lines(
  "services:",
  "  db:",
  "    image: postgres:18.4",
  "    environment:",
  "      POSTGRES_PASSWORD: tasks-dev-password",
);

/** gopave's dev container file joined over it: an idle container waiting for db to start. */
const DEV = lines(
  `# ${MARKER}`,
  "services:",
  "  dev:",
  "    build: .",
  "    command: [sleep, infinity]",
  "    environment:",
  "      PG_URL: postgres://postgres:tasks-dev-password@db:5432/postgres",
  "      OTHER_URL: postgres://postgres:not-in-the-repo@db:5432/postgres",
  "    depends_on:",
  "      db:",
  "        condition: service_started",
);

describe("compose rules and a dev container joining a kept compose file", () => {
  it("CP003: an idle dev container may wait for a started database; an app may not", async () => {
    expect(
      await runRule(CP003, { "compose.yaml": KEPT, ".devcontainer/compose.yaml": DEV }),
    ).toEqual([]);
    const app = DEV.replace("    command: [sleep, infinity]\n", "");
    expect(
      where(await runRule(CP003, { "compose.yaml": KEPT, ".devcontainer/compose.yaml": app })),
    ).toEqual([".devcontainer/compose.yaml:10"]);
  });

  it("CP002: a database only an idle dev container depends on stays a note", async () => {
    const f = await runRule(CP002, { "compose.yaml": KEPT, ".devcontainer/compose.yaml": DEV });
    expect(f.map((x) => [x.file, x.severity])).toEqual([["compose.yaml", "note"]]);
  });

  it("CP005: a generated copy of a password the repo commits is reported where the repo wrote it", async () => {
    const f = await runRule(CP005, { "compose.yaml": KEPT, ".devcontainer/compose.yaml": DEV });
    expect(where(f)).toEqual([".devcontainer/compose.yaml:8", "compose.yaml:5"]);
    // Without the marker the file is the repo's own, and a copy is a finding like any other.
    const own = DEV.replace(`# ${MARKER}\n`, "");
    expect(
      where(await runRule(CP005, { "compose.yaml": KEPT, ".devcontainer/compose.yaml": own })),
    ).toEqual([".devcontainer/compose.yaml:6", ".devcontainer/compose.yaml:7", "compose.yaml:5"]);
  });

  it("every service gopave runs counts as a database for CP002/CP003", () => {
    for (const kind of SERVICE_KINDS) {
      const c = SERVICE_CATALOG[kind];
      expect(isDatabaseImage(`${c.image}:${c.version}`), kind).toBe(true);
      for (const image of c.images) expect(isDatabaseImage(`example/${image}:1`), image).toBe(true);
    }
  });
});
