import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { startTiltStack, TILT_FLAGS, until } from "../test/helpers/tilt-stack.js";
import { median, row, seconds } from "./measure-stats.js";

/**
 * The inner loop on the example under the real Tilt, as test/engines-tilt.test.ts runs it
 * (rootful podman behind its Docker API, stand-in images, modules through gopave's proxy):
 * `tilt ci` to ready once, then BENCH_RUNS (default 5) times a saved change to the api answering
 * through its live_update steps (run with podman's CLI: podman 4.3 refuses Tilt's exec), against
 * BENCH_RUNS times the image build those steps save: `podman build --target api-live` of the same
 * change on the same engine (its layer cache warm from Tilt's own build), which is what Tilt runs
 * without live_update, before it also replaces the container.
 */

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const CHANGED = "cmd/api/handlers.go";

it("live_update against an image rebuild, on the example under Tilt", async () => {
  const stack = await startTiltStack();
  try {
    let t0 = process.hrtime.bigint();
    const ci = await stack.tilt(["ci", "--timeout", "20m", ...TILT_FLAGS]);
    const ready = seconds(t0);
    expect(ci.code, ci.out.slice(-4000)).toBe(0);

    const live = await stack.apiLiveUpdate();
    const file = join(stack.repo, CHANGED);
    const original = readFileSync(file, "utf8");
    const save = (answer: string) =>
      writeFileSync(
        file,
        original.replace('w.Write([]byte("ok"))', `w.Write([]byte("${answer}"))`),
      );
    const liveTimes: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const answer = `ok, live ${i}`;
      t0 = process.hrtime.bigint();
      save(answer);
      await stack.liveUpdate(live, CHANGED);
      await until("the change to answer", 120_000, async () =>
        (await stack.healthz())?.body === answer ? true : undefined,
      );
      liveTimes.push(seconds(t0));
    }
    const buildTimes: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      t0 = process.hrtime.bigint();
      save(`ok, rebuilt ${i}`);
      await stack.pm.podmanAsync([
        "build",
        "--target",
        "api-live",
        "--tag",
        "localhost/bench-api-live",
        "--file",
        join(stack.repo, "Dockerfile"),
        stack.repo,
      ]);
      buildTimes.push(seconds(t0));
    }
    writeFileSync(file, original);
    const ratio = median(buildTimes) / median(liveTimes);
    console.log(
      [
        `\nThe api's inner loop under Tilt (${RUNS} runs each; tilt ci to ready once: ${ready.toFixed(1)} s)`,
        "| step | median s | min s | max s |",
        "| --- | ---: | ---: | ---: |",
        row("save to the new answer, live_update steps", liveTimes),
        row("image rebuild of the api's live target (no container replaced)", buildTimes),
        `image rebuild / live_update, medians: ${ratio.toFixed(1)}x`,
      ].join("\n"),
    );
  } finally {
    await stack.close();
  }
});
