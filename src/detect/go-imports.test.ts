import { describe, expect, it } from "vitest";
import { parseImports } from "./go-imports.js";

describe("parseImports", () => {
  it("reads grouped, named, dot, blank and raw-string imports after comments", () => {
    const src = [
      "// Copyright",
      "/* block */ package main // trailing",
      "",
      'import "fmt"',
      "import (",
      '\t_ "github.com/lib/pq" // driver',
      '\tpg "github.com/jackc/pgx/v5"',
      '\t. "example.com/dot"',
      "\t`example.com/raw`",
      '\t"C"',
      ")",
      'import x "example.com/x"; import "example.com/y"',
      "",
      "func main() {}",
      'var _ = "import \\"not/this\\""',
    ].join("\n");
    expect(parseImports(src)).toEqual([
      "fmt",
      "github.com/lib/pq",
      "github.com/jackc/pgx/v5",
      "example.com/dot",
      "example.com/raw",
      "C",
      "example.com/x",
      "example.com/y",
    ]);
  });

  it("returns nothing for a file without a package clause", () => {
    expect(parseImports('import "fmt"\n')).toEqual([]);
  });
});
