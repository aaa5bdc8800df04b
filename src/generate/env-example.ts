import { expandRefs } from "../detect/env-file.js";
import { SERVICE_CATALOG } from "../spec/services.js";
import { envFileValue } from "./container/quote.js";
import { connectionEnv, resolveServices } from "./service-env.js";
import type { GenerateContext, GeneratedFile, Generator } from "./types.js";

/**
 * .env.example: the development credentials, which are also the defaults of the generated compose
 * files' `${VAR:-value}` references (so compose runs without a .env, and a .env overrides), and
 * the connection variables for apps run on the host. Those are written out in full because readers of
 * .env such as VS Code's envFile do not interpolate `${VAR}`. Optional services' variables are
 * there commented out: set, they would point an app at a service nobody started.
 *
 * A .env.example the repo wrote itself is kept: gopave owns only a marked block in it, with the
 * variables the generated files need that the file lacks, its own values used for the rest.
 */
export const generateEnvExample: Generator = (ctx: GenerateContext): GeneratedFile[] => {
  const { spec, repo } = ctx;
  const services = resolveServices(spec, repo);
  if (services.length === 0) return [];
  const kept = repo.envExample;
  const has = (name: string) => kept !== undefined && name in kept;
  const examples: Record<string, string> = {};
  const credentials: string[] = [];
  for (const s of services) {
    if (s.kept) continue;
    for (const [k, v] of Object.entries(SERVICE_CATALOG[s.kind].envExample)) {
      if (k in examples) continue;
      examples[k] = v;
      if (!has(k)) credentials.push(`${k}=${envFileValue(v)}`);
    }
  }
  const values = { ...examples, ...kept };
  const line = ([k, v]: [string, string]) => `${k}=${envFileValue(expandRefs(v, values))}`;
  const seen = new Set<string>();
  const fresh = ([k]: [string, string]) => !has(k) && !seen.has(k) && seen.add(k) !== undefined;
  const required = services
    .filter((s) => !s.optional)
    .flatMap((s) => connectionEnv(s, "host", repo))
    .filter(fresh)
    .map(line);
  const optional = services
    .filter((s) => s.optional)
    .flatMap((s) => {
      const vars = connectionEnv(s, "host", repo).filter(([k]) => !has(k));
      return vars.length === 0 ? [] : [`# ${s.name}:`, ...vars.map((v) => `# ${line(v)}`)];
    });
  const unreachable = services
    .filter((s) => !s.optional && s.hostPort === undefined)
    .map(
      (s) =>
        `# ${s.name} publishes no port in ${spec.keep.compose ?? "compose"}: apps on the host cannot reach it.`,
    );

  const body = [
    ...(credentials.length > 0 ? ["", ...credentials] : []),
    ...(required.length > 0 || unreachable.length > 0
      ? [
          "",
          "# Apps run on the host reach the services on 127.0.0.1 at their published ports.",
          ...unreachable,
          ...required,
        ]
      : []),
    ...(optional.length > 0
      ? [
          "",
          "# Optional services: start one with `docker compose --profile <service> up -d <service>`,",
          "# then uncomment the variables of the one the apps should use.",
          ...optional,
        ]
      : []),
  ];
  if (kept !== undefined) {
    if (body.length === 0) return [];
    const text = ["# What gopave's generated files need and this file did not have.", ...body].join(
      "\n",
    );
    return [{ path: ".env.example", format: "section", text: `${text}\n` }];
  }
  const lines = [
    "# Development values only. docker compose works without a .env file: the compose files",
    "# default to these same values. Copy to .env (git-ignored) for apps run on the host, and",
    "# edit it to override a value: cp .env.example .env",
    ...body,
  ];
  return [{ path: ".env.example", format: "text", text: `${lines.join("\n")}\n` }];
};
