import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LIST_BUILD_ENV } from "../src/detect/build-context.js";
import { goodOSArchFile, matchTag } from "../src/detect/build-context.js";
import { headerAllows, parseGoFileHeader } from "../src/detect/go-file-header.js";
import { goListMains, modulesInRepo } from "../src/detect/go-list.js";
import { detect } from "../src/detect/index.js";
import { loadRepo } from "../src/detect/repo-files.js";
import { scanMainPackages } from "../src/detect/source-scan.js";

// These tests run the real go command; a machine without it must fail them, not skip them.
const GO_VERSION = execFileSync("go", ["env", "GOVERSION"], { encoding: "utf8" }).trim();
const LOCAL = GO_VERSION.replace(/^go/, "");
const LOCAL_MINOR = Number(LOCAL.split(".")[1]);

const base = mkdtempSync(join(tmpdir(), "gopave-detect-layouts-"));
afterAll(() => rmSync(base, { recursive: true, force: true }));
let n = 0;

function tree(files: Record<string, string>): string {
  const root = join(base, `repo${n++}`);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

const MAIN = "package main\n\nfunc main() {}\n";
const mod = (path: string, extra = "") => `module ${path}\n\ngo 1.24\n${extra}`;
// Offline: these tests never reach a module proxy.
const env = { ...process.env, GOFLAGS: "", GOPAVE_OFFLINE: "1" };

interface Layout {
  files: Record<string, string>;
  mains: string[];
  setup?: (root: string) => void;
}

const LAYOUTS: Record<string, Layout> = {
  "single main at the root": {
    files: {
      "go.mod": mod("example.com/rootapp"),
      "main.go": MAIN,
      "main_test.go": "package main\n",
      "internal/lib/lib.go": "package lib\n",
    },
    mains: ["."],
  },
  "cmd/* mains with build constraints": {
    files: {
      "go.mod": mod("github.com/acme/svc"),
      "cmd/api/main.go": MAIN,
      "cmd/worker/main.go":
        "// Copyright 2026 Acme\n\n// Command worker drains queues.\npackage main\n\nfunc main() {}\n",
      "cmd/winonly/main_windows.go": MAIN,
      "cmd/linuxonly/main_linux.go": MAIN,
      "cmd/onlytest/main_test.go": MAIN,
      "cmd/ignored/main.go": `//go:build ignore\n\n${MAIN}`,
      "cmd/oldignored/main.go": `// +build ignore\n\n${MAIN}`,
      "cmd/future/main.go": `//go:build go1.999\n\n${MAIN}`,
      "cmd/cgo/main.go": 'package main\n\n// #include <stdio.h>\nimport "C"\n\nfunc main() {}\n',
      "cmd/multi/a.go": `//go:build linux\n\n${MAIN}`,
      "cmd/multi/b.go": "//go:build darwin\n\npackage other\n",
      "internal/gen/gen.go": "package gen\n",
      "internal/gen/generate.go": `//go:build ignore\n\n${MAIN}`,
      "tools/tools.go":
        '//go:build tools\n\npackage tools\n\nimport _ "golang.org/x/tools/cmd/stringer"\n',
      "pkg/x/x.go": "package x\n",
    },
    mains: ["./cmd/api", "./cmd/cgo", "./cmd/linuxonly", "./cmd/multi", "./cmd/worker"],
  },
  "library only": {
    files: {
      "go.mod": mod("example.com/lib"),
      "lib.go": "package lib\n",
      "internal/x/x.go": "package x\n",
    },
    mains: [],
  },
  "go.work with two modules": {
    files: {
      "go.work": "go 1.24\n\nuse (\n\t./svc\n\t./lib\n)\n",
      "svc/go.mod": mod("example.com/svc"),
      "svc/cmd/api/main.go": MAIN,
      "svc/internal/x/x.go": "package x\n",
      "lib/go.mod": mod("example.com/lib"),
      "lib/lib.go": "package lib\n",
      "lib/cmd/libtool/main.go": MAIN,
      "other/go.mod": mod("example.com/other"),
      "other/main.go": MAIN,
    },
    mains: ["./lib/cmd/libtool", "./svc/cmd/api"],
  },
  "go.work with the root module and a nested one": {
    files: {
      "go.work": "go 1.24\n\nuse .\nuse ./tools\n",
      "go.mod": mod("example.com/mono"),
      "main.go": MAIN,
      "tools/go.mod": mod("example.com/mono/tools"),
      "tools/main.go": MAIN,
      "nested/go.mod": mod("example.com/nested"),
      "nested/main.go": MAIN,
    },
    mains: [".", "./tools"],
  },
  "testdata, vendor, node_modules, _ and . directories": {
    files: {
      "go.mod": mod("example.com/skips"),
      "cmd/app/main.go": MAIN,
      "cmd/app/testdata/x/main.go": MAIN,
      "testdata/main.go": MAIN,
      "_old/main.go": MAIN,
      ".hidden/main.go": MAIN,
      "vendor/example.com/dep/main.go": MAIN,
      "node_modules/pkg/main.go": MAIN,
    },
    mains: ["./cmd/app"],
  },
  "nested module excluded": {
    files: {
      "go.mod": mod("example.com/outer"),
      "cmd/a/main.go": MAIN,
      "sub/go.mod": mod("example.com/sub"),
      "sub/main.go": MAIN,
      "sub/cmd/b/main.go": MAIN,
    },
    mains: ["./cmd/a"],
  },
  "go.mod ignore directives": {
    files: {
      "go.mod": "module example.com/ign\n\ngo 1.25\n\nignore ./web\nignore gen\n",
      "cmd/ok/main.go": MAIN,
      "web/main.go": MAIN,
      "web/x/main.go": MAIN,
      "tools/gen/main.go": MAIN,
    },
    mains: ["./cmd/ok"],
  },
  "symlinked directory": {
    files: { "go.mod": mod("example.com/links"), "cmd/real/main.go": MAIN },
    setup: (root) => symlinkSync(join(root, "cmd/real"), join(root, "cmd/link"), "dir"),
    mains: ["./cmd/real"],
  },
};

describe("main packages: go list and source parsing agree", () => {
  it.each(Object.entries(LAYOUTS))("%s", async (_name, layout) => {
    const root = tree(layout.files);
    layout.setup?.(root);
    const repo = loadRepo(root);
    const listed = await goListMains(repo, env, 30_000);
    expect(listed).toMatchObject({ ok: true });
    const scanned = scanMainPackages(root, modulesInRepo(repo), LOCAL_MINOR);
    expect(listed.ok && listed.mains).toEqual(scanned);
    expect(scanned.map((m) => m.dir)).toEqual(layout.mains);

    const d = await detect(root, { env, offline: true });
    expect(d.mainPackages).toEqual(scanned);
    expect(d.notes.join("\n")).not.toMatch(/go list failed/);
  });

  it("reports import paths and modules", async () => {
    const d = await detect(tree(LAYOUTS["go.work with two modules"]?.files ?? {}), {
      env,
      offline: true,
    });
    expect(d.mainPackages).toEqual([
      {
        dir: "./lib/cmd/libtool",
        importPath: "example.com/lib/cmd/libtool",
        module: "example.com/lib",
      },
      { dir: "./svc/cmd/api", importPath: "example.com/svc/cmd/api", module: "example.com/svc" },
    ]);
    expect(d.modulePath).toBe("example.com/svc");
    expect(d.name).toBe("svc");
    expect(d.repo.modules.map((m) => m.dir)).toEqual(["lib", "svc"]);
    expect(d.repo.workspace).toEqual({ hasSum: false });
  });
});

describe("file selection matches go list file by file", () => {
  it("agrees on every header and file name", () => {
    const files: Record<string, string> = {
      "a_ignore.go": "//go:build ignore\n\npackage p\n",
      "b_plus.go": "// +build ignore\n\npackage p\n",
      "c_plusnoblank.go": "// +build ignore\npackage p\n",
      "d_windows.go": "package p\n",
      "e_linux_amd64.go": "package p\n",
      "f_go1.go": "//go:build go1.21\n\npackage p\n",
      "g_future.go": "//go:build go1.999\n\npackage p\n",
      "h_unix.go": "//go:build unix\n\npackage p\n",
      "i_and.go": "//go:build linux && (amd64 || arm64) && !purego\n\npackage p\n",
      "j_custom.go": "//go:build integration\n\npackage p\n",
      "k_override.go": "//go:build linux\n// +build ignore\n\npackage p\n",
      "l_afterpkg.go": "package p\n\n//go:build ignore\n",
      "m_cgo.go": "//go:build cgo\n\npackage p\n",
      "n_amd64v2.go": "//go:build amd64.v2\n\npackage p\n",
      "o_gc.go": "//go:build gc\n\npackage p\n",
      "p_gccgo.go": "//go:build gccgo\n\npackage p\n",
      "q_block.go": "/* x */\n//go:build ignore\n\npackage p\n",
      "r_multiplus.go": "// +build linux\n// +build !amd64\n\npackage p\n",
      "s_tools.go": "//go:build tools\n// +build tools\n\npackage p\n",
      "t_arm64.go": "package p\n",
      "u_plus_or.go": "// +build windows linux,amd64\n\npackage p\n",
      "v_ios.go": "//go:build ios || android\n\npackage p\n",
    };
    const root = tree({
      "go.mod": mod("example.com/hdr"),
      ...Object.fromEntries(Object.entries(files).map(([k, v]) => [`p/${k}`, v])),
    });
    const out = execFileSync("go", ["list", "-e", "-f", '{{join .GoFiles " "}}', "./p"], {
      cwd: root,
      env: {
        ...process.env,
        ...LIST_BUILD_ENV,
        GOTOOLCHAIN: "local",
        GOFLAGS: "",
        GOPROXY: "off",
        GOWORK: "off",
      },
      encoding: "utf8",
    });
    const goBuilds = new Set(out.trim().split(" "));
    for (const [name, src] of Object.entries(files)) {
      const ours =
        goodOSArchFile(name) &&
        headerAllows(parseGoFileHeader(src), (t) => matchTag(t, LOCAL_MINOR));
      expect([name, ours]).toEqual([name, goBuilds.has(name)]);
    }
  });
});

describe("when go list cannot help", () => {
  it("falls back to parsing when go list fails, with a note", async () => {
    const root = tree({
      "go.mod": "module example.com/future\n\ngo 1.99\n",
      "cmd/x/main.go": MAIN,
      "lib.go": "package future\n",
    });
    const d = await detect(root, { env, offline: true });
    expect(d.mainPackages.map((m) => m.dir)).toEqual(["./cmd/x"]);
    expect(d.notes.join("\n")).toMatch(
      /go list failed \(.*requires go >= 1\.99.*\); found main packages by parsing sources/,
    );
    expect(d.goVersion).toBe("1.99.0");
    expect(d.goVersionSource).toBe("go-line-minimum");
  });

  it("works without a go command at all", async () => {
    const emptyBin = join(base, "empty-bin");
    mkdirSync(emptyBin, { recursive: true });
    const root = tree({ "go.mod": mod("example.com/nogo"), "cmd/a/main.go": MAIN });
    const d = await detect(root, { env: { ...env, PATH: emptyBin }, offline: true });
    expect(d.mainPackages.map((m) => m.dir)).toEqual(["./cmd/a"]);
    expect(d).toMatchObject({ goVersion: "1.24.0", goVersionSource: "go-line-minimum" });
    expect(d.notes.join("\n")).toMatch(/not installed/);
    expect(d.notes.join("\n")).toMatch(/found main packages by parsing sources/);
  });

  it("never rewrites go.mod, even where -mod=mod would add a go line", async () => {
    const root = tree({ "go.mod": "module example.com/nogoline\n", "main.go": MAIN });
    const d = await detect(root, { env, offline: true });
    expect(d.mainPackages.map((m) => m.dir)).toEqual(["."]);
    expect(readFileSync(join(root, "go.mod"), "utf8")).toBe("module example.com/nogoline\n");
    expect(d.goVersionSource).toBe("local");
  });
});

describe("go version", () => {
  it("takes the toolchain line, else the local go", async () => {
    const tc = await detect(tree({ "go.mod": mod("example.com/tc", "toolchain go1.25.3\n") }), {
      env,
      offline: true,
    });
    expect(tc).toMatchObject({ goVersion: "1.25.3", goVersionSource: "toolchain" });
    const lc = await detect(tree({ "go.mod": mod("example.com/lc") }), { env, offline: true });
    expect(lc).toMatchObject({ goVersion: LOCAL, goVersionSource: "local" });
  });
});
