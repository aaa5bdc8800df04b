import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { copyRepo, gopave } from "./helpers/cli.js";

const read = (dir: string, p: string) => readFileSync(join(dir, p), "utf8");

interface Finding {
  rule: string;
  severity: string;
  file: string;
  message: string;
}

async function findings(dir: string): Promise<Finding[]> {
  const r = await gopave(dir, ["check", "--format", "json", "--offline"]);
  return (JSON.parse(r.stdout) as { findings: Finding[] }).findings.filter(
    (f) => f.severity === "error" || f.severity === "warning",
  );
}

/** Errors and warnings `check` has after that it did not have before (messages name no lines). */
function added(before: Finding[], after: Finding[]): Finding[] {
  const key = (f: Finding) => `${f.rule} ${f.file} ${f.message}`;
  const old = new Set(before.map(key));
  return after.filter((f) => !old.has(key(f)));
}

describe("gopave init: services", () => {
  it("summarises each service with its evidence, briefly, and says so in the spec", async () => {
    const dir = copyRepo("fixture", "svc-alternatives");
    const init = await gopave(dir, ["init", "--yes"]);
    expect(init.code).toBe(0);
    expect(init.stdout).toMatch(
      /\n {2}services postgres \(cmd\/notes → store\/db → store\/db\/postgres → github\.com\/lib\/pq; optional: one of sqlite, mysql, postgres chosen by configuration at store\/db\/db\.go:\d+\)\n {11}mysql \(/,
    );
    expect(init.stdout).toContain(
      "optional services (postgres, mysql) start only with `docker compose --profile <service> up`",
    );
    const spec = read(dir, "gopave.yaml");
    expect(spec).toMatch(
      /\n {2}# cmd\/notes → store\/db → store\/db\/postgres → github\.com\/lib\/pq; optional: [^\n]+\n {2}postgres:\n {4}optional: true\n {4}env:\n {6}NOTES_DRIVER: driver\n {6}NOTES_DSN: dsn\n/,
    );
    const compose = parse(read(dir, "compose.yaml")) as {
      services: Record<string, Record<string, unknown>>;
    };
    expect(compose.services.postgres?.profiles).toEqual(["postgres"]);
    expect(compose.services.notes).not.toHaveProperty("depends_on");
    expect(await findings(dir)).toEqual([]);
    expect((await gopave(dir, ["sync", "--check"])).code).toBe(0);
  });

  it("adopts a kept compose file and .env.example, and makes no check finding worse (go-clean-template)", async () => {
    const dir = copyRepo("fixture", "svc-kept-compose");
    const before = await findings(dir);
    expect((await gopave(dir, ["init", "--yes"])).code).toBe(0);
    // init records the kept compose file, and the services follow it.
    expect(read(dir, "gopave.yaml")).toMatch(
      /\nkeep:\n(?: {2}\w+: .*\n)* {2}compose: docker-compose\.yml\n/,
    );
    expect((await gopave(dir, ["sync", "--check"])).code).toBe(0);

    const dc = JSON.parse(
      read(dir, ".devcontainer/devcontainer.json").replace(/^\/\/.*\n/, ""),
    ) as Record<string, unknown>;
    expect(dc.dockerComposeFile).toEqual(["../docker-compose.yml", "compose.yaml"]);
    expect(dc.runServices).toEqual(["dev", "db", "nats", "rabbitmq"]);
    const dev = (
      parse(read(dir, ".devcontainer/compose.yaml")) as {
        services: Record<string, Record<string, unknown>>;
      }
    ).services.dev;
    expect(dev?.environment).toEqual({
      PG_URL: "postgres://user:tasks-dev-password@db:5432/tasks",
      NATS_URL: "nats://guest:guest@nats:4222/",
      RMQ_URL: "amqp://guest:guest@rabbitmq:5672/",
    });
    expect(dev?.networks).toEqual(["app_network"]);

    // The repo's .env.example stays, with a block for what it lacked (NATS_URL on the host).
    const env = read(dir, ".env.example");
    expect(env.startsWith("# Settings for running the app on your machine.\nPG_POOL_MAX=2\n")).toBe(
      true,
    );
    expect(env).toContain("# >>> gopave: generated from gopave.yaml; edit there, not here >>>");
    // nats publishes no port in the kept file.
    expect(env).toContain(
      "# nats publishes no port in docker-compose.yml: apps on the host cannot reach it.",
    );
    expect(env).not.toMatch(/^PG_URL=.*127\.0\.0\.1/m);

    expect(added(before, await findings(dir))).toEqual([]);
  });

  it("MariaDB in the kept compose.yaml: the dev container waits for it started and uses its app's settings (photoprism)", async () => {
    const dir = copyRepo("fixture", "svc-kept-mariadb");
    const before = await findings(dir);
    expect((await gopave(dir, ["init", "--yes"])).code).toBe(0);
    expect(read(dir, "gopave.yaml")).toMatch(
      /\nkeep:\n(?: {2}\w+: .*\n)* {2}compose: compose\.yaml\n/,
    );
    expect((await gopave(dir, ["sync", "--check"])).code).toBe(0);
    const dev = (
      parse(read(dir, ".devcontainer/compose.yaml")) as {
        services: Record<string, Record<string, unknown>>;
      }
    ).services.dev;
    expect(dev?.depends_on).toEqual({ mariadb: { condition: "service_started" } });
    expect(dev?.environment).toMatchObject({
      PHOTOS_DATABASE_SERVER: "mariadb:4001",
      PHOTOS_DATABASE_DRIVER: "mysql",
    });
    expect(read(dir, ".env.example")).toContain("\nPHOTOS_DATABASE_SERVER=127.0.0.1:4001\n");
    expect(added(before, await findings(dir))).toEqual([]);
  });
});
