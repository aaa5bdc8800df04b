import { describe, expect, it } from "vitest";
import { CP001 } from "../src/check/rules/docker/cp001-unpinned-service-image.js";
import { CP002 } from "../src/check/rules/docker/cp002-database-without-healthcheck.js";
import { CP005 } from "../src/check/rules/docker/cp005-literal-secret-in-environment.js";
import { DF008 } from "../src/check/rules/docker/df008-credentials-in-env-arg.js";
import { lines, runRule, where } from "./check-rules-docker-helpers.js";

/** Secrets by name and value shape, on the value's line; images pulled versus built here. */

describe("CP005 judges a value's shape, not the word in its name", () => {
  it("leaves durations, numbers, booleans, plain URLs and settings about secrets alone", async () => {
    const compose = lines(
      "services:",
      "  app:",
      "    image: example/app:1.0",
      "    environment:",
      '      JWT_TOKEN_EXPIRY: "24h"',
      "      TOKEN_TTL: 3600",
      '      SESSION_SECRET_ROTATION: "false"',
      "      PASSWORD_RESET_URI: https://auth.example.test/reset",
      "      TOKEN_ISSUER: example-app",
      "      GOOGLE_APPLICATION_CREDENTIALS: /run/secrets/gcp.json",
      "      KAFKA_SSL_KEYSTORE_CREDENTIALS: broker_keystore_creds",
      "      MINIO_ACCESS_KEY: app",
      "      MINIO_SECRET_KEY: s3cr3t-value",
    );
    const f = await runRule(CP005, { "compose.yaml": compose });
    expect(where(f)).toEqual(["compose.yaml:13"]);
    expect(f[0]?.message).toContain("MINIO_SECRET_KEY");
  });

  it("points at the value's line when a merge key brings the environment in", async () => {
    const compose = lines(
      "x-app-env: &app-env",
      '  JWT_SECRET: "not-a-real-secret"',
      '  JWT_TOKEN_EXPIRY: "24h"',
      '  PG_URL: "postgres://user:pw@db:5432/db"',
      "",
      "services:",
      "  app:",
      "    build: .",
      "    environment:",
      "      <<: *app-env",
      "      LOG_LEVEL: debug",
    );
    const f = await runRule(CP005, { "compose.yaml": compose });
    expect(where(f)).toEqual(["compose.yaml:2", "compose.yaml:4"]);
  });

  it("lowers a test-only service's secret to a note, by file name or profile", async () => {
    const env = ["    environment:", "      POSTGRES_PASSWORD: hunter2"];
    const test = lines("services:", "  db:", "    image: postgres:17.6", ...env);
    const profiled = lines(
      "services:",
      "  db:",
      "    image: postgres:17.6",
      "    profiles: [e2e]",
      ...env,
    );
    const f = await runRule(CP005, {
      "docker-compose.test.yml": test,
      "compose.yaml": profiled,
      "deploy/compose.yaml": test,
    });
    expect(f.map((x) => `${x.file}:${x.line} ${x.severity ?? "warning"}`)).toEqual([
      "compose.yaml:6 note",
      "deploy/compose.yaml:5 warning",
      "docker-compose.test.yml:5 note",
    ]);
  });
});

describe("DF008 and an empty ENV", () => {
  it("does not call an empty default a credential, but still a copied build argument", async () => {
    const df = lines(
      "FROM alpine:3.22",
      'ENV APP_DATABASE_PASSWORD="" APP_TOKEN_TTL=24h',
      "ARG GITHUB_TOKEN",
      "ENV GITHUB_TOKEN=${GITHUB_TOKEN}",
    );
    expect(where(await runRule(DF008, { Dockerfile: df }))).toEqual([
      "Dockerfile:3",
      "Dockerfile:4",
    ]);
  });
});

