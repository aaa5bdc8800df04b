import { execFileSync, spawnSync } from "node:child_process";
import { Copy, Entrypoint, Env, Run, User } from "dockerfile-ast";
import { describe, expect, it } from "vitest";
import { generateDevcontainer } from "../src/generate/devcontainer.js";
import { generateDevcontainerDockerfile } from "../src/generate/devcontainer-dockerfile.js";
import { generateDockerfile } from "../src/generate/dockerfile.js";
import { moduleEnv } from "../src/generate/module-env.js";
import type { GenerateContext } from "../src/generate/types.js";
import { NONROOT_UID } from "../src/spec/images.js";
import type { AppSpec } from "../src/spec/schema.js";
import {
  argDefaults,
  commandAfterFlags,
  CONTAINER_CASES,
  first,
  isExecForm,
  keyword,
  must,
  parseStages,
  stageByName,
  unquoteDockerfileValue,
} from "./generate-container-helpers.js";
import type { ParsedDockerfile, Stage } from "./generate-container-helpers.js";
import { exampleSpec, makeContext } from "./helpers/spec.js";

function dockerfileText(ctx: GenerateContext): string {
  const files = generateDockerfile(ctx);
  expect(files.map((f) => f.path)).toEqual(["Dockerfile"]);
  const f = must(files[0], "Dockerfile");
  if (f.format !== "text") throw new Error("Dockerfile must be text");
  return f.text;
}

/** The stages a stage is built on, itself first, following FROM <stage>. */
function chain(parsed: ParsedDockerfile, stage: Stage): Stage[] {
  const out = [stage];
  for (;;) {
    const base = parsed.stages.find((s) => s.name === out.at(-1)?.from.getImage());
    if (!base) return out;
    out.push(base);
  }
}

/**
 * The flags between -trimpath and -o: -mod=vendor with vendor/, the app's tags, then for a
 * release build gopave's `own` linker flags before the app's; a debug build keeps the app's minus
 * -s/-w after its -gcflags.
 */
function buildFlags(app: AppSpec, own: string | undefined, vendored: boolean): string {
  const vendor = vendored ? ["-mod=vendor"] : [];
  const tags = app.tags.length > 0 ? [`-tags=${app.tags.join(",")}`] : [];
  const appLd = (app.ldflags ?? "").split(" ").filter((w) => w !== "");
  const ld = own !== undefined ? [own, ...appLd] : appLd.filter((w) => w !== "-s" && w !== "-w");
  const quoted = ld.length > 1 ? `'${ld.join(" ")}'` : ld.join(" ");
  const ldflag = ld.length > 0 ? [`-ldflags=${quoted}`] : [];
  return (
    own !== undefined
      ? [...vendor, ...tags, ...ldflag]
      : [...vendor, ...tags, `-gcflags="all=-N -l"`, ...ldflag]
  ).join(" ");
}

const uses = (text: string, v: string) => text.includes(`$${v}`) || text.includes(`\${${v}}`);

const WITH_APPS = Object.entries(CONTAINER_CASES).filter(([, make]) => make().spec.apps.length > 0);

