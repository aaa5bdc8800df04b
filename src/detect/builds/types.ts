/** A binary the repo already builds, and where it says so. */
export interface ShippedBuild {
  source: "goreleaser" | "dockerfile" | "makefile";
  file: string;
  line: number;
  /** The main package, as the repo names it: "./cmd/x", ".", an import path, or a "/..." pattern. */
  target: string;
  /** Repo-relative POSIX directory the target is relative to. */
  cwd: string;
  tags: string[];
  /** Linker flags worth keeping (see keptLdflags); undefined when none. */
  ldflags: string | undefined;
  /** CGO_ENABLED as the build sets it; undefined when it does not. */
  cgo: boolean | undefined;
  /** The binary's name, where a release config names it (GoReleaser `binary`). */
  binary?: string;
}
