import { firstLine, run } from "../exec.js";
import type { Finding, Probe } from "../types.js";

/** docker and the compose plugin: needed for services and image builds, never a failure. */
export const dockerProbe: Probe = async (ctx) => {
  const opts = { cwd: ctx.root, env: ctx.env, timeoutMs: ctx.commandTimeoutMs };
  const [docker, compose] = await Promise.all([
    run("docker", ["--version"], opts),
    run("docker", ["compose", "version"], opts),
  ]);
  if (docker.missing) {
    return [
      {
        id: "docker",
        status: "warn",
        title: "docker",
        detail:
          "docker is not on PATH (needed for compose services, the dev container and image builds)",
        fix: "install Docker Engine (or Docker Desktop) with the compose plugin",
      },
    ];
  }
  const checks: Finding[] = [
    docker.ok
      ? { id: "docker", status: "pass", title: "docker", detail: firstLine(docker.stdout) }
      : {
          id: "docker",
          status: "warn",
          title: "docker",
          detail: `docker --version failed: ${firstLine(docker.stderr) || "no output"}`,
          fix: "reinstall Docker",
        },
  ];
  if (compose.ok) {
    checks.push({
      id: "docker.compose",
      status: "pass",
      title: "docker compose",
      detail: firstLine(compose.stdout),
    });
    return checks;
  }
  const legacy = await run("docker-compose", ["--version"], opts);
  checks.push({
    id: "docker.compose",
    status: "warn",
    title: "docker compose",
    detail: legacy.ok
      ? `only the legacy ${firstLine(legacy.stdout)} (docker compose v2 reads compose.yaml features it lacks)`
      : "docker compose is not available",
    fix: "install the Docker compose plugin (docker compose version should work)",
  });
  return checks;
};
