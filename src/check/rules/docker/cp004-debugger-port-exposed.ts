import type { RepoModel, Rule, RuleFinding, StructuredFile } from "../../types.js";
import {
  composeServices,
  portInRange,
  portMappings,
  publishedOnAllInterfaces,
  words,
} from "./util/compose.js";
import type { ComposeService } from "./util/compose.js";
import { delveListenPort, imageEntrypointCmd, runsDelve, serviceBuild } from "./util/repo.js";

/** Delve's conventional port, the one editors and tutorials use. */
const DELVE_PORT = 2345;

export const CP004: Rule = {
  id: "CP004",
  severity: "error",
  title: "debugger port published on all interfaces",
  doc: {
    why:
      "Delve's API has no authentication and no TLS: whoever connects can run arbitrary code in " +
      "the container. Its --only-same-user guard applies to loopback listeners only, so inside " +
      "a container listening on :2345 it accepts anyone. A port published without a host IP is " +
      "bound on every interface of the machine — the office Wi-Fi included.",
    fix:
      'Publish the debugger on loopback only: `"127.0.0.1:2345:2345"` (or host_ip: 127.0.0.1 in ' +
      "the long syntax). Reach a remote machine's debugger through an ssh tunnel.",
    example: {
      file: "compose.yaml",
      bad: 'services:\n  api-debug:\n    ports:\n      - "2345:2345"\n',
      good: 'services:\n  api-debug:\n    ports:\n      - "127.0.0.1:2345:2345"\n',
    },
  },
  check({ model }) {
    const out: RuleFinding[] = [];
    for (const compose of model.composes) {
      for (const service of composeServices(compose)) {
        const effective = serviceCommand(model, compose, service);
        const delve = runsDelve(effective);
        const listen = delve ? delveListenPort(effective) : undefined;
        for (const m of portMappings(service.data.ports)) {
          const debugPort =
            portInRange(m.target, DELVE_PORT) ||
            (delve && (listen === undefined || portInRange(m.target, listen)));
          if (!debugPort || !publishedOnAllInterfaces(m)) continue;
          out.push({
            file: compose.path,
            line: compose.lineOf(["services", service.name, "ports", m.index]),
            message:
              `service ${service.name} publishes debugger port ${m.target} on all interfaces` +
              `${m.hostIp ? ` (${m.hostIp})` : ""}; Delve's API is unauthenticated, so anyone ` +
              `on the network can run code in the container; publish it as "127.0.0.1:${m.target}:${m.target}"`,
          });
        }
      }
    }
    return out;
  },
};

/**
 * What the container runs: compose's `entrypoint`/`command` override the image's; setting only
 * `entrypoint` also drops the image's CMD, as Docker does.
 */
function serviceCommand(
  model: RepoModel,
  compose: StructuredFile,
  service: ComposeService,
): string[] {
  const stage = serviceBuild(model, compose, service)?.stage;
  const image = stage ? imageEntrypointCmd(stage) : { entrypoint: [], cmd: [] };
  const entrypoint = words(service.data.entrypoint);
  const command = words(service.data.command);
  return [...(entrypoint ?? image.entrypoint), ...(command ?? (entrypoint ? [] : image.cmd))];
}
