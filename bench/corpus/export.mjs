// node bench/corpus/export.mjs GITDIR DEST
//
// Writes the tree of HEAD of a bare git directory (such as a fetched snapshot) into DEST, keeping
// executable bits and symlinks. Snapshots can lack large blobs, which makes `git archive` fail:
// here a missing blob is counted and skipped. Nothing from the repository is built or run; git
// only lists the tree (`ls-tree`) and prints blobs (one `cat-file --batch` process).
import { execFileSync, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";

/** `git ls-tree -r -z HEAD` as {mode, type, sha, path}, in tree order. */
function listTree(gitDir) {
  const out = execFileSync("git", ["--git-dir", gitDir, "ls-tree", "-r", "-z", "HEAD"], {
    maxBuffer: 1 << 30,
  });
  const entries = [];
  for (const rec of out.toString("utf8").split("\0")) {
    if (rec === "") continue;
    const tab = rec.indexOf("\t");
    const [mode, type, sha] = rec.slice(0, tab).split(" ");
    entries.push({ mode, type, sha, path: rec.slice(tab + 1) });
  }
  return entries;
}

/** Reads lines and fixed-size bodies from a stream, waiting for data as needed. */
class StreamReader {
  chunks = [];
  length = 0;
  ended = false;
  wake = null;

  constructor(stream) {
    stream.on("data", (chunk) => {
      this.chunks.push(chunk);
      this.length += chunk.length;
      this.notify();
    });
    stream.on("end", () => {
      this.ended = true;
      this.notify();
    });
  }

  notify() {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  async until(ready) {
    while (!ready()) {
      if (this.ended) throw new Error("git cat-file stopped before answering every request");
      await new Promise((resolve) => (this.wake = resolve));
    }
  }

  take(n) {
    const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
    this.chunks = n < all.length ? [all.subarray(n)] : [];
    this.length -= n;
    return all.subarray(0, n);
  }

  /** Position just past the first newline, or -1 (searches the chunks without joining them). */
  lineEnd() {
    let offset = 0;
    for (const chunk of this.chunks) {
      const i = chunk.indexOf(10);
      if (i >= 0) return offset + i + 1;
      offset += chunk.length;
    }
    return -1;
  }

  async line() {
    await this.until(() => this.lineEnd() >= 0);
    return this.take(this.lineEnd()).toString("utf8").trimEnd();
  }

  async bytes(n) {
    await this.until(() => this.length >= n);
    return this.take(n);
  }
}

function safePath(path) {
  if (isAbsolute(path) || path.split("/").includes("..")) {
    throw new Error(`refusing a tree entry outside DEST: ${JSON.stringify(path)}`);
  }
  return path;
}

function writeEntry(dest, entry, data) {
  const full = join(dest, safePath(entry.path));
  mkdirSync(dirname(full), { recursive: true });
  if (entry.mode === "120000") {
    symlinkSync(data.toString("utf8"), full);
  } else {
    writeFileSync(full, data);
    if (entry.mode === "100755") chmodSync(full, 0o755);
  }
}

async function exportTree(gitDir, dest) {
  const entries = listTree(gitDir);
  const blobs = entries.filter((e) => e.type === "blob");
  const git = spawn("git", ["--git-dir", gitDir, "cat-file", "--batch"], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const exited = new Promise((resolve, reject) => {
    git.on("error", reject);
    git.on("close", resolve);
  });
  const reader = new StreamReader(git.stdout);
  const missing = [];
  for (const entry of blobs) {
    git.stdin.write(`${entry.sha}\n`);
    const header = (await reader.line()).split(" ");
    if (header[1] === "missing" || header.length < 3) {
      missing.push(entry.path);
      continue;
    }
    const data = await reader.bytes(Number(header[2]));
    await reader.bytes(1); // the newline after each body
    writeEntry(dest, entry, data);
  }
  git.stdin.end();
  // A submodule is an empty folder, as `git archive` leaves it.
  for (const e of entries.filter((e) => e.type === "commit")) {
    mkdirSync(join(dest, safePath(e.path)), { recursive: true });
  }
  const code = await exited;
  if (code !== 0) throw new Error(`git cat-file exited with ${code}`);
  return {
    files: blobs.length,
    missing,
    symlinks: blobs.filter((e) => e.mode === "120000").length,
    submodules: entries.filter((e) => e.type === "commit").length,
  };
}

async function main(argv) {
  const [gitDir, dest] = argv;
  if (!gitDir || !dest || argv.length !== 2) {
    console.error("usage: node bench/corpus/export.mjs GITDIR DEST");
    return 2;
  }
  if (existsSync(dest) && readdirSync(dest).length > 0) {
    console.error(`export: ${dest} is not empty; give a new or empty folder`);
    return 2;
  }
  mkdirSync(dest, { recursive: true });
  const r = await exportTree(gitDir, dest);
  console.log(
    `${dest}: ${r.files} files, ${r.missing.length} missing` +
      ` (${r.symlinks} symlinks; ${r.submodules} submodules left empty)`,
  );
  for (const path of r.missing.slice(0, 20)) console.log(`  missing ${path}`);
  if (r.missing.length > 20) console.log(`  … and ${r.missing.length - 20} more`);
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
