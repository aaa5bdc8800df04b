import { describe, expect, it } from "vitest";
import { DF001 } from "../src/check/rules/docker/df001-toolchain-in-final-image.js";
import { DF006 } from "../src/check/rules/docker/df006-runs-as-root.js";
import { pathRole } from "../src/check/rules/docker/util/image-role.js";
import { lines, runRule, where } from "./check-rules-docker-helpers.js";

/** Images that are never deployed are not held to production rules. */

const ROOT_SERVICE = lines("FROM alpine:3.22", "COPY app /app", 'ENTRYPOINT ["/app"]');

describe("image roles from paths", () => {
  it("reads test, dev, debug and tooling from directories and file names", () => {
    const role = (p: string) => pathRole(p)?.role;
    expect(role("test/e2e/mock/webhook/Dockerfile")).toBe("test");
    expect(role("integration-test/Dockerfile")).toBe("test");
    expect(role("production/helm/loki/src/helm-test/Dockerfile")).toBe("test");
    expect(role("api.test.Dockerfile")).toBe("test");
    expect(role("docker-compose.test.yml")).toBe("test");
    expect(role("compose-e2e-test.yml")).toBe("test");
    expect(role("Dockerfile.dev")).toBe("dev");
    expect(role("docker/develop/noble/Dockerfile")).toBe("dev");
    expect(role("scripts/build/docker/debug/Dockerfile")).toBe("debug");
    expect(role("tools/Dockerfile")).toBe("tooling");
    expect(role("Dockerfile")).toBeUndefined();
    expect(role("cmd/server/Dockerfile")).toBeUndefined();
    expect(role("integrations/slack/Dockerfile")).toBeUndefined();
    expect(role("devops/Dockerfile")).toBeUndefined();
  });
});

describe("DF006 and DF001 hold only deployed images to production rules", () => {
  it("skips test images by path, by name and when only test compose services build them", async () => {
    const files = {
      "test/e2e/Dockerfile": ROOT_SERVICE,
      "api.test.Dockerfile": ROOT_SERVICE,
      "mock/Dockerfile": ROOT_SERVICE,
      "docker-compose.test.yml": lines("services:", "  mock:", "    build: ./mock"),
      Dockerfile: ROOT_SERVICE,
    };
    expect(where(await runRule(DF006, files))).toEqual(["Dockerfile:1"]);
  });

  it("keeps a Dockerfile a production compose service also builds", async () => {
    const files = {
      "svc/Dockerfile": ROOT_SERVICE,
      "docker-compose.test.yml": lines("services:", "  svc:", "    build: ./svc"),
      "compose.yaml": lines("services:", "  svc:", "    build: ./svc"),
    };
    expect(where(await runRule(DF006, files))).toEqual(["svc/Dockerfile:1"]);
  });

  it("skips images that name no command, only idle, or open a shell", async () => {
    const cases = [
      lines("FROM scratch", "COPY manifests /manifests/", "LABEL operators.bundle=v1"),
      lines("FROM alpine:3.22", "RUN apk add jq msitools", "WORKDIR /workspace"),
      lines("FROM ubuntu:24.04", 'CMD ["tail", "-f", "/dev/null"]'),
      lines("FROM node:24-alpine", 'CMD [ "/bin/sh" ]'),
    ];
    for (const df of cases) expect(await runRule(DF006, { Dockerfile: df })).toEqual([]);
  });

  it("skips an image that installs su-exec to drop privileges, with or without USER root", async () => {
    const df = lines(
      "FROM alpine:3.21",
      "RUN apk add --no-cache su-exec && adduser -D app",
      "USER root",
      'ENTRYPOINT ["/entrypoint.sh", "/app"]',
    );
    expect(await runRule(DF006, { Dockerfile: df })).toEqual([]);
  });

  it("skips development images that go run or hot-reload the app, for DF001 too", async () => {
    const goRun = lines(
      "FROM golang:1.26.8",
      "WORKDIR /src",
      "RUN go build ./...",
      'ENTRYPOINT ["go", "run", "main.go"]',
    );
    const reflex = lines(
      "FROM golang:1.26.8",
      "RUN go install github.com/cespare/reflex@v0.3.1",
      "RUN go build ./...",
      'ENTRYPOINT ["reflex", "-c", "/reflex.conf"]',
    );
    for (const df of [goRun, reflex]) {
      expect(await runRule(DF006, { Dockerfile: df })).toEqual([]);
      expect(await runRule(DF001, { Dockerfile: df })).toEqual([]);
    }
    const prod = lines("FROM golang:1.18", "COPY . /src", "RUN go build -o /app .", 'CMD ["/app"]');
    expect(where(await runRule(DF001, { Dockerfile: prod }))).toEqual(["Dockerfile:1"]);
    expect(where(await runRule(DF001, { "test/Dockerfile": prod }))).toEqual([]);
  });
});

