import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findHealthPath, findPort } from "./ports.js";

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "gopave-ports-"));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(root, rel, ".."), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

const port = (files: Record<string, string>, dirs: [string, number][]) =>
  findPort(
    tree(files),
    dirs.map(([dir, depth]) => ({ dir, depth })),
  );

describe("findPort", () => {
  it.each([
    ["a literal in a Listen call", 'http.ListenAndServe(":8081", mux)', 8081, "listen call"],
    [
      "a flag default",
      'addr := flag.String("listen-addr", "0.0.0.0:7070", "serve here")',
      7070,
      "default",
    ],
    [
      "a cobra flag with a shorthand",
      'cmd.Flags().IntVarP(&port, "port", "p", 8080, "port")',
      8080,
      "default",
    ],
    [
      "a kingpin default on the next line",
      'a.Flag("web.listen-address", "x").\n\t\tDefault("0.0.0.0:9090").String()',
      9090,
      "default",
    ],
    [
      "a urfave/cli flag",
      '&cli.StringFlag{\n\tName:  "server-listen",\n\tValue: ":8000",\n}',
      8000,
      "default",
    ],
    [
      "a struct tag default",
      'Port int `long:"port" env:"APP_PORT" default:"8443"`',
      8443,
      "default",
    ],
    ["an env helper with a default", 'addr := getenv("HTTP_ADDR", ":3000")', 3000, "default"],
  ])("%s", (_, line, want, kind) => {
    const found = port({ "cmd/app/main.go": `package main\n\nfunc main() {\n\t${line}\n}\n` }, [
      ["cmd/app", 0],
    ]);
    expect(found).toMatchObject({ port: want, kind, file: "cmd/app/main.go" });
  });

  it("ignores where the app connects to, and numbers that are not ports", () => {
    const found = port(
      {
        "main.go": [
          "package main",
          'var redis = flag.String("redis-addr", "127.0.0.1:6390", "redis")',
          'var db = getenv("DATABASE_PORT", "5433")',
          "const minPort = 10000",
          'var upstream = flag.String("upstream-addr", ":9999", "proxy to")',
          "",
        ].join("\n"),
      },
      [[".", 0]],
    );
    expect(found).toBeUndefined();
  });

  it("takes the nearest package's listener; metrics and admin ports only when there is no other", () => {
    const files = {
      "main.go": 'package main\n\nvar m = flag.String("metrics-addr", ":9100", "metrics")\n',
      "internal/server/server.go":
        'package server\n\nvar a = flag.String("http-addr", ":8088", "api")\n',
    };
    expect(
      port(files, [
        [".", 0],
        ["internal/server", 1],
      ]),
    ).toMatchObject({ port: 8088 });
    expect(port(files, [[".", 0]])).toMatchObject({ port: 9100 });
  });

  it("reads struct literal fields only in the main package and its direct imports", () => {
    const files = { "plugin/aws/ec2.go": "package aws\n\nvar Default = Config{\n\tPort: 80,\n}\n" };
    expect(port(files, [["plugin/aws", 2]])).toBeUndefined();
    expect(port(files, [["plugin/aws", 1]])).toMatchObject({ port: 80 });
  });
});

describe("findHealthPath", () => {
  it("prefers /healthz, then /health, /livez, /readyz, /-/healthy, /ping", () => {
    const root = tree({ "a/a.go": 'r.Get("/ping", h)\nr.Get("/health", h)\n' });
    expect(findHealthPath(root, ["a"])).toBe("/health");
  });
});
