import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

/**
 * `gopave init | head -1`: the reader closes the pipe while gopave still writes. The CLI stops
 * writing quietly (no unhandled EPIPE, no stack trace), finishes what it was doing and exits with
 * the code it would have had, as if its output had all been read.
 */

const ROOT = join(import.meta.dirname, "..");
const BIN = join(ROOT, "bin", "gopave.js");

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

function exampleCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), "gopave-epipe-"));
  made.push(dir);
  cpSync(join(ROOT, "examples", "orders"), dir, { recursive: true });
  return dir;
}

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI with its stdout (or stderr) a pipe this side destroys at once, before gopave has
 * written anything. The other stream is read in full.
 */
function runClosing(args: string[], cwd: string, closed: "stdout" | "stderr"): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NO_COLOR: "1" },
    });
    const out = { stdout: "", stderr: "" };
    const other = closed === "stdout" ? "stderr" : "stdout";
    child[closed].destroy();
    child[other].setEncoding("utf8");
    child[other].on("data", (d: string) => (out[other] += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`gopave ${args.join(" ")} did not exit`));
    }, 60_000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, ...out });
    });
  });
}

/** `gopave <args> | head -c 1` in a shell, with gopave's stderr and exit code kept aside. */
async function throughHead(
  args: string[],
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const aside = mkdtempSync(join(tmpdir(), "gopave-epipe-aside-"));
  made.push(aside);
  const err = join(aside, "stderr");
  const code = join(aside, "code");
  const script = '{ "$@" 2>"$GOPAVE_ERR"; echo $? >"$GOPAVE_CODE"; } | head -c 1';
  const stdout = await new Promise<string>((resolve, reject) => {
    const sh = spawn("sh", ["-c", script, "sh", process.execPath, BIN, ...args], {
      cwd,
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, NO_COLOR: "1", GOPAVE_ERR: err, GOPAVE_CODE: code },
    });
    let out = "";
    sh.stdout.setEncoding("utf8");
    sh.stdout.on("data", (d: string) => (out += d));
    sh.on("error", reject);
    sh.on("close", () => resolve(out));
  });
  return {
    code: Number(readFileSync(code, "utf8").trim()),
    stdout,
    stderr: readFileSync(err, "utf8"),
  };
}

const CRASH = /EPIPE|Unhandled|\n\s+at |Error:/;

describe("the CLI with a reader that stops reading", () => {
  it("check --format sarif | head -c 1: no stack trace, exit 0", async () => {
    // A real pipe (a spawned child's stdio is a socket pair, whose buffer would take it all): the
    // SARIF log (every rule's help) is larger than a pipe's buffer, so gopave is still writing
    // when head has read its first chunk and gone.
    const dir = exampleCopy();
    const r = await throughHead(["check", "--format", "sarif", "--offline"], dir);
    expect(r.stdout).toBe("{");
    expect(r.stderr).not.toMatch(CRASH);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });

  it("init with a stdout closed before its first write: no stack trace, the work done, exit 0", async () => {
    const dir = exampleCopy();
    const r = await runClosing(["init", "--yes", "--offline"], dir, "stdout");
    expect(r.stderr).not.toMatch(CRASH);
    expect(r.stderr).toBe("");
    expect([r.code, r.signal]).toEqual([0, null]);
    expect(existsSync(join(dir, "gopave.yaml"))).toBe(true);
    expect(existsSync(join(dir, "compose.yaml"))).toBe(true);
  });

  it("a closed stderr: the command's own exit code, not a crash", async () => {
    // No go.mod: init says so on stderr and exits 2.
    const dir = mkdtempSync(join(tmpdir(), "gopave-epipe-empty-"));
    made.push(dir);
    const r = await runClosing(["init", "--yes", "--offline"], dir, "stderr");
    expect(r.stdout).not.toMatch(CRASH);
    expect([r.code, r.signal]).toEqual([2, null]);
  });
});