describe("DF006 reads how an image runs", () => {
  it("skips an image whose entrypoint script switches user with su -c", async () => {
    const files = {
      Dockerfile: lines(
        "FROM alpine:3.24",
        "RUN apk add --no-cache shadow && adduser -S app",
        "COPY docker/entrypoint.sh ./docker/entrypoint.sh",
        'ENTRYPOINT ["./docker/entrypoint.sh"]',
      ),
      "docker/entrypoint.sh": lines(
        "#!/bin/sh",
        "chown -R app /data",
        'exec su app -c "/app/server"',
      ),
    };
    expect(await runRule(DF006, files)).toEqual([]);
    const plain = { ...files, "docker/entrypoint.sh": lines("#!/bin/sh", "exec /app/server") };
    expect(where(await runRule(DF006, plain))).toEqual(["Dockerfile:1"]);
  });

  it("follows a COPY of a directory to the entrypoint script it puts in the image", async () => {
    const df = lines(
      "FROM golang:1.26.8 AS build",
      "RUN go build -o /app .",
      "FROM ubuntu:24.04",
      "COPY --chown=root:root --chmod=755 /scripts/dist/ /scripts/",
      "COPY --from=build /app /opt/app/bin/app",
      'ENTRYPOINT ["/scripts/entrypoint.sh"]',
      'CMD ["/opt/app/bin/app", "start"]',
    );
    const script = lines(
      "#!/usr/bin/env bash",
      'exec /usr/bin/setpriv --reuid "${APP_UID}" --regid "${APP_GID}" --init-groups "$@"',
    );
    // The script is nowhere a suffix of /scripts/entrypoint.sh would find it.
    const files = { "docker/app/Dockerfile": df, "scripts/dist/entrypoint.sh": script };
    expect(await runRule(DF006, files)).toEqual([]);
    const plain = { ...files, "scripts/dist/entrypoint.sh": lines("#!/bin/sh", 'exec "$@"') };
    expect(where(await runRule(DF006, plain))).toEqual(["docker/app/Dockerfile:3"]);
  });

  it("maps files copied one by one, into a WORKDIR, and relative to the build's context", async () => {
    const drops = lines("#!/bin/sh", 'exec su-exec app "$@"');
    const fileToFile = {
      Dockerfile: lines(
        "FROM alpine:3.22",
        "WORKDIR /srv",
        "COPY build/docker/start.sh ./bin/run",
        'ENTRYPOINT ["/sbin/tini", "--", "bin/run"]',
      ),
      "build/docker/start.sh": drops,
    };
    expect(await runRule(DF006, fileToFile)).toEqual([]);
    const fromContext = {
      "deploy/Dockerfile": lines(
        "FROM alpine:3.22",
        "COPY hooks/ /etc/app/",
        'ENTRYPOINT ["sh", "/etc/app/boot.sh"]',
      ),
      "compose.yaml": lines(
        "services:",
        "  app:",
        "    build: { context: ./deploy/ctx, dockerfile: ../Dockerfile }",
      ),
      "deploy/ctx/hooks/boot.sh": drops,
    };
    expect(await runRule(DF006, fromContext)).toEqual([]);
  });

  it("skips development-mode images and local emulators", async () => {
    const web = lines("FROM node:24-alpine", "ENV NODE_ENV development", 'CMD ["/start.sh"]');
    expect(await runRule(DF006, { "docker/web/Dockerfile": web })).toEqual([]);
    const emulator = lines("FROM node:24-alpine", 'ENTRYPOINT ["./start.sh"]');
    expect(await runRule(DF006, { "docker/firestore-emulator/Dockerfile": emulator })).toEqual([]);
  });
});

