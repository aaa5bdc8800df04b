import type { Tri } from "./build-constraint.js";

/**
 * The build context gopave lists packages for: GOOS=linux GOARCH=amd64 GOAMD64=v1, cgo on, the gc
 * compiler, no -tags (what the generated Dockerfile builds). go list runs with the same settings
 * so both ways of finding main packages agree.
 */
export const LIST_BUILD_ENV = {
  GOOS: "linux",
  GOARCH: "amd64",
  GOAMD64: "v1",
  CGO_ENABLED: "1",
} as const;

const KNOWN_OS = new Set(
  "aix android darwin dragonfly freebsd hurd illumos ios js linux nacl netbsd openbsd plan9 solaris wasip1 windows zos".split(
    " ",
  ),
);
const KNOWN_ARCH = new Set(
  "386 amd64 amd64p32 arm armbe arm64 arm64be loong64 mips mipsle mips64 mips64le mips64p32 mips64p32le ppc ppc64 ppc64le riscv riscv64 s390 s390x sparc sparc64 wasm".split(
    " ",
  ),
);
const TRUE_TAGS = new Set(["linux", "amd64", "unix", "gc", "cgo", "amd64.v1"]);

/**
 * A tag's value in that context. `goMinor` is the toolchain's minor version (release tags
 * go1.1..go1.N are set); undefined leaves go1.N tags open.
 */
export function matchTag(name: string, goMinor: number | undefined): Tri {
  if (TRUE_TAGS.has(name)) return true;
  const release = /^go1\.(\d+)$/.exec(name);
  if (release) return goMinor === undefined ? undefined : Number(release[1]) <= goMinor;
  // Default experiments differ per toolchain; boringcrypto is their old spelling.
  if (name.startsWith("goexperiment.") || name === "boringcrypto") return undefined;
  // Every other tag (other systems, ignore, tools, integration, ...) is unset without -tags.
  return false;
}

/**
 * A tag's value when building for GOOS=js or wasip1 with GOARCH=wasm (no cgo: the wasm port has
 * none). Neither is a "unix" system for build tags.
 */
export function matchWasmTag(goos: "js" | "wasip1", name: string): Tri {
  if (name === goos || name === "wasm" || name === "gc") return true;
  const release = /^go1\.(\d+)$/.exec(name);
  if (release || name.startsWith("goexperiment.") || name === "boringcrypto") return undefined;
  return false;
}

/** go/build goodOSArchFile: "x_windows.go", "x_arm64_test.go" only build on that system. */
export function goodOSArchFile(fileName: string): boolean {
  return goodOSArchFileFor(fileName, "linux", "amd64");
}

/** goodOSArchFile for another GOOS/GOARCH. */
export function goodOSArchFileFor(fileName: string, goos: string, goarch: string): boolean {
  const stem = fileName.split(".")[0] ?? "";
  const us = stem.indexOf("_");
  if (us < 0) return true;
  const l = stem.slice(us).split("_");
  if (l[l.length - 1] === "test") l.pop();
  const n = l.length;
  const last = l[n - 1] ?? "";
  const prev = l[n - 2] ?? "";
  if (n >= 2 && KNOWN_OS.has(prev) && KNOWN_ARCH.has(last)) return prev === goos && last === goarch;
  if (n >= 1 && (KNOWN_OS.has(last) || KNOWN_ARCH.has(last)))
    return last === goos || last === goarch;
  return true;
}
