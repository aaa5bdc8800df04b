import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A private GOPATH for the go commands of one direct target: never the user's module cache. */
export interface Workspace {
  root: string;
  gopath: string;
  gomodcache: string;
  gocache: string;
  /** An empty directory to run go in, so no go.mod or go.work around it is picked up. */
  cwd: string;
  remove(): void;
}

const live = new Set<Workspace>();
let exitHookInstalled = false;

export function createWorkspace(parent: string = tmpdir()): Workspace {
  const root = mkdtempSync(join(parent, "gopave-direct-"));
  const gopath = join(root, "gopath");
  const ws: Workspace = {
    root,
    gopath,
    gomodcache: join(gopath, "pkg", "mod"),
    gocache: join(root, "gocache"),
    cwd: join(root, "work"),
    remove() {
      live.delete(ws);
      removeTree(root);
    },
  };
  mkdirSync(ws.cwd, { recursive: true });
  live.add(ws);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // A server that exits without closing its targets should not leave clones in /tmp.
    process.once("exit", () => {
      for (const w of live) w.remove();
    });
  }
  return ws;
}

/**
 * rm -rf that also works on the module cache: go makes extracted module directories read-only,
 * so they are made writable first (-modcacherw is set, but older caches may be read-only).
 */
export function removeTree(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true });
    return;
  } catch {
    // Fall through: make everything writable and try again.
  }
  makeWritable(dir);
  rmSync(dir, { recursive: true, force: true });
}

function makeWritable(dir: string): void {
  try {
    chmodSync(dir, 0o700);
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) makeWritable(join(dir, e.name));
    }
  } catch {
    // Best effort: whatever cannot be changed is reported by the final rmSync.
  }
}