describe("DF006 reads how compose runs an image", () => {
  const files = (compose: string) => ({
    "cmd/agent/Dockerfile": ROOT_SERVICE,
    Makefile: lines("agent:", "\tdocker build -t acme/agent:$(VERSION) -f cmd/agent/Dockerfile ."),
    "deploy/compose.yaml": compose,
  });

  it("skips an image every compose service runs as a non-root user:, by build or by name", async () => {
    const byName = lines(
      "services:",
      "  agent:",
      "    image: acme/agent:v3",
      '    user: "1000:1000"',
      "  agent-dev:",
      "    build: { context: .., dockerfile: cmd/agent/Dockerfile }",
      '    user: "${UID}:${GID}"',
    );
    expect(await runRule(DF006, files(byName))).toEqual([]);
    const oneAsRoot = lines(
      "services:",
      "  agent:",
      "    image: acme/agent:v3",
      '    user: "1000"',
      "  other:",
      "    image: acme/agent",
      "    user: root",
    );
    expect(where(await runRule(DF006, files(oneAsRoot)))).toEqual(["cmd/agent/Dockerfile:1"]);
    const otherImage = lines("services:", "  web:", "    image: acme/web:v3", '    user: "1000"');
    expect(where(await runRule(DF006, files(otherImage)))).toEqual(["cmd/agent/Dockerfile:1"]);
  });

  it("skips an image a compose service runs with the Docker socket, which needs root", async () => {
    const compose = lines(
      "services:",
      "  agent:",
      "    image: acme/agent:v3",
      "    volumes:",
      "      - /var/run/docker.sock:/var/run/docker.sock",
    );
    expect(await runRule(DF006, files(compose))).toEqual([]);
    const long = lines(
      "services:",
      "  agent:",
      "    image: acme/agent:v3",
      "    volumes:",
      "      - { type: bind, source: /run/docker.sock, target: /var/run/docker.sock }",
    );
    expect(await runRule(DF006, files(long))).toEqual([]);
  });

  it("inherits the user and entrypoint of a base image the repo builds", async () => {
    const base = lines(
      "FROM ubuntu:24.04",
      "COPY /scripts/dist/ /scripts/",
      'ENTRYPOINT ["/scripts/entrypoint.sh"]',
      'CMD ["/opt/app/bin/app", "start"]',
    );
    const demo = lines("FROM acme/app:preview", 'CMD ["app", "--public", "start"]');
    const repo = {
      "docker/app/Dockerfile": base,
      "docker/demo/Dockerfile": demo,
      "scripts/dist/entrypoint.sh": lines("#!/bin/sh", 'exec setpriv --reuid 1000 "$@"'),
      "scripts/build.sh": lines(
        "#!/bin/sh",
        "docker build -t acme/app:$TAG -f docker/app/Dockerfile .",
        "docker build -t acme/demo -f docker/demo/Dockerfile .",
      ),
    };
    expect(await runRule(DF006, repo)).toEqual([]);
    // Its own ENTRYPOINT replaces the one that drops privileges.
    const ownEntrypoint = {
      ...repo,
      "docker/demo/Dockerfile": lines("FROM acme/app:preview", 'ENTRYPOINT ["app"]'),
    };
    expect(where(await runRule(DF006, ownEntrypoint))).toEqual(["docker/demo/Dockerfile:1"]);
    // A non-root USER carries over whatever the child runs, and through a chain of bases.
    const userBase = lines("FROM alpine:3.22", "RUN adduser -D app", "USER app");
    const chained = {
      ...ownEntrypoint,
      "docker/app/Dockerfile": lines("FROM acme/base", 'CMD ["/app"]'),
      "docker/base/Dockerfile": userBase,
      Makefile: lines("base:", "\tdocker build -t acme/base docker/base"),
    };
    expect(await runRule(DF006, chained)).toEqual([]);
    // A base nothing in the repo builds tells nothing.
    const pulled = { "docker/demo/Dockerfile": demo };
    expect(where(await runRule(DF006, pulled))).toEqual(["docker/demo/Dockerfile:1"]);
  });
});
