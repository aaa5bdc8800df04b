import type { RepoModel, Rule, RuleFinding, StructuredFile } from "../../types.js";
import {
  backingKind,
  composeServices,
  isDatabaseImage,
  isRecord,
  restartPolicy,
  serviceImage,
  imageBaseName,
  words,
} from "./util/compose.js";
import type { ComposeService } from "./util/compose.js";
import { serviceIdles } from "./util/repo.js";

export const CP003: Rule = {
  id: "CP003",
  severity: "warning",
  title: "`depends_on` a database or broker without `condition: service_healthy`",
  doc: {
    why:
      "`depends_on: [db]` (or `condition: service_started`) only orders container start-up: " +
      "compose starts the Go service as soon as the database container exists, seconds before " +
      "the database accepts connections. The app's first queries or migrations then fail. " +
      "The same holds for brokers (Kafka, NATS, RabbitMQ), ZooKeeper, etcd, MinIO and search " +
      "engines. A dependent with `restart: always`, `unless-stopped` or `on-failure` is brought " +
      "back until it connects, so for it the finding is a note.",
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
      const imageOf = imageLookup(model, compose);
      const isDatabase = (name: string) => {
        const image = imageOf(name);
        return image !== undefined && isDatabaseImage(image);
      };
      const kindOf = (name: string) => backingKind(imageOf(name) ?? "");
      for (const service of composeServices(compose)) {
        // A container that only sleeps (a dev container) connects to nothing at start-up: for
        // it, started is ready enough, and a kept database may have no healthcheck to wait for.
        if (serviceIdles(model, compose, service) || waitsByItself(service)) continue;
        const deps = service.data.depends_on;
        const base = ["services", service.name, "depends_on"];
        // A restart policy brings a service that started too early back until its first
        // connection succeeds: the wait is done, crudely, and the finding is a note.
        const restart = restartPolicy(service.data.restart);
        const report = (dep: string, path: (string | number)[], how: string) => {
          // Confluent's Kafka image runs `cub zk-ready` on ZooKeeper before it starts.
          if (confluentKafka(service) && kindOf(dep) === "coordination service") return;
          out.push({
            file: compose.path,
            line: compose.lineOf([...base, ...path]),
            message:
              `service ${service.name} depends on ${kindOf(dep)} ${dep} ${how}, which does not ` +
              "wait until it is ready; use `condition: service_healthy`" +
              (restart
                ? ` (a note: \`restart: ${restart}\` restarts ${service.name} until ${dep} accepts connections)`
                : ""),
            ...(restart ? { severity: "note" as const } : {}),
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
 * The image a service name runs: looked up in the same file first, then in the other compose
 * files (a dev container's override names services of the root file).
 */
function imageLookup(
  model: RepoModel,
  compose: StructuredFile,
): (name: string) => string | undefined {
  const images = new Map<string, string | undefined>();
  for (const file of [compose, ...model.composes.filter((c) => c !== compose)]) {
    for (const s of composeServices(file))
      if (!images.has(s.name)) images.set(s.name, serviceImage(s));
  }
  return (name) => images.get(name);
}

/**
 * A dependent that needs no ready dependency at start-up, or waits for it itself: a reverse
 * proxy resolves its upstream per request, and an init job that loops `until <probe>; do sleep`
 * polls.
 */
function waitsByItself(service: ComposeService): boolean {
  const image = serviceImage(service);
  const base = image ? imageBaseName(image) : "";
  if (/^(?:nginx|nginx-unprivileged|openresty|traefik|caddy|haproxy|envoy)$/.test(base))
    return true;
  const cmd = [...(words(service.data.entrypoint) ?? []), ...(words(service.data.command) ?? [])];
  return /\b(?:until|while)\b[^;]*;\s*do\b[\s\S]*?\bsleep\b[\s\S]*?\bdone\b/.test(cmd.join(" "));
}

function confluentKafka(service: ComposeService): boolean {
  const image = serviceImage(service);
  return image !== undefined && /^cp-(?:kafka|server|enterprise-kafka)$/.test(imageBaseName(image));
}