describe.each(Object.entries(CONTAINER_CASES))("dev container Dockerfile: %s", (_name, make) => {
  const ctx = make();
  const [file] = generateDevcontainerDockerfile(ctx);
  if (file?.format !== "text") throw new Error("expected a text file");
  const parsed = parseStages(file.text);

  it("builds the dev container as vscode with the module settings and every pinned tool", () => {
    expect(file.path).toBe(".devcontainer/Dockerfile");
    expect(file.text.split("\n")[0]).toBe("# syntax=docker/dockerfile:1");
    expect(parsed.stages.map((s) => s.name)).toEqual(["dev"]);
    const dev = stageByName(parsed, "dev");
    expect(dev.from.getPlatformFlag()).toBeNull();
    const env = dev.instructions
      .filter((i): i is Env => i instanceof Env)
      .flatMap((e) =>
        e.getProperties().map((p) => [p.getName(), unquoteDockerfileValue(p.getValue() ?? "")]),
      );
    expect(env).toEqual(moduleEnv(ctx.spec));
    const users = dev.instructions
      .filter((i): i is User => i instanceof User)
      .map((u) => u.getArguments()[0]?.getValue());
    expect(users).toEqual(["vscode"]);
    const installs = dev.instructions
      .filter((i) => i instanceof Run)
      .map((r) => r.getTextContent())
      .join("\n");
    for (const t of ctx.tools) expect(installs).toContain(`go install ${t.package}@${t.version}`);
    expect(installs).not.toMatch(/@latest/);
  });

  it("leaves the cache volumes' directories outside the user's home writable for any uid", () => {
    // The dev container tools renumber vscode to the developer's uid (updateRemoteUserUID) and
    // re-own only its home; Docker seeds a new volume with the image directory's owner and mode.
    const home = /--home-dir (\S+)/.exec(file.text)?.[1];
    if (!home) throw new Error("the dev stage creates no home directory");
    const targets = generateDevcontainer(ctx).flatMap((f) => {
      if (!("data" in f)) return [];
      const data = f.data as {
        mounts?: string[];
        services?: { dev?: { volumes?: string[] } };
      };
      const mounts = (data.mounts ?? []).flatMap((m) =>
        m.includes("type=volume") ? [/target=([^,]+)/.exec(m)?.[1] ?? ""] : [],
      );
      const composed = (data.services?.dev?.volumes ?? []).flatMap((v) => {
        const [source = "", target = ""] = v.split(":");
        return /^[./~$]/.test(source) ? [] : [target];
      });
      return [...mounts, ...composed];
    });
    const outside = targets.filter((t) => !t.startsWith(`${home}/`));
    expect(outside).not.toEqual([]);
    const dev = stageByName(parsed, "dev");
    const beforeUser = dev.instructions.slice(
      0,
      dev.instructions.findIndex((i) => i instanceof User),
    );
    const runs = beforeUser
      .filter((i) => i instanceof Run)
      .map((r) => r.getTextContent())
      .join("\n");
    for (const t of outside) expect(runs).toMatch(new RegExp(`chmod 1777 (\\S+ )*${t}(\\s|$)`));
  });
});

it("a library has no app image, so no Dockerfile", () => {
  const library = Object.entries(CONTAINER_CASES).find(([, make]) => make().spec.apps.length === 0);
  expect(library).toBeDefined();
  expect(generateDockerfile((library?.[1] as () => GenerateContext)())).toEqual([]);
});

