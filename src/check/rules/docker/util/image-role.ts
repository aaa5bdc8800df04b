import type { DockerfileModel, RepoModel, StructuredFile } from "../../../types.js";
import { composeServices } from "./compose.js";
import type { ComposeService } from "./compose.js";
import { serviceBuild } from "./repo.js";

/**
 * What an image or compose file is for, from where the repo keeps it and what it is called.
 * Production rules (a root user, the toolchain in the final image, literal passwords) are about
 * images that get deployed; a test harness, a developer's environment, a debugger image or a
 * build tool's image is never deployed, and holding it to those rules is noise.
 */
export type Role = "test" | "dev" | "debug" | "tooling";

export interface RoleReason {
  role: Role;
  /** Why, for messages: "under test/", "named *.test.Dockerfile", "in profile e2e". */
  why: string;
}

const TEST_WORDS = new Set([
  "test",
  "tests",
  "testing",
  "e2e",
  "integrationtest",
  "integrationtests",
  "testsuite",
  "testsuites",
  "suites",
  "mock",
  "mocks",
  "fake",
  "fakes",
  "dummy",
  "dummies",
  "fixture",
  "fixtures",
  "coverage",
]);
/** A local emulator stands in for a cloud service on a developer's machine. */
const DEV_WORDS = new Set([
  "dev",
  "devel",
  "develop",
  "development",
  "devcontainer",
  "gitpod",
  "emulator",
  "emulators",
]);
const DEBUG_WORDS = new Set(["debug"]);
/** Directories of development tooling, as init reads them too. */
const TOOLING_DIRS = new Set(["tools", "hack", "packaging"]);

/** The words of a name: `helm-test` -> [helm, test], `Dockerfile.e2e` -> [dockerfile, e2e]. */
const words = (name: string) =>
  name
    .toLowerCase()
    .replace(/^\./, "")
    .split(/[.\-_]+/)
    .filter((w) => w !== "");

function roleOfWords(ws: readonly string[]): Role | undefined {
  if (ws.some((w) => TEST_WORDS.has(w))) return "test";
  // `integration-test`, `integration_tests`: the pair is a test word, "integration" alone is not.
  if (ws.some((w, i) => w === "integration" && /^tests?$/.test(ws[i + 1] ?? ""))) return "test";
  if (ws.some((w) => DEBUG_WORDS.has(w))) return "debug";
  if (ws.some((w) => DEV_WORDS.has(w))) return "dev";
  return undefined;
}

/** The role a path's directories or file name give it. */
export function pathRole(path: string): RoleReason | undefined {
  const parts = path.split("/");
  const base = parts.pop() ?? "";
  const byName = roleOfWords(words(base));
  if (byName) return { role: byName, why: `named ${base}` };
  for (const dir of parts) {
    const role = roleOfWords(words(dir));
    if (role) return { role, why: `under ${dir}/` };
    if (TOOLING_DIRS.has(dir.toLowerCase())) return { role: "tooling", why: `under ${dir}/` };
  }
  return undefined;
}

/**
 * What the comment block at the top of a file says the file is for: "Docker compose for
 * development purposes only", "FOR TEST AND DEVELOPMENT ONLY, DO NOT USE IN PRODUCTION",
 * "quick setups for testing different storage backends", "compose file for local development".
 */
export function headerRole(text: string): RoleReason | undefined {
  const header: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*#+\s?(.*)$/.exec(line);
    if (m) header.push(m[1] ?? "");
    else if (line.trim() !== "" || header.length > 0) break;
  }
  const said = header.join(" ").toLowerCase();
  const test = /\b(?:for (?:\w+ )?(?:testing|tests?)\b|test(?:ing)? only|integration tests?|e2e)/;
  const dev =
    /\b(?:(?:local )?development|dev(?:elopment)? (?:only|environment|setup|purposes)|local dev\b|for local (?:use|testing|runs?)|not for production|do not use (?:it )?in production)/;
  if (test.test(said)) return { role: "test", why: "its header says it is for testing" };
  if (dev.test(said)) return { role: "dev", why: "its header says it is for development" };
  return undefined;
}

/**
 * What a compose file is for when it is not deployed: its path (test/, tools/, compose-dev.yml),
 * its header comment, or the scripts and workflows that name it when all of them are tests
 * (scripts/e2e/clickhouse.sh bringing up docker-compose/clickhouse/docker-compose.yml).
 */
export function composeFileRole(model: RepoModel, file: StructuredFile): RoleReason | undefined {
  const own = pathRole(file.path) ?? headerRole(file.text);
  if (own) return own;
  const users = [...model.scripts, ...model.workflows].filter((f) => f.text.includes(file.path));
  const roles = users.map((u) => ({ path: u.path, role: pathRole(u.path)?.role }));
  if (roles.length > 0 && roles.every((r) => r.role === "test")) {
    return { role: "test", why: `only ${roles.map((r) => r.path).join(", ")} use it` };
  }
  return undefined;
}

/** A compose service that only runs for tests: its file is a test file, or a test profile. */
export function serviceRole(file: StructuredFile, service: ComposeService): RoleReason | undefined {
  const byFile = pathRole(file.path);
  if (byFile?.role === "test") return byFile;
  const profiles = service.data.profiles;
  if (Array.isArray(profiles) && profiles.length > 0) {
    const test = profiles.find((p) => typeof p === "string" && roleOfWords(words(p)) === "test");
    // A service in several profiles also runs outside the test one.
    if (test !== undefined && profiles.length === 1) {
      return { role: "test", why: `in profile ${String(test)}` };
    }
  }
  return undefined;
}

/**
 * A Dockerfile's role: from its own path, else from the compose services that build it when
 * every one of them is test-only.
 */
export function dockerfileRole(model: RepoModel, file: DockerfileModel): RoleReason | undefined {
  const byPath = pathRole(file.path);
  if (byPath) return byPath;
  const roles: (RoleReason | undefined)[] = [];
  for (const compose of model.composes) {
    for (const service of composeServices(compose)) {
      if (serviceBuild(model, compose, service)?.dockerfile !== file) continue;
      roles.push(serviceRole(compose, service));
    }
  }
  const first = roles[0];
  if (first && roles.every((r) => r?.role === "test")) {
    return { role: "test", why: `built only by test compose services (${first.why})` };
  }
  return undefined;
}
