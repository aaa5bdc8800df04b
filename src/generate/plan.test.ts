import { describe, expect, it } from "vitest";
import { sha256 } from "./manifest.js";
import { planSync } from "./plan.js";
import { SECTION_BEGIN, SECTION_END } from "./render.js";
import type { RenderedFile } from "./render.js";

const file = (path: string, content: string): RenderedFile => ({
  path,
  content,
  executable: false,
  section: false,
});

describe("planSync", () => {
  it("creates missing files, leaves equal ones, updates untouched ones", () => {
    const disk: Record<string, string> = { b: "old b", c: "same" };
    const actions = planSync({
      desired: [file("a", "new a"), file("b", "new b"), file("c", "same")],
      manifest: { files: { b: { sha256: sha256("old b") }, c: { sha256: sha256("same") } } },
      read: (p) => disk[p],
    });
    expect(actions.map((a) => [a.path, a.kind])).toEqual([
      ["a", "create"],
      ["b", "update"],
      ["c", "unchanged"],
    ]);
  });

  it("refuses files edited since gopave wrote them and files it never wrote", () => {
    const disk: Record<string, string> = { edited: "hand edit", mine: "someone's file" };
    const actions = planSync({
      desired: [file("edited", "generated"), file("mine", "generated")],
      manifest: { files: { edited: { sha256: sha256("generated v1") } } },
      read: (p) => disk[p],
    });
    expect(actions.map((a) => a.kind)).toEqual(["edited", "unowned"]);
  });

  it("removes files no longer generated, unless edited", () => {
    const disk: Record<string, string> = { gone: "x", keep: "edited" };
    const actions = planSync({
      desired: [],
      manifest: {
        files: {
          gone: { sha256: sha256("x") },
          keep: { sha256: sha256("orig") },
          absent: { sha256: "0" },
        },
      },
      read: (p) => disk[p],
    });
    expect(actions.map((a) => [a.path, a.kind, a.after])).toEqual([
      ["gone", "delete", undefined],
      ["keep", "edited", undefined],
    ]);
  });

  it("owns only its block of a shared file", () => {
    const block = `${SECTION_BEGIN}\n.env\n${SECTION_END}\n`;
    const section: RenderedFile = {
      path: ".gitignore",
      content: block,
      executable: false,
      section: true,
    };
    const [add] = planSync({
      desired: [section],
      manifest: { files: {} },
      read: () => "node_modules/\n",
    });
    expect(add?.kind).toBe("update");
    expect(add?.after).toBe(`node_modules/\n\n${block}`);
    const [same] = planSync({
      desired: [section],
      manifest: { files: {} },
      read: () => `bin/\n\n${block}`,
    });
    expect(same?.kind).toBe("unchanged");
    const [drop] = planSync({
      desired: [],
      manifest: { files: { ".gitignore": { sha256: sha256(block), section: true } } },
      read: () => `bin/\n${block}tail\n`,
    });
    expect(drop).toMatchObject({ kind: "delete", after: "bin/\ntail\n" });
  });
});
