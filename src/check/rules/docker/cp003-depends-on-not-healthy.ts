import type { RepoModel, Rule, RuleFinding, StructuredFile } from "../../types.js";
import {
  composeServices,
  isDatabaseImage,
  isIdle,
  isRecord,
  serviceImage,
} from "./util/compose.js";

export const CP003: Rule = {
  id: "CP003",
  severity: "warning",
  title: "`depends_on` a database without `condition: service_healthy`",
  doc: {
    why:
      "`depends_on: [db]` (or `condition: service_started`) only orders container start-up: " +
      "compose starts the Go service as soon as the database container exists, seconds before " +
      "the database accepts connections. The app's first queries or migrations then fail.",
    fix:
      "Use the long syntax with `condition: service_healthy`, and give the database a " +
      "healthcheck (see CP002).",
    example: {
      file: "compose.yaml",
      bad: "services:\n  api:\n    depends_on:\n      - db\n",
      good: "services:\n  api:\n    depends_on:\n      db:\n        condition: service_healthy\n",
    },
  },
  check({ model }) {
    const out: RuleFinding[] = [];
    for (const compose of model.composes) {
      const isDatabase = databaseLookup(model, compose);
      for (const service of composeServices(compose)) {
        // A container that only sleeps (a dev container) connects to nothing at start-up: for
        // it, started is ready enough, and a kept database may have no healthcheck to wait for.
        if (isIdle(service)) continue;
        const deps = service.data.depends_on;
        const base = ["services", service.name, "depends_on"];
        const report = (dep: string, path: (string | number)[], how: string) => {
          out.push({
            file: compose.path,
            line: compose.lineOf([...base, ...path]),
            message:
              `service ${service.name} depends on database ${dep} ${how}, which does not wait ` +
              "until it is ready; use `condition: service_healthy`",
          });
        };
        if (Array.isArray(deps)) {
          deps.forEach((dep, i) => {
            if (typeof dep === "string" && isDatabase(dep))
              report(dep, [i], "with the short syntax");
          });
        } else if (isRecord(deps)) {
          for (const [dep, cfg] of Object.entries(deps)) {
            if (!isDatabase(dep)) continue;
            const condition = isRecord(cfg) ? cfg.condition : undefined;
            if (condition === undefined)
              report(dep, [dep], "without a condition (service_started)");
            else if (condition === "service_started") {
              report(dep, [dep, "condition"], "with condition service_started");
            }
          }
        }
      }
    }
    return out;
  },
};

/**
 * Whether a service name is a database: looked up in the same file first, then in the other
 * compose files (a dev container's override names services of the root file).
 */
function databaseLookup(model: RepoModel, compose: StructuredFile): (name: string) => boolean {
  const images = new Map<string, string | undefined>();
  for (const file of [compose, ...model.composes.filter((c) => c !== compose)]) {
    for (const s of composeServices(file))
      if (!images.has(s.name)) images.set(s.name, serviceImage(s));
  }
  return (name) => {
    const image = images.get(name);
    return image !== undefined && isDatabaseImage(image);
  };
}