describe.each(WITH_APPS)("Dockerfile structure: %s", (_name, make) => {
  const ctx = make();
  const vendored = ctx.repo.vendor === true;
  const text = dockerfileText(ctx);
  const parsed = parseStages(text);
  const apps = ctx.spec.apps;

  it("starts with the syntax directive, which the marker must not displace", () => {
    expect(text.split("\n")[0]).toBe("# syntax=docker/dockerfile:1");
    const d = parsed.dockerfile.getDirectives()[0];
    expect([d?.getName(), d?.getValue()]).toEqual(["syntax", "docker/dockerfile:1"]);
  });

  it("has unique stage names, and FROM / COPY --from refer to earlier stages or images", () => {
    const names = parsed.stages.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    parsed.stages.forEach((s, i) => {
      const earlier = names.slice(0, i);
      for (const c of s.instructions.filter((x): x is Copy => x instanceof Copy)) {
        const from = c.getFromFlag()?.getValue();
        // Or a named build context the header comment says to pass (--build-context NAME=DIR).
        if (from && !text.includes(`--build-context ${from}=`)) expect(earlier).toContain(from);
      }
    });
  });

  it("declares ARG TARGETOS/TARGETARCH in every stage that uses them, before use", () => {
    for (const s of parsed.stages) {
      const declared = new Set<string>();
      for (const ins of s.instructions) {
        for (const v of ["TARGETOS", "TARGETARCH"]) {
          if (keyword(ins) !== "ARG" && uses(ins.getTextContent(), v)) {
            expect(declared, `${s.name}: ${v} used before ARG`).toContain(v);
          }
        }
        if (keyword(ins) === "ARG")
          for (const [n] of argDefaults({ ...s, instructions: [ins] })) declared.add(n);
      }
    }
  });

  it("has no HEALTHCHECK: distroless and scratch have no shell or probe tool", () => {
    expect(
      parsed.stages.flatMap((s) => s.instructions).filter((i) => keyword(i) === "HEALTHCHECK"),
    ).toEqual([]);
  });

  it("uses exec-form ENTRYPOINTs only", () => {
    const entrypoints = parsed.stages
      .flatMap((s) => s.instructions)
      .filter((i): i is Entrypoint => i instanceof Entrypoint);
    for (const e of entrypoints) expect(isExecForm(e), e.getTextContent()).toBe(true);
  });

  it("ends with the first app's image, the default `docker build` target", () => {
    expect(parsed.stages.at(-1)?.name).toBe(apps[0]?.name);
  });

  it("takes module settings as build args with the spec's values as defaults", () => {
    const deps = stageByName(parsed, "deps");
    expect(deps.from.getPlatformFlag()?.getValue()).toBe("$BUILDPLATFORM");
    const args = argDefaults(deps).map(([k, v]) => [k, unquoteDockerfileValue(v ?? "")]);
    const fromSpec = moduleEnv(ctx.spec);
    const declared = new Set(fromSpec.map(([k]) => k));
    // GOPROXY/GOSUMDB/GOPRIVATE are build args even when the spec leaves them to Go (empty = default).
    const always = ["GOPROXY", "GOSUMDB", "GOPRIVATE"]
      .filter((k) => !declared.has(k))
      .map((k) => [k, ""]);
    expect(args).toEqual([...fromSpec, ...always]);
  });

  it(
    ctx.repo.vendor
      ? "downloads nothing with vendor/, and copies the source"
      : "copies module files, then downloads, then copies the source",
    () => {
      const ordered = parsed.stages.flatMap((s) =>
        s.instructions.map((i) => ({ stage: s.name, text: i.getTextContent() })),
      );
      const at = (pred: (t: string) => boolean) => ordered.findIndex((o) => pred(o.text));
      const copyMod = at((t) => /^COPY .*go\.mod/.test(t));
      const download = at((t) => t.startsWith("RUN") && t.includes("go mod download"));
      const copySrc = at((t) => t === "COPY . .");
      if (ctx.repo.vendor) {
        expect(download).toBe(-1);
        expect(ordered[copySrc]?.stage).toBe("src");
        return;
      }
      expect(copyMod).toBeGreaterThanOrEqual(0);
      expect(copyMod).toBeLessThan(download);
      expect(download).toBeLessThan(copySrc);
      expect(ordered[copySrc]?.stage).toBe("src");
      expect(stageByName(parsed, "src").from.getImage()).toBe("deps");
    },
  );

  for (const app of apps) {
    it(`${app.name}: cross-compiles only pure Go, and ships as ${NONROOT_UID} with an exec ENTRYPOINT`, () => {
      const build = stageByName(parsed, `build-${app.name}`);
      const stages = chain(parsed, build);
      const run = first(build, Run).getTextContent();
      if (app.cgo) {
        // A cgo build needs the target's C toolchain: no stage of its chain may pin BUILDPLATFORM.
        for (const s of stages) expect(s.from.getPlatformFlag(), s.name).toBeNull();
        expect(run).toContain("CGO_ENABLED=1");
        expect(run).not.toMatch(/GOARCH/);
      } else {
        expect(stages.at(-1)?.from.getPlatformFlag()?.getValue()).toBe("$BUILDPLATFORM");
        expect(run).toContain(
          `CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -trimpath ${buildFlags(app, "-s", vendored)}`,
        );
      }
      expect(run).toContain(`-o /out/${app.name} ${app.main}`);

      const rt = stageByName(parsed, app.name);
      const kinds = rt.instructions.map(keyword);
      expect(rt.instructions.find((i) => i instanceof User)?.getTextContent()).toBe(
        `USER ${NONROOT_UID}:${NONROOT_UID}`,
      );
      expect(kinds.filter((k) => k === "USER")).toHaveLength(1);
      const entry = first(rt, Entrypoint);
      expect(entry.getJSONStrings().map((s) => s.getJSONValue())).toEqual([`/${app.name}`]);
      const expose = rt.instructions
        .filter((i) => keyword(i) === "EXPOSE")
        .map((i) => i.getTextContent());
      expect(expose).toEqual(app.port === undefined ? [] : [`EXPOSE ${app.port}`]);
      const copies = rt.instructions
        .filter((i): i is Copy => i instanceof Copy)
        .map((c) => c.getTextContent());
      expect(copies).toContain(`COPY --from=build-${app.name} /out/${app.name} /${app.name}`);
    });

    it(`${app.name}: the debug target runs dlv headless with a debug build`, () => {
      const debug = stageByName(parsed, `${app.name}-debug`);
      const dlv = must(
        ctx.tools.find((t) => t.name === "dlv"),
        "dlv pin",
      );
      // dlv comes from a stage built before the sources are copied: a source edit keeps it cached.
      const from = first(debug, Copy);
      expect(from.getTextContent()).toBe("COPY --from=debug-base /go/bin/dlv /go/bin/dlv");
      const base = chain(parsed, stageByName(parsed, "debug-base"));
      const baseText = base.flatMap((s) => s.instructions).map((i) => i.getTextContent());
      expect(baseText.join("\n")).toContain(`go install ${dlv.package}@${dlv.version}`);
      expect(baseText).not.toContain("COPY . .");
      expect(chain(parsed, debug).map((s) => s.name)).toContain("src");
      const run = first(debug, Run).getTextContent();
      expect(run).toContain(
        `go build -trimpath ${buildFlags(app, undefined, vendored)} -o /out/${app.name} ${app.main}`,
      );
      // No -s or -w: Delve needs the symbol table and DWARF.
      expect(run).not.toMatch(/-ldflags=\S*-[sw]\b/);
      const entry = first(debug, Entrypoint);
      const argv = entry.getJSONStrings().map((s) => s.getJSONValue());
      expect(argv.slice(0, 3)).toEqual(["dlv", "exec", `/out/${app.name}`]);
      // --continue is refused without both --headless and --accept-multiclient.
      expect(argv).toEqual(
        expect.arrayContaining([
          "--headless",
          "--accept-multiclient",
          "--continue",
          "--listen=:2345",
        ]),
      );
    });
  }
});