describe("CP001 counts only pulled images", () => {
  it("skips an image another service builds or a Makefile tags, and the module's own name", async () => {
    const compose = lines(
      "services:",
      "  api:",
      "    build: .",
      "    image: example/api",
      "  worker:",
      "    image: example/api",
      "  web:",
      "    image: go-clean-arch",
      "  app:",
      "    image: myservice",
      "  db:",
      "    image: postgres",
    );
    const f = await runRule(CP001, {
      "go.mod": lines("module github.com/example/myservice/v2", "", "go 1.25.0"),
      Dockerfile: lines("FROM golang:1.26.8", "COPY . .", "RUN go build ."),
      Makefile: lines(
        "image-build:",
        "\tDOCKER_BUILDKIT=0 docker build \\",
        "\t\t--file Dockerfile \\",
        "\t\t--tag go-clean-arch \\",
        "\t\t\t.",
      ),
      "compose.yaml": compose,
    });
    expect(where(f)).toEqual(["compose.yaml:12"]);
  });

  it("skips an image the repo builds under a templated name, binding what the Dockerfile path binds", async () => {
    const f = await runRule(CP001, {
      "cmd/tempo/Dockerfile_debug": lines("FROM alpine:3.22"),
      Makefile: lines(
        "docker-component-debug:",
        "\tdocker build -t grafana/$(COMPONENT)-debug -f ./cmd/$(COMPONENT)/Dockerfile_debug .",
        "release:",
        "\tdocker build -t grafana/tempo-query:$(VERSION) -f cmd/tempo/Dockerfile_debug .",
      ),
      "example/compose.yaml": lines(
        "services:",
        "  tempo:",
        "    image: grafana/tempo-debug:latest",
        "  query:",
        "    image: grafana/tempo-query",
        "  grafana:",
        "    image: grafana/grafana:latest",
      ),
    });
    // A build that tags a version it computes does not make `latest`.
    expect(where(f)).toEqual(["example/compose.yaml:5", "example/compose.yaml:7"]);
  });

  it("skips an image of the repo's own namespace beside the Dockerfile CI builds it from", async () => {
    const files = {
      "go.mod": lines("module github.com/acme/gateway/v4", "", "go 1.25.0"),
      "suites/compose/duo-api/Dockerfile": lines("FROM node:24-alpine"),
      "suites/compose/duo-api/compose.yml": lines(
        "services:",
        "  duo-api:",
        "    image: 'acme/integration-duo'",
        "  whoami:",
        "    image: traefik/whoami",
      ),
      "suites/compose/ldap/compose.yml": lines("services:", "  ldap:", "    image: acme/ldap"),
    };
    const f = await runRule(CP001, files);
    expect(where(f)).toEqual([
      "suites/compose/duo-api/compose.yml:5",
      "suites/compose/ldap/compose.yml:3",
    ]);
    // Beside a Dockerfile the repo builds under another name, the image is not that one.
    const named = {
      ...files,
      Makefile: lines("duo:", "\tdocker build -t acme/duo-mock suites/compose/duo-api"),
    };
    expect(where(await runRule(CP001, named))).toContain("suites/compose/duo-api/compose.yml:3");
  });

  it("still reports a bare name that is not this repo's module", async () => {
    const compose = lines("services:", "  cache:", "    image: redis");
    const f = await runRule(CP001, {
      "go.mod": lines("module github.com/example/myservice", "", "go 1.25.0"),
      Dockerfile: lines("FROM golang:1.26.8"),
      "compose.yaml": compose,
    });
    expect(where(f)).toEqual(["compose.yaml:3"]);
  });
});

describe("CP002 and one-shot clients of a database image", () => {
  it("skips an init job that runs the database image's CLI against the server", async () => {
    const compose = lines(
      "services:",
      "  redpanda:",
      "    image: redpandadata/redpanda:v25.1.1",
      "    command: redpanda start",
      "  redpanda-init:",
      "    image: redpandadata/redpanda:v25.1.1",
      "    depends_on: [redpanda]",
      '    entrypoint: ["/bin/bash", "-c"]',
      '    command: ["rpk topic create traces"]',
      "  topics:",
      "    image: redpandadata/redpanda:v25.1.1",
      "    depends_on: [redpanda]",
      '    entrypoint: ["/bin/sh", "-c"]',
      '    command: ["rpk topic create logs"]',
    );
    const f = await runRule(CP002, { "compose.yaml": compose });
    expect(where(f)).toEqual(["compose.yaml:2"]);
  });
});

