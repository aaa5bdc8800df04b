import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { generateCompose } from "../src/generate/compose.js";
import { generateEnvExample } from "../src/generate/env-example.js";
import { renderFile } from "../src/generate/render.js";
import type { GenerateContext } from "../src/generate/types.js";
import { CONTAINER_CASES, must } from "./generate-container-helpers.js";
import { schemaErrors } from "./helpers/schemas.js";
import { exampleSpec, makeContext, makeSpec } from "./helpers/spec.js";

type Compose = {
  name: string;
  services: Record<string, Record<string, unknown>>;
  volumes?: Record<string, unknown>;
};

/** compose.yaml as docker compose would read it: rendered, then parsed. */
function compose(ctx: GenerateContext): Compose | undefined {
  const [file, ...rest] = generateCompose(ctx);
  expect(rest).toEqual([]);
  if (!file) return undefined;
  const rendered = renderFile(file, undefined);
  return parse(must(rendered, "rendered compose.yaml").content) as Compose;
}

describe("compose.yaml", () => {
  for (const [name, make] of Object.entries(CONTAINER_CASES)) {
    it(`${name}: is valid against the official compose schema`, () => {
      const doc = compose(make());
      if (!doc) return;
      // Fails loudly when shared/schemas is missing (see test/helpers/schemas.ts).
      expect(schemaErrors("compose", doc)).toEqual([]);
      expect(doc).not.toHaveProperty("version");
    });
  }

  it("uses a validator that rejects what compose rejects", () => {
    const bad = { services: { api: { ports: 8080, restart_policy: "always" } } };
    expect(schemaErrors("compose", bad)).not.toEqual([]);
  });

  it("is not written without apps or services", () => {
    expect(generateCompose(makeContext(makeSpec()))).toEqual([]);
    expect(generateEnvExample(makeContext(makeSpec()))).toEqual([]);
  });

  it("waits for healthy services and binds every service and Delve port to 127.0.0.1", () => {
    const spec = exampleSpec({ editor: { kind: "vscode", debugPort: 40000 } });
    const doc = must(compose(makeContext(spec)), "compose.yaml");
    expect(doc.name).toBe("orders");
    expect(doc.services.api?.depends_on).toEqual({
      postgres: { condition: "service_healthy" },
      redis: { condition: "service_healthy" },
    });
    expect(doc.services.api?.ports).toEqual(["8080:8080"]);
    expect(doc.services["api-debug"]?.ports).toEqual([
      "127.0.0.1:40000:2345",
      "127.0.0.1:18080:8080",
    ]);
    expect(doc.services["worker-debug"]?.ports).toEqual(["127.0.0.1:40001:2345"]);
    expect(doc.services["api-debug"]?.profiles).toEqual(["debug"]);
    expect(doc.services["api-debug"]?.build).toEqual({ context: ".", target: "api-debug" });
    expect(doc.services.postgres?.ports).toEqual(["127.0.0.1:5432:5432"]);
    for (const svc of ["postgres", "redis"]) {
      expect(doc.services[svc]?.healthcheck).toMatchObject({
        interval: "5s",
        timeout: "3s",
        retries: 10,
        start_period: "10s",
      });
    }
    expect(doc.volumes).toEqual({ "postgres-data": {}, "redis-data": {} });
  });

  it("credentials are ${VAR:-value} references: development defaults that .env overrides", () => {
    const doc = must(compose(makeContext(exampleSpec())), "compose.yaml");
    const env = doc.services.postgres?.environment as Record<string, string>;
    expect(env).toEqual({
      POSTGRES_USER: "${POSTGRES_USER:-app}",
      POSTGRES_PASSWORD: "${POSTGRES_PASSWORD:-app-dev-password}",
      POSTGRES_DB: "${POSTGRES_DB:-app}",
    });
  });

  it("health-checks an app only where the image has a probe tool (alpine)", () => {
    expect(
      must(compose(makeContext(exampleSpec())), "compose.yaml").services.api,
    ).not.toHaveProperty("healthcheck");
    const alpine = must(
      compose(makeContext(exampleSpec({ image: { runtime: "alpine" } }))),
      "compose.yaml",
    );
    expect(alpine.services.api?.healthcheck).toMatchObject({
      test: ["CMD", "wget", "-q", "--spider", "http://127.0.0.1:8080/healthz"],
    });
    expect(alpine.services.worker).not.toHaveProperty("healthcheck");
  });

  it("has no debug services when no dlv is pinned", () => {
    const doc = must(
      compose(makeContext(exampleSpec({ tools: { gopls: "v0.23.0" } }))),
      "compose.yaml",
    );
    expect(Object.keys(doc.services)).toEqual(["api", "worker", "postgres", "redis"]);
  });
});

describe(".env.example", () => {
  it("holds the host-side connection variables with no ${VAR} left to interpolate", () => {
    const [file] = generateEnvExample(
      makeContext(exampleSpec({ services: { postgres: { port: 15432 }, mysql: {} } })),
    );
    if (file?.format !== "text") throw new Error("expected a text file");
    const vars = Object.fromEntries(
      file.text
        .split("\n")
        .filter((l) => l !== "" && !l.startsWith("#"))
        .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
    );
    expect(vars.DATABASE_URL).toBe(
      "postgres://app:app-dev-password@127.0.0.1:15432/app?sslmode=disable",
    );
    expect(vars.MYSQL_DSN).toBe("app:app-dev-password@tcp(127.0.0.1:3306)/app?parseTime=true");
    expect(vars.POSTGRES_PASSWORD).toBe("app-dev-password");
    expect(file.text).not.toContain("${");
  });
});
