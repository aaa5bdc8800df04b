import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createFsStorage } from "../src/proxy/storage/fs.js";
import { goDownload, putModule } from "./helpers/storage-suite.js";

const temp = (prefix: string) => mkdtempSync(join(tmpdir(), `gopave-${prefix}-`));

describe("the go command reads filesystem storage as GOPROXY=file://", () => {
  it("downloads modules put there, case-encoded paths included, and resolves @latest from list", async () => {
    const root = temp("fs-go");
    const s = await createFsStorage(root);
    await putModule(s, "example.com/m", "v1.0.0");
    await putModule(s, "example.com/m", "v1.1.0");
    await putModule(s, "example.com/Upper/Case", "v1.0.0-RC1");
    await s.putAnswer("list", "example.com/m", {
      body: "v1.0.0\nv1.1.0\n",
      status: 200,
      fetchedAt: Date.now(),
    });
    await s.close();

    const [m, upper] = goDownload(root, [
      "example.com/m@v1.0.0",
      "example.com/Upper/Case@v1.0.0-RC1",
    ]);
    expect(m).toMatchObject({ Path: "example.com/m", Version: "v1.0.0" });
    expect(m?.Error).toBeUndefined();
    expect(m?.Sum).toMatch(/^h1:/);
    expect(readFileSync(join(m?.Dir ?? "", "lib.go"), "utf8")).toContain('"v1.0.0"');
    expect(upper).toMatchObject({ Path: "example.com/Upper/Case", Version: "v1.0.0-RC1" });
    expect(upper?.Error).toBeUndefined();

    const [latest] = goDownload(root, ["example.com/m@latest"]);
    expect(latest).toMatchObject({ Path: "example.com/m", Version: "v1.1.0" });
  });

  it("reports a module it does not have as not found", async () => {
    const root = temp("fs-go-missing");
    await (await createFsStorage(root)).close();
    const [missing] = goDownload(root, ["example.com/absent@v1.0.0"]);
    expect(missing?.Error).toMatch(/not found|no such file/i);
  });
});