describe("Dockerfile RUN commands pass shellcheck", () => {
  it("shellcheck is installed (the tests need it; .ci/run installs it)", () => {
    expect(spawnSync("shellcheck", ["--version"]).status).toBe(0);
  });
  for (const [name, make] of Object.entries(CONTAINER_CASES)) {
    it(name, () => {
      const ctx = make();
      const texts = [...generateDockerfile(ctx), ...generateDevcontainerDockerfile(ctx)].map((f) =>
        f.format === "text" ? f.text : "",
      );
      expect(texts.length).toBeGreaterThan(0);
      for (const text of texts) {
        for (const stage of parseStages(text).stages) {
          for (const run of stage.instructions.filter((i): i is Run => i instanceof Run)) {
            // RUN's shell form runs under /bin/sh -c; throws with shellcheck's findings.
            execFileSync("shellcheck", ["--shell=sh", "-"], {
              input: commandAfterFlags(text, run),
            });
          }
        }
      }
    });
  }
});

describe("Dockerfile variants", () => {
  it("has no debug stages when no dlv is pinned", () => {
    const ctx = makeContext(exampleSpec({ tools: { gopls: "v0.23.0" } }));
    const names = parseStages(dockerfileText(ctx)).stages.map((s) => s.name);
    expect(names.filter((n) => n.includes("debug"))).toEqual([]);
    expect(names.at(-1)).toBe("api");
  });

  it("mounts the netrc secret for downloads only when modules are private", () => {
    const pub = dockerfileText(makeContext(exampleSpec({ modules: { private: [], flags: [] } })));
    expect(pub).not.toContain("type=secret");
    const priv = dockerfileText(makeContext(exampleSpec()));
    const deps = stageByName(parseStages(priv), "deps");
    const download = first(deps, Run);
    expect(download.getFlags().map((f) => f.toString())).toContain(
      "--mount=type=secret,id=netrc,target=/root/.netrc",
    );
  });

  it("builds cgo apps for alpine on the musl builder with a C compiler", () => {
    const ctx = makeContext(
      exampleSpec({
        image: { runtime: "alpine" },
        apps: [{ name: "api", main: "./cmd/api", cgo: true }],
      }),
    );
    const parsed = parseStages(dockerfileText(ctx));
    const src = stageByName(parsed, stageByName(parsed, "build-api").from.getImage() ?? "");
    expect(src.from.getImage()).toBe("golang:1.26.8-alpine");
    expect(src.instructions.map((i) => i.getTextContent())).toContain(
      "RUN apk add --no-cache build-base",
    );
    expect(stageByName(parsed, "api").from.getImage()).toBe("alpine:3.22");
  });

  it("quotes values with spaces so Docker keeps them one value", () => {
    const ctx = makeContext(
      exampleSpec({ modules: { private: [], flags: ["-mod=readonly", "-trimpath"] } }),
    );
    const text = dockerfileText(ctx);
    expect(text).toContain('ARG GOFLAGS="-mod=readonly -trimpath"');
    const dev = generateDevcontainerDockerfile(ctx)[0];
    expect(dev?.format === "text" ? dev.text : "").toContain(
      '    GOFLAGS="-mod=readonly -trimpath"',
    );
  });
});

