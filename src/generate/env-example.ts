import { SERVICE_CATALOG } from "../spec/services.js";
import { envFileValue } from "./container/quote.js";
import { resolveServices, serviceConnectionEnv } from "./service-env.js";
import type { GenerateContext, GeneratedFile, Generator } from "./types.js";

/**
 * .env.example: development credentials for compose's `${VAR:?...}` references, and the
 * connection variables for apps run on the host. Those are written out in full because readers of
 * .env such as VS Code's envFile do not interpolate `${VAR}`.
 */
export const generateEnvExample: Generator = (ctx: GenerateContext): GeneratedFile[] => {
  const { spec } = ctx;
  const services = resolveServices(spec);
  if (services.length === 0) return [];
  const examples = new Map<string, string>();
  const credentials: string[] = [];
  for (const s of services) {
    for (const [k, v] of Object.entries(SERVICE_CATALOG[s.kind].envExample)) {
      examples.set(k, v);
      credentials.push(`${k}=${envFileValue(v)}`);
    }
  }
  const expand = (value: string) =>
    value.replace(
      /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g,
      (ref, name: string) => examples.get(name) ?? ref,
    );
  const connections = serviceConnectionEnv(spec, "host").map(
    ([k, v]) => `${k}=${envFileValue(expand(v))}`,
  );
  const lines = [
    "# Copy to .env (git-ignored) for local development: cp .env.example .env",
    "# Development values only; docker compose reads the credentials from .env.",
    ...(credentials.length > 0 ? ["", ...credentials] : []),
    "",
    "# Apps run on the host reach the services on 127.0.0.1 at their published ports.",
    ...connections,
  ];
  return [{ path: ".env.example", format: "text", text: `${lines.join("\n")}\n` }];
};
