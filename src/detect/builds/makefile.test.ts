import { describe, expect, it } from "vitest";
import { makefileBuilds, makeTargetRuns } from "./makefile.js";

const mk = (...lines: string[]) => `${lines.join("\n")}\n`;
const built = (text: string, path = "Makefile") =>
  makefileBuilds(path, text).map((b) => [b.target, b.tags, b.ldflags, b.cgo]);

describe("makefileBuilds", () => {
  it("expands variables, define/call with arguments, and automatic variables", () => {
    const text = mk(
      "GO ?= go",
      "TAGS := netgo",
      "LDFLAGS = -s -w -X main.edition=oss -X main.version=$(VERSION)",
      "VERSION != git describe",
      "define GOBUILD",
      'CGO_ENABLED=0 $(GO) build -tags $(TAGS) -ldflags "$(LDFLAGS)" -o bin/$(1)',
      "endef",
      "cmd/api/api: $(wildcard cmd/api/*.go)",
      "\t$(call GOBUILD,api) ./$(@D)",
      "worker:",
      "\t@$(GO) build -buildmode=pie -o $@ ./cmd/worker/main.go",
      "plugin:",
      "\tgo build -buildmode=c-shared -o out.so ./cmd/plugin",
    );
    expect(built(text)).toEqual([
      ["./cmd/api", ["netgo"], "-X main.edition=oss", false],
      ["./cmd/worker", [], undefined, undefined],
    ]);
  });

  it("follows target-specific variables into pattern rules, and takes an ifeq's first branch", () => {
    const text = mk(
      "ifeq ($(DEBUG),)",
      "\tOPT =",
      "else",
      '\tOPT = -gcflags="all=-N -l"',
      "endif",
      "BIN_PATH = ./cmd/$(BIN_NAME)",
      "_build-%:",
      "\tgo build $(OPT) -o $(BIN_PATH)/$(BIN_NAME) $(BIN_PATH)",
      "build-server: BIN_NAME = server",
      "build-server: _build-server",
      "build-cli: BIN_NAME = cli",
      "build-cli: _build-cli",
    );
    expect(built(text, "scripts/build.mk").map((b) => b[0])).toEqual(["./cmd/server", "./cmd/cli"]);
  });

  it("resolves package paths against the Makefile's folder; included *.mk files against the root", () => {
    const text = mk("build:", "\tgo build ./cmd/x");
    expect(makefileBuilds("tools/Makefile", text)[0]?.cwd).toBe("tools");
    expect(makefileBuilds("tools/build.mk", text)[0]?.cwd).toBe(".");
  });
});

describe("makeTargetRuns", () => {
  it("follows prerequisites and recursive make calls", () => {
    const text = mk(
      "test: lint unit",
      "lint:",
      "\tgolangci-lint run",
      "unit:",
      "\t$(MAKE) -C . go-test",
      "go-test:",
      "\tgo test -race ./...",
    );
    expect(makeTargetRuns(text, "test", /go test/)).toBe(true);
    expect(makeTargetRuns(text, "lint", /go test/)).toBe(false);
  });
});
