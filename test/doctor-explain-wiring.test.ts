import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runDoctor } from "../src/cli/doctor.js";
import { gopave } from "./helpers/cli.js";

const FAILURE = `go: downloading example.com/lib v1.2.3
verifying example.com/lib@v1.2.3: checksum mismatch
	downloaded: h1:AAAA=
	go.sum:     h1:BBBB=

SECURITY ERROR
This download does NOT match an earlier download recorded in go.sum.
`;

function capture() {
  let out = "";
  let err = "";
  return {
    io: {
      cwd: tmpdir(),
      env: { NO_COLOR: "1" },
      stdout: (t: string) => (out += t),
      stderr: (t: string) => (err += t),
      isTTY: false,
    },
    out: () => out,
    err: () => err,
  };
}

describe("doctor --explain (CLI wiring)", () => {
  it("explains a file, in text and JSON, with exit 0 when something is recognised", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gopave-explain-"));
    writeFileSync(join(dir, "build.log"), FAILURE);
    const text = await gopave(dir, ["doctor", "--explain", "build.log"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("Cause:");
    const json = await gopave(dir, ["doctor", "--explain", "build.log", "--json"]);
    const parsed = JSON.parse(json.stdout) as { explanations: { id: string; line: number }[] };
    expect(parsed.explanations.length).toBeGreaterThan(0);
  });

  it("reads standard input for -, and exits 1 when nothing is recognised", async () => {
    const c = capture();
    expect(await runDoctor({ explain: "-", readStdin: async () => FAILURE }, c.io)).toBe(0);
    expect(c.out()).toContain("recognised");
    const d = capture();
    expect(await runDoctor({ explain: "-", readStdin: async () => "all good\n" }, d.io)).toBe(1);
    expect(d.out()).toContain("No known go command error was recognised");
  });

  it("is a usage error (exit 2) when the file cannot be read", async () => {
    const r = await gopave(tmpdir(), ["doctor", "--explain", "does-not-exist.log"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("cannot read does-not-exist.log");
  });
});