describe("CP005 numbers", () => {
  it("calls a number a password when the name ends in one, a setting otherwise", async () => {
    const compose = lines(
      "services:",
      "  app:",
      "    image: example/app:1.0",
      "    environment:",
      "      GITEA__database__PASSWD: 123456",
      "      SECRET: 12345",
      "      TOKEN_REFRESH_INTERVAL: 3600",
      "      MYSQL_ALLOW_EMPTY_PASSWORD: 'yes'",
    );
    const f = await runRule(CP005, { "compose.yaml": compose });
    expect(where(f)).toEqual(["compose.yaml:5", "compose.yaml:6"]);
  });
});

describe("CP005 in files for development, placeholders and services without authentication", () => {
  const db = (pw: string, extra: string[] = []) => [
    "  db:",
    "    image: postgres:17",
    "    environment:",
    `      POSTGRES_PASSWORD: ${pw}`,
    ...extra.map((e) => `      ${e}`),
  ];
  const severities = async (files: Record<string, string>) =>
    (await runRule(CP005, files)).map((f) => `${f.file}:${f.line} ${f.severity ?? "warning"}`);

  it("is a note in a file whose header says it is for development or testing", async () => {
    const dev = lines("# Docker compose for development purposes only.", "services:", ...db("pw1"));
    const test = lines(
      "# quick setups for testing storage backends",
      "",
      "services:",
      ...db("pw2"),
    );
    const plain = lines("# Deploys the stack.", "services:", ...db("pw3"));
    expect(await severities({ "compose.yaml": dev })).toEqual(["compose.yaml:6 note"]);
    expect(await severities({ "compose.yaml": test })).toEqual(["compose.yaml:7 note"]);
    expect(await severities({ "compose.yaml": plain })).toEqual(["compose.yaml:6 warning"]);
  });

  it("is a note under dev/tooling paths and in a file that builds the app from the checkout", async () => {
    const built = lines("services:", "  app:", "    build: .", ...db("pw"));
    expect(await severities({ "tools/dev/compose.yaml": lines("services:", ...db("pw")) })).toEqual(
      ["tools/dev/compose.yaml:5 note"],
    );
    expect(await severities({ "compose.yaml": built })).toEqual(["compose.yaml:7 note"]);
  });

  it("is a note in a file that only test scripts bring up", async () => {
    const compose = lines("services:", ...db("pw"));
    const e2e = "#!/bin/sh\ndocker compose -f deploy/ch/compose.yaml up -d\n";
    expect(
      await severities({ "deploy/ch/compose.yaml": compose, "scripts/e2e/ch.sh": e2e }),
    ).toEqual(["deploy/ch/compose.yaml:5 note"]);
    expect(
      await severities({
        "deploy/ch/compose.yaml": compose,
        "scripts/e2e/ch.sh": e2e,
        "scripts/deploy.sh": e2e,
      }),
    ).toEqual(["deploy/ch/compose.yaml:5 warning"]);
  });

  it("is a note for a placeholder and for a service that turns its authentication off", async () => {
    expect(
      await severities({ "compose.yaml": lines("services:", ...db("_admin_password_")) }),
    ).toEqual(["compose.yaml:5 note"]);
    const search = lines(
      "services:",
      "  search:",
      "    image: opensearchproject/opensearch:2.19.0",
      "    environment:",
      "      OPENSEARCH_INITIAL_ADMIN_PASSWORD: Str0ng!pass",
      "      plugins.security.disabled: 'true'",
    );
    expect(await severities({ "compose.yaml": search })).toEqual(["compose.yaml:5 note"]);
  });
});

describe("DF008 in test images", () => {
  it("is a note in a dummy server's image, and says a runtime secret is given when the container runs", async () => {
    const df = lines("FROM alpine:3.22", "ENV WEBDAV_PASSWORD=photos", 'CMD ["/serve"]');
    const f = await runRule(DF008, { "docker/dummy/webdav/Dockerfile": df, Dockerfile: df });
    expect(f.map((x) => `${x.file}:${x.line} ${x.severity ?? "error"}`).sort()).toEqual([
      "Dockerfile:2 error",
      "docker/dummy/webdav/Dockerfile:2 note",
    ]);
    expect(f.find((x) => x.file === "Dockerfile")?.message).toContain(
      "give it to the container when it runs",
    );
  });
});
