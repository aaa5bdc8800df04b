import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTiltStack, TILT_FLAGS, until } from "./helpers/tilt-stack.js";
import type { TiltStack } from "./helpers/tilt-stack.js";

/**
 * Proof that the generated Tiltfile runs the example with the real Tilt (built by .ci/run) against
 * rootful podman's Docker API and the real Compose CLI, on the stand-in images, every module
 * through gopave's proxy as the team proxy: `tilt ci` brings every resource to ready (services
 * healthy, then the apps built from their live targets); then the api's live_update steps, read
 * from Tilt's own evaluation of the Tiltfile, carry a saved change into the running container,
 * rebuild it there and answer with it, on the same image. Tilt itself sends those steps over the
 * Docker API's exec, which podman 4.3's compat API refuses, so podman's CLI runs them here. Tilt
 * is built without its web UI (.ci/run): prod web mode, HTTP server off (`--port 0`).
 */

const SLOW = 1_800_000;

let s: TiltStack | undefined;
const stack = (): TiltStack => {
  if (!s) throw new Error("the stack did not start");
  return s;
};

beforeAll(async () => {
  s = await startTiltStack();
}, SLOW);

afterAll(async () => {
  await s?.close();
}, SLOW);

describe("the example under the real Tilt", () => {
  it(
    "tilt ci: the services healthy, then the apps built from their live targets, all ready",
    async () => {
      const t0 = performance.now();
      const ci = await stack().tilt(["ci", "--timeout", "20m", ...TILT_FLAGS]);
      const secs = ((performance.now() - t0) / 1000).toFixed(1);
      expect(ci.code, ci.out.slice(-6000)).toBe(0);
      expect(ci.out).toContain("SUCCESS. All workloads are healthy.");
      // Tilt built the apps itself, from the live targets, with modules through the team proxy.
      expect(ci.out).toMatch(/Building Dockerfile: \[orders-api\]/);
      expect(ci.out).toMatch(/Building Dockerfile: \[orders-worker\]/);
      const paths = stack()
        .proxy.logs()
        .flatMap((l) => (typeof l.path === "string" ? [l.path] : []));
      expect(paths.some((p) => p.includes("/github.com/jackc/pgx/v5/@v/"))).toBe(true);
      expect(await stack().healthz()).toEqual({ status: 200, body: "ok" });
      console.info(`tilt ci to ready: ${secs} s`);
    },
    SLOW,
  );

  it(
    "live_update, as Tilt would run it: a saved change rebuilt and answering in the running container, no image build",
    async () => {
      const { pm, repo } = stack();
      const live = await stack().apiLiveUpdate();
      const container = stack().apiContainer();
      expect(container).not.toBe("");
      const imageBefore = pm.podman(["inspect", "--format", "{{.Image}}", container]).trim();

      const changed = "cmd/api/handlers.go";
      const file = join(repo, changed);
      const text = readFileSync(file, "utf8");
      expect(text).toContain('w.Write([]byte("ok"))');
      expect(live.stopPaths ?? []).not.toContain(changed);
      expect(live.restart).toBe("always");
      const t0 = performance.now();
      writeFileSync(file, text.replace('w.Write([]byte("ok"))', 'w.Write([]byte("ok, live"))'));
      await stack().liveUpdate(live, changed);
      await until("the change to answer", 120_000, async () =>
        (await stack().healthz())?.body === "ok, live" ? true : undefined,
      );
      const secs = ((performance.now() - t0) / 1000).toFixed(1);
      // The same container on the same image: rebuilt in place, not built again.
      expect(pm.podman(["inspect", "--format", "{{.Image}}", container]).trim()).toBe(imageBefore);
      console.info(`save to the new answer, live_update steps: ${secs} s`);
    },
    SLOW,
  );
});