describe("Dockerfile wasm stages", () => {
  it("a library with wasm programs gets only the wasm stages; the first program's export is last", () => {
    const parsed = parseStages(dockerfileText(CONTAINER_CASES["wasm"]?.() ?? raise()));
    expect(parsed.stages.map((s) => s.name)).toEqual([
      "deps",
      "src",
      "build-calc-wasm",
      "build-calc-web-wasm",
      "calc-web-wasm",
      "calc-wasm",
    ]);
    const exp = stageByName(parsed, "calc-wasm");
    expect(exp.from.getImage()).toBe("scratch");
    expect(
      exp.instructions.filter((i) => i instanceof Copy).map((c) => c.getTextContent()),
    ).toEqual(["COPY --from=build-calc-wasm /out/ /"]);
    const build = stageByName(parsed, "build-calc-wasm");
    expect(build.from.getImage()).toBe("src");
    const run = commandAfterFlags(
      dockerfileText(CONTAINER_CASES["wasm"]?.() ?? raise()),
      first(build, Run),
    );
    expect(run.split(/\s*&&\s*/)).toEqual([
      "GOOS=js GOARCH=wasm go build -trimpath -ldflags=-s -o /out/js/calc.wasm ./cmd/calc",
      'cp "$(go env GOROOT)/lib/wasm/wasm_exec.js" /out/js/',
      "GOOS=wasip1 GOARCH=wasm go build -trimpath -ldflags=-s -o /out/wasip1/calc.wasm ./cmd/calc",
    ]);
  });

  it("with apps, the wasm stages come before the app images, so the default target stays an app", () => {
    const text = dockerfileText(CONTAINER_CASES["wasm-apps"]?.() ?? raise());
    const names = parseStages(text).stages.map((s) => s.name);
    expect(names.indexOf("calc-wasm")).toBeLessThan(names.indexOf("worker"));
    expect(names.at(-1)).toBe("api");
    // Go 1.23 keeps the support files in misc/wasm; vendor/ builds with -mod=vendor.
    expect(text).toContain('cp "$(go env GOROOT)/misc/wasm/wasm_exec.js" /out/js/');
    expect(text).toContain("go build -trimpath -ldflags=-s -mod=vendor -o /out/js/calc.wasm");
  });

  it("the dev container gets Node for js targets only", () => {
    const devText = (ctx: GenerateContext) => {
      const f = generateDevcontainerDockerfile(ctx)[0];
      return f?.format === "text" ? f.text : raise();
    };
    expect(devText(CONTAINER_CASES["wasm"]?.() ?? raise())).toContain(
      "apt-get install -y --no-install-recommends nodejs",
    );
    const wasiOnly = makeContext(
      exampleSpec({ wasm: [{ name: "c", main: "./cmd/c", targets: ["wasip1"] }] }),
    );
    expect(devText(wasiOnly)).not.toContain("nodejs");
    expect(devText(wasiOnly)).toContain(
      "go install github.com/tetratelabs/wazero/cmd/wazero@v1.12.0",
    );
  });
});

function raise(): never {
  throw new Error("missing test case");
}
