import type { Rule, RuleFinding, StructuredFile } from "../../types.js";
import {
  backingKind,
  composeServices,
  dependedOn,
  projectFiles,
  hasHealthcheck,
  imageBaseName,
  isDatabaseImage,
  isRecord,
  serviceImage,
  words,
} from "./util/compose.js";
import type { ComposeService } from "./util/compose.js";
import { serviceIdles } from "./util/repo.js";

const JOB_NAME = /[-_](?:init|setup|seed|migrate|migrations?|bootstrap|provision|job)$/i;

/**
 * A service that runs a database image as a client, once: `redpanda-init` runs `rpk topic
 * create` against `redpanda` and exits. It accepts no connections, so it needs no healthcheck.
 * Told apart by a job-like name, or by depending on a service of the same image while running a
 * shell script instead of the server.
 */
function isOneShotClient(compose: StructuredFile, service: ComposeService): boolean {
  if (JOB_NAME.test(service.name)) return true;
  const entry = words(service.data.entrypoint) ?? [];
  const shell = /(?:^|\/)(?:ba|da|a)?sh$/.test(entry[0] ?? "");
  if (!shell) return false;
  const deps = service.data.depends_on;
  const names = Array.isArray(deps) ? deps.map(String) : isRecord(deps) ? Object.keys(deps) : [];
  const base = imageBaseName(serviceImage(service) ?? "");
  return composeServices(compose).some(
    (s) => names.includes(s.name) && imageBaseName(serviceImage(s) ?? "") === base,
  );
}

export const CP002: Rule = {
  id: "CP002",
  severity: "warning",
  title: "database service without a healthcheck",
  doc: {
    why:
      "The official postgres, mysql, redis and similar images define no HEALTHCHECK. Without " +
      "one in compose, nothing can wait for the database to accept connections: " +
      "`depends_on: {condition: service_healthy}` is impossible, and the Go service starting " +
      "beside it fails its first connections or migrations at random.",
    fix:
      "Add a healthcheck that asks the server itself, e.g. for postgres " +
      '`test: ["CMD-SHELL", "pg_isready -U $${POSTGRES_USER}"]`, for redis ' +
      '`test: ["CMD", "redis-cli", "ping"]`, with a short interval and some retries.',
    example: {
      file: "compose.yaml",
      bad: "services:\n  db:\n    image: postgres:17.6\n",
      good:
        "services:\n  db:\n    image: postgres:17.6\n    healthcheck:\n" +
        '      test: ["CMD-SHELL", "pg_isready -U $${POSTGRES_USER:-postgres}"]\n' +
        "      interval: 5s\n      retries: 10\n",
    },
  },
  check({ model }) {
    const out: RuleFinding[] = [];
    // A database something depends on must say when it is ready (a warning); one nothing waits
    // for (test fixtures started by hand) is worth a note, not a failing check.
    for (const compose of model.composes) {
      // Service names mean something only within one compose project.
      const waitedFor = new Set(
        projectFiles(model, compose).flatMap((f) =>
          dependedOn(f, (svc) => serviceIdles(model, f, svc)),
        ),
      );
      for (const service of composeServices(compose)) {
        const image = serviceImage(service);
        // `extends` may supply the healthcheck from a file we do not follow.
        if (!image || !isDatabaseImage(image) || service.data.extends !== undefined) continue;
        if (hasHealthcheck(service) || isOneShotClient(compose, service)) continue;
        const waited = waitedFor.has(service.name);
        out.push({
          ...(waited ? {} : { severity: "note" as const }),
          file: compose.path,
          line: compose.lineOf(["services", service.name]),
          message:
            `service ${service.name} (${image}) has no healthcheck, so compose cannot make a ` +
            `service wait until the ${backingKind(image)} accepts connections; add a healthcheck` +
            (waited ? "" : " (a note: no service that connects at start-up depends on it)"),
        });
      }
    }
    return out;
  },
};
