import type { Rule, RuleFinding } from "../../types.js";
import {
  isRecord,
  composeServices,
  hasHealthcheck,
  isDatabaseImage,
  isIdle,
  serviceImage,
} from "./util/compose.js";

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
    // A dev container that only sleeps waits for nothing to be ready (see CP003).
    const dependedOn = new Set(
      model.composes.flatMap((c) =>
        composeServices(c).flatMap((svc) => {
          if (isIdle(svc)) return [];
          const deps = svc.data.depends_on;
          if (Array.isArray(deps)) return deps.filter((d): d is string => typeof d === "string");
          return isRecord(deps) ? Object.keys(deps) : [];
        }),
      ),
    );
    for (const compose of model.composes) {
      for (const service of composeServices(compose)) {
        const image = serviceImage(service);
        // `extends` may supply the healthcheck from a file we do not follow.
        if (!image || !isDatabaseImage(image) || service.data.extends !== undefined) continue;
        if (hasHealthcheck(service)) continue;
        const waited = dependedOn.has(service.name);
        out.push({
          ...(waited ? {} : { severity: "note" as const }),
          file: compose.path,
          line: compose.lineOf(["services", service.name]),
          message:
            `service ${service.name} (${image}) has no healthcheck (official database images ` +
            "define none), so nothing can wait until it accepts connections; add a healthcheck" +
            (waited ? "" : " (a note: no service depends on it yet)"),
        });
      }
    }
    return out;
  },
};
