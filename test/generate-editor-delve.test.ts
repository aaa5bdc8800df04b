import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generateVscodeLaunch } from "../src/generate/vscode-launch.js";
import { generateVscodeTasks } from "../src/generate/vscode-tasks.js";
import { makeContext, makeSpec } from "./helpers/spec.js";

/**
 * launch.json's buildFlags reach Delve as one string that it splits itself (on spaces outside
 * single quotes, as `dlv --build-flags` does): run the real dlv with the generated string and
 * check the program saw the tag and both -X values, the one with a space included.
 */

const FIXTURE = join(import.meta.dirname, "fixtures", "shapes", "stamped");
const work = mkdtempSync(join(tmpdir(), "gopave-delve-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const SPEC = makeSpec({
  apps: [
    {
      name: "stamped",
      main: ".",
      tags: ["netgo"],
      ldflags: '-s -w -X main.version=1.4.0 -X "main.motto=ship it"',
    },
  ],
});

function launchBuildFlags(): string {
  const file = generateVscodeLaunch(makeContext(SPEC))[0];
  if (file?.format !== "jsonc") throw new Error("no launch.json");
  const configs = (file.data as { configurations: { name: string; buildFlags?: string }[] })
    .configurations;
  const launch = configs.find((c) => c.name === "Launch stamped");
  if (launch?.buildFlags === undefined) throw new Error("no buildFlags");
  return launch.buildFlags;
}

function dlvOutput(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("dlv", args, { cwd: FIXTURE, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`dlv timed out:\n${out}`));
    }, 90_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      if (/Stop reason: exited|version=/.test(out) && out.includes("\n", out.indexOf("version="))) {
        clearTimeout(timer);
        child.kill("SIGKILL");
        resolve(out);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("error", reject);
    child.on("exit", () => {
      clearTimeout(timer);
      resolve(out);
    });
  });
}

describe("launch.json buildFlags with the real Delve", () => {
  it("passes the app's tags and linker flags, without -s/-w", { timeout: 120_000 }, async () => {
    const flags = launchBuildFlags();
    expect(flags).toBe(`-tags=netgo -ldflags='-X main.version=1.4.0 -X "main.motto=ship it"'`);
    const out = await dlvOutput([
      "debug",
      "--headless",
      "--listen=127.0.0.1:0",
      "--accept-multiclient",
      "--continue",
      `--build-flags=${flags}`,
      // Delve's binary goes to a temp dir, not into the fixture.
      `--output=${join(work, "stamped")}`,
      ".",
    ]);
    expect(out).toContain("version=1.4.0 motto=ship it (netgo)\n");
  });
});

it("the run task's go run, under sh, sees the same tag and -X values", { timeout: 120_000 }, () => {
  const file = generateVscodeTasks(makeContext(SPEC))[0];
  if (file?.format !== "jsonc") throw new Error("no tasks.json");
  const tasks = (file.data as { tasks: { label: string; command: string }[] }).tasks;
  const run = tasks.find((t) => t.label === "run-stamped")?.command ?? "";
  expect(run).toContain("go run -tags=netgo -ldflags=");
  const out = execFileSync("sh", ["-c", run], {
    cwd: FIXTURE,
    encoding: "utf8",
    env: { ...process.env, GOFLAGS: "" },
  });
  expect(out).toBe("version=1.4.0 motto=ship it (netgo)\n");
});
